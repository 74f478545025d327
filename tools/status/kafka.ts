/**
 * Kafka reads of `npm run status`, through the Kafka admin API of @platformatic/kafka (pure
 * JavaScript, maintained; why this library: docs/operations.md): log start/end offsets and the
 * largest record timestamp per partition (ListOffsets with the MAX_TIMESTAMP spec, KIP-734, so no
 * record is consumed), and the sink group's committed offsets.
 */
import { Admin } from "@platformatic/kafka";
import { describeError, withDeadline } from "./deadline";
import type { LagObs, PartitionObs, SinkObs, SourceObs, TopicObs } from "./types";

export interface KafkaTarget {
    bootstrap: string;
    timeoutMs: number;
    secrets: readonly string[];
}

/** What the Kafka part of the status reads. */
export interface KafkaQuery {
    sourceTopics: string[];
    sinkTopics: string[];
    group: string;
    deadLetterTopic?: string;
}

export interface KafkaResult {
    source: Pick<SourceObs, "topics" | "kafkaError">;
    sink: Pick<SinkObs, "lag" | "kafkaError" | "deadLetter">;
}

const EARLIEST = -2n;
const LATEST = -1n;
const MAX_TIMESTAMP = -3n;

/** Reads the offsets of every topic of `q` (never throws: a failure lands in `kafkaError`). */
export async function readKafka(t: KafkaTarget, q: KafkaQuery): Promise<KafkaResult> {
    const hint = `is Kafka up and ${t.bootstrap} reachable from here (--kafka)?`;
    const admin = new Admin({
        clientId: "cdc-status",
        bootstrapBrokers: [t.bootstrap],
        timeout: t.timeoutMs,
        connectTimeout: t.timeoutMs,
        requestTimeout: t.timeoutMs,
        retries: 1,
        retryDelay: 200,
    });
    const call = <T>(what: string, p: Promise<T>) =>
        withDeadline(p, t.timeoutMs, `Kafka at ${t.bootstrap} (${what})`, hint);
    try {
        const existing = new Set(await call("list topics", admin.listTopics({ includeInternals: false })));
        const wanted = [
            ...new Set([...q.sourceTopics, ...q.sinkTopics, ...(q.deadLetterTopic ? [q.deadLetterTopic] : [])]),
        ];
        const known = wanted.filter((w) => existing.has(w));
        const partitions = new Map<string, PartitionObs[]>();
        if (known.length > 0) {
            const meta = await call("metadata", admin.metadata({ topics: known }));
            const request = (timestamp: bigint) => ({
                topics: known
                    .map((name) => ({
                        name,
                        partitions: Array.from(
                            { length: meta.topics.get(name)?.partitionsCount ?? 0 },
                            (_, partitionIndex) => ({ partitionIndex, timestamp }),
                        ),
                    }))
                    .filter((x) => x.partitions.length > 0),
            });
            const [start, end, newest] = await Promise.all([
                call("log start offsets", admin.listOffsets(request(EARLIEST))),
                call("log end offsets", admin.listOffsets(request(LATEST))),
                call("newest record timestamps", admin.listOffsets(request(MAX_TIMESTAMP))),
            ]);
            const find = (list: typeof start, topic: string, p: number) =>
                list.find((x) => x.name === topic)?.partitions.find((x) => x.partitionIndex === p);
            for (const topic of known) {
                const n = meta.topics.get(topic)?.partitionsCount ?? 0;
                partitions.set(
                    topic,
                    Array.from({ length: n }, (_, p) => {
                        const ts = find(newest, topic, p);
                        return {
                            partition: p,
                            startOffset: Number(find(start, topic, p)?.offset ?? 0n),
                            endOffset: Number(find(end, topic, p)?.offset ?? 0n),
                            newestTimestampMs:
                                ts && ts.offset >= 0n && ts.timestamp >= 0n ? Number(ts.timestamp) : null,
                        };
                    }),
                );
            }
        }
        const topicObs = (topic: string): TopicObs =>
            partitions.has(topic)
                ? { topic, partitions: partitions.get(topic)! }
                : { topic, missing: true, partitions: [] };

        // The group's offsets can fail on their own (coordinator not ready): that fails the sink only.
        const committed = new Map<string, number>();
        const sinkKnown = q.sinkTopics.filter((s) => partitions.has(s));
        let groupError: string | undefined;
        if (sinkKnown.length > 0) {
            try {
                const groups = await call(
                    `offsets of group ${q.group}`,
                    admin.listConsumerGroupOffsets({
                        groups: [
                            {
                                groupId: q.group,
                                topics: sinkKnown.map((name) => ({
                                    name,
                                    partitionIndexes: partitions.get(name)!.map((p) => p.partition),
                                })),
                            },
                        ],
                    }),
                );
                for (const g of groups)
                    for (const topic of g.topics)
                        for (const p of topic.partitions) {
                            if (p.committedOffset >= 0n)
                                committed.set(`${topic.name}\u0000${p.partitionIndex}`, Number(p.committedOffset));
                        }
            } catch (e) {
                const msg = describeError(e, t.secrets);
                groupError = /did not answer within/.test(msg)
                    ? msg
                    : `Kafka at ${t.bootstrap} (offsets of group ${q.group}): ${msg}`;
            }
        }
        const lag: LagObs[] = [];
        if (!groupError)
            for (const topic of sinkKnown)
                for (const p of partitions.get(topic)!) {
                    lag.push({
                        topic,
                        partition: p.partition,
                        committed: committed.get(`${topic}\u0000${p.partition}`) ?? null,
                        startOffset: p.startOffset,
                        endOffset: p.endOffset,
                    });
                }
        const dlqTopic = q.deadLetterTopic;
        return {
            source: { topics: q.sourceTopics.map(topicObs) },
            sink: {
                // A change topic that does not exist yet holds nothing to lag on (Debezium creates it with the first
                // event).
                lag,
                ...(groupError ? { kafkaError: groupError } : {}),
                // The dead-letter topic is created with its first record: absent means empty.
                deadLetter: dlqTopic
                    ? {
                          topic: dlqTopic,
                          depth: (partitions.get(dlqTopic) ?? []).reduce(
                              (n, p) => n + (p.endOffset - p.startOffset),
                              0,
                          ),
                      }
                    : undefined,
            },
        };
    } catch (e) {
        const msg = describeError(e, t.secrets);
        const kafkaError = /did not answer within/.test(msg) ? msg : `Kafka at ${t.bootstrap}: ${msg}: ${hint}`;
        return { source: { topics: [], kafkaError }, sink: { lag: [], kafkaError } };
    } finally {
        // Closing waits for in-flight requests: bounded too, and its failure changes nothing.
        await withDeadline(admin.close(), t.timeoutMs, "Kafka (close)", "").catch(() => undefined);
    }
}
