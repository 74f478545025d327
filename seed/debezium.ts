/**
 * Debezium MongoDB connector change events (docs/data-contract.md §2), built from mutations as the
 * connector would build them with `capture.mode=change_streams_update_full_with_pre_image`
 * and the JSON converter with schemas disabled. Decisions (see docs/seed.md):
 *
 * - `source.ts_ms`/`source.ord` come from the MongoDB cluster time (seconds, increment):
 *   `ts_ms` is whole seconds × 1000 and `ord` numbers the writes within one second, so
 *   `(ts_ms, ord)` orders all writes. {@link ClusterClock} assigns them.
 * - Snapshot reads (`r`) all carry the cluster time the snapshot started from; `snapshot` is
 *   `"true"`, and `"last"` on the very last record of the snapshot (Debezium 2.x MongoDB).
 * - Inserts: `after` only. Updates: `after` = full post-image, `before` = pre-image,
 *   `updateDescription` = `{removedFields: null, updatedFields: "<relaxed JSON of the $set>",
 *   truncatedArrays: null}` as the connector copies it from the change stream. Deletes:
 *   `after` null, `before` = pre-image.
 * - The envelope and key are serialized compactly (Kafka's JsonConverter); `before`/`after`
 *   are strict extended JSON strings ({@link toStrictJson}).
 */
import { toRelaxedJson, toStrictJson } from "./extjson";
import type { CollectionName, DebeziumEnvelope, DebeziumSource, Mutation, ObjectIdHex } from "./model";

/** Debezium version the emitter claims in `source.version`. */
export const DEBEZIUM_VERSION = "2.7.3.Final";
/** Topic prefix (`topic.prefix` of the source connector). */
export const TOPIC_PREFIX = "mongo";
/** Database captured. */
export const DATABASE = "ecom";

/** Kafka topic of a collection: `mongo.ecom.<collection>`. */
export function topicOf(collection: CollectionName): string {
    return `${TOPIC_PREFIX}.${DATABASE}.${collection}`;
}

/** A MongoDB cluster time: seconds since the epoch and an increment within that second. */
export interface ClusterTime {
    sec: number;
    inc: number;
}

/**
 * Hands out cluster times like a replica set primary: strictly increasing; writes within the
 * same second get increments 1, 2, 3, …; a wall clock going backwards never goes back.
 */
export class ClusterClock {
    private sec = 0;
    private inc = 0;

    /** The cluster time of a write at wall time `at`. */
    tick(at: Date): ClusterTime {
        const s = Math.floor(at.getTime() / 1000);
        if (s > this.sec) {
            this.sec = s;
            this.inc = 1;
        } else {
            this.inc++;
        }
        return { sec: this.sec, inc: this.inc };
    }
}

/** Record key of a document id: `{"id":"{\"$oid\": \"<hex>\"}"}`. */
export function keyOf(id: ObjectIdHex): string {
    return JSON.stringify({ id: `{"$oid": "${id}"}` });
}

function source(
    collection: CollectionName,
    ct: ClusterTime,
    snapshot: DebeziumSource["snapshot"],
    wallTime: number | null,
): DebeziumSource {
    const tsMs = ct.sec * 1000;
    return {
        version: DEBEZIUM_VERSION,
        connector: "mongodb",
        name: TOPIC_PREFIX,
        ts_ms: tsMs,
        snapshot,
        db: DATABASE,
        sequence: null,
        ts_us: tsMs * 1000,
        ts_ns: tsMs * 1_000_000,
        collection,
        ord: ct.inc,
        lsid: null,
        txnNumber: null,
        wallTime,
    };
}

/** Envelope of a snapshot read of `doc`. */
export function snapshotEnvelope(
    collection: CollectionName,
    doc: object,
    position: ClusterTime,
    last: boolean,
    processedAtMs: number,
): DebeziumEnvelope {
    return {
        before: null,
        after: toStrictJson(doc),
        updateDescription: null,
        source: source(collection, position, last ? "last" : "true", null),
        op: "r",
        ts_ms: processedAtMs,
        transaction: null,
    };
}

/**
 * Envelope of a document read by an *incremental* snapshot (a Debezium `execute-snapshot`
 * signal, e.g. a `cdc:connectors.snapshots` request): `op` `r`, `source.snapshot`
 * `"incremental"`, and `source.ts_ms` the worker's clock when the chunk was emitted, in whole
 * milliseconds (Debezium's MongoDB incremental snapshot stamps each read with the current time,
 * not a cluster time), so it is later than the streamed events read before it.
 */
export function incrementalSnapshotEnvelope(
    collection: CollectionName,
    doc: object,
    readAtMs: number,
    ord = 1,
): DebeziumEnvelope {
    const src = source(collection, { sec: 0, inc: ord }, "true", null);
    return {
        before: null,
        after: toStrictJson(doc),
        updateDescription: null,
        source: {
            ...src,
            ts_ms: readAtMs,
            ts_us: readAtMs * 1000,
            ts_ns: readAtMs * 1_000_000,
            snapshot: "incremental",
        },
        op: "r",
        ts_ms: readAtMs,
        transaction: null,
    };
}

/** Envelope of a streamed mutation written at cluster time `ct`, processed at `processedAtMs`. */
export function changeEnvelope(m: Mutation, ct: ClusterTime, processedAtMs: number): DebeziumEnvelope {
    const src = source(m.collection, ct, "false", m.at.getTime());
    switch (m.op) {
        case "insert":
            return {
                before: null,
                after: toStrictJson(m.after as object),
                updateDescription: null,
                source: src,
                op: "c",
                ts_ms: processedAtMs,
                transaction: null,
            };
        case "update":
            return {
                before: toStrictJson(m.before as object),
                after: toStrictJson(m.after as object),
                updateDescription: { removedFields: null, updatedFields: toRelaxedJson(m.set), truncatedArrays: null },
                source: src,
                op: "u",
                ts_ms: processedAtMs,
                transaction: null,
            };
        case "delete":
            return {
                before: toStrictJson(m.before as object),
                after: null,
                updateDescription: null,
                source: src,
                op: "d",
                ts_ms: processedAtMs,
                transaction: null,
            };
    }
}

/** The record value text as the JSON converter puts it on the topic. */
export function serializeEnvelope(e: DebeziumEnvelope): string {
    return JSON.stringify(e);
}
