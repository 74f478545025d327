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

function envelope(
    op: unknown,
    collection: Collection,
    fields: { after?: unknown; before?: unknown; source?: unknown } = {},
): string {
    const source =
        "source" in fields
            ? fields.source
            : {
                  version: "3.3.2.Final",
                  connector: "mongodb",
                  name: "mongo",
                  ts_ms: LATE,
                  snapshot: "false",
                  db: "ecom",
                  collection,
                  ord: 1,
              };
    const doc = (d: unknown): unknown =>
        d === undefined || d === null || typeof d === "string" ? (d ?? null) : strictJson(d);
    return JSON.stringify({
        before: doc(fields.before),
        after: doc(fields.after),
        updateDescription: null,
        source,
        op,
        ts_ms: LATE + 5,
        transaction: null,
    });
}

/** The malformed rows, each with its intended reason. */
export function malformedRows(firstOffset = 1000): MalformedRow[] {
    let offset = firstOffset;
    const rows: MalformedRow[] = [];
    const add = (collection: Collection, reason: string, raw: string, key: string | null = null): void => {
        rows.push({
            collection,
            reason,
            row: { raw_data: raw, _topic: `mongo.ecom.${collection}`, _partition: 0, _offset: offset++, _key: key },
        });
    };
    const key = (id: string): string => JSON.stringify({ id: strictJson(ext.oid(id)) });
    const order = (overrides: Record<string, unknown>) =>
        orderDoc(
            ORDER,
            CUSTOMER,
            "cancelled",
            [{ product: PRODUCT, quantity: 1, unitPrice: "1.00" }],
            "2024-11-23T23:59:59.999Z",
            overrides,
        );
    const line = (o: Record<string, unknown>) => [
        { product_id: ext.oid(PRODUCT), quantity: 1, unit_price: ext.decimal("1.00"), ...o },
    ];

    add("orders", "not_json", '{"before":null,"after":"{\\"_id\\": {\\"$oid\\": \\"' + ORDER + '\\"}', key(ORDER));
    add("orders", "not_json", "this is not json", key(ORDER));
    add("customers", "not_json", "[1,2,3]", key(CUSTOMER));
    add("orders", "unknown_op", envelope("x", "orders", { after: order({}) }), key(ORDER));
    add(
        "products",
        "unknown_op",
        envelope(undefined, "products", { after: productDoc(PRODUCT, "1.00") }),
        key(PRODUCT),
    );
    add("orders", "no_source", envelope("d", "orders", { before: order({}), source: undefined }), key(ORDER));
    add(
        "customers",
        "no_source",
        envelope("u", "customers", {
            after: customerDoc(CUSTOMER, { first_name: "Leaked" }),
            source: { ts_ms: "soon" },
        }),
        key(CUSTOMER),
    );
    add(
        "orders",
        "bad_document",
        envelope("u", "orders", { after: '{"_id": {"$oid": "' + ORDER + '"}, "status": ' }),
        key(ORDER),
    );
    add("products", "no_id", envelope("d", "products", {}), null);
    add(
        "customers",
        "no_id",
        envelope("u", "customers", { after: customerDoc("not-an-object-id", { first_name: "Leaked" }) }),
        key(CUSTOMER),
    );
    add(
        "customers",
        "bad_object",
        envelope("u", "customers", { after: customerDoc(CUSTOMER, { address: "221B Baker Street" }) }),
        key(CUSTOMER),
    );
    add(
        "orders",
        "bad_items",
        envelope("u", "orders", { after: order({ items: { product_id: ext.oid(PRODUCT) } }) }),
        key(ORDER),
    );
    add(
        "orders",
        "bad_items",
        envelope("u", "orders", { after: order({ items: [{ product_id: ext.oid(PRODUCT), quantity: 1 }] }) }),
        key(ORDER),
    );
    add(
        "orders",
        "bad_oid",
        envelope("u", "orders", { after: order({ customer_id: "65f0c3a1b2c3d4e5f6a7b801" }) }),
        key(ORDER),
    );
    add(
        "customers",
        "bad_string",
        envelope("u", "customers", { after: customerDoc(CUSTOMER, { email: 42 }) }),
        key(CUSTOMER),
    );
    add(
        "products",
        "bad_int",
        envelope("u", "products", { after: productDoc(PRODUCT, "1.00", 7, { stock_quantity: "seven" }) }),
        key(PRODUCT),
    );
    add("orders", "bad_int", envelope("u", "orders", { after: order({ items: line({ quantity: 2.5 }) }) }), key(ORDER));
    add(
        "customers",
        "bad_date",
        envelope("u", "customers", { after: customerDoc(CUSTOMER, { created_at: { $date: "yesterday" } }) }),
        key(CUSTOMER),
    );
    add(
        "products",
        "non_finite_decimal",
        envelope("u", "products", { after: productDoc(PRODUCT, "NaN") }),
        key(PRODUCT),
    );
    add(
        "products",
        "non_finite_decimal",
        envelope("u", "products", { after: productDoc(PRODUCT, "-Infinity") }),
        key(PRODUCT),
    );
    add(
        "orders",
        "non_finite_decimal",
        envelope("u", "orders", { after: order({ items: line({ unit_price: ext.decimal("Infinity") }) }) }),
        key(ORDER),
    );
    add("products", "bad_decimal", envelope("u", "products", { after: productDoc(PRODUCT, "abc") }), key(PRODUCT));
    add(
        "orders",
        "bad_decimal",
        envelope("u", "orders", { after: order({ items: line({ unit_price: ext.decimal("1.005") }) }) }),
        key(ORDER),
    );
    representableValueRows(
        (c, reason, raw) => add(c, reason, raw, key(c === "orders" ? ORDER : CUSTOMER)),
        order,
        line,
    );
    return rows;
}

/** `raw` with `from` replaced by `to`; throws when `from` is not in it (a fixture mistake). */
function edited(raw: string, from: string, to: string): string {
    if (!raw.includes(from)) throw new Error(`malformed-rows: ${JSON.stringify(from)} not in ${raw.slice(0, 80)}`);
    return raw.replace(from, to);
}

/**
 * Rows whose every field reads as its type but whose values cannot be represented, or text
 * ClickHouse's JSON functions cannot read (contract §6, "Representable values"), aimed at the
 * live order and customer so that a leak would change silver and gold (or make them fail).
 */
function representableValueRows(
    add: (collection: Collection, reason: string, raw: string) => void,
    order: (overrides: Record<string, unknown>) => Record<string, unknown>,
    line: (o: Record<string, unknown>) => Record<string, unknown>[],
): void {
    const u = (overrides: Record<string, unknown>) => envelope("u", "orders", { after: order(overrides) });
    /** An update of the order whose `after` is the order's text edited. */
    const uText = (from: string, to: string) =>
        envelope("u", "orders", { after: edited(strictJson(order({ status: "delivered" })), from, to) });
    // dates outside 1900-01-01 … 2299-12-31 (Date would have wrapped them into 1970 … 2149)
    add("orders", "bad_date", u({ ordered_at: ext.date("1850-01-01T00:00:00.000Z") }));
    add("orders", "bad_date", u({ ordered_at: ext.date("1899-12-31T23:59:59.999Z") }));
    add("orders", "bad_date", u({ ordered_at: ext.date("2300-01-01T00:00:00.000Z") }));
    add("orders", "bad_date", u({ ordered_at: { $date: "0001-01-01T00:00:00Z" } }));
    // year 0000: best-effort parsing would read it as the current year (fuzz F9)
    add("orders", "bad_date", u({ ordered_at: { $date: "0000-01-01T00:00:00Z" } }));
    add("orders", "bad_date", u({ updated_at: { $date: { $numberLong: "99999999999999999999" } } }));
    add(
        "customers",
        "bad_date",
        envelope("u", "customers", {
            after: customerDoc(CUSTOMER, { created_at: { $date: ext.long(-5_000_000_000_000) } }),
        }),
    );
    // amounts beyond Decimal(18,2): a line total (the Code 407 that froze every refresh) and an order total
    add("orders", "bad_decimal", u({ items: line({ quantity: 1000, unit_price: ext.decimal("99999999999999.99") }) }));
    const half = line({ unit_price: ext.decimal("5000000000000000.00") });
    add("orders", "bad_decimal", u({ items: [...half, ...half] }));
    // the smallest Decimal128: a non-zero amount that 20 decimal places still read as 0 (fuzz F11)
    add("orders", "bad_decimal", u({ items: line({ unit_price: ext.decimal("1E-6176") }) }));
    // oplog positions: negative, or beyond Int64 (they were clamped to 0)
    const late = u({ status: "delivered" });
    const ts = `"ts_ms":${LATE},"snapshot"`;
    add("orders", "no_source", edited(late, ts, '"ts_ms":-1,"snapshot"'));
    add("orders", "no_source", edited(late, '"ord":1}', '"ord":-5}'));
    add("orders", "no_source", edited(late, ts, '"ts_ms":9223372036854775808,"snapshot"'));
    // duplicate keys: the first counts, as ClickHouse reads them
    add("orders", "unknown_op", edited(late, '"op":"u"', '"op":"x","op":"u"'));
    add("orders", "bad_oid", uText('"customer_id": {', `"customer_id": "${CUSTOMER}","customer_id": {`));
    // what ClickHouse's JSON functions cannot read: in the envelope, then in the document
    add("orders", "not_json", edited(late, ts, '"ts_ms":18446744073709551616,"snapshot"'));
    add("orders", "not_json", edited(late, '"transaction":null', '"transaction":"\\ud800"'));
    add("orders", "bad_document", uText('"status": "delivered"', '"status": "\\udc00 delivered"'));
    add(
        "orders",
        "bad_document",
        uText('"status": "delivered"', `"status": "delivered","x": ${"[".repeat(1024)}${"]".repeat(1024)}`),
    );
}
