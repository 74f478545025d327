/**
 * The change event a bronze row carries once it is classified as state-carrying
 * (classify-row.ts), the record key's id, and the order in which the fold applies events
 * (docs/data-contract.md §2, §3, §4).
 */
import { isObject, oidOf, parseJsonExact } from "./extjson";
import type { JsonObject } from "./extjson";

/** One change event, reduced to what decides the current state. */
export interface ChangeEvent {
    op: "r" | "c" | "u" | "d";
    /** 24-char lowercase hex id of the document. */
    docId: string;
    /** `after` as a parsed document (null for deletes). */
    after: JsonObject | null;
    /** `source.ts_ms`, exact (within Int64, ≥ 0). */
    tsMs: bigint;
    /** `source.ord` (0 when absent or null), exact (within Int64, ≥ 0). */
    ord: bigint;
    partition: bigint;
    offset: bigint;
    /**
     * The position the event takes in its document's order (positions.ts), when it differs from its own
     * `(tsMs, ord)`: a snapshot read's is the newest streamed position before it on its partition.
     */
    order?: { tsMs: bigint; ord: bigint };
}

const HEX24 = /^[0-9a-fA-F]{24}$/;

/**
 * The id a record key gives: `_key` is JSON `{"id": X}` with X a string holding
 * `{"$oid": "<24 hex>"}` (Debezium's form), X itself `{"$oid": "<24 hex>"}`, or X a bare
 * 24-hex string. Lower-cased; null when the key is absent or gives no id. Never throws.
 */
export function idFromKey(key: unknown): string | null {
    if (typeof key !== "string" || key === "") return null;
    const parsed = parseJsonExact(key);
    if (!isObject(parsed)) return null;
    let x = parsed.id;
    if (typeof x === "string") {
        if (HEX24.test(x)) return x.toLowerCase();
        x = parseJsonExact(x);
    }
    const id = oidOf(x);
    return typeof id === "string" ? id : null;
}

/**
 * Total order of the changes of one document: the position each takes (`order`, else its own
 * `(source.ts_ms, source.ord)`), then partition and offset.
 */
export function compareEvents(a: ChangeEvent, b: ChangeEvent): number {
    const [pa, pb] = [a.order ?? a, b.order ?? b];
    if (pa.tsMs !== pb.tsMs) return pa.tsMs < pb.tsMs ? -1 : 1;
    if (pa.ord !== pb.ord) return pa.ord < pb.ord ? -1 : 1;
    if (a.partition !== b.partition) return a.partition < b.partition ? -1 : 1;
    if (a.offset !== b.offset) return a.offset < b.offset ? -1 : 1;
    return 0;
}
