/**
 * ClickHouse Kafka Connect sink config: change topics → bronze tables (contract §3).
 *
 * Each record lands as one row: the record value, byte for byte, in `raw_data`; the Kafka
 * coordinates in `_topic`, `_partition`, `_offset`; the record key JSON in `_key`; `_ingested_at`
 * is filled by its column DEFAULT. The password is the secret part ({@link CLICKHOUSE_SINK_SECRET_KEYS}).
 *
 * TLS: with `ssl` the sink speaks HTTPS; with `caFile` it trusts exactly that PEM CA (the stack's),
 * through clickhouse-java's `sslrootcert` URL option (see {@link sinkTrustProperties}).
 */
import { assertName, bronzeTableName, changeTopicName } from "./naming";

/** Config keys that hold secrets and are supplied separately (as `secretConfig`). */
export const CLICKHOUSE_SINK_SECRET_KEYS: readonly string[] = ["password"];

/** Where the sink writes, as seen from Kafka Connect. */
export interface ClickHouseSinkTarget {
    /** ClickHouse host name. */
    host: string;
    /** ClickHouse HTTP(S) port, e.g. 8123 (or 8443 with TLS). */
    port: number;
    /** HTTPS instead of HTTP. */
    ssl: boolean;
    /** Database holding the bronze tables. */
    database: string;
    /** ClickHouse user with INSERT on the bronze tables. */
    user: string;
    /**
     * Path, inside the Kafka Connect worker, of the PEM CA certificate the sink trusts for `ssl`
     * (the stack's CA: `/etc/cdc/tls/ca.crt`). Absent: the worker JVM's default truststore (a
     * public CA, e.g. a managed ClickHouse).
     */
    caFile?: string;
}

/** What clickhouse-java accepts inside a URL query value without escaping: an absolute path. */
const CA_FILE = /^\/[A-Za-z0-9._/-]+$/;

/**
 * The sink's trust of `caFile`. The sink builds its endpoint as
 * `https://<host>:<port>/<database>?<jdbcConnectionProperties>`, and clickhouse-java's V1 client
 * (`clickhouse-http-client` 0.9.5, what the sink uses with `clientVersion` V1) reads client options
 * from that query: `sslmode=strict` verifies the chain and the host name, `sslrootcert` names the
 * PEM CA to verify against, instead of the JVM's truststore (where the stack's CA is not: a PKIX
 * error, clickhouse-kafka-connect issue 142). `client-v2` 0.9.5 ignores the query, so the version is
 * pinned to V1. The URL is logged by the sink: it holds a path, never a secret.
 */
export function sinkTrustProperties(caFile: string): Record<string, string> {
    if (!CA_FILE.test(caFile))
        throw new Error(
            `clickhouse.caFile must be an absolute path of letters, digits, ., _, - and / (got ${JSON.stringify(caFile)})`,
        );
    return { jdbcConnectionProperties: `sslmode=strict&sslrootcert=${caFile}`, clientVersion: "V1" };
}

/**
 * ClickHouse settings every INSERT into bronze runs with. The silver views run inside the INSERT
 * with the INSERT's settings: a `SETTINGS` clause in a view's SELECT does not reach them
 * (docs/analytics.md, "short-circuit evaluation"), so what silver needs at INSERT time is set on
 * the INSERT itself, here for the sink (`clickhouseSettings`) and by the chdb gateway for its own.
 * `short_circuit_function_evaluation = disable`: every branch of `if`/`multiIf`/`and`/`or` is
 * computed whole instead of filtering the columns a lazy branch reads, about half of silver's
 * cost per row; it is safe because every cast in silver is total (`…OrNull`).
 */
export const BRONZE_INSERT_SETTINGS: Readonly<Record<string, string>> = {
    short_circuit_function_evaluation: "disable",
};

/** `settings` as the sink's `clickhouseSettings` property: `name=value` pairs joined by commas. */
export function sinkClickhouseSettings(settings: Readonly<Record<string, string>>): string {
    return Object.entries(settings)
        .map(([k, v]) => `${k}=${v}`)
        .join(",");
}

/** Options of {@link clickhouseSinkConfig}. */
export interface ClickHouseSinkOptions {
    /** Debezium topic prefix (`mongo`). */
    topicPrefix: string;
    /** MongoDB database name, used in topic and table names (`ecom`). */
    database: string;
    /** Captured collections. */
    collections: string[];
    clickhouse: ClickHouseSinkTarget;
    /** Topic for records the sink cannot write. Default `dlq.<prefix>.<database>.clickhouse`. */
    deadLetterTopic?: string;
    /** Replication factor of the dead-letter topic. Default 1. */
    deadLetterReplicationFactor?: number;
    /**
     * The sink's exactly-once mode (needs KeeperMap on the server). Default false: at-least-once, which the contract
     * assumes.
     */
    exactlyOnce?: boolean;
    /** Sink tasks. Default 1. */
    tasksMax?: number;
}

/** Default dead-letter topic; its `dlq.` prefix cannot collide with a change topic. */
export function defaultDeadLetterTopic(topicPrefix: string, database: string): string {
    return `dlq.${topicPrefix}.${database}.clickhouse`;
}

/** Renders the non-secret ClickHouse sink config. All values are strings, as Connect expects. */
export function clickhouseSinkConfig(o: ClickHouseSinkOptions): Record<string, string> {
    assertName("topicPrefix", o.topicPrefix);
    assertName("database", o.database);
    if (!Array.isArray(o.collections) || o.collections.length === 0)
        throw new Error("collections must list at least one collection");
    o.collections.forEach((c, i) => assertName(`collections[${i}]`, c, true));
    const ch = o.clickhouse;
    if (!ch || typeof ch.host !== "string" || ch.host.length === 0)
        throw new Error("clickhouse.host must be a non-empty host name");
    if (!Number.isInteger(ch.port) || ch.port < 1 || ch.port > 65535)
        throw new Error(`clickhouse.port must be 1-65535 (got ${ch.port})`);
    assertName("clickhouse.database", ch.database);
    if (ch.caFile !== undefined && !ch.ssl)
        throw new Error(
            "clickhouse.caFile is set but clickhouse.ssl is false; set ssl true (port 8443) or drop caFile",
        );
    const tasks = o.tasksMax ?? 1;
    if (!Number.isInteger(tasks) || tasks < 1) throw new Error(`tasksMax must be an integer >= 1 (got ${tasks})`);

    const topics = o.collections.map((c) => changeTopicName(o.topicPrefix, o.database, c));
    const topicToTable = o.collections.map(
        (c) => `${changeTopicName(o.topicPrefix, o.database, c)}=${bronzeTableName(o.topicPrefix, o.database, c)}`,
    );

    return {
        "connector.class": "com.clickhouse.kafka.connect.ClickHouseSinkConnector",
        "tasks.max": String(tasks),
        topics: topics.join(","),
        // Topic names hold dots, table names cannot: map each explicitly.
        topic2TableMap: topicToTable.join(","),
        hostname: ch.host,
        port: String(ch.port),
        ssl: String(ch.ssl),
        database: ch.database,
        username: ch.user,
        ...(ch.caFile !== undefined ? sinkTrustProperties(ch.caFile) : {}),
        // At-least-once by default: silver deduplicates (contract §2); exactly-once needs KeeperMap.
        exactlyOnce: String(o.exactlyOnce ?? false),
        // Settings of the INSERTs, so of the silver views run inside them (BRONZE_INSERT_SETTINGS).
        clickhouseSettings: sinkClickhouseSettings(BRONZE_INSERT_SETTINGS),
        // Big INSERTs: every INSERT into bronze also runs the silver views, which cost a fixed
        // analysis per inserted block (tens of ms, docs/analytics.md) on top of the per-row work,
        // so the sink takes up to 10k records per poll and lets Kafka gather up to 1 MiB for at
        // most 500 ms first. Worst case that adds half a second of latency to a quiet pipeline.
        "consumer.override.max.poll.records": "10000",
        "consumer.override.fetch.min.bytes": "1048576",
        "consumer.override.fetch.max.wait.ms": "500",
        // Read key and value as text, untouched: `raw_data` must be the value exactly as on the topic.
        "key.converter": "org.apache.kafka.connect.storage.StringConverter",
        "value.converter": "org.apache.kafka.connect.storage.StringConverter",
        // Order matters: drop tombstones first, then wrap the text into a struct, then add the
        // Kafka coordinates (InsertField copies the value), then the key.
        transforms: "dropTombstones,wrapValue,kafkaCoordinates,keyToValue",
        // Contract §2: tombstones (null value after a delete) never reach bronze.
        "transforms.dropTombstones.type": "org.apache.kafka.connect.transforms.Filter",
        "transforms.dropTombstones.predicate": "isTombstone",
        predicates: "isTombstone",
        "predicates.isTombstone.type": "org.apache.kafka.connect.transforms.predicates.RecordIsTombstone",
        // The whole envelope text becomes the single field `raw_data`.
        "transforms.wrapValue.type": "org.apache.kafka.connect.transforms.HoistField$Value",
        "transforms.wrapValue.field": "raw_data",
        // Kafka coordinates as columns (offset is only known to sinks, which this is).
        "transforms.kafkaCoordinates.type": "org.apache.kafka.connect.transforms.InsertField$Value",
        "transforms.kafkaCoordinates.topic.field": "_topic",
        "transforms.kafkaCoordinates.partition.field": "_partition",
        "transforms.kafkaCoordinates.offset.field": "_offset",
        // The record key JSON (`{"id": ...}`) as `_key`; shipped with the ClickHouse connector.
        "transforms.keyToValue.type": "com.clickhouse.kafka.connect.transforms.KeyToValue",
        "transforms.keyToValue.field": "_key",
        // A record that cannot be converted or written goes to the dead-letter topic instead of stopping the sink.
        "errors.tolerance": "all",
        "errors.deadletterqueue.topic.name": o.deadLetterTopic ?? defaultDeadLetterTopic(o.topicPrefix, o.database),
        "errors.deadletterqueue.topic.replication.factor": String(o.deadLetterReplicationFactor ?? 1),
        // Headers on each dead letter say where it came from and why it failed.
        "errors.deadletterqueue.context.headers.enable": "true",
        "errors.log.enable": "true",
        // Messages hold customer data (PII): keep them out of the worker log.
        "errors.log.include.messages": "false",
    };
}
