/**
 * The fuzz generators (test/support/fuzz/) really produce every hostile class, in the bronze
 * text itself, mixed with valid events: otherwise the fuzz test (test/engine/fuzz-gold.test.ts)
 * could pass on valid-only data. Each class is recognised here from the rows' text, not from
 * the generator's own tags, and the rows are deterministic for a seed.
 */
import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { batchArb, buildBatch, HOSTILE_CLASSES, type GeneratedRow } from "../support/fuzz/history";
import { classifyRow } from "../support/oracle";
import type { Collection } from "../support/oracle/documents";
import type { BronzeRow } from "../support/oracle/types";

const COLLECTIONS: Collection[] = ["customers", "products", "orders"];
const MIN_MS = Date.UTC(1900, 0, 1);
const MAX_MS = Date.UTC(2299, 11, 31, 23, 59, 59, 999);
const CENTS_LIMIT = 10n ** 18n; // Decimal(18,2) in cents
const INT64_MAX = 2n ** 63n - 1n;

type Json = Record<string, unknown>;
const parse = (text: unknown): unknown => {
    if (typeof text !== "string") return text;
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
};
const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** Deepest nesting of arrays/objects in JSON text, outside string literals. */
function depth(text: string): number {
    let d = 0;
    let max = 0;
    let inString = false;
    for (let i = 0; i < text.length; i++) {
        const ch = text[i];
        if (inString) {
            if (ch === "\\") i++;
            else if (ch === '"') inString = false;
        } else if (ch === '"') inString = true;
        else if (ch === "[" || ch === "{") max = Math.max(max, ++d);
        else if (ch === "]" || ch === "}") d--;
    }
    return max;
}

/** True when some object in the JSON text has a key twice (a small scanner; JSON.parse would hide it). */
function hasDuplicateKey(text: string): boolean {
    const stack: (Set<string> | null)[] = [];
    let expectKey = false;
    for (let i = 0; i < text.length; i++) {
        const ch = text[i];
        if (ch === '"') {
            let j = i + 1;
            while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
            const s = text.slice(i, j + 1);
            const top = stack[stack.length - 1];
            if (expectKey && top) {
                if (top.has(s)) return true;
                top.add(s);
            }
            expectKey = false;
            i = j;
        } else if (ch === "{") {
            stack.push(new Set());
            expectKey = true;
        } else if (ch === "[") stack.push(null);
        else if (ch === "}" || ch === "]") stack.pop();
        else if (ch === ",") expectKey = stack[stack.length - 1] !== null;
    }
    return false;
}

/** What each check sees of one row. */
interface Seen {
    collection: Collection;
    row: BronzeRow;
    env: Json | undefined;
    docText: string | undefined;
    doc: Json | undefined;
}

function see(collection: Collection, row: BronzeRow): Seen {
    const env = parse(row.raw_data);
    const e = isObj(env) ? env : undefined;
    const docValue = e ? (e.op === "d" ? e.before : e.after) : undefined;
    const docText = typeof docValue === "string" ? docValue : undefined;
    const doc = parse(docValue);
    return { collection, row, env: e, docText, doc: isObj(doc) ? doc : undefined };
}

const dateMs = (v: unknown): number | undefined => {
    if (!isObj(v)) return undefined;
    const d = v.$date;
    if (typeof d === "number") return d;
    if (isObj(d) && typeof d.$numberLong === "string") return Number(d.$numberLong);
    return undefined;
};
const dates = (s: Seen): number[] =>
    ["created_at", "updated_at", "ordered_at"]
        .map((f) => dateMs(s.doc?.[f]))
        .filter((v): v is number => v !== undefined);
const lines = (s: Seen): Json[] => (Array.isArray(s.doc?.items) ? (s.doc!.items as unknown[]).filter(isObj) : []);
/** Cents of decimal text with at most 2 decimals, else undefined. */
const cents = (v: unknown): bigint | undefined => {
    const t = isObj(v) ? v.$numberDecimal : undefined;
    const m = typeof t === "string" ? /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(t) : null;
    return m ? (m[1] ? -1n : 1n) * BigInt(m[2]! + (m[3] ?? "").padEnd(2, "0")) : undefined;
};
const lineTotals = (s: Seen): bigint[] =>
    lines(s).flatMap((l) =>
        Number.isSafeInteger(l.quantity) && cents(l.unit_price) !== undefined
            ? [BigInt(l.quantity as number) * cents(l.unit_price)!]
            : [],
    );
const abs = (n: bigint): bigint => (n < 0n ? -n : n);
const sourceText = (s: Seen, field: string): string | undefined =>
    new RegExp(`"source":\\{[^}]*"${field}":(-?[\\d.eE+]+|"[^"]*"|true|null|\\[\\]|\\{\\})`).exec(s.row.raw_data)?.[1];

/** Evidence of each hostile class in the rows themselves (several per class: each side of a boundary). */
const EVIDENCE: Record<string, (s: Seen) => boolean> = {
    "date: first representable instant (1900-01-01)": (s) => dates(s).includes(MIN_MS),
    "date: before 1900-01-01": (s) => dates(s).some((d) => d < MIN_MS),
    "date: last representable instant (2299-12-31T23:59:59.999)": (s) => dates(s).includes(MAX_MS),
    "date: after 2299-12-31": (s) => dates(s).some((d) => d > MAX_MS),
    "date: 1969-12-31T23:00 (ClickHouse Date wraps)": (s) => dates(s).includes(Date.UTC(1969, 11, 31, 23)),
    "date: ISO-8601 text": (s) =>
        ["created_at", "updated_at", "ordered_at"].some(
            (f) => isObj(s.doc?.[f]) && typeof (s.doc![f] as Json).$date === "string",
        ),
    "money: the largest Decimal(18,2)": (s) => s.row.raw_data.includes("9999999999999999.99"),
    "money: past Decimal(18,2)": (s) =>
        /\$numberDecimal\\": \\"(1E\+16|10000000000000000(\.00)?|1E\+6144)\\"/.test(s.row.raw_data),
    "money: a third decimal": (s) => /\$numberDecimal\\": \\"\d+\.\d{3}\\"/.test(s.row.raw_data),
    "line total = quantity × unit price past Decimal(18,2)": (s) => lineTotals(s).some((t) => abs(t) >= CENTS_LIMIT),
    "order total past Decimal(18,2) with every line inside": (s) => {
        const t = lineTotals(s);
        return (
            t.length > 1 && t.every((x) => abs(x) < CENTS_LIMIT) && abs(t.reduce((a, b) => a + b, 0n)) >= CENTS_LIMIT
        );
    },
    "int: beyond Int32": (s) =>
        /\\"(quantity|stock_quantity)\\": (-?\d+)\b/.test(s.row.raw_data) &&
        [...s.row.raw_data.matchAll(/\\"(?:quantity|stock_quantity)\\": (-?\d+)\b/g)].some(
            (m) => BigInt(m[1]!) > 2147483647n || BigInt(m[1]!) < -2147483648n,
        ),
    "ts_ms: negative": (s) => /^-\d+$/.test(sourceText(s, "ts_ms") ?? ""),
    "ts_ms: ≥ 2^63": (s) => /^\d+$/.test(sourceText(s, "ts_ms") ?? "") && BigInt(sourceText(s, "ts_ms")!) > INT64_MAX,
    "ts_ms: not an integer": (s) => /^(-?\d+\.\d+|\d+e\d+|"\d*"|true|\[\]|\{\})$/.test(sourceText(s, "ts_ms") ?? ""),
    "ts_ms: absent": (s) => s.env !== undefined && isObj(s.env.source) && !("ts_ms" in s.env.source),
    "ord: negative": (s) => /^-\d+$/.test(sourceText(s, "ord") ?? ""),
    "ord: ≥ 2^63": (s) => /^\d+$/.test(sourceText(s, "ord") ?? "") && BigInt(sourceText(s, "ord")!) > INT64_MAX,
    "nesting deeper than 1024 in the envelope": (s) => depth(s.row.raw_data) > 1024,
    "nesting deeper than 1024 in the document": (s) => s.docText !== undefined && depth(s.docText) > 1024,
    "nesting of exactly 100 levels (MongoDB's limit)": (s) =>
        s.row.raw_data.includes("[".repeat(100) + "1") && !s.row.raw_data.includes("[".repeat(101)),
    "duplicate key in the envelope": (s) => hasDuplicateKey(s.row.raw_data),
    "duplicate key in the document": (s) => s.docText !== undefined && hasDuplicateKey(s.docText),
    "lone surrogate escape": (s) => /\\\\ud800(?!\\\\ud[c-f])|\\ud800(?!\\ud[c-f])/i.test(s.row.raw_data),
    NUL: (s) => s.row.raw_data.includes("\\u0000"),
    emoji: (s) => /\p{Extended_Pictographic}/u.test(s.row.raw_data),
    "wrong type of a contract field": (s) =>
        ["customer_id", "status", "items", "first_name", "email", "price", "stock_quantity", "address"].some(
            (f) =>
                s.doc !== undefined &&
                f in s.doc &&
                ["number", "boolean"].includes(typeof s.doc[f]) &&
                f !== "stock_quantity",
        ),
    "missing _id": (s) => s.doc !== undefined && !("_id" in s.doc),
    "a contract field JSON null": (s) =>
        s.doc !== undefined &&
        ["first_name", "status", "price", "ordered_at", "created_at"].some((f) => s.doc![f] === null),
    "missing source": (s) => s.env !== undefined && !("source" in s.env),
    "raw_data not JSON (truncated or trailing bytes)": (s) => s.env === undefined && s.row.raw_data.length > 20,
    "raw_data JSON but not an object": (s) => ["[]", "42", '"text"', "null"].includes(s.row.raw_data),
    "unknown op": (s) => s.env !== undefined && "op" in s.env && !["r", "c", "u", "d"].includes(s.env.op as string),
    "document an object, not a string": (s) => s.env !== undefined && isObj(s.env.after),
    "record key absent": (s) => s.row._key === null,
    "record key not JSON": (s) => s.row._key === "garbage",
};

function sample(
    seed: number,
    runs: number,
): { rows: { collection: Collection; row: BronzeRow; gen: GeneratedRow }[]; batches: BronzeRow[][] } {
    const specs = fc.sample(batchArb(), { seed, numRuns: runs });
    const offsets: Record<Collection, number> = { customers: 0, products: 0, orders: 0 };
    const rows: { collection: Collection; row: BronzeRow; gen: GeneratedRow }[] = [];
    const batches: BronzeRow[][] = [];
    specs.forEach((s, i) => {
        const b = buildBatch(i + 1, s, offsets);
        for (const c of COLLECTIONS)
            b.rows[c].forEach((row, j) => rows.push({ collection: c, row, gen: b.generated[c][j]! }));
        batches.push(b.rows.orders);
    });
    return { rows, batches };
}

describe("fuzz generators", () => {
    const { rows, batches } = sample(20261207, 150);
    const seen = rows.map((r) => see(r.collection, r.row));

    it("tag every hostile class on some row", () => {
        const tagged = new Set(rows.flatMap((r) => r.gen.classes));
        assert.deepEqual(
            HOSTILE_CLASSES.filter((c) => !tagged.has(c)),
            [],
        );
    });

    it("write each hostile value into the bronze text, on each side of its boundary", () => {
        const missing = Object.entries(EVIDENCE)
            .filter(([, check]) => !seen.some(check))
            .map(([name]) => name);
        assert.deepEqual(missing, [], `no generated row shows: ${missing.join("; ")}`);
    });

    it("put several orders at the largest money value on one customer: gold's sums pass Decimal(18,2)", () => {
        const crowded = batches.some((orders) => {
            const perCustomer = new Map<string, number>();
            for (const row of orders) {
                const s = see("orders", row);
                if (s.doc === undefined || !lineTotals(s).includes(999999999999999999n)) continue;
                const c = JSON.stringify(s.doc.customer_id);
                perCustomer.set(c, (perCustomer.get(c) ?? 0) + 1);
            }
            return [...perCustomer.values()].some((n) => n >= 2);
        });
        assert.ok(crowded);
    });

    it("mix valid events with hostile ones, for the same documents, with many reject reasons", () => {
        const kinds = rows.map((r) => classifyRow(r.row, r.collection));
        const events = kinds.filter((k) => k.kind === "event").length;
        const reasons = new Set(kinds.flatMap((k) => (k.kind === "reject" ? [k.reason] : [])));
        assert.ok(events / rows.length > 0.4, `${events} of ${rows.length} rows are valid events`);
        assert.ok(
            events < rows.length * 0.95,
            `${events} of ${rows.length} rows are valid events: too few hostile ones`,
        );
        assert.ok(reasons.size >= 10, `reject reasons seen: ${[...reasons].join(", ")}`);
        const byDoc = new Map<string, Set<boolean>>();
        rows.forEach((r) => {
            const key = r.row._key ?? "";
            if (!byDoc.has(key)) byDoc.set(key, new Set());
            byDoc.get(key)!.add(r.gen.classes.length > 0);
        });
        assert.ok(
            [...byDoc.values()].some((s) => s.size === 2),
            "some document has both valid and hostile events",
        );
    });

    it("are deterministic for a seed", () => {
        const again = sample(20261207, 20).rows.map((r) => r.row);
        assert.deepEqual(
            again,
            rows.slice(0, again.length).map((r) => r.row),
        );
    });
});
