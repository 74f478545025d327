/** The contract's bucketings (docs/data-contract.md §5), on exact cents and integer stock. */

/** `high_value` CLV ≥ 1000; `medium_value` ≥ 250; `low_value` > 0; `prospect` otherwise. */
export function customerSegment(clvCents: bigint): string {
    if (clvCents >= 100_000n) return "high_value";
    if (clvCents >= 25_000n) return "medium_value";
    if (clvCents > 0n) return "low_value";
    return "prospect";
}

/** `budget` price < 25; `standard` < 100; `premium` < 500; `luxury` ≥ 500. NULL price → NULL. */
export function priceCategory(priceCents: bigint | null): string | null {
    if (priceCents === null) return null;
    if (priceCents < 2_500n) return "budget";
    if (priceCents < 10_000n) return "standard";
    if (priceCents < 50_000n) return "premium";
    return "luxury";
}

/**
 * `out_of_stock` stock = 0; `low_stock` 1–10; `in_stock` > 10. NULL or negative stock → NULL (outside the contract).
 */
export function inventoryStatus(stock: number | null): string | null {
    if (stock === null || stock < 0) return null;
    if (stock === 0) return "out_of_stock";
    if (stock <= 10) return "low_stock";
    return "in_stock";
}

/** A revenue-bearing order is one whose current status is not `cancelled`. */
export function isRevenueBearing(status: string | null): boolean {
    return status !== "cancelled";
}
