import type * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { BackupSettings, DockerSettings, MonitoringSettings, PipelineSettings, TlsSettings } from "../../config";
import type { PipelineEndpoints } from "../../endpoints";
import { backupS3Secrets } from "../shared/backup";
import { generatedEndpoints } from "../shared/endpoints";
import { jmxAgentOf } from "../shared/jmxAgent";
import type { MonitoringAssets } from "../shared/monitoring";
import { type PlatformMonitoring } from "../shared/platformMonitoring";
import { buildServices } from "../shared/services-build";
import { clickhouseServer } from "./clickhouse";
import { connectWorkers } from "./connect";
import { dockerContext } from "./context";
import { kafkaCluster } from "./kafka";
import { mongoReplicaSet } from "./mongo";
import { dockerBackup } from "./backup";
import { dockerMonitoring, type DockerMonitoring } from "./monitoring";
import { dockerTlsSans } from "./tls";

export interface DockerPlatformArgs {
    /** Validated `cdc:docker` settings (images, ports, limits, sink plugin). */
    docker: DockerSettings;
    /** Validated pipeline settings (database and collection names, users). */
    pipeline: PipelineSettings;
    /** Validated `cdc:tls`: the stack's certificates (off only when `enabled` is false). */
    tls: TlsSettings;
    /** Validated `cdc:monitoring`; with `enabled`, `assets` are required. */
    monitoring?: MonitoringSettings;
    /** The dashboard, the alert rules and the exporter's script (components/monitoring/). */
    monitoringAssets?: MonitoringAssets;
    /** Validated `cdc:backup`: with `enabled`, the scheduler container (backup.ts). */
    backup?: BackupSettings;
}

/**
 * The whole pipeline's services on a local Docker engine: a private network, MongoDB as a
 * self-initiating single-member replica set with keyfile auth, Kafka in KRaft mode, Kafka Connect
 * with the Debezium MongoDB and ClickHouse sink plugins, and ClickHouse. Published ports bind to
 * `cdc:docker.bindAddress` (127.0.0.1 by default); every credential is generated. Each service
 * group is built by its own function (mongo.ts, kafka.ts, connect.ts, clickhouse.ts); this
 * component only wires their results into the pipeline's endpoints.
 */
export class DockerPlatform extends pulumi.ComponentResource {
    public readonly endpoints: PipelineEndpoints;
    public readonly network: docker.Network;
    public readonly containers: Record<"mongo" | "kafka" | "connect" | "clickhouse", docker.Container>;
    /** One-shot containers that must exit 0: replica set/user/pre-images init and the plugin install. */
    public readonly jobs: Record<"mongoInit" | "sinkPlugin", docker.Container>;
    /** Prometheus, Grafana and the pipeline exporter (`cdc:monitoring.enabled`). */
    public readonly monitoringServices?: DockerMonitoring;
    /** What the stack exports about them. */
    public readonly monitoring?: PlatformMonitoring;
    /** The backup scheduler (`cdc:backup.enabled`). */
    public readonly backup?: docker.Container;

    constructor(name: string, args: DockerPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cdc:platform:Docker", name, {}, opts);
        const monitoring = args.monitoring?.enabled ?? false;
        const backup = args.backup?.enabled ? args.backup : undefined;
        const ctx = dockerContext(
            name,
            this,
            args.docker,
            args.pipeline,
            monitoring,
            backup !== undefined && !backup.target.startsWith("s3:"),
        );
        const { creds, mongo, kafka, connect, clickhouse } = buildServices(
            name,
            this,
            ctx,
            {
                mongoReplicaSet,
                kafkaCluster: (c, cr) => kafkaCluster(c, cr, jmxAgentOf(cr)),
                connectWorkers: (c, cr, deps) => connectWorkers(c, cr, deps, jmxAgentOf(cr)),
                clickhouseServer,
            },
            { settings: args.tls, sans: dockerTlsSans(ctx.hostAddress, monitoring) },
            { monitoring },
        );
        if (monitoring) {
            if (!args.monitoring || !args.monitoringAssets)
                throw new Error("DockerPlatform: cdc:monitoring is enabled but no monitoring assets were given");
            this.monitoringServices = dockerMonitoring(ctx, creds, {
                settings: args.monitoring,
                assets: args.monitoringAssets,
                kafka,
                clickhouse,
            });
            this.monitoring = {
                grafanaUrl: this.monitoringServices.grafanaUrl,
                prometheusUrl: this.monitoringServices.prometheusUrl,
                grafanaAdminPassword: creds.grafanaAdminPassword!,
                prometheusAdminPassword: creds.prometheusAdminPassword,
            };
        }

        if (backup) {
            const s3 = backupS3Secrets(backup);
            this.backup = dockerBackup(ctx, creds, { settings: backup, kafka, clickhouse, ...(s3 ? { s3 } : {}) });
        }

        this.network = ctx.network;
        this.containers = {
            mongo: mongo.container,
            kafka: kafka.container,
            connect: connect.container,
            clickhouse: clickhouse.container,
        };
        this.jobs = { mongoInit: mongo.init, sinkPlugin: connect.sinkPlugin };
        this.endpoints = generatedEndpoints({
            pipeline: args.pipeline,
            clickhousePassword: creds.clickhousePassword,
            mongo,
            kafka,
            connect,
            clickhouse,
            caPem: creds.tls?.caPem,
            ready: {
                mongo: [mongo.container, mongo.init],
                connect: [connect.container],
                clickhouse: [clickhouse.container],
            },
        });
        this.registerOutputs({
            endpoints: this.endpoints,
            network: this.network,
            containers: this.containers,
            jobs: this.jobs,
            monitoring: this.monitoringServices?.containers,
            backup: this.backup,
        });
    }
}
