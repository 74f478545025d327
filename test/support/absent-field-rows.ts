/**
 * Valid bronze rows whose contract fields are absent or JSON null (docs/data-contract.md §6: "a field absent or JSON
 * null is fine" — NULL in silver, never '', 0 or 1970-01-01; fuzz finding F8). New documents, apart from the edge
 * fixtures' ids, so each NULL reaches every gold model: a customer without names, contact, address or dates; a
 * product without price, stock or name; orders without ordered_at, customer_id or status, and a line without
 * product_id, each also ordering the product without a price.
 */
import { customerDoc, ext, orderDoc, productDoc, strictJson } from "./oracle/builder";
import type { Collection } from "./oracle/documents";
import type { BronzeRow } from "./oracle/types";

const CUSTOMER_ABSENT = "65f0c3a1b2c3d4e5f6a7f001";
const CUSTOMER_NULL = "65f0c3a1b2c3d4e5f6a7f002";
const PRODUCT_ABSENT = "65f0c3a1b2c3d4e5f6a7f101";
const PRODUCT_NULL = "65f0c3a1b2c3d4e5f6a7f102";
const ORDER_NO_DATE = "65f0c3a1b2c3d4e5f6a7f201";
const ORDER_NO_CUSTOMER = "65f0c3a1b2c3d4e5f6a7f202";
const ORDER_NULLS = "65f0c3a1b2c3d4e5f6a7f203";
const TS_MS = 1_800_000_000_000;

/** `doc` without the given top-level fields. */
function without(doc: Record<string, unknown>, ...fields: string[]): Record<string, unknown> {
    return Object.fromEntries(Object.entries(doc).filter(([k]) => !fields.includes(k)));
}

/** `doc` with the given top-level fields set to JSON null. */
function nulled(doc: Record<string, unknown>, ...fields: string[]): Record<string, unknown> {
    return { ...doc, ...Object.fromEntries(fields.map((f) => [f, null])) };
}

/** The rows per collection; offsets from `firstOffset` on, far from the fixtures' and the malformed rows'. */
export function absentFieldRows(firstOffset = 3000): Record<Collection, BronzeRow[]> {
    let offset = firstOffset;
    const rows: Record<Collection, BronzeRow[]> = { customers: [], products: [], orders: [] };
    const add = (collection: Collection, id: string, doc: Record<string, unknown>): void => {
        const raw = JSON.stringify({
            before: null,
            after: strictJson(doc),
            updateDescription: null,
            source: { connector: "mongodb", name: "mongo", ts_ms: TS_MS, db: "ecom", collection, ord: 1 },
            op: "c",
            ts_ms: TS_MS + 5,
        });
        const key = JSON.stringify({ id: strictJson(ext.oid(id)) });
        rows[collection].push({
            raw_data: raw,
            _topic: `mongo.ecom.${collection}`,
            _partition: 0,
            _offset: offset++,
            _key: key,
        });
    };
    const contact = ["first_name", "last_name", "email", "phone", "address", "created_at", "updated_at"];
    add("customers", CUSTOMER_ABSENT, without(customerDoc(CUSTOMER_ABSENT), ...contact));
    add(
        "customers",
        CUSTOMER_NULL,
        nulled(
            customerDoc(CUSTOMER_NULL, { address: { street: null, city: null, country: null } }),
            "last_name",
            "created_at",
        ),
    );
    const productFields = ["sku", "name", "category", "price", "stock_quantity", "created_at", "updated_at"];
    add("products", PRODUCT_ABSENT, without(productDoc(PRODUCT_ABSENT), ...productFields));
    add("products", PRODUCT_NULL, nulled(productDoc(PRODUCT_NULL), ...productFields));
    const lines = [
        { product: PRODUCT_ABSENT, quantity: 2, unitPrice: "10.00" },
        { product: PRODUCT_NULL, quantity: 1, unitPrice: "600.00" },
    ];
    add("orders", ORDER_NO_DATE, without(orderDoc(ORDER_NO_DATE, CUSTOMER_ABSENT, "paid", lines), "ordered_at"));
    // a day of its own whose only order has no customer: total_unique_customers 0
    add(
        "orders",
        ORDER_NO_CUSTOMER,
        without(orderDoc(ORDER_NO_CUSTOMER, CUSTOMER_NULL, "paid", lines, "2031-05-05T10:00:00.000Z"), "customer_id"),
    );
    const withNullLine = orderDoc(ORDER_NULLS, CUSTOMER_NULL, "shipped", lines, "2031-05-06T10:00:00.000Z");
    withNullLine.items = [
        ...(withNullLine.items as object[]),
        { product_id: null, quantity: 3, unit_price: ext.decimal("1.50") },
    ];
    add("orders", ORDER_NULLS, nulled(withNullLine, "status", "updated_at"));
    return rows;
}
