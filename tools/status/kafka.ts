/**
 * Kafka reads of `npm run status`, through the Kafka admin API of @platformatic/kafka (pure
 * JavaScript, maintained; why this library: docs/operations.md): log start/end offsets and the
 * largest record timestamp per partition (ListOffsets with the MAX_TIMESTAMP spec, KIP-734, so no
 * record is consumed), and the sink group's committed offsets.
 */
import { readFileSync } from "node:fs";
import { Admin } from "@platformatic/kafka";
import { describeError, withDeadline } from "./deadline";
import type { LagObs, PartitionObs, SinkObs, SourceObs, TopicObs } from "./types";

/** How status authenticates to a SASL_SSL broker (SCRAM-SHA-512) and which CA it trusts. */
export interface KafkaSecurity {
    /** PEM CA the broker's certificate must chain to (TLS with hostname verification). */
    caPem: string;
    /** SCRAM-SHA-512 user and password; absent = TLS without SASL. */
    sasl?: { user: string; password: string };
}

export interface KafkaTarget {
    bootstrap: string;
    timeoutMs: number;
    secrets: readonly string[];
    /** Absent = PLAINTEXT (docker with `cdc:tls.enabled: false`). */
    security?: KafkaSecurity;
}

/** The env vars status reads Kafka's credentials from (never flags: a flag's value shows in `ps`). */
export const KAFKA_STATUS_ENV = {
    /** PEM file of the stack's CA (the design's shared name for host tools). */
    caFile: "CDC_TLS_CA_FILE",
    user: "CDC_STATUS_KAFKA_USER",
    password: "CDC_STATUS_KAFKA_PASSWORD",
} as const;

/**
 * Kafka security from the environment: TLS when `CDC_TLS_CA_FILE` names the CA, SCRAM when
 * `CDC_STATUS_KAFKA_PASSWORD` is set too (user `CDC_STATUS_KAFKA_USER`, default `status`).
 * Throws a message naming the variable when the CA file cannot be read.
 */
export function kafkaSecurityFromEnv(env: NodeJS.ProcessEnv = process.env): KafkaSecurity | undefined {
    const caFile = env[KAFKA_STATUS_ENV.caFile];
    const password = env[KAFKA_STATUS_ENV.password];
    if (!caFile) {
        if (password)
            throw new Error(
                `${KAFKA_STATUS_ENV.password} is set but ${KAFKA_STATUS_ENV.caFile} is not: ` +
                    "SCRAM passwords only travel over TLS; point it at the stack's CA (PEM)",
            );
        return undefined;
    }
    let caPem: string;
    try {
        caPem = readFileSync(caFile, "utf8");
    } catch (e) {
        throw new Error(
            `${KAFKA_STATUS_ENV.caFile}=${caFile} cannot be read (${(e as Error).message}): give the CA's PEM file`,
        );
    }
    return {
        caPem,
        ...(password ? { sasl: { user: env[KAFKA_STATUS_ENV.user] || "status", password } } : {}),
    };
}

/** Every error code and message in `e` and what it wraps. */
function causes(e: unknown, seen = new Set<unknown>()): { code?: string; name?: string; message: string }[] {
    if (!e || typeof e !== "object" || seen.has(e)) return [];
    seen.add(e);
    const err = e as { code?: string; name?: string; message?: string; errors?: unknown[]; cause?: unknown };
    return [
        { code: err.code, name: err.name, message: err.message ?? "" },
        ...(err.errors ?? []).flatMap((x) => causes(x, seen)),
        ...causes(err.cause, seen),
    ];
}

/**
 * What a TLS or SASL failure means, in one sentence with what to do; undefined for other errors.
 */
export function kafkaSecurityProblem(e: unknown, bootstrap: string, user?: string): string | undefined {
    const all = causes(e);
    const has = (re: RegExp) => all.some((c) => re.test(c.code ?? "") || re.test(c.name ?? "") || re.test(c.message));
    const at = `Kafka at ${bootstrap}`;
    if (has(/AuthenticationError|SaslAuthenticat|Authentication failed/i))
        return (
            `${at}: SASL authentication failed for user "${user ?? "?"}": wrong password; ` +
            `give the stack's one in ${KAFKA_STATUS_ENV.password}`
        );
    if (has(/CERT_HAS_EXPIRED/))
        return `${at}: its certificate has expired: run \`npm run up\` to renew the stack's certificates`;
    if (has(/ERR_TLS_CERT_ALTNAME_INVALID/))
        return `${at}: its certificate is not issued for this host name: use the stack output kafkaBootstrap`;
    if (has(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT|UNABLE_TO_GET_ISSUER_CERT|CERT_SIGNATURE_FAILURE/))
        return (
            `${at}: its certificate is not signed by the CA in ${KAFKA_STATUS_ENV.caFile}: ` +
            "give the stack's CA (wrong CA / unknown issuer)"
        );
    return undefined;
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
    const secrets = [...t.secrets, ...(t.security?.sasl ? [t.security.sasl.password] : [])];
    const securityProblem = (e: unknown) => kafkaSecurityProblem(e, t.bootstrap, t.security?.sasl?.user);
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
                const msg = securityProblem(e) ?? describeError(e, secrets);
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
        const problem = securityProblem(e);
        const msg = describeError(e, secrets);
        const kafkaError =
            problem ?? (/did not answer within/.test(msg) ? msg : `Kafka at ${t.bootstrap}: ${msg}: ${hint}`);
        return { source: { topics: [], kafkaError }, sink: { lag: [], kafkaError } };
    } finally {
        // Closing waits for in-flight requests: bounded too, and its failure changes nothing.
        await withDeadline(admin.close(), t.timeoutMs, "Kafka (close)", "").catch(() => undefined);
    }
}
