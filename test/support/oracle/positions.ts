/**
 * Where each bronze row stands in the order of one document's changes (docs/data-contract.md §2,
 * decided 2026-12-07), worked out by walking each topic partition in offset order:
 *
 * - a **streamed** event (`c`/`u`/`d`, `source.snapshot` absent, null or "false") stands at its own
 *   oplog position `(source.ts_ms, source.ord)`;
 * - any other event (a snapshot read) stands where it is on its partition: at the newest oplog
 *   position of the streamed events at lower offsets in the same topic life, or at its own
 *   `(ts_ms, ord)` when none precedes it.
 *
 * A topic life of a partition starts with a row at offset 0 (Kafka rebuilt from empty while bronze
 * was kept: offsets restart at 0) and holds the rows that arrive after it, in arrival order (the
 * order of the row list); a row at offset 0 with the envelope of an offset-0 row already seen on
 * the partition is a re-delivery and starts nothing. Every row with a valid oplog position counts
 * as a streamed event, whether or not its document is rejected or carries no state: it is still a
 * position in the oplog. Ties between equal positions are the fold's (then the offset).
 *
 * Re-delivered duplicates change nothing (§4): a read with the envelope of a read at a lower offset
 * of the same life is the same event delivered again and stands where that first delivery stood.
 */
import { int64Of, isObject } from "./extjson";
import { readJsonObjectText } from "./json-text";
import type { BronzeRow } from "./types";

/** An oplog position: `(source.ts_ms, source.ord)`. */
export interface OplogPosition {
    tsMs: bigint;
    ord: bigint;
}

/** What the order needs of a row: its own position (undefined when it has none), and whether it is streamed. */
interface Stance {
    own: OplogPosition | undefined;
    streamed: boolean;
}

function stanceOf(row: BronzeRow): Stance {
    const envelope = typeof row.raw_data === "string" ? readJsonObjectText(row.raw_data) : undefined;
    if (!isObject(envelope) || !isObject(envelope.source)) return { own: undefined, streamed: false };
    const source = envelope.source;
    const tsMs = int64Of(source.ts_ms);
    const ord = source.ord === undefined || source.ord === null ? 0n : int64Of(source.ord);
    const own = tsMs !== null && tsMs >= 0n && ord !== null && ord >= 0n ? { tsMs, ord } : undefined;
    const snapshot = source.snapshot;
    const streamed =
        (envelope.op === "c" || envelope.op === "u" || envelope.op === "d") &&
        (snapshot === undefined || snapshot === null || snapshot === "false" || snapshot === false);
    return { own, streamed };
}

const newer = (a: OplogPosition, b: OplogPosition): boolean => a.tsMs > b.tsMs || (a.tsMs === b.tsMs && a.ord > b.ord);

/**
 * The position in the order of every row of `rows` (bronze rows of one table, in arrival order) that has
 * one, by row index. Rows without a valid oplog position are rejects and get none.
 */
export function orderPositions(rows: readonly BronzeRow[]): Map<number, OplogPosition> {
    // 1. topic lives, in arrival order: a row at offset 0 opens a new life of its partition
    const lifeOf = new Map<string, number>();
    const lives = new Map<string, number[]>();
    const openers = new Set<string>(); // partition + envelope of every offset-0 row seen
    rows.forEach((row, i) => {
        const partition = `${String(row._topic)}\u0000${String(row._partition)}`;
        let life = lifeOf.get(partition) ?? 0;
        const opener = `${partition}\u0000${String(row.raw_data)}`;
        if (BigInt(row._offset as string | number | bigint) === 0n && !openers.has(opener)) {
            openers.add(opener);
            lifeOf.set(partition, ++life);
        }
        const key = `${partition}\u0000${life}`;
        if (!lives.has(key)) lives.set(key, []);
        lives.get(key)!.push(i);
    });

    // 2. each life in offset order: reads take the newest streamed position at lower offsets
    const out = new Map<number, OplogPosition>();
    for (const indexes of lives.values()) {
        const offset = (i: number) => BigInt(rows[i]._offset as string | number | bigint);
        const ordered = [...indexes].sort((a, b) => (offset(a) < offset(b) ? -1 : offset(a) > offset(b) ? 1 : a - b));
        let newest: OplogPosition | undefined;
        // a read's envelope → the position its first delivery took
        const firstDelivery = new Map<string, OplogPosition>();
        for (let k = 0; k < ordered.length;) {
            // the rows at one offset (re-deliveries by the sink) see only lower offsets
            let end = k;
            while (end < ordered.length && offset(ordered[end]) === offset(ordered[k])) end++;
            const atOffset = ordered.slice(k, end).map((i) => ({ i, stance: stanceOf(rows[i]) }));
            for (const { i, stance } of atOffset) {
                if (stance.own === undefined) continue;
                if (stance.streamed) {
                    out.set(i, stance.own);
                    continue;
                }
                const envelope = String(rows[i].raw_data);
                const position = firstDelivery.get(envelope) ?? newest ?? stance.own;
                if (!firstDelivery.has(envelope)) firstDelivery.set(envelope, position);
                out.set(i, position);
            }
            for (const { stance } of atOffset)
                if (stance.streamed && stance.own !== undefined && (newest === undefined || newer(stance.own, newest)))
                    newest = stance.own;
            k = end;
        }
    }
    return out;
}
