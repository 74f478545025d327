/**
 * The oracle's `bronze_rejects`: rejected bronze rows, one per distinct Kafka coordinate
 * (`_topic`, `_partition`, `_offset`), so re-processing the same row counts once
 * (docs/data-contract.md §6).
 */
import { coordinate } from "./classify-row";
import type { Collection } from "./documents";
import type { BronzeRow, OracleDocuments, OracleReject, RejectReason } from "./types";

/** One reject as e2e tests compare it with `bronze_rejects`. */
export interface RejectRow {
    _topic: string;
    /** A number when it is a safe integer, else its decimal text. */
    _partition: number | string;
    _offset: number | string;
    reason: RejectReason;
    raw_data: string;
}

/** Collects rejects, keeping the first of rows delivered again at the same coordinates. */
export class RejectLog {
    private readonly byCoordinates = new Map<string, OracleReject>();

    /** Records `row` as rejected with `reason` unless its coordinates were already recorded. */
    add(row: BronzeRow, collection: Collection, reason: RejectReason): void {
        const topic = row._topic ?? "";
        const key = `${topic}\u0000${coordinate(row._partition, "_partition", row)}\u0000${coordinate(row._offset, "_offset", row)}`;
        if (this.byCoordinates.has(key)) return;
        this.byCoordinates.set(key, {
            collection,
            _topic: topic,
            _partition: row._partition,
            _offset: row._offset,
            reason,
            raw_data: row.raw_data,
        });
    }

    /** The rejects in the order they were first seen. */
    list(): OracleReject[] {
        return [...this.byCoordinates.values()];
    }
}

function plain(v: bigint): number | string {
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}

/** The rejects as plain rows sorted by (`_topic`, `_partition`, `_offset`), for comparison with `bronze_rejects`. */
export function rejectsAsRows(docs: Pick<OracleDocuments, "rejects">): RejectRow[] {
    const keyed = docs.rejects.map((r) => ({
        r,
        partition: coordinate(r._partition, "_partition", r),
        offset: coordinate(r._offset, "_offset", r),
    }));
    keyed.sort((a, b) => {
        if (a.r._topic !== b.r._topic) return a.r._topic < b.r._topic ? -1 : 1;
        if (a.partition !== b.partition) return a.partition < b.partition ? -1 : 1;
        return a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0;
    });
    return keyed.map(({ r, partition, offset }) => ({
        _topic: r._topic,
        _partition: plain(partition),
        _offset: plain(offset),
        reason: r.reason,
        raw_data: r.raw_data,
    }));
}
