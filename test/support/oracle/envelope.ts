/**
 * Reads one bronze row: the Debezium envelope in `raw_data` plus the Kafka coordinates and key
 * (DATA_CONTRACT §2, §3), into a {@link ChangeEvent} the fold can order and apply.
 */
import { parseDocument, readOid, type JsonObject } from "./extjson";
import type { BronzeRow } from "./types";

/** One change event, reduced to what decides the current state. */
export interface ChangeEvent {
    op: "r" | "c" | "u" | "d";
    /** 24-char lowercase hex id of the document, or null when the event names none. */
    docId: string | null;
    /** `after` as a parsed document (null for deletes and for updates whose lookup found nothing). */
    after: JsonObject | null;
    /** `source.ts_ms`. */
    tsMs: number;
    /** `source.ord` (0 when absent). */
    ord: number;
    partition: bigint;
    offset: bigint;
}

function asDocument(v: unknown, field: string): JsonObject | null {
    if (v === undefined || v === null) return null;
    if (typeof v === "string") return parseDocument(v, field);
    if (typeof v === "object" && !Array.isArray(v)) return v as JsonObject;
    throw new Error(`${field}: expected an extended-JSON string, got ${JSON.stringify(v)}`);
}

/** The id in a record key `{"id": "{\"$oid\": \"...\"}"}`; null when there is no usable key. */
export function idFromKey(key: string | null | undefined): string | null {
    if (key === undefined || key === null || key === "") return null;
    const parsed = JSON.parse(key) as { id?: unknown };
    const id = typeof parsed.id === "string" ? JSON.parse(parsed.id) : parsed.id;
    return readOid(id, "_key.id");
}

function toNumber(v: unknown, field: string): number {
    if (typeof v === "number" && Number.isFinite(v)) return v;
    if (typeof v === "string" && /^-?\d+$/.test(v)) return Number(v);
    throw new Error(`${field}: expected a number, got ${JSON.stringify(v)}`);
}

/** Parses one bronze row. Throws with the offset in the message when the envelope is malformed. */
export function readEvent(row: BronzeRow): ChangeEvent {
    const where = `bronze row ${row._topic ?? "?"}/${row._partition}/${row._offset}`;
    let envelope: JsonObject;
    try {
        envelope = parseDocument(row.raw_data, "raw_data");
    } catch (e) {
        throw new Error(`${where}: ${(e as Error).message}`);
    }
    const op = envelope.op;
    if (op !== "r" && op !== "c" && op !== "u" && op !== "d") {
        throw new Error(`${where}: unknown op ${JSON.stringify(op)}`);
    }
    const source = (envelope.source ?? {}) as JsonObject;
    const after = asDocument(envelope.after, `${where} after`);
    let docId: string | null;
    if (op === "d") {
        const before = asDocument(envelope.before, `${where} before`);
        docId = (before && readOid(before._id, `${where} before._id`)) ?? idFromKey(row._key);
    } else {
        docId = after === null ? null : readOid(after._id, `${where} after._id`);
    }
    return {
        op,
        docId,
        after: op === "d" ? null : after,
        tsMs: toNumber(source.ts_ms, `${where} source.ts_ms`),
        ord: source.ord === undefined || source.ord === null ? 0 : toNumber(source.ord, `${where} source.ord`),
        partition: BigInt(String(row._partition)),
        offset: BigInt(String(row._offset)),
    };
}

/** Total order of the changes of one document: `(source.ts_ms, source.ord)`, then partition and offset. */
export function compareEvents(a: ChangeEvent, b: ChangeEvent): number {
    if (a.tsMs !== b.tsMs) return a.tsMs < b.tsMs ? -1 : 1;
    if (a.ord !== b.ord) return a.ord < b.ord ? -1 : 1;
    if (a.partition !== b.partition) return a.partition < b.partition ? -1 : 1;
    if (a.offset !== b.offset) return a.offset < b.offset ? -1 : 1;
    return 0;
}
