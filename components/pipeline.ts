import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { collectionNames, type PipelineSettings } from "./config";
import { analyticsVars } from "./analytics/vars";
import { dbtRelationNames } from "./analytics/relations";
import type { PipelineEndpoints } from "./endpoints";
import {
    bronzeTableName,
    CLICKHOUSE_SINK_SECRET_KEYS,
    clickhouseSinkConfig,
    DEBEZIUM_SECRET_KEYS,
    debeziumMongoSourceConfig,
} from "../connectors";
import { BronzeTables } from "./providers/bronzeTables";
import { KafkaConnector, type DesiredState, type KafkaConnectorArgs } from "./providers/kafkaConnector";
import { DbtRun } from "./providers/dbt";
import { SnapshotSignal } from "./providers/snapshotSignal";
import { signalCollectionName } from "../connectors/debeziumMongoSource";

export interface CdcPipelineArgs {
    /** Where the services are: produced by a platform component. */
    endpoints: PipelineEndpoints;
    /** Validated pipeline settings (names, connector and dbt options). */
    settings: PipelineSettings;
    /** Directory of the dbt project; default `ecom_analytics/` next to this repository's root. */
    dbtProjectDir?: string;
}

/**
 * Engine-test seam: rewrites each connector's non-secret config after the product has rendered
 * it and before it is applied. The engine tests run where no MongoDB server and no ClickHouse
 * sink plugin exist, so they swap the connector class for one shipped with Kafka (FileStreamSource
 * / FileStreamSink) while keeping the rest of the wiring: connector names, secret config,
 * dependencies, readiness waits and the product's other keys.
 */
export type ConnectorConfigOverride = (
    role: "source" | "sink",
    config: Record<string, string>,
) => Record<string, string>;

/** @internal Test seams of the pipeline (see `StackTestSeams` in stack.ts); a real stack passes none. */
export interface CdcPipelineTestSeams {
    connectorConfigOverride?: ConnectorConfigOverride;
}

/**
 * The CDC layer, identical on every platform: bronze tables → ClickHouse sink → Debezium source
 * → dbt run, each created only once what it talks to is ready (resource dependencies, no sleeps).
 */
export class CdcPipeline extends pulumi.ComponentResource {
    public readonly bronze: BronzeTables;
    public readonly sink: KafkaConnector;
    public readonly source: KafkaConnector;
    public readonly dbt?: DbtRun;
    /**
     * The declared re-snapshots (`cdc:connectors.snapshots`), signalled to the source; absent while none is declared.
     */
    public readonly snapshots?: SnapshotSignal;
    /** Bronze table names, e.g. `mongo_ecom_orders`. */
    public readonly bronzeTables: string[];
    /** dbt vars from the config (bronze table names by role, gold refresh interval). */
    public readonly dbtVars: Record<string, string>;

    constructor(
        name: string,
        args: CdcPipelineArgs,
        opts?: pulumi.ComponentResourceOptions,
        /** @internal */ seams: CdcPipelineTestSeams = {},
    ) {
        super("cdc:pipeline:CdcPipeline", name, {}, opts);
        const s = args.settings;
        const e = args.endpoints;
        const child = { parent: this };
        const stack = pulumi.getStack();
        const prefix = s.kafka.topicPrefix;
        const dbtProjectDir = args.dbtProjectDir ?? path.resolve(__dirname, "..", "ecom_analytics");
        const collections = collectionNames(s.mongo.collections);
        // id → collections, as config loading resolved them (role names already mapped)
        const snapshotRequests = Object.fromEntries((s.connectors.snapshots ?? []).map((r) => [r.id, r.collections]));
        const signalCollection = signalCollectionName(stack);
        this.bronzeTables = collections.map((c) => bronzeTableName(prefix, s.mongo.database, c));
        // The platform's replicated ClickHouse (kubernetes, replicas ≥ 2); absent: the single node, inputs unchanged.
        const replication = e.clickhouse.replication;
        /** The dbt vars: bronze table of each role, gold refresh interval, `cdc_replicated` when replicated. */
        this.dbtVars = analyticsVars({
            topicPrefix: prefix,
            database: s.mongo.database,
            collections: s.mongo.collections,
            refreshSeconds: s.analytics.refreshSeconds,
            ...(replication ? { replicated: true } : {}),
        });

        // 1. Bronze tables, once ClickHouse answers.
        this.bronze = new BronzeTables(
            `${name}-bronze`,
            {
                url: e.clickhouse.url,
                user: e.clickhouse.user,
                password: e.clickhouse.password,
                ...(e.tls ? { caPem: e.tls.caPem } : {}),
                database: e.clickhouse.database,
                tables: this.bronzeTables,
                dropOnDelete: s.bronze.dropOnDestroy,
                // silver and gold are built on bronze: dropped with it (and only then)
                dependents: s.dbt.enabled ? dbtRelationNames(dbtProjectDir) : [],
                ...(replication ? { replication: { cluster: replication.cluster } } : {}),
            },
            { ...child, dependsOn: e.ready.clickhouse },
        );

        // 2. The sink, once its tables exist and Connect has the plugin.
        const override = seams.connectorConfigOverride;
        const sinkConfig = pulumi
            .all([
                e.clickhouse.internal.host,
                e.clickhouse.internal.port,
                e.clickhouse.internal.ssl,
                e.clickhouse.database,
                e.clickhouse.user,
            ])
            .apply(([host, port, ssl, database, user]) =>
                clickhouseSinkConfig({
                    topicPrefix: prefix,
                    database: s.mongo.database,
                    collections,
                    clickhouse: { host, port, ssl, database, user, caFile: e.clickhouse.internal.caFile },
                    deadLetterTopic: s.connectors.deadLetterTopic,
                    deadLetterReplicationFactor: e.kafka.replicationFactor,
                    exactlyOnce: s.connectors.exactlyOnce,
                }),
            )
            .apply((c) => (override ? override("sink", c) : c));
        /** How the connector provider reaches Connect's REST API: its credentials and the CA it trusts. */
        const connectAccess: Pick<KafkaConnectorArgs, "connectAuth" | "caPem"> = {
            ...(e.connect.auth
                ? { connectAuth: { user: e.connect.auth.user, password: e.connect.auth.password } }
                : {}),
            ...(e.tls ? { caPem: e.tls.caPem } : {}),
        };
        this.sink = new KafkaConnector(
            `${name}-sink`,
            {
                connectUrl: e.connect.url,
                connectorName: s.connectors.sinkName ?? `${stack}-clickhouse-sink`,
                ...connectAccess,
                config: sinkConfig,
                secretConfig: pulumi.secret(secretMap(CLICKHOUSE_SINK_SECRET_KEYS, e.clickhouse.password)),
                ...(e.connect.secretRefs
                    ? { secretRefs: { [CLICKHOUSE_SINK_SECRET_KEYS[0]]: e.connect.secretRefs.clickhousePassword } }
                    : {}),
                readyTimeoutSeconds: s.connectors.readyTimeoutSeconds,
                requestTimeoutSeconds: s.connectors.requestTimeoutSeconds,
                ...lifecycle(s.connectors, s.connectors.sink.state),
                ...(s.connectors.sink.resetOffsets ? { resetOffsets: s.connectors.sink.resetOffsets } : {}),
            },
            { ...child, dependsOn: [this.bronze, ...e.ready.connect] },
        );

        // 3. The source, once MongoDB is initialised and the sink is consuming.
        const sourceConfig = debeziumMongoSourceConfig({
            topicPrefix: prefix,
            database: s.mongo.database,
            collections,
            heartbeatIntervalMs: s.connectors.heartbeatIntervalMs,
            topicReplicationFactor: e.kafka.replicationFactor,
            signalCollection,
            ...(e.mongo.connectorTls ? { tls: e.mongo.connectorTls } : {}),
        });
        this.source = new KafkaConnector(
            `${name}-source`,
            {
                connectUrl: e.connect.url,
                connectorName: s.connectors.sourceName ?? `${stack}-mongo-source`,
                ...connectAccess,
                config: override ? override("source", sourceConfig) : sourceConfig,
                secretConfig: pulumi.secret(secretMap(DEBEZIUM_SECRET_KEYS, e.mongo.connectorConnectionString)),
                ...(e.connect.secretRefs
                    ? { secretRefs: { [DEBEZIUM_SECRET_KEYS[0]]: e.connect.secretRefs.debeziumConnectionString } }
                    : {}),
                readyTimeoutSeconds: s.connectors.readyTimeoutSeconds,
                requestTimeoutSeconds: s.connectors.requestTimeoutSeconds,
                ...lifecycle(s.connectors, s.connectors.source.state),
            },
            { ...child, dependsOn: [this.sink, ...e.ready.mongo, ...e.ready.connect] },
        );

        // 3b. Declared re-snapshots: signals to the source, once it runs with the signal collection.
        // Only while some are declared: an id is also the signal document's _id, so even after the
        // list was emptied (and this record deleted) MongoDB refuses to run an old id again.
        if (Object.keys(snapshotRequests).length > 0)
            this.snapshots = new SnapshotSignal(
                `${name}-snapshots`,
                {
                    connectionString: e.mongo.hostConnectionString,
                    database: s.mongo.database,
                    signalCollection,
                    connectorName: this.source.connectorName,
                    requests: snapshotRequests,
                    timeoutSeconds: s.connectors.requestTimeoutSeconds,
                    ...(e.tls ? { caPem: e.tls.caPem } : {}),
                },
                { ...child, dependsOn: [this.source] },
            );

        // 4. dbt, once bronze exists (it builds on whatever has arrived; later runs catch up).
        if (s.dbt.enabled) {
            this.dbt = new DbtRun(
                `${name}-dbt`,
                {
                    projectDir: dbtProjectDir,
                    clickhouse: pulumi.secret(
                        pulumi
                            .all([
                                e.clickhouse.url,
                                e.clickhouse.user,
                                e.clickhouse.password,
                                e.clickhouse.database,
                                e.tls?.caPem,
                            ])
                            .apply(([url, user, password, database, caPem]) => ({
                                url,
                                user,
                                password,
                                database,
                                ...(caPem ? { caPem } : {}),
                                ...(replication ? { replicated: true } : {}),
                            })),
                    ),
                    target: s.dbt.target,
                    threads: s.dbt.threads,
                    vars: this.dbtVars,
                },
                { ...child, dependsOn: [this.bronze, this.sink] },
            );
        }
        this.registerOutputs({ bronzeTables: this.bronzeTables, dbtVars: this.dbtVars });
    }
}

/** A connector's lifecycle inputs from `cdc:connectors`: declared state, readiness, restart bounds. */
function lifecycle(
    c: PipelineSettings["connectors"],
    state: DesiredState,
): Pick<KafkaConnectorArgs, "desiredState" | "readiness" | "maxRestarts" | "restartBackoffSeconds"> {
    return {
        desiredState: state,
        readiness: c.readiness,
        maxRestarts: c.restarts.max,
        restartBackoffSeconds: c.restarts.backoffSeconds,
    };
}

/** `{ key: value }` for the single secret key a connector takes (a password or connection string). */
function secretMap(keys: readonly string[], value: pulumi.Input<string>): pulumi.Output<Record<string, string>> {
    if (keys.length !== 1) throw new Error(`expected exactly one secret key, got ${keys.join(", ")}`);
    return pulumi.output(value).apply((v) => ({ [keys[0]]: v }));
}
