/**
 * Rule 7 of the reject rules: the field checks of a `c`/`r`/`u` document. A field absent or
 * JSON null is fine (NULL in silver); a field present with a value not of its type rejects the
 * row. The reasons are tried in {@link FIELD_REJECT_REASONS} order, whichever field fails:
 * the first reason with a failing field wins.
 */
import type { Collection } from "./documents";
import { fitsDecimal18 } from "./decimal";
import { BAD, NON_FINITE, centsOf, dateOf, int32Of, isObject, oidOf, stringOf, type JsonObject } from "./extjson";
import { FIELD_REJECT_REASONS, type FieldRejectReason } from "./types";

/** True when the document breaks the rule. */
type Broken = (doc: JsonObject) => boolean;

const present = (v: unknown): boolean => v !== undefined && v !== null;
const badString = (v: unknown): boolean => stringOf(v) === BAD;
const badDate = (v: unknown): boolean => dateOf(v) === BAD;
const anyBadString = (doc: JsonObject, fields: string[]): boolean => fields.some((f) => badString(doc[f]));

/** The customer's address, or an empty object when absent (or not an object: `bad_object` fired first). */
const address = (doc: JsonObject): JsonObject => (isObject(doc.address) ? doc.address : {});

/** The order's lines that are objects (when `items` is well-formed, all of them: `bad_items` fires first). */
const lines = (doc: JsonObject): JsonObject[] => (Array.isArray(doc.items) ? doc.items.filter(isObject) : []);

/** `items` present and not an array of objects each with a quantity and a unit_price. */
function badItems(items: unknown): boolean {
    if (!present(items)) return false;
    if (!Array.isArray(items)) return true;
    return items.some((l) => !isObject(l) || !present(l.quantity) || !present(l.unit_price));
}

/**
 * An order's amounts that do not fit the money type (docs/data-contract.md §6): a line total
 * (quantity × unit price) or the order total (Σ line totals) outside Decimal(18,2). Exact, in
 * bigint cents; lines whose quantity or price is not of its type are counted as 0 (an earlier
 * reason rejects them).
 */
function amountsOverflow(doc: JsonObject): boolean {
    let total = 0n;
    for (const l of lines(doc)) {
        const q = int32Of(l.quantity);
        const c = centsOf(l.unit_price);
        if (typeof q !== "number" || typeof c !== "bigint") continue;
        const line = BigInt(q) * c;
        if (!fitsDecimal18(line)) return true;
        total += line;
    }
    return !fitsDecimal18(total);
}

const CHECKS: Record<Collection, Partial<Record<FieldRejectReason, Broken>>> = {
    customers: {
        bad_object: (d) => present(d.address) && !isObject(d.address),
        bad_string: (d) =>
            anyBadString(d, ["first_name", "last_name", "email", "phone"]) ||
            anyBadString(address(d), ["street", "city", "state", "postal_code", "country"]),
        bad_date: (d) => badDate(d.created_at) || badDate(d.updated_at),
    },
    products: {
        bad_string: (d) => anyBadString(d, ["sku", "name", "category"]),
        bad_int: (d) => int32Of(d.stock_quantity) === BAD,
        bad_date: (d) => badDate(d.created_at) || badDate(d.updated_at),
        non_finite_decimal: (d) => centsOf(d.price) === NON_FINITE,
        bad_decimal: (d) => centsOf(d.price) === BAD,
    },
    orders: {
        bad_items: (d) => badItems(d.items),
        bad_oid: (d) => oidOf(d.customer_id) === BAD || lines(d).some((l) => oidOf(l.product_id) === BAD),
        bad_string: (d) => badString(d.status),
        bad_int: (d) => lines(d).some((l) => int32Of(l.quantity) === BAD),
        bad_date: (d) => badDate(d.ordered_at) || badDate(d.updated_at),
        non_finite_decimal: (d) => lines(d).some((l) => centsOf(l.unit_price) === NON_FINITE),
        bad_decimal: (d) => lines(d).some((l) => centsOf(l.unit_price) === BAD) || amountsOverflow(d),
    },
};

/** The first field-check reason the document fails, or null when every contract field reads as its type. */
export function fieldRejectReason(doc: JsonObject, collection: Collection): FieldRejectReason | null {
    const checks = CHECKS[collection];
    for (const reason of FIELD_REJECT_REASONS) {
        if (checks[reason]?.(doc)) return reason;
    }
    return null;
}
