/**
 * fast-check generators of change histories for the fuzz test (issue 19): per document a short
 * run of Debezium events (a snapshot read or insert, updates, a delete, re-deliveries, late
 * events), most of them valid, some carrying a hostile mutation of one class in
 * {@link HOSTILE_CLASSES}, interleaved across documents as a sink would deliver them. The specs
 * are plain data (they shrink well); {@link buildBatch} turns one into bronze rows with ids
 * that belong to one run, so runs on the same engine never share a document.
 */
import fc from "fast-check";
import type { Collection } from "../oracle/documents";
import type { BronzeRow } from "../oracle/types";
import {
    arr,
    cloneJson,
    duplicateAt,
    getAt,
    nested,
    obj,
    raw,
    removeAt,
    setAt,
    val,
    writeJson,
    type JsonNode,
    type JsonPath,
} from "./json-text";
import {
    DATE_ISO,
    DATE_JITTER,
    DATE_MS,
    DATE_MS_TEXT,
    DEPTHS,
    INT_TEXT,
    MAX_MONEY_LINE,
    MONEY_TEXT,
    OVERFLOW_LINES,
    POSITION_TEXT,
    UNICODE_TEXT,
    WRONG_TYPE_TEXT,
} from "./values";

/** The kinds of hostile content a generated event can carry. */
export const HOSTILE_CLASSES = [
    "date_edge", // a date at or past 1900-01-01 / 2299-12-31, or where ClickHouse's Date/DateTime wrap
    "date_text", // {"$date": "<ISO-8601>"}, valid and not
    "money_edge", // a price or unit price at the precision / range edges of Decimal(18,2)
    "total_overflow", // quantity × unit price, or the order total, at and past Decimal(18,2)
    "gold_sum", // orders at the largest money value on one customer, product and day: gold's sums exceed Decimal(18,2)
    "int_edge", // a quantity or stock at Int32 / Int64 edges
    "ts_edge", // source.ts_ms hostile (negative, ≥ 2^63, not an integer, absent)
    "ord_edge", // source.ord hostile
    "deep_nesting", // a value nested around the parsers' depth limits
    "duplicate_key", // a key twice in the envelope or the document
    "unicode", // lone surrogates, NUL, controls, emoji, escapes
    "wrong_type", // a field of the contract with a value of another type
    "missing_field", // a field of the contract or the envelope absent, or JSON null
    "envelope_broken", // truncated, not an object, unknown op, document not an object, trailing bytes
    "key_hostile", // the record key absent, malformed or naming another document
] as const;

/** One hostile class. */
export type HostileClass = (typeof HOSTILE_CLASSES)[number];

/** Which collections a class applies to (money and integers exist only in products and orders). */
const CLASS_COLLECTIONS: Record<HostileClass, readonly Collection[]> = {
    date_edge: ["customers", "products", "orders"],
    date_text: ["customers", "products", "orders"],
    money_edge: ["products", "orders"],
    total_overflow: ["orders"],
    gold_sum: ["orders"],
    int_edge: ["products", "orders"],
    ts_edge: ["customers", "products", "orders"],
    ord_edge: ["customers", "products", "orders"],
    deep_nesting: ["customers", "products", "orders"],
    duplicate_key: ["customers", "products", "orders"],
    unicode: ["customers", "products", "orders"],
    wrong_type: ["customers", "products", "orders"],
    missing_field: ["customers", "products", "orders"],
    envelope_broken: ["customers", "products", "orders"],
    key_hostile: ["customers", "products", "orders"],
};

/** A hostile mutation: its class and numbers that choose the field and the value (taken modulo the choices). */
export interface MutationSpec {
    cls: HostileClass;
    pick: number;
    target: number;
    flag: boolean;
}

/** The valid content of one event's document (each number picks from a small list). */
export interface ValidFields {
    name: number;
    status: number;
    day: number;
    price: number;
    stock: number;
    customer: number;
    lines: { product: number; quantity: number; price: number }[];
}

/** One change event of a document. */
export interface EventSpec {
    op: "c" | "u" | "d";
    /** Seconds after the previous event of the document (negative: an older event arriving later). */
    dt: number;
    fields: ValidFields;
    /** Deletes: the pre-image in `before` (else only the record key names the document). */
    withBefore: boolean;
    mutations: MutationSpec[];
    /** Delivered a second time, later, at a new offset. */
    redeliver: boolean;
    /** Delivery position among the batch's rows (stable sort). */
    slot: number;
}

/** Where a document's `source.ts_ms` values start. */
export type TsBase = "now" | "zero" | "negative" | "double_edge" | "int64_top";
/** How `source.ord` is written. */
export type OrdMode = "inc" | "one" | "absent" | "negative" | "int64_top";

/** The history of one document. */
export interface DocSpec {
    collection: Collection;
    /** Index into the run's pool of ids of this collection. */
    index: number;
    /** The first event is a snapshot read (`r`) instead of what `events[0].op` says. */
    snapshotFirst: boolean;
    tsBase: TsBase;
    ordMode: OrdMode;
    events: EventSpec[];
}

/** Ids per collection a run draws from: few, so that orders meet their customers and products and collide on days. */
export const POOL: Record<Collection, number> = { customers: 4, products: 4, orders: 8 };

const COLLECTION_CODE: Record<Collection, string> = { customers: "0c", products: "0d", orders: "0e" };

/** The id of pool entry `index` of `collection` in run `run`: 24 lowercase hex, unique per (run, collection, index). */
export function docId(run: number, collection: Collection, index: number): string {
    return `${run.toString(16).padStart(10, "0")}${COLLECTION_CODE[collection]}${index.toString(16).padStart(12, "0")}`;
}

// ---------------------------------------------------------------- arbitraries

const nat = fc.nat({ max: 1_000_000 });

function mutationArb(collection: Collection): fc.Arbitrary<MutationSpec> {
    const classes = HOSTILE_CLASSES.filter((c) => CLASS_COLLECTIONS[c].includes(collection));
    return fc.record({ cls: fc.constantFrom(...classes), pick: nat, target: nat, flag: fc.boolean() });
}

const fieldsArb: fc.Arbitrary<ValidFields> = fc.record({
    name: nat,
    status: nat,
    day: nat,
    price: nat,
    stock: nat,
    customer: fc.nat({ max: POOL.customers - 1 }),
    lines: fc.array(
        fc.record({
            product: fc.nat({ max: POOL.products - 1 }),
            quantity: fc.integer({ min: 1, max: 5 }),
            price: nat,
        }),
        { minLength: 1, maxLength: 3 },
    ),
});

function eventArb(collection: Collection, hostileWeight: number): fc.Arbitrary<EventSpec> {
    return fc.record({
        op: fc.constantFrom<EventSpec["op"]>("u", "c", "d"),
        dt: fc.integer({ min: -2, max: 5 }),
        fields: fieldsArb,
        withBefore: fc.boolean(),
        mutations: fc.oneof(
            { arbitrary: fc.constant([] as MutationSpec[]), weight: 100 - hostileWeight },
            { arbitrary: fc.array(mutationArb(collection), { minLength: 1, maxLength: 2 }), weight: hostileWeight },
        ),
        redeliver: fc.nat({ max: 4 }).map((n) => n === 0),
        slot: fc.nat({ max: 10_000 }),
    });
}

function docArb(collection: Collection, hostileWeight: number): fc.Arbitrary<DocSpec> {
    return fc.record({
        collection: fc.constant(collection),
        index: fc.nat({ max: POOL[collection] - 1 }),
        snapshotFirst: fc.boolean(),
        tsBase: fc.oneof(
            { arbitrary: fc.constant<TsBase>("now"), weight: 12 },
            { arbitrary: fc.constantFrom<TsBase>("zero", "negative", "double_edge", "int64_top"), weight: 3 },
        ),
        ordMode: fc.oneof(
            { arbitrary: fc.constant<OrdMode>("inc"), weight: 12 },
            { arbitrary: fc.constantFrom<OrdMode>("one", "absent", "negative", "int64_top"), weight: 3 },
        ),
        events: fc.array(eventArb(collection, hostileWeight), { minLength: 1, maxLength: 4 }),
    });
}

/** Options of {@link batchArb}. */
export interface BatchOptions {
    /** Documents per batch (default 4…16). */
    minDocs?: number;
    maxDocs?: number;
    /** Percent of events that carry a hostile mutation (default 35). */
    hostileWeight?: number;
}

/** A batch: the histories of several documents of the three collections, delivered together. */
export function batchArb(o: BatchOptions = {}): fc.Arbitrary<DocSpec[]> {
    const w = o.hostileWeight ?? 35;
    const doc = fc.oneof(
        { arbitrary: docArb("customers", w), weight: 1 },
        { arbitrary: docArb("products", w), weight: 1 },
        { arbitrary: docArb("orders", w), weight: 2 },
    );
    return fc.array(doc, { minLength: o.minDocs ?? 4, maxLength: o.maxDocs ?? 16 });
}

// ---------------------------------------------------------------- valid documents

const NAMES = ["Ada", "Zoë Ångström", 'O\'Brien \\ "Nan"', "日本語", "😀", "", "tab\tnew\nline"];
const STATUSES = ["pending", "paid", "shipped", "delivered", "cancelled"];
const PRICES = ["19.99", "0.01", "25.00", "99.99", "100", "500.00", "1.5E+1", "0.10", "24.99"];
/** Few order times, so that orders share days (and day boundaries). */
const ORDER_TIMES = [
    "2024-11-23T00:00:00.000Z",
    "2024-11-23T23:59:59.999Z",
    "2024-11-24T00:00:00.000Z",
    "2024-12-31T12:00:00.000Z",
];

const pickOf = <T>(list: readonly T[], n: number): T => list[n % list.length]!;
const oidNode = (hex: string): JsonNode => obj([["$oid", val(hex)]]);
const dateNode = (iso: string): JsonNode => obj([["$date", raw(String(Date.parse(iso)))]]);
const decimalNode = (text: string): JsonNode => obj([["$numberDecimal", val(text)]]);

function validDoc(run: number, collection: Collection, index: number, f: ValidFields): JsonNode {
    const id = docId(run, collection, index);
    const created = dateNode("2024-01-01T00:00:00.000Z");
    switch (collection) {
        case "customers":
            return obj([
                ["_id", oidNode(id)],
                ["first_name", val(pickOf(NAMES, f.name))],
                ["last_name", val(pickOf(NAMES, f.name + 3))],
                ["email", val(`${id}@example.com`)],
                ["phone", val("+44 20 0000 0000")],
                [
                    "address",
                    obj([
                        ["street", val("1 Main St")],
                        ["city", val(pickOf(NAMES, f.name + 1))],
                        ["state", val("LDN")],
                        ["postal_code", val("SW1")],
                        ["country", val("GB")],
                    ]),
                ],
                ["created_at", created],
                ["updated_at", dateNode(pickOf(ORDER_TIMES, f.day))],
            ]);
        case "products":
            return obj([
                ["_id", oidNode(id)],
                ["sku", val(`SKU-${index}`)],
                ["name", val(pickOf(NAMES, f.name))],
                ["category", val(pickOf(["Tools", "Toys", "Books"], f.name))],
                ["price", decimalNode(pickOf(PRICES, f.price))],
                ["stock_quantity", raw(String(f.stock % 25))],
                ["created_at", created],
                ["updated_at", dateNode(pickOf(ORDER_TIMES, f.day))],
            ]);
        case "orders":
            return obj([
                ["_id", oidNode(id)],
                ["customer_id", oidNode(docId(run, "customers", f.customer))],
                ["status", val(pickOf(STATUSES, f.status))],
                [
                    "items",
                    arr(
                        f.lines.map((l) =>
                            lineNode(docId(run, "products", l.product), String(l.quantity), pickOf(PRICES, l.price)),
                        ),
                    ),
                ],
                ["ordered_at", dateNode(pickOf(ORDER_TIMES, f.day))],
                ["updated_at", dateNode(pickOf(ORDER_TIMES, f.day))],
            ]);
    }
}

function lineNode(product: string, quantity: string, unitPrice: string): JsonNode {
    return obj([
        ["product_id", oidNode(product)],
        ["quantity", raw(quantity)],
        ["unit_price", decimalNode(unitPrice)],
    ]);
}

// ---------------------------------------------------------------- mutations

const DATE_FIELDS: Record<Collection, string[]> = {
    customers: ["created_at", "updated_at"],
    products: ["created_at", "updated_at"],
    orders: ["ordered_at", "updated_at"],
};
const STRING_FIELDS: Record<Collection, JsonPath[]> = {
    customers: [
        ["first_name"],
        ["last_name"],
        ["email"],
        ["phone"],
        ["address", "street"],
        ["address", "city"],
        ["address", "country"],
    ],
    products: [["sku"], ["name"], ["category"]],
    orders: [["status"]],
};

/** Every field of the contract in a document of `collection` (with the lines present in `doc`). */
function contractPaths(collection: Collection, doc: JsonNode): JsonPath[] {
    const common: JsonPath[] = [["_id"], ...DATE_FIELDS[collection].map((f) => [f])];
    switch (collection) {
        case "customers":
            return [
                ...common,
                ...STRING_FIELDS.customers,
                ["address"],
                ["address", "state"],
                ["address", "postal_code"],
            ];
        case "products":
            return [...common, ...STRING_FIELDS.products, ["price"], ["stock_quantity"]];
        case "orders": {
            const lines = lineCount(doc);
            const linePaths = Array.from({ length: lines }, (_, i) =>
                ["product_id", "quantity", "unit_price"].map((f) => ["items", i, f] as JsonPath),
            ).flat();
            return [...common, ["customer_id"], ["status"], ["items"], ...linePaths];
        }
    }
}

function lineCount(doc: JsonNode): number {
    const items = getAt(doc, ["items"]);
    return items?.kind === "arr" ? items.items.length : 0;
}

function moneyPaths(collection: Collection, doc: JsonNode): JsonPath[] {
    if (collection === "products") return [["price"]];
    return Array.from({ length: lineCount(doc) }, (_, i) => ["items", i, "unit_price"]);
}

function intPaths(collection: Collection, doc: JsonNode): JsonPath[] {
    if (collection === "products") return [["stock_quantity"]];
    return Array.from({ length: lineCount(doc) }, (_, i) => ["items", i, "quantity"]);
}

/** A date value in one of its three extended-JSON spellings. */
function dateValue(pick: number): JsonNode {
    if (pick % 7 === 6) return obj([["$date", raw(pickOf(DATE_MS_TEXT, pick >> 3))]]);
    const ms = pickOf(DATE_MS, pick) + pickOf(DATE_JITTER, pick >> 5);
    const form = (pick >> 8) % 3;
    const asDate = new Date(ms);
    if (form === 2 && !Number.isNaN(asDate.getTime())) return obj([["$date", val(asDate.toISOString())]]);
    if (form === 1) return obj([["$date", obj([["$numberLong", val(String(ms))]])]]);
    return obj([["$date", raw(String(ms))]]);
}

function moneyValue(pick: number): JsonNode {
    switch ((pick >> 6) % 8) {
        case 6:
            return raw(
                pickOf(
                    INT_TEXT.filter((t) => /^-?\d+$/.test(t)),
                    pick,
                ),
            ); // a plain integer price
        case 7:
            return obj([["$numberDecimal", raw(pickOf(["19.99", "1e16", "10000000000000000"], pick))]]);
        default:
            return decimalNode(pickOf(MONEY_TEXT, pick));
    }
}

/** What a mutation needs to see and change of one event. */
interface EventParts {
    run: number;
    collection: Collection;
    /** The document the event carries (`after`, or `before` of a delete); null when it has none. */
    doc: JsonNode | null;
    envelope: JsonNode;
    /** The whole row's text, when a mutation rewrites it (truncation, trailing bytes). */
    rawOverride?: (text: string) => string;
    key: string | null;
}

/** Classes that act on the envelope when `flag` is false or the event has no document. */
const EITHER_SIDE: readonly HostileClass[] = [
    "deep_nesting",
    "duplicate_key",
    "unicode",
    "wrong_type",
    "missing_field",
];
/** Classes that act on the envelope, the row's text or its key only. */
const ENVELOPE_ONLY: readonly HostileClass[] = ["ts_edge", "ord_edge", "envelope_broken", "key_hostile"];

/** True when `m` changes the event's document (applied before the document is written into the envelope). */
function onDocument(m: MutationSpec, doc: JsonNode | null): boolean {
    if (doc === null || ENVELOPE_ONLY.includes(m.cls)) return false;
    return EITHER_SIDE.includes(m.cls) ? m.flag : true;
}

const ENVELOPE_FIELDS: JsonPath[] = [["op"], ["source"], ["after"], ["before"], ["source", "ts_ms"], ["source", "ord"]];

function applyMutation(m: MutationSpec, p: EventParts): void {
    const doc = p.doc;
    const onDoc = onDocument(m, doc);
    switch (m.cls) {
        case "date_edge":
            if (doc) setAt(doc, [pickOf(DATE_FIELDS[p.collection], m.target)], dateValue(m.pick));
            return;
        case "date_text":
            if (doc)
                setAt(
                    doc,
                    [pickOf(DATE_FIELDS[p.collection], m.target)],
                    obj([["$date", val(pickOf(DATE_ISO, m.pick))]]),
                );
            return;
        case "money_edge": {
            const paths = doc ? moneyPaths(p.collection, doc) : [];
            if (doc && paths.length > 0) setAt(doc, pickOf(paths, m.target), moneyValue(m.pick));
            return;
        }
        case "total_overflow":
            if (doc) {
                const lines = pickOf(OVERFLOW_LINES, m.pick);
                setAt(
                    doc,
                    ["items"],
                    arr(
                        lines.map(([q, price], i) =>
                            lineNode(docId(p.run, "products", (m.target + i) % POOL.products), q, price),
                        ),
                    ),
                );
            }
            return;
        case "gold_sum":
            if (doc) {
                // one customer, one product, one day: every such order adds the largest money value to the same sums
                setAt(doc, ["customer_id"], oidNode(docId(p.run, "customers", 0)));
                setAt(
                    doc,
                    ["items"],
                    arr([lineNode(docId(p.run, "products", 0), MAX_MONEY_LINE[0], MAX_MONEY_LINE[1])]),
                );
                setAt(doc, ["ordered_at"], dateNode("2024-11-23T12:00:00.000Z"));
                setAt(doc, ["status"], val(m.flag ? "paid" : "delivered"));
            }
            return;
        case "int_edge": {
            const paths = doc ? intPaths(p.collection, doc) : [];
            if (doc && paths.length > 0) setAt(doc, pickOf(paths, m.target), raw(pickOf(INT_TEXT, m.pick)));
            return;
        }
        case "ts_edge":
        case "ord_edge": {
            const field = m.cls === "ts_edge" ? "ts_ms" : "ord";
            if (m.pick % 11 === 10) removeAt(p.envelope, ["source", field]);
            else setAt(p.envelope, ["source", field], raw(pickOf(POSITION_TEXT, m.pick)));
            return;
        }
        case "deep_nesting": {
            const depth = pickOf(DEPTHS, m.pick);
            const shape = (m.pick >> 4) % 2 === 0 ? "arr" : "obj";
            if (onDoc) {
                const paths = contractPaths(p.collection, doc!);
                if ((m.pick >> 5) % 2 === 0) setAt(doc!, ["extra"], raw(nested(depth, shape)));
                else setAt(doc!, pickOf(paths, m.target), raw(nested(depth, shape)));
            } else {
                setAt(p.envelope, (m.pick >> 5) % 2 === 0 ? ["extra"] : ["source", "extra"], raw(nested(depth, shape)));
            }
            return;
        }
        case "duplicate_key": {
            const second = (m.pick >> 1) % 2 === 0;
            if (onDoc) {
                const paths = [
                    ...contractPaths(p.collection, doc!),
                    ...DATE_FIELDS[p.collection].map((f) => [f, "$date"]),
                ];
                const path = pickOf(paths, m.target);
                duplicateAt(doc!, path, competingDocValue(p, path, m.pick), second);
            } else {
                const path = pickOf(ENVELOPE_FIELDS, m.target);
                duplicateAt(p.envelope, path, competingEnvelopeValue(p, path, m.pick), second);
            }
            return;
        }
        case "unicode":
            if (onDoc) {
                if (m.pick % 5 === 4)
                    setAt(
                        doc!,
                        [pickOf(["\ud800", "\u0000", "😀", "é"], m.pick >> 3)],
                        raw(pickOf(UNICODE_TEXT, m.pick >> 5)),
                    );
                else setAt(doc!, pickOf(STRING_FIELDS[p.collection], m.target), raw(pickOf(UNICODE_TEXT, m.pick)));
            } else {
                setAt(
                    p.envelope,
                    [pickOf(["source", "source", "extra"], m.target), ...(m.target % 3 === 2 ? [] : ["name"])],
                    raw(pickOf(UNICODE_TEXT, m.pick)),
                );
            }
            return;
        case "wrong_type":
            if (onDoc)
                setAt(doc!, pickOf(contractPaths(p.collection, doc!), m.target), raw(pickOf(WRONG_TYPE_TEXT, m.pick)));
            else setAt(p.envelope, pickOf(ENVELOPE_FIELDS, m.target), raw(pickOf(WRONG_TYPE_TEXT, m.pick)));
            return;
        case "missing_field": {
            // absent, or present as JSON null (both mean NULL in silver)
            const path = onDoc
                ? pickOf(contractPaths(p.collection, doc!), m.target)
                : pickOf(ENVELOPE_FIELDS, m.target);
            if (m.pick % 3 === 0) setAt(onDoc ? doc! : p.envelope, path, raw("null"));
            else removeAt(onDoc ? doc! : p.envelope, path);
            return;
        }
        case "envelope_broken":
            brokenEnvelope(m, p);
            return;
        case "key_hostile":
            p.key = pickOf(
                [
                    null,
                    "",
                    "garbage",
                    JSON.stringify({ id: docId(p.run, p.collection, m.target % POOL[p.collection]) }),
                    JSON.stringify({ id: { $oid: docId(p.run, p.collection, m.target % POOL[p.collection]) } }),
                    JSON.stringify({ id: '{"$oid": "zz"}' }),
                    JSON.stringify({
                        id: `{"$oid": "${docId(p.run, p.collection, (m.target + 1) % POOL[p.collection])}"}`,
                    }),
                    '{"id": 5}',
                    "[]",
                    '{"id": "{\\"$oid\\": \\"\\ud800\\"}"}',
                ],
                m.pick,
            );
            return;
    }
}

/** A second value for a duplicated document key: another valid value of the field, or one of another type. */
function competingDocValue(p: EventParts, path: JsonPath, pick: number): JsonNode {
    if (pick % 2 === 0) return raw(pickOf(WRONG_TYPE_TEXT, pick >> 2));
    const last = path[path.length - 1];
    if (last === "_id") return oidNode(docId(p.run, p.collection, (pick >> 2) % POOL[p.collection]));
    if (last === "customer_id") return oidNode(docId(p.run, "customers", (pick >> 2) % POOL.customers));
    if (last === "product_id") return oidNode(docId(p.run, "products", (pick >> 2) % POOL.products));
    if (last === "$date") return raw(String(pickOf(DATE_MS, pick >> 2)));
    if (typeof last === "string" && DATE_FIELDS[p.collection].includes(last)) return dateValue(pick >> 2);
    if (last === "price" || last === "unit_price") return decimalNode(pickOf(PRICES, pick >> 2));
    if (last === "quantity" || last === "stock_quantity") return raw(String((pick >> 2) % 9));
    if (last === "status") return val(pickOf(STATUSES, pick >> 2));
    if (last === "items") return arr([lineNode(docId(p.run, "products", 1), "2", "3.00")]);
    return val(pickOf(NAMES, pick >> 2));
}

function competingEnvelopeValue(p: EventParts, path: JsonPath, pick: number): JsonNode {
    const last = path[path.length - 1];
    switch (last) {
        case "op":
            return val(pickOf(["d", "c", "u", "x"], pick >> 2));
        case "ts_ms":
        case "ord":
            return raw(pickOf(["1", "1900000000000", "-1", "9223372036854775807"], pick >> 2));
        case "source":
            return obj([
                ["ts_ms", raw("1")],
                ["ord", raw("1")],
            ]);
        default: {
            const other = validDoc(p.run, p.collection, (pick >> 2) % POOL[p.collection], {
                name: pick,
                status: pick,
                day: pick,
                price: pick,
                stock: pick,
                customer: 0,
                lines: [{ product: 0, quantity: 1, price: pick }],
            });
            return pick % 4 === 0 ? raw("null") : val(writeJson(other));
        }
    }
}

function brokenEnvelope(m: MutationSpec, p: EventParts): void {
    switch (m.pick % 9) {
        case 0:
            setAt(p.envelope, ["op"], raw(pickOf(['"x"', '"C"', '""', "null", "1", '"d "', '"r\\u0000"'], m.target)));
            return;
        case 1:
            p.rawOverride = (text) => text.slice(0, Math.max(1, m.target % text.length));
            return;
        case 2:
            p.rawOverride = () => pickOf(["[]", '"text"', "42", "null", "", "[{}]", "{", "}", "{}"], m.target);
            return;
        case 3:
            p.rawOverride = (text) => `${text}${pickOf([" x", "{}", "\n{}", " ", "\u0000"], m.target)}`;
            return;
        case 4:
            p.rawOverride = (text) => `${pickOf(["\ufeff", " \n\t", "\u0000"], m.target)}${text}`;
            return;
        case 5: // the document as an object instead of a string holding one (the contract accepts both)
            for (const f of ["after", "before"]) {
                const node = getAt(p.envelope, [f]);
                if (node?.kind === "raw" && node.text.startsWith('"'))
                    setAt(p.envelope, [f], raw(JSON.parse(node.text) as string));
            }
            return;
        case 6: {
            // the document string holds no object
            const op = getAt(p.envelope, ["op"]);
            const field = op?.kind === "raw" && op.text === '"d"' ? "before" : "after";
            setAt(p.envelope, [field], val(pickOf(["[1]", "{not json", "42", '"s"', "", "{}"], m.target)));
            return;
        }
        case 7: // the document string holds an object written twice
            for (const f of ["after", "before"]) {
                const node = getAt(p.envelope, [f]);
                if (node?.kind === "raw" && node.text.startsWith('"'))
                    setAt(p.envelope, [f], val(`${JSON.parse(node.text) as string}${JSON.parse(node.text) as string}`));
            }
            return;
        default: // updateDescription / transaction carrying noise
            setAt(
                p.envelope,
                ["updateDescription"],
                obj([
                    ["updatedFields", val('{"status": "x"}')],
                    ["removedFields", arr([val("\ud800")])],
                ]),
            );
    }
}

// ---------------------------------------------------------------- bronze rows

function tsStart(base: TsBase, docNumber: number): bigint {
    switch (base) {
        case "now":
            return 1_732_406_400_000n + BigInt(docNumber) * 100_000n;
        case "zero":
            return 0n;
        case "negative":
            return -50_000n;
        case "double_edge":
            return 9_007_199_254_740_992n - 6_000n;
        case "int64_top":
            return 9_223_372_036_854_775_807n - 6_000n;
    }
}

function ordText(mode: OrdMode, i: number): string | undefined {
    switch (mode) {
        case "inc":
            return String(i + 1);
        case "one":
            return "1";
        case "absent":
            return undefined;
        case "negative":
            return String(-(i + 1));
        case "int64_top":
            return (9_223_372_036_854_775_807n - BigInt(3 - Math.min(i, 3))).toString();
    }
}

/** One generated bronze row, before it gets its Kafka coordinates, with the classes of its mutations. */
export interface GeneratedRow {
    collection: Collection;
    raw_data: string;
    _key: string | null;
    classes: HostileClass[];
    slot: number;
}

function envelopeNode(
    op: string,
    after: JsonNode | null,
    before: JsonNode | null,
    collection: Collection,
    ts: bigint,
    ord: string | undefined,
    snapshot: string,
): JsonNode {
    const source: [string, JsonNode][] = [
        ["version", val("2.7.3.Final")],
        ["connector", val("mongodb")],
        ["name", val("mongo")],
        ["ts_ms", raw(ts.toString())],
        ["snapshot", val(snapshot)],
        ["db", val("ecom")],
        ["collection", val(collection)],
    ];
    if (ord !== undefined) source.push(["ord", raw(ord)]);
    source.push(["lsid", raw("null")], ["txnNumber", raw("null")]);
    return obj([
        ["before", before === null ? raw("null") : val(writeJson(before))],
        ["after", after === null ? raw("null") : val(writeJson(after))],
        ["updateDescription", raw("null")],
        ["source", obj(source)],
        ["op", val(op)],
        ["ts_ms", raw((ts + 5n).toString())],
        ["transaction", raw("null")],
    ]);
}

/**
 * The rows of one document's history, in event order: each event's document is the valid one
 * its fields describe, then its mutations are applied (to the document, the envelope, the
 * whole text or the record key, as the class says). A delete's pre-image is the previous
 * event's valid document.
 */
export function buildDoc(run: number, spec: DocSpec, docNumber: number): GeneratedRow[] {
    const rows: GeneratedRow[] = [];
    const id = docId(run, spec.collection, spec.index);
    let ts = tsStart(spec.tsBase, docNumber);
    let previous: JsonNode | null = null;
    spec.events.forEach((e, i) => {
        ts += BigInt(e.dt) * 1000n;
        const op = i === 0 && spec.snapshotFirst ? "r" : e.op;
        const valid = validDoc(run, spec.collection, spec.index, e.fields);
        const doc = op === "d" ? (e.withBefore ? cloneJson(previous ?? valid) : null) : cloneJson(valid);
        const parts: EventParts = {
            run,
            collection: spec.collection,
            doc,
            envelope: obj([]),
            key: JSON.stringify({ id: `{"$oid": "${id}"}` }),
        };
        const onDoc = e.mutations.filter((m) => onDocument(m, doc));
        for (const m of onDoc) applyMutation(m, parts);
        parts.envelope = envelopeNode(
            op,
            op === "d" ? null : parts.doc,
            op === "d" ? parts.doc : null,
            spec.collection,
            ts,
            ordText(spec.ordMode, i),
            op === "r" ? "true" : "false",
        );
        for (const m of e.mutations) if (!onDoc.includes(m)) applyMutation(m, parts);
        const text = writeJson(parts.envelope, true);
        const row: GeneratedRow = {
            collection: spec.collection,
            raw_data: parts.rawOverride ? parts.rawOverride(text) : text,
            _key: parts.key,
            classes: [...new Set(e.mutations.map((m) => m.cls))],
            slot: e.slot,
        };
        rows.push(row);
        if (e.redeliver) rows.push({ ...row, slot: row.slot + 10_001 });
        if (op !== "d") previous = valid;
    });
    return rows;
}

/** A batch's rows per collection in delivery order, with Kafka coordinates from `nextOffset` (advanced). */
export interface BuiltBatch {
    rows: Record<Collection, BronzeRow[]>;
    /** The generated rows with their classes, in the same order as `rows` per collection. */
    generated: Record<Collection, GeneratedRow[]>;
    /** Every document id the batch can name (the run's pools). */
    ids: Record<Collection, string[]>;
}

/** Builds a batch of run `run`: rows interleaved by slot, offsets taken from `nextOffset`. */
export function buildBatch(run: number, specs: readonly DocSpec[], nextOffset: Record<Collection, number>): BuiltBatch {
    const generated: Record<Collection, GeneratedRow[]> = { customers: [], products: [], orders: [] };
    specs.forEach((spec, n) => generated[spec.collection].push(...buildDoc(run, spec, n)));
    const rows: Record<Collection, BronzeRow[]> = { customers: [], products: [], orders: [] };
    const ids = {} as Record<Collection, string[]>;
    for (const c of ["customers", "products", "orders"] as Collection[]) {
        generated[c] = generated[c]
            .map((g, i) => ({ g, i }))
            .sort((a, b) => a.g.slot - b.g.slot || a.i - b.i)
            .map(({ g }) => g);
        rows[c] = generated[c].map((g) => ({
            raw_data: g.raw_data,
            _topic: `mongo.ecom.${c}`,
            _partition: 0,
            _offset: nextOffset[c]++,
            _key: g._key,
        }));
        ids[c] = Array.from({ length: POOL[c] }, (_, i) => docId(run, c, i));
    }
    return { rows, generated, ids };
}

/**
 * Deletes of every document a batch can name, newer than anything a generator writes
 * (`source.ts_ms` and `ord` at Int64's largest, later offsets): after them the run's documents
 * are gone on both sides, whatever either side made of the batch.
 */
export function retireBatch(
    ids: Record<Collection, string[]>,
    nextOffset: Record<Collection, number>,
): Record<Collection, BronzeRow[]> {
    const top = "9223372036854775807";
    const out = {} as Record<Collection, BronzeRow[]>;
    for (const c of ["customers", "products", "orders"] as Collection[]) {
        out[c] = ids[c].map((id) => ({
            raw_data:
                `{"before":null,"after":null,"updateDescription":null,"source":{"version":"2.7.3.Final",` +
                `"connector":"mongodb","name":"mongo","ts_ms":${top},"snapshot":"false","db":"ecom",` +
                `"collection":"${c}",` +
                `"ord":${top}},"op":"d","ts_ms":1,"transaction":null}`,
            _topic: `mongo.ecom.${c}`,
            _partition: 0,
            _offset: nextOffset[c]++,
            _key: JSON.stringify({ id: `{"$oid": "${id}"}` }),
        }));
    }
    return out;
}
