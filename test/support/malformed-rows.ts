/**
 * Bronze rows that must become rejects (docs/data-contract.md §6; reasons and their order in
 * docs/analytics.md), one or more per reason, aimed at documents of the edge fixtures
 * (test/fixtures/bronze-edge) so that a reject that leaked into silver would visibly change it:
 * a newer-than-everything update of a live order with a bad price, a delete of a live order
 * without `source`, and so on. Offsets start far above the fixtures' so coordinates never clash.
 */
import { customerDoc, ext, orderDoc, productDoc, strictJson } from "./oracle/builder";
import type { Collection } from "./oracle/documents";
import type { BronzeRow } from "./oracle/types";

/** A live customer, product and order of the edge fixtures. */
const CUSTOMER = "65f0c3a1b2c3d4e5f6a7b801";
const PRODUCT = "65f0c3a1b2c3d4e5f6a7ba02";
const ORDER = "65f0c3a1b2c3d4e5f6a7bc01";
/** Newer than every fixture event, so a leaked row would win. */
const LATE = 1_900_000_000_000;

/** One malformed row and the reason it must be rejected with. */
export interface MalformedRow {
    collection: Collection;
    reason: string;
    row: BronzeRow;
}

function envelope(op: unknown, collection: Collection, fields: { after?: unknown; before?: unknown; source?: unknown } = {}): string {
    const source = "source" in fields ? fields.source : { version: "3.3.2.Final", connector: "mongodb", name: "mongo", ts_ms: LATE, snapshot: "false", db: "ecom", collection, ord: 1 };
    const doc = (d: unknown): unknown => (d === undefined || d === null || typeof d === "string" ? (d ?? null) : strictJson(d));
    return JSON.stringify({ before: doc(fields.before), after: doc(fields.after), updateDescription: null, source, op, ts_ms: LATE + 5, transaction: null });
}

/** The malformed rows, each with its intended reason. */
export function malformedRows(firstOffset = 1000): MalformedRow[] {
    let offset = firstOffset;
    const rows: MalformedRow[] = [];
    const add = (collection: Collection, reason: string, raw: string, key: string | null = null): void => {
        rows.push({ collection, reason, row: { raw_data: raw, _topic: `mongo.ecom.${collection}`, _partition: 0, _offset: offset++, _key: key } });
    };
    const key = (id: string): string => JSON.stringify({ id: strictJson(ext.oid(id)) });
    const order = (overrides: Record<string, unknown>) => orderDoc(ORDER, CUSTOMER, "cancelled", [{ product: PRODUCT, quantity: 1, unitPrice: "1.00" }], "2024-11-23T23:59:59.999Z", overrides);
    const line = (o: Record<string, unknown>) => [{ product_id: ext.oid(PRODUCT), quantity: 1, unit_price: ext.decimal("1.00"), ...o }];

    add("orders", "not_json", '{"before":null,"after":"{\\"_id\\": {\\"$oid\\": \\"' + ORDER + '\\"}', key(ORDER));
    add("orders", "not_json", "this is not json", key(ORDER));
    add("customers", "not_json", "[1,2,3]", key(CUSTOMER));
    add("orders", "unknown_op", envelope("x", "orders", { after: order({}) }), key(ORDER));
    add("products", "unknown_op", envelope(undefined, "products", { after: productDoc(PRODUCT, "1.00") }), key(PRODUCT));
    add("orders", "no_source", envelope("d", "orders", { before: order({}), source: undefined }), key(ORDER));
    add("customers", "no_source", envelope("u", "customers", { after: customerDoc(CUSTOMER, { first_name: "Leaked" }), source: { ts_ms: "soon" } }), key(CUSTOMER));
    add("orders", "bad_document", envelope("u", "orders", { after: '{"_id": {"$oid": "' + ORDER + '"}, "status": ' }), key(ORDER));
    add("products", "no_id", envelope("d", "products", {}), null);
    add("customers", "no_id", envelope("u", "customers", { after: customerDoc("not-an-object-id", { first_name: "Leaked" }) }), key(CUSTOMER));
    add("customers", "bad_object", envelope("u", "customers", { after: customerDoc(CUSTOMER, { address: "221B Baker Street" }) }), key(CUSTOMER));
    add("orders", "bad_items", envelope("u", "orders", { after: order({ items: { product_id: ext.oid(PRODUCT) } }) }), key(ORDER));
    add("orders", "bad_items", envelope("u", "orders", { after: order({ items: [{ product_id: ext.oid(PRODUCT), quantity: 1 }] }) }), key(ORDER));
    add("orders", "bad_oid", envelope("u", "orders", { after: order({ customer_id: "65f0c3a1b2c3d4e5f6a7b801" }) }), key(ORDER));
    add("customers", "bad_string", envelope("u", "customers", { after: customerDoc(CUSTOMER, { email: 42 }) }), key(CUSTOMER));
    add("products", "bad_int", envelope("u", "products", { after: productDoc(PRODUCT, "1.00", 7, { stock_quantity: "seven" }) }), key(PRODUCT));
    add("orders", "bad_int", envelope("u", "orders", { after: order({ items: line({ quantity: 2.5 }) }) }), key(ORDER));
    add("customers", "bad_date", envelope("u", "customers", { after: customerDoc(CUSTOMER, { created_at: { $date: "yesterday" } }) }), key(CUSTOMER));
    add("products", "non_finite_decimal", envelope("u", "products", { after: productDoc(PRODUCT, "NaN") }), key(PRODUCT));
    add("products", "non_finite_decimal", envelope("u", "products", { after: productDoc(PRODUCT, "-Infinity") }), key(PRODUCT));
    add("orders", "non_finite_decimal", envelope("u", "orders", { after: order({ items: line({ unit_price: ext.decimal("Infinity") }) }) }), key(ORDER));
    add("products", "bad_decimal", envelope("u", "products", { after: productDoc(PRODUCT, "abc") }), key(PRODUCT));
    add("orders", "bad_decimal", envelope("u", "orders", { after: order({ items: line({ unit_price: ext.decimal("1.005") }) }) }), key(ORDER));
    return rows;
}
