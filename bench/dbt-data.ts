/**
 * Synthetic bronze history for the dbt benchmark, generated inside ClickHouse (INSERT … SELECT
 * from numbers()) so that a million realistic Debezium rows take seconds, not minutes.
 *
 * Shape per 1M events (scale s = events / 1M): ~100k·s customers (snapshot read, half updated
 * once, 2% deleted), ~5k·s products (read + one price update each), ~265k·s orders (create, two
 * status updates, a fourth event for 20%: half deletes, half updates), and 2% of the first
 * update of each order re-delivered at a new offset (at-least-once duplicates).
 */

/** One generated block of events: a sequence number per document and an op. */
interface Block {
    table: "mongo_ecom_customers" | "mongo_ecom_products" | "mongo_ecom_orders";
    /** Documents `[from, to)` get an event. */
    from: number;
    to: number;
    /** Extra filter on `doc` (SQL), e.g. `doc % 2 = 0`. */
    where?: string;
    /** Version step of the event (later steps have later source.ts_ms). */
    seq: number;
    op: "r" | "c" | "u" | "d";
}

/** Counts of documents for a given number of events. */
export interface BenchShape {
    customers: number;
    products: number;
    orders: number;
}

/** The document counts that give about `events` bronze rows. */
export function shapeFor(events: number): BenchShape {
    const s = events / 1_000_000;
    return {
        customers: Math.round(100_000 * s),
        products: Math.max(10, Math.round(5_000 * s)),
        orders: Math.round(265_000 * s),
    };
}

const T0 = 1_700_000_000_000; // 2023-11-14
const STEP_MS = 1_000_000_000; // ~11.6 days between versions
const DAY_MS = 86_400_000; // orders are spread over 730 order dates, so fct_daily_sales has realistic days

const hexId = (prefix: string, doc: string): string =>
    `concat('${prefix}', leftPad(lower(hex(toUInt64(${doc}))), 20, '0'))`;
const money = (cents: string): string =>
    `concat(toString(intDiv(${cents}, 100)), '.', leftPad(toString((${cents}) % 100), 2, '0'))`;
const date = (ms: string): string => `concat('{"$date": ', toString(${ms}), '}')`;

function documentSql(b: Block, shape: BenchShape): string {
    const ts = `(${T0} + doc * 7 + ${b.seq} * ${STEP_MS})`;
    switch (b.table) {
        case "mongo_ecom_customers":
            return `concat('{"_id": {"$oid": "', ${hexId("65f2", "doc")}, '"},"first_name": "First', toString(doc), '","last_name": "Last${b.seq}","email": "c', toString(doc), '@example.com","phone": "+1 555 ', toString(doc % 10000), '","address": {"street": "', toString(doc), ' Main St","city": "City', toString(doc % 500), '","state": "ST","postal_code": "', toString(10000 + doc % 90000), '","country": "Country', toString(doc % 40), '"},"created_at": ', ${date(`(${T0} - 86400000 * (doc % 700))`)}, ',"updated_at": ', ${date(ts)}, '}')`;
        case "mongo_ecom_products":
            return `concat('{"_id": {"$oid": "', ${hexId("65f1", "doc")}, '"},"sku": "SKU-', toString(doc), '","name": "Product ', toString(doc), '","category": "Cat', toString(doc % 12), '","price": {"$numberDecimal": "', ${money(`(199 + (doc * 7919 + ${b.seq} * 31) % 90000)`)}, '"},"stock_quantity": ', toString((doc + ${b.seq}) % 60), ',"created_at": ', ${date(`${T0}`)}, ',"updated_at": ', ${date(ts)}, '}')`;
        case "mongo_ecom_orders": {
            const statuses = `['pending', 'paid', 'shipped', 'delivered', 'cancelled']`;
            const status = `${statuses}[1 + ((doc % 7 = 0) ? 4 : least(${b.seq}, 3))]`;
            const line = `concat('{"product_id": {"$oid": "', ${hexId("65f1", `(doc * 13 + j) % ${shape.products}`)}, '"},"quantity": ', toString(1 + (doc + j) % 4), ',"unit_price": {"$numberDecimal": "', ${money(`(199 + ((doc * 13 + j) % ${shape.products}) * 7919 % 90000)`)}, '"}}')`;
            return `concat('{"_id": {"$oid": "', ${hexId("65f0", "doc")}, '"},"customer_id": {"$oid": "', ${hexId("65f2", `(doc * 31) % ${shape.customers}`)}, '"},"status": "', ${status}, '","items": [', arrayStringConcat(arrayMap(j -> ${line}, range(1 + doc % 3)), ','), '],"ordered_at": ', ${date(`(${T0} + doc * 7 - ${DAY_MS} * (doc % 730))`)}, ',"updated_at": ', ${date(ts)}, '}')`;
        }
    }
}

function blockSql(database: string, b: Block, shape: BenchShape, offsetBase: number): string {
    const collection = b.table.replace("mongo_ecom_", "");
    const doc = documentSql(b, shape);
    const after = b.op === "d" ? "'null'" : "toJSONString(document)";
    const before = b.op === "d" ? "toJSONString(document)" : "'null'";
    return `INSERT INTO \`${database}\`.\`${b.table}\` (raw_data, _topic, _partition, _offset, _key)
SELECT
    concat('{"before":', ${before}, ',"after":', ${after}, ',"updateDescription":null,"source":{"version":"2.7.3.Final","connector":"mongodb","name":"mongo","ts_ms":', toString(ts), ',"snapshot":"${b.op === "r" ? "true" : "false"}","db":"ecom","collection":"${collection}","ord":1,"lsid":null,"txnNumber":null},"op":"${b.op}","ts_ms":', toString(ts + 5), ',"transaction":null}'),
    'mongo.ecom.${collection}', 0, ${offsetBase} + rowNumberInAllBlocks(),
    concat('{"id":', toJSONString(concat('{"$oid": "', ${hexId(b.table === "mongo_ecom_orders" ? "65f0" : b.table === "mongo_ecom_products" ? "65f1" : "65f2", "doc")}, '"}')), '}')
FROM (
    SELECT number AS doc, (${T0} + doc * 7 + ${b.seq} * ${STEP_MS}) AS ts, ${doc} AS document
    FROM numbers(${b.from}, ${b.to - b.from})
    ${b.where ? `WHERE ${b.where}` : ""}
)`;
}

/** The blocks of the initial history. */
export function historyBlocks(shape: BenchShape): Block[] {
    const { customers: c, products: p, orders: o } = shape;
    return [
        { table: "mongo_ecom_customers", from: 0, to: c, seq: 0, op: "r" },
        { table: "mongo_ecom_customers", from: 0, to: c, where: "doc % 2 = 1", seq: 1, op: "u" },
        { table: "mongo_ecom_customers", from: 0, to: c, where: "doc % 50 = 3", seq: 2, op: "d" },
        { table: "mongo_ecom_products", from: 0, to: p, seq: 0, op: "r" },
        { table: "mongo_ecom_products", from: 0, to: p, seq: 1, op: "u" },
        { table: "mongo_ecom_orders", from: 0, to: o, seq: 0, op: "c" },
        { table: "mongo_ecom_orders", from: 0, to: o, seq: 1, op: "u" },
        { table: "mongo_ecom_orders", from: 0, to: o, where: "doc % 50 = 1", seq: 1, op: "u" }, // duplicates
        { table: "mongo_ecom_orders", from: 0, to: o, seq: 2, op: "u" },
        { table: "mongo_ecom_orders", from: 0, to: Math.round(o * 0.2), where: "doc % 2 = 0", seq: 3, op: "d" },
        { table: "mongo_ecom_orders", from: 0, to: Math.round(o * 0.2), where: "doc % 2 = 1", seq: 3, op: "u" },
    ];
}

/**
 * The blocks of an increment of about `events` new rows: new orders, later updates, deletes,
 * customer changes. Round r (0, 1, …) continues after round r − 1: its new orders follow the
 * previous round's, its updates and deletes hit the newest existing orders (some created by the
 * previous round) and its timestamps are later.
 */
export function incrementBlocks(shape: BenchShape, events: number, round = 0): Block[] {
    const n = Math.max(4, Math.round(events / 4));
    const o = shape.orders + round * n;
    const seq = 4 + round;
    return [
        { table: "mongo_ecom_orders", from: o, to: o + n, seq, op: "c" },
        { table: "mongo_ecom_orders", from: o - 2 * n, to: o, where: "doc % 2 = 0", seq, op: "u" },
        { table: "mongo_ecom_orders", from: o - 2 * n, to: o, where: "doc % 2 = 1", seq, op: "d" },
        { table: "mongo_ecom_customers", from: round * n, to: (round + 1) * n, seq, op: "u" },
    ];
}

/** INSERT statements for blocks, with offsets continuing per table from `offsets` (updated in place). */
export function blockInserts(
    database: string,
    blocks: Block[],
    shape: BenchShape,
    offsets: Record<string, number>,
): { table: string; sql: string; estimate: number }[] {
    return blocks.map((b) => {
        const base = offsets[b.table] ?? 0;
        const span = b.to - b.from;
        offsets[b.table] = base + span; // offsets stay unique even where a WHERE drops some docs
        return { table: b.table, sql: blockSql(database, b, shape, base), estimate: span };
    });
}
