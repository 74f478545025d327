/**
 * Debezium MongoDB source connector config (non-secret part).
 *
 * The connection string (with the Debezium user's password) is the secret part: pass it to
 * `KafkaConnector` as `secretConfig` under the keys in {@link DEBEZIUM_SECRET_KEYS}.
 */
import { assertName, escapeRegex } from "./naming";

/** Config keys that hold secrets and are supplied separately (as `secretConfig`). */
export const DEBEZIUM_SECRET_KEYS: readonly string[] = ["mongodb.connection.string"];

/**
 * Signal collection of a stack's source connector: `cdc_signal_<stack>` (characters other than
 * letters, digits and `_` become `_`), in the captured database. Named from the stack so two
 * stacks capturing one database never read each other's snapshot requests.
 *
 * Debezium's MongoDB incremental snapshots need it whichever channel delivers the request: the
 * connector writes its chunk watermarks there. So the Debezium user needs
 * {@link DEBEZIUM_SIGNAL_ACTIONS} on it (see docs/operations.md, "Re-snapshot one collection").
 */
export function signalCollectionName(stack: string): string {
    if (typeof stack !== "string" || stack.length === 0)
        throw new Error("signalCollectionName: the stack name must be a non-empty string");
    return `cdc_signal_${stack.replace(/[^A-Za-z0-9_]/g, "_")}`;
}

/**
 * What the Debezium user must be allowed on the signal collection: `insert` (the connector writes
 * an open and a close watermark per snapshot chunk, Debezium's default `insert_insert` strategy;
 * the first insert creates the collection). Reading it needs nothing beyond the change stream.
 */
export const DEBEZIUM_SIGNAL_ACTIONS: readonly string[] = ["insert"];

/** Options of {@link debeziumMongoSourceConfig}. */
export interface DebeziumMongoSourceOptions {
    /** Connector name (informational; the name is given to `KafkaConnector`). */
    connectorName?: string;
    /** Topic prefix (Debezium's logical name); topics are `<prefix>.<db>.<collection>`. Contract: `mongo`. */
    topicPrefix: string;
    /** MongoDB database to capture. Contract: `ecom`. */
    database: string;
    /** Collections to capture, e.g. `["customers", "products", "orders"]`. */
    collections: string[];
    /** Heartbeat interval in milliseconds (keeps offsets moving on quiet collections). Default 10000. */
    heartbeatIntervalMs?: number;
    /** Tasks; the MongoDB connector runs one task per replica set. Default 1. */
    tasksMax?: number;
    /** Snapshot mode. Default `initial` (snapshot once, then stream). */
    snapshotMode?: string;
    /**
     * Capture mode. Default `change_streams_update_full_with_pre_image` (full `after`, `before` pre-images; MongoDB ≥
     * 6).
     */
    captureMode?: string;
    /** Whether the connection to MongoDB uses TLS. Default false; true when `tls` is given. */
    ssl?: boolean;
    /**
     * How the connector verifies the members' certificates (Debezium's `mongodb.ssl.truststore*`).
     * Implies `ssl`. Unset with `ssl`: the worker JVM's default trust (a public CA).
     */
    tls?: DebeziumMongoTls;
    /**
     * Collection (in `database`) the connector reads signals from and writes incremental-snapshot
     * watermarks to, e.g. {@link signalCollectionName}. Unset: no signalling (no re-snapshots).
     */
    signalCollection?: string;
    /** Partitions of the change topics when Connect creates them. Default 1. */
    topicPartitions?: number;
    /** Replication factor of the change topics when Connect creates them. Default 1 (single broker). */
    topicReplicationFactor?: number;
}

/**
 * The truststore the connector's MongoDB client trusts, as Debezium 3.3's MongoDB connector reads
 * it (`MongoDbClientFactory.createSSLContext`: `KeyStore.getInstance(type)` loaded from the file
 * with the password). The file lives on every Connect worker; the password is never a value here.
 */
export interface DebeziumMongoTls {
    /** Path of the truststore on the workers, e.g. `/etc/cdc/tls/truststore.p12`. */
    truststore: string;
    /** Keystore type of the truststore. Default `PKCS12`. */
    truststoreType?: string;
    /**
     * The truststore's password as a config-provider reference the worker resolves, e.g.
     * `${env:CDC_TLS_STORE_PASSWORD}` or `${file:/etc/cdc/tls/store-password:password}`.
     */
    truststorePasswordRef: string;
}

/** `${provider:...}`: a reference Kafka Connect's config providers resolve. */
const CONFIG_REF = /^\$\{[A-Za-z0-9_.-]+:[^}]+\}$/;

/** The `mongodb.ssl.*` properties for `ssl` / `tls` (hostnames always verified). */
function sslProperties(ssl: boolean | undefined, tls: DebeziumMongoTls | undefined): Record<string, string> {
    if (tls === undefined) return { "mongodb.ssl.enabled": String(ssl ?? false) };
    if (ssl === false) throw new Error("tls is given but ssl is false: drop ssl (tls implies it) or drop tls");
    if (typeof tls.truststore !== "string" || !tls.truststore.startsWith("/"))
        throw new Error(`tls.truststore must be an absolute path on the Connect workers (got ${tls.truststore})`);
    if (!CONFIG_REF.test(tls.truststorePasswordRef ?? ""))
        throw new Error(
            "tls.truststorePasswordRef must be a config-provider reference such as ${env:CDC_TLS_STORE_PASSWORD}, " +
                "never the password itself",
        );
    return {
        "mongodb.ssl.enabled": "true",
        // A certificate must name the member the connector dialled: no man in the middle.
        "mongodb.ssl.invalid.hostname.allowed": "false",
        "mongodb.ssl.truststore": tls.truststore,
        "mongodb.ssl.truststore.type": tls.truststoreType ?? "PKCS12",
        "mongodb.ssl.truststore.password": tls.truststorePasswordRef,
    };
}

/** Renders the non-secret Debezium MongoDB source config. All values are strings, as Connect expects. */
export function debeziumMongoSourceConfig(o: DebeziumMongoSourceOptions): Record<string, string> {
    assertName("topicPrefix", o.topicPrefix);
    assertName("database", o.database);
    if (!Array.isArray(o.collections) || o.collections.length === 0)
        throw new Error("collections must list at least one collection");
    o.collections.forEach((c, i) => assertName(`collections[${i}]`, c, true));
    const heartbeat = o.heartbeatIntervalMs ?? 10_000;
    if (!Number.isInteger(heartbeat) || heartbeat < 0)
        throw new Error(`heartbeatIntervalMs must be an integer >= 0 (got ${heartbeat})`);
    if (o.signalCollection !== undefined) {
        assertName("signalCollection", o.signalCollection);
        if (o.collections.includes(o.signalCollection))
            throw new Error(
                `signalCollection "${o.signalCollection}" is a captured collection; signals need a collection of their own`,
            );
    }
    const tasks = o.tasksMax ?? 1;
    if (!Number.isInteger(tasks) || tasks < 1) throw new Error(`tasksMax must be an integer >= 1 (got ${tasks})`);

    return {
        "connector.class": "io.debezium.connector.mongodb.MongoDbConnector",
        "tasks.max": String(tasks),
        // Logical name: the first segment of every topic name and `source.name` in each event.
        "topic.prefix": o.topicPrefix,
        // Open one change stream on the captured database only. With this scope the Debezium user
        // needs `read` on that database (+ listDatabases), not cluster-wide find/changeStream.
        "capture.scope": "database",
        "capture.target": o.database,
        // Include lists are regular expressions matched against the whole name, hence the escaping.
        "database.include.list": escapeRegex(o.database),
        "collection.include.list": o.collections.map((c) => escapeRegex(`${o.database}.${c}`)).join(","),
        // Full document in `after` for updates, and the pre-image in `before` (needs pre-images enabled per
        // collection).
        "capture.mode": o.captureMode ?? "change_streams_update_full_with_pre_image",
        "snapshot.mode": o.snapshotMode ?? "initial",
        // Heartbeats go to `__debezium-heartbeat.<prefix>`, which the sink does not read.
        "heartbeat.interval.ms": String(heartbeat),
        // Contract §2: tombstones are dropped before the sink. Not producing them at all is the simplest
        // guarantee (the topics use time retention, not compaction, so nothing needs them); the sink
        // filters tombstones too, in case another producer or an old config left some on the topics.
        "tombstones.on.delete": "false",
        // Envelope as plain JSON (no schema wrapper): key `{"id": "..."}`, value `{"before", "after", ...}`.
        // `after`/`before` are always MongoDB Extended JSON in strict mode: the connector hard-codes
        // that output mode (no property selects another), which is what contract §2 specifies.
        "key.converter": "org.apache.kafka.connect.json.JsonConverter",
        "key.converter.schemas.enable": "false",
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
        "value.converter.schemas.enable": "false",
        ...sslProperties(o.ssl, o.tls),
        // A CDC source must never skip an event silently: stop the task on any conversion error.
        "errors.tolerance": "none",
        "errors.log.enable": "true",
        // Messages hold customer data (PII): keep them out of the worker log.
        "errors.log.include.messages": "false",
        // Let Connect create the change topics with explicit settings instead of broker defaults.
        "topic.creation.default.partitions": String(o.topicPartitions ?? 1),
        "topic.creation.default.replication.factor": String(o.topicReplicationFactor ?? 1),
        "topic.creation.default.cleanup.policy": "delete",
        // Declared re-snapshots (cdc:connectors.snapshots) arrive as documents inserted into this
        // collection (the "source" channel): MongoDB incremental snapshots need the collection for
        // their watermarks anyway, so it adds no Kafka topic, consumer or client. Debezium adds
        // the collection to its change-stream filter itself; its events never reach a change topic
        // the sink reads (the sink lists its topics).
        ...(o.signalCollection !== undefined
            ? { "signal.enabled.channels": "source", "signal.data.collection": `${o.database}.${o.signalCollection}` }
            : {}),
    };
}

/** Parts of the MongoDB connection string for the Debezium user. */
export interface MongoConnectionStringOptions {
    /** `host:port` of each replica-set member, as seen from Kafka Connect. */
    hosts: string[];
    user: string;
    password: string;
    /** Replica set name, e.g. `rs0`. */
    replicaSet: string;
    /** Database holding the user. Default `admin`. */
    authSource?: string;
    /** TLS. Default false. */
    tls?: boolean;
    /** Further connection-string options, e.g. `{ serverSelectionTimeoutMS: "5000" }`. */
    options?: Record<string, string>;
}

/** Renders `mongodb://user:password@hosts/?replicaSet=..&authSource=..` with credentials percent-encoded. */
export function mongoConnectionString(o: MongoConnectionStringOptions): string {
    if (o.hosts.length === 0) throw new Error("hosts must list at least one host:port");
    const params = new URLSearchParams({ replicaSet: o.replicaSet, authSource: o.authSource ?? "admin" });
    if (o.tls) params.set("tls", "true");
    for (const [k, v] of Object.entries(o.options ?? {})) params.set(k, v);
    return `mongodb://${encodeURIComponent(o.user)}:${encodeURIComponent(o.password)}@${o.hosts.join(",")}/?${params.toString()}`;
}
