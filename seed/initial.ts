/**
 * The initial load: customers, products and orders as they stand at the snapshot time, in
 * insertion order (each collection sorted by creation time, ids ascending like real ones).
 * Orders reference existing customers and products, with the unit price each product had
 * when the order was placed, and a status aged realistically up to the snapshot.
 */
import type { DocumentFactory } from "./factories";
import { priceCentsFor } from "./factories";
import { statusAt } from "./lifecycle";
import { centsToMoney, moneyToCents } from "./money";
import type { CustomerDoc, OrderDoc, OrderItem, ProductDoc } from "./model";
import type { ObjectIdFactory } from "./objectid";
import type { Prng } from "./prng";

const DAY = 86_400_000;

/** Documents of the initial load, per collection, in insertion order. */
export interface InitialLoad {
    customers: CustomerDoc[];
    products: ProductDoc[];
    orders: OrderDoc[];
}

/** Sizes of the initial load. */
export interface InitialSizes {
    customers: number;
    products: number;
    orders: number;
}

/** Number of lines of an order: 1 most often, up to 5. */
export function lineCount(rng: Prng): number {
    return Number(rng.weighted({ "1": 40, "2": 25, "3": 17, "4": 10, "5": 8 }));
}

/** Quantity of one order line: mostly 1–2. */
export function lineQuantity(rng: Prng): number {
    return Number(rng.weighted({ "1": 55, "2": 25, "3": 10, "4": 6, "5": 4 }));
}

function sortedTimes(n: number, from: number, to: number, rng: Prng): number[] {
    const times: number[] = new Array(n);
    for (let i = 0; i < n; i++) times[i] = from + Math.floor(rng.next() * (to - from));
    return times.sort((a, b) => a - b);
}

/**
 * Builds the initial load for `baseTime` (the snapshot time). Everything is dated at least two
 * minutes before it. Orders are only generated when there are customers and products.
 */
export function buildInitialLoad(
    sizes: InitialSizes,
    baseTime: Date,
    rng: Prng,
    docs: DocumentFactory,
    ids: ObjectIdFactory,
): InitialLoad {
    const base = baseTime.getTime();
    const end = base - 2 * 60_000;

    // Products first (the catalogue predates most customers); some had a price change.
    const previousCents = new Map<string, { cents: number; until: number }>();
    const products: ProductDoc[] = [];
    for (const t of sortedTimes(sizes.products, base - 800 * DAY, base - 400 * DAY, rng)) {
        const createdAt = new Date(t);
        let p = docs.product(ids.next(createdAt), createdAt);
        if (rng.chance(0.3)) {
            const changedAt = t + DAY + Math.floor(rng.next() * (end - t - 2 * DAY));
            previousCents.set(p._id, { cents: priceCentsFor(p.category, rng), until: changedAt });
            p = { ...p, updated_at: new Date(changedAt) };
        }
        products.push(p);
    }

    const customers: CustomerDoc[] = [];
    for (const t of sortedTimes(sizes.customers, base - 730 * DAY, base - DAY, rng)) {
        const createdAt = new Date(t);
        let c = docs.customer(ids.next(createdAt), createdAt);
        if (rng.chance(0.2)) c = { ...c, updated_at: new Date(t + Math.floor(rng.next() * (end - t))) };
        customers.push(c);
    }

    const orders: OrderDoc[] = [];
    if (customers.length > 0 && products.length > 0) {
        // Pick each order's customer first (earlier customers order more), then its time
        // between the later of (registration, one year back) and the snapshot.
        const drafts: { customer: CustomerDoc; at: number }[] = new Array(sizes.orders);
        for (let i = 0; i < sizes.orders; i++) {
            const customer = customers[Math.floor(customers.length * Math.pow(rng.next(), 1.3))];
            const from = Math.max(customer.created_at.getTime(), base - 365 * DAY);
            drafts[i] = { customer, at: from + Math.floor(rng.next() * (end - from)) };
        }
        drafts.sort((a, b) => a.at - b.at);
        for (const d of drafts) {
            const orderedAt = new Date(d.at);
            const n = Math.min(lineCount(rng), products.length);
            const chosen = new Set<number>();
            while (chosen.size < n) chosen.add(Math.floor(rng.next() * products.length));
            const items: OrderItem[] = [];
            for (const idx of chosen) {
                const p = products[idx];
                const prev = previousCents.get(p._id);
                const cents = prev && d.at < prev.until ? prev.cents : moneyToCents(p.price);
                items.push({ product_id: p._id, quantity: lineQuantity(rng), unit_price: centsToMoney(cents) });
            }
            const { status, updatedAt } = statusAt(orderedAt, new Date(end), rng);
            orders.push({
                _id: ids.next(orderedAt),
                customer_id: d.customer._id,
                status,
                items,
                ordered_at: orderedAt,
                updated_at: updatedAt,
            });
        }
    }
    return { customers, products, orders };
}
