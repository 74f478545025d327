/**
 * The Kafka positions a backup covers, and what a restore replays from them (pure functions).
 *
 * A sink's committed offset of a partition is the next offset it will read: every record below it
 * was written to bronze before the commit (the sink writes, then commits; at-least-once). The
 * backup reads those offsets BEFORE its snapshot of bronze, and bronze is append-only, so every
 * record below them is in the backup. Records written after the read may be in the backup too:
 * the replay writes them a second time, and silver keeps one row per document version (its
 * `_version` holds the Kafka offset, docs/operations.md "Offsets reset"), so nothing counts twice.
 */
import type { ConnectorOffset } from "../../components/providers/kafkaConnector/lifecycleClient";

/** One topic partition and an offset in it. */
export interface PartitionPosition {
    topic: string;
    partition: number;
    offset: number;
}

/** A partition's log as Kafka holds it now: first offset still kept, next offset to be written. */
export interface LogRange {
    topic: string;
    partition: number;
    start: number;
    end: number;
}

/** History a replay would need that Kafka no longer holds: offsets `from` … `to` (inclusive). */
export interface LostRange {
    topic: string;
    partition: number;
    from: number;
    to: number;
}

const key = (p: { topic: string; partition: number }) => `${p.topic}/${p.partition}`;

/** Sorted by topic, then partition: stable output for manifests and messages. */
export function sortPositions<T extends { topic: string; partition: number }>(list: readonly T[]): T[] {
    return [...list].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
}

/**
 * A sink's committed offsets as Connect's `GET /connectors/<sink>/offsets` lists them
 * (`{ kafka_topic, kafka_partition }` → `{ kafka_offset }`); entries of another shape are refused.
 */
export function sinkPositions(offsets: readonly ConnectorOffset[]): PartitionPosition[] {
    return sortPositions(
        offsets.map((o) => {
            const topic = o.partition.kafka_topic;
            const partition = Number(o.partition.kafka_partition);
            const offset = Number(o.offset?.kafka_offset);
            if (typeof topic !== "string" || !Number.isInteger(partition) || !Number.isInteger(offset))
                throw new Error(
                    `the sink's offsets are not a sink's (kafka_topic, kafka_partition, kafka_offset): ` +
                        `${JSON.stringify(o)}; is --sink the ClickHouse sink connector?`,
                );
            return { topic, partition, offset };
        }),
    );
}

/**
 * Where the sink reads from after a restore: the recorded offset of each partition of the sink's
 * topics now; a partition with none recorded (nothing committed then, or created since) from 0.
 */
export function replayStart(
    recorded: readonly PartitionPosition[],
    partitions: readonly { topic: string; partition: number }[],
): PartitionPosition[] {
    const byKey = new Map(recorded.map((p) => [key(p), p.offset]));
    return sortPositions(partitions.map((p) => ({ ...p, offset: byKey.get(key(p)) ?? 0 })));
}

/** The partitions whose log no longer starts at or before the replay's start: the history lost. */
export function lostHistory(start: readonly PartitionPosition[], logs: readonly LogRange[]): LostRange[] {
    const byKey = new Map(logs.map((l) => [key(l), l]));
    return start.flatMap((s) => {
        const log = byKey.get(key(s));
        return log && log.start > s.offset
            ? [{ topic: s.topic, partition: s.partition, from: s.offset, to: log.start - 1 }]
            : [];
    });
}

/** The body of `PATCH /connectors/<sink>/offsets` that makes the sink read from `start`. */
export function sinkOffsetsBody(start: readonly PartitionPosition[]): ConnectorOffset[] {
    return start.map((p) => ({
        partition: { kafka_topic: p.topic, kafka_partition: p.partition },
        offset: { kafka_offset: p.offset },
    }));
}

/** The partitions whose committed offset is still below `target` (an absent commit counts as 0). */
export function behind(
    committed: readonly PartitionPosition[],
    target: readonly PartitionPosition[],
): (PartitionPosition & { committed: number })[] {
    const byKey = new Map(committed.map((p) => [key(p), p.offset]));
    return target.map((t) => ({ ...t, committed: byKey.get(key(t)) ?? 0 })).filter((t) => t.committed < t.offset);
}

/** `topic/partition @offset, …` for messages. */
export function describePositions(list: readonly PartitionPosition[]): string {
    return list.length === 0 ? "(none)" : list.map((p) => `${p.topic}/${p.partition} @${p.offset}`).join(", ");
}
