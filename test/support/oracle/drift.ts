/**
 * The schema-drift report (docs/analytics.md "Schema drift") computed from bronze rows in TypeScript: per collection
 * and field path of the `after` documents of c/r/u events, the types seen, the first and last event time, the number
 * of bronze rows, the values seen, whether the contract (docs/data-contract.md §1) models the path, and the events
 * whose type silver does not read there. Written from the docs, not from the SQL.
 */
import type { Collection } from "./documents";
import type { BronzeRow, BronzeTables } from "./types";

/** The types silver reads at each path of the contract (JSON null is always read). */
export const CONTRACT_PATHS: Record<Collection, Record<string, string[]>> = (() => {
    const s = ["string"];
    const d = ["date"];
    const o = ["oid"];
    const int = ["int", "long"];
    const money = ["decimal", "int"];
    return {
        customers: {
            _id: o,
            first_name: s,
            last_name: s,
            email: s,
            phone: s,
            address: ["object"],
            "address.street": s,
            "address.city": s,
            "address.state": s,
            "address.postal_code": s,
            "address.country": s,
            created_at: d,
            updated_at: d,
        },
        products: {
            _id: o,
            sku: s,
            name: s,
            category: s,
            price: money,
            stock_quantity: int,
            created_at: d,
            updated_at: d,
        },
        orders: {
            _id: o,
            customer_id: o,
            status: s,
            items: ["array"],
            "items[].product_id": o,
            "items[].quantity": int,
            "items[].unit_price": money,
            ordered_at: d,
            updated_at: d,
        },
    };
})();

/** One path of the report. */
export interface DriftPath {
    collection: Collection;
    path: string;
    json_types: string[];
    event_count: number;
    first_seen_ms: number;
    last_seen_ms: number;
    /** Every value seen (parsed JSON), for checking the sample. */
    values: unknown[];
    modelled: boolean;
    changed_types: string[];
    changed_type_events: number;
    drift: "" | "unmodelled" | "type_change";
}

const MAX_EVENT_MS = Date.UTC(2299, 11, 31, 23, 59, 59, 999);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const isPlainObject = (v: unknown): v is Record<string, Json> =>
    typeof v === "object" && v !== null && !Array.isArray(v);

/** An Extended JSON wrapper: an object whose first key starts with `$`. */
function wrapperKey(v: Record<string, Json>): string | undefined {
    const first = Object.keys(v)[0];
    return first?.startsWith("$") ? first : undefined;
}

/** The type name of a value, as docs/analytics.md lists them. */
export function driftType(v: Json): string {
    if (v === null) return "null";
    if (typeof v === "string") return "string";
    if (typeof v === "boolean") return "bool";
    if (typeof v === "number") return Number.isInteger(v) && Math.abs(v) < 1e21 ? "int" : "double";
    if (Array.isArray(v)) return "array";
    const w = wrapperKey(v);
    const names: Record<string, string> = {
        $oid: "oid",
        $date: "date",
        $numberDecimal: "decimal",
        $numberLong: "long",
    };
    return w === undefined ? "object" : (names[w] ?? w);
}

/** (path, value) of a document down to `depth` levels: `a.b` in objects, `a[].b` in the objects of arrays. */
function paths(doc: Record<string, Json>, depth: number): Array<[string, Json]> {
    const out: Array<[string, Json]> = [];
    let level: Array<[string, Json]> = Object.entries(doc);
    for (let d = 1; d <= depth && level.length > 0; d++) {
        out.push(...level);
        const next: Array<[string, Json]> = [];
        for (const [p, v] of level) {
            if (isPlainObject(v) && wrapperKey(v) === undefined) {
                for (const [k, c] of Object.entries(v)) next.push([`${p}.${k}`, c]);
            } else if (Array.isArray(v)) {
                for (const e of v)
                    if (isPlainObject(e) && wrapperKey(e) === undefined)
                        for (const [k, c] of Object.entries(e)) next.push([`${p}[].${k}`, c]);
            }
        }
        level = next;
    }
    return out;
}

/** The event time and document of a row that carries one, else undefined. */
function documentOf(row: BronzeRow): { ms: number; doc: Record<string, Json> } | undefined {
    let env: unknown;
    try {
        env = JSON.parse(row.raw_data);
    } catch {
        return undefined;
    }
    if (!isPlainObject(env) || !["c", "r", "u"].includes(env.op as string)) return undefined;
    const ms = isPlainObject(env.source) ? env.source.ts_ms : undefined;
    if (typeof ms !== "number" || !Number.isInteger(ms) || ms < 0 || ms > MAX_EVENT_MS) return undefined;
    let doc: unknown = env.after;
    if (typeof doc === "string") {
        try {
            doc = JSON.parse(doc);
        } catch {
            return undefined;
        }
    }
    return isPlainObject(doc) ? { ms, doc } : undefined;
}

/** The report of every bronze row given, one entry per (collection, path). */
export function computeDrift(bronze: BronzeTables, depth = 2): DriftPath[] {
    const out: DriftPath[] = [];
    for (const collection of Object.keys(bronze) as Collection[]) {
        const contract = CONTRACT_PATHS[collection];
        const byPath = new Map<string, DriftPath & { rows: Set<string>; changed: Set<string> }>();
        for (const row of bronze[collection]) {
            const d = documentOf(row);
            if (!d) continue;
            const position = `${row._partition}:${row._offset}`;
            for (const [path, value] of paths(d.doc, depth)) {
                const type = driftType(value);
                let p = byPath.get(path);
                if (!p) {
                    p = {
                        collection,
                        path,
                        json_types: [],
                        event_count: 0,
                        first_seen_ms: d.ms,
                        last_seen_ms: d.ms,
                        values: [],
                        modelled: path in contract,
                        changed_types: [],
                        changed_type_events: 0,
                        drift: "",
                        rows: new Set(),
                        changed: new Set(),
                    };
                    byPath.set(path, p);
                }
                if (!p.json_types.includes(type)) p.json_types.push(type);
                p.rows.add(position);
                p.first_seen_ms = Math.min(p.first_seen_ms, d.ms);
                p.last_seen_ms = Math.max(p.last_seen_ms, d.ms);
                p.values.push(value);
                if (p.modelled && type !== "null" && !contract[path]!.includes(type)) {
                    if (!p.changed_types.includes(type)) p.changed_types.push(type);
                    p.changed.add(position);
                }
            }
        }
        for (const { rows, changed, ...p } of byPath.values()) {
            p.json_types.sort();
            p.changed_types.sort();
            p.event_count = rows.size;
            p.changed_type_events = changed.size;
            p.drift = !p.modelled ? "unmodelled" : p.changed_type_events > 0 ? "type_change" : "";
            out.push(p);
        }
    }
    return out;
}

/** Whether the last name of a path looks secret (docs/analytics.md: its sample is never stored). */
export const SECRET_NAME = /(pass|pwd|secret|token|key|credential|auth|session|cookie|ssn|cvv|card)/i;
