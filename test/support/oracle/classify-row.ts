/**
 * Classifies one bronze row by the reject rules (docs/data-contract.md §6 made precise): a
 * state-carrying change event, a skipped row (a `c`/`r`/`u` with a null or absent `after`),
 * or a reject with its reason. The rules are tried in order and the first that matches decides:
 * `not_json`, `unknown_op`, `no_source`, `bad_document`, (skip), `no_id`, then the field checks
 * (field-checks.ts). Pure and never throws on the row's content; only a row without integer
 * Kafka coordinates (a broken fixture, not a bronze row) throws.
 */
import type { Collection } from "./documents";
import { idFromKey, type ChangeEvent } from "./envelope";
import { BAD, documentOf, int64Of, isIntegerOrDigits, isObject, oidOf } from "./extjson";
import { readJsonObjectText } from "./json-text";
import { fieldRejectReason } from "./field-checks";
import type { BronzeRow, RejectReason } from "./types";

/** What one bronze row is. */
export type RowClass =
    | { kind: "event"; event: ChangeEvent }
    /** Carries no state and is not a reject; `detail` says which row and why. */
    | { kind: "skip"; detail: string }
    | { kind: "reject"; reason: RejectReason };

const present = (v: unknown): boolean => v !== undefined && v !== null;
const reject = (reason: RejectReason): RowClass => ({ kind: "reject", reason });

/**
 * A Kafka partition or offset as a bigint. Throws naming the row when it is not an integer:
 * the sink always writes both, so this is a fixture mistake rather than a reject.
 */
export function coordinate(
    v: unknown,
    field: "_partition" | "_offset",
    row: Pick<BronzeRow, "_topic" | "_partition" | "_offset">,
): bigint {
    if (typeof v === "bigint") return v;
    if (isIntegerOrDigits(v)) return BigInt(v as number | string);
    throw new Error(
        `bronze row ${row._topic ?? "?"}/${String(row._partition)}/${String(row._offset)}: ${field} must be an integer, got ${JSON.stringify(String(v))}`,
    );
}

/** The document id of an event: `after._id` for `c`/`r`/`u`; `before._id`, else the record key, for `d`. */
function documentId(op: ChangeEvent["op"], doc: Record<string, unknown> | null, key: unknown): string | null {
    const fromDoc = doc === null ? null : oidOf(doc._id);
    if (typeof fromDoc === "string") return fromDoc;
    return op === "d" ? idFromKey(key) : null;
}

/** Classifies one bronze row of `collection` (see the module doc for the rules and their order). */
export function classifyRow(row: BronzeRow, collection: Collection): RowClass {
    const envelope = typeof row.raw_data === "string" ? (readJsonObjectText(row.raw_data) ?? BAD) : BAD;
    if (!isObject(envelope)) return reject("not_json");

    const op = envelope.op;
    if (op !== "r" && op !== "c" && op !== "u" && op !== "d") return reject("unknown_op");

    const source = envelope.source;
    // ts_ms and ord are positions in the oplog: integers within Int64, never negative (§6)
    const tsMs = isObject(source) ? int64Of(source.ts_ms) : null;
    if (!isObject(source) || tsMs === null || tsMs < 0n) return reject("no_source");
    const ord = present(source.ord) ? int64Of(source.ord) : 0n;
    if (ord === null || ord < 0n) return reject("no_source");

    const doc = documentOf(op === "d" ? envelope.before : envelope.after);
    if (doc === BAD) return reject("bad_document");
    if (op !== "d" && doc === null)
        return { kind: "skip", detail: `op ${op} with null after at offset ${String(row._offset)}` };

    const docId = documentId(op, doc, row._key);
    if (docId === null) return reject("no_id");

    if (op !== "d") {
        const reason = fieldRejectReason(doc!, collection);
        if (reason !== null) return reject(reason);
    }
    return {
        kind: "event",
        event: {
            op,
            docId,
            after: op === "d" ? null : doc,
            tsMs,
            ord,
            partition: coordinate(row._partition, "_partition", row),
            offset: coordinate(row._offset, "_offset", row),
        },
    };
}
