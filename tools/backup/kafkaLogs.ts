/** The log range (first kept offset, next offset) of every partition of some topics, through Kafka's Admin API. */
import { Admin } from "@platformatic/kafka";
import type { KafkaSecurity } from "../status/kafka";
import type { LogRange } from "./positions";

/** How to reach Kafka. */
export interface KafkaLogsTarget {
    bootstrap: string;
    timeoutMs: number;
    security?: KafkaSecurity;
}

/** Every partition of `topics` with its log range; a topic Kafka does not have is refused by name. */
export async function readLogs(t: KafkaLogsTarget, topics: readonly string[]): Promise<LogRange[]> {
    const admin = new Admin({
        clientId: "cdc-backup",
        bootstrapBrokers: [t.bootstrap],
        timeout: t.timeoutMs,
        connectTimeout: t.timeoutMs,
        requestTimeout: t.timeoutMs,
        retries: 2,
        retryDelay: 200,
        ...(t.security
            ? {
                  tls: { ca: t.security.caPem },
                  ...(t.security.sasl
                      ? {
                            sasl: {
                                mechanism: "SCRAM-SHA-512" as const,
                                username: t.security.sasl.user,
                                password: t.security.sasl.password,
                            },
                        }
                      : {}),
              }
            : {}),
    });
    try {
        const existing = new Set(await admin.listTopics({ includeInternals: false }));
        const missing = topics.filter((x) => !existing.has(x));
        if (missing.length > 0)
            throw new Error(
                `Kafka at ${t.bootstrap} has no topic ${missing.join(", ")}: the sink's topics must exist to replay them`,
            );
        if (topics.length === 0) return [];
        const meta = await admin.metadata({ topics: [...topics] });
        const request = (timestamp: bigint) => ({
            topics: topics.map((name) => ({
                name,
                partitions: Array.from(
                    { length: meta.topics.get(name)?.partitionsCount ?? 0 },
                    (_, partitionIndex) => ({
                        partitionIndex,
                        timestamp,
                    }),
                ),
            })),
        });
        const [start, end] = await Promise.all([
            admin.listOffsets(request(-2n)), // earliest: the log start offset
            admin.listOffsets(request(-1n)), // latest: the log end offset
        ]);
        const find = (list: typeof start, topic: string, p: number) =>
            Number(list.find((x) => x.name === topic)?.partitions.find((x) => x.partitionIndex === p)?.offset ?? 0n);
        return topics.flatMap((topic) =>
            Array.from({ length: meta.topics.get(topic)?.partitionsCount ?? 0 }, (_, partition) => ({
                topic,
                partition,
                start: find(start, topic, partition),
                end: find(end, topic, partition),
            })),
        );
    } finally {
        await admin.close();
    }
}
