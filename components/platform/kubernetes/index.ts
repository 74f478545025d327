import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type {
    BackupSettings,
    KubernetesSettings,
    MonitoringSettings,
    PipelineSettings,
    TlsSettings,
} from "../../config";
import type { PipelineEndpoints } from "../../endpoints";
import { generatedEndpoints } from "../shared/endpoints";
import { jmxAgentOf } from "../shared/jmxAgent";
import type { MonitoringAssets } from "../shared/monitoring";
import type { PlatformMonitoring } from "../shared/platformMonitoring";
import { buildServices } from "../shared/services-build";
import { REPLICATION_CLUSTER } from "../shared/clickhouseReplication";
import { clickhouseServer } from "./clickhouse";
import { connectWorkers } from "./connect";
import { kubernetesContext, type Role } from "./context";
import { kafkaCluster } from "./kafka";
import { mongoReplicaSet } from "./mongo";
import { backupS3Secrets } from "../shared/backup";
import { kubernetesBackup } from "./backup";
import { kubernetesMonitoring, monitoringTlsSans, type KubernetesMonitoring } from "./monitoring";
import { kubernetesTlsSans } from "./tls";

export interface KubernetesPlatformArgs {
    /** Validated `cdc:kubernetes` settings (namespace, sizes, images, limits, access). */
    kubernetes: KubernetesSettings;
    /** Validated pipeline settings (database and collection names, users). */
    pipeline: PipelineSettings;
    /** Validated `cdc:tls`: the stack's certificates. */
    tls: TlsSettings;
    /** Validated `cdc:monitoring`; with `enabled`, `assets` are required. */
    monitoring?: MonitoringSettings;
    /** The dashboard, the alert rules and the exporter's script (components/monitoring/). */
    monitoringAssets?: MonitoringAssets;
    /** Validated `cdc:backup`: with `enabled`, the backup CronJob (backup.ts). */
    backup?: BackupSettings;
}

/**
 * The pipeline's services on a Kubernetes cluster (the ambient kubeconfig, or the `kubernetes:`
 * provider config), in a namespace of their own: MongoDB as a keyfile-authenticated replica set
 * initialised by a Job, Kafka in KRaft mode, Kafka Connect with the Debezium MongoDB plugin and the
 * ClickHouse sink installed by an init container, and ClickHouse. Every credential is generated
 * and lives in Secrets; @pulumi/kubernetes waits for each workload to be ready, so the CDC layer's
 * `ready` lists are the workloads themselves. Each service group is built by its own function
 * (mongo.ts, kafka.ts, connect.ts, clickhouse.ts); this component only wires their results.
 */
export class KubernetesPlatform extends pulumi.ComponentResource {
    public readonly endpoints: PipelineEndpoints;
    public readonly namespace: k8s.core.v1.Namespace;
    public readonly statefulSets: Record<"mongo" | "kafka" | "clickhouse", k8s.apps.v1.StatefulSet>;
    public readonly connect: k8s.apps.v1.Deployment;
    /** The replica set / Debezium user / pre-images initialisation. */
    public readonly mongoInit: k8s.batch.v1.Job;
    public readonly services: Record<Role, k8s.core.v1.Service>;
    /** Only for workloads with more than one replica. */
    public readonly disruptionBudgets: k8s.policy.v1.PodDisruptionBudget[];
    /** The requested size of each StatefulSet member's data claim (storage.ts). */
    public readonly claimResizes: k8s.core.v1.PersistentVolumeClaimPatch[];
    /** Prometheus (or the operator's objects), Grafana and the exporter (`cdc:monitoring.enabled`). */
    public readonly monitoringServices?: KubernetesMonitoring;
    /** What the stack exports about them. */
    public readonly monitoring?: PlatformMonitoring;
    /** The backup CronJob (`cdc:backup.enabled`). */
    public readonly backup?: k8s.batch.v1.CronJob;
    /** ClickHouse Keeper's StatefulSet (`cdc:kubernetes.clickhouse.replicas` ≥ 2). */
    public readonly keeper?: k8s.apps.v1.StatefulSet;

    constructor(name: string, args: KubernetesPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cdc:platform:Kubernetes", name, {}, opts);
        const monitoring = args.monitoring?.enabled ?? false;
        const operator = args.monitoring?.kubernetes.mode === "operator";
        const backup = args.backup?.enabled ? args.backup : undefined;
        const ctx = kubernetesContext(
            name,
            this,
            args.kubernetes,
            args.pipeline,
            monitoring,
            backup !== undefined && !backup.target.startsWith("s3:"),
        );
        const k = args.kubernetes;
        // ClickHouse runs `clickhouse.replicas` members, and Keeper's with 2 or more (clickhouse.ts, keeper.ts).
        const replicated = k.clickhouse.replicas > 1;
        const names = ctx.namespace.metadata.name.apply((namespace): Record<string, string[]> => ({
            ...kubernetesTlsSans({
                namespace,
                members: {
                    mongo: k.mongo.members,
                    kafka: k.kafka.brokers,
                    clickhouse: k.clickhouse.replicas,
                    ...(replicated ? { keeper: k.clickhouse.keeper.replicas } : {}),
                },
                access: k.access,
            }),
            ...(monitoring ? monitoringTlsSans(namespace, operator) : {}),
        }));
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
            {
                settings: args.tls,
                sans: {
                    mongo: names.mongo,
                    kafka: names.kafka,
                    connect: names.connect,
                    clickhouse: names.clickhouse,
                    ...(monitoring
                        ? {
                              ...(operator ? {} : { prometheus: names.apply((n) => n.prometheus) }),
                              grafana: names.apply((n) => n.grafana),
                              exporter: names.apply((n) => n.exporter),
                          }
                        : {}),
                },
            },
            { monitoring },
        );
        if (monitoring) {
            if (!args.monitoring || !args.monitoringAssets)
                throw new Error("KubernetesPlatform: cdc:monitoring is enabled but no monitoring assets were given");
            this.monitoringServices = kubernetesMonitoring(ctx, creds, {
                settings: args.monitoring,
                assets: args.monitoringAssets,
                kafkaBootstrap: kafka.bootstrap,
            });
            this.monitoring = {
                grafanaUrl: this.monitoringServices.grafanaUrl,
                grafanaAdminPassword: creds.grafanaAdminPassword!,
                ...(this.monitoringServices.prometheusUrl
                    ? {
                          prometheusUrl: this.monitoringServices.prometheusUrl,
                          prometheusAdminPassword: creds.prometheusAdminPassword,
                      }
                    : {}),
            };
        }

        if (backup) {
            const s3 = backupS3Secrets(backup);
            this.backup = kubernetesBackup(ctx, creds, {
                settings: backup,
                kafkaBootstrap: kafka.bootstrap,
                clickhouse,
                ...(s3 ? { s3 } : {}),
            });
        }

        this.namespace = ctx.namespace;
        this.statefulSets = { mongo: mongo.statefulSet, kafka: kafka.statefulSet, clickhouse: clickhouse.statefulSet };
        this.connect = connect.deployment;
        this.mongoInit = mongo.init;
        this.services = {
            mongo: mongo.service,
            kafka: kafka.service,
            connect: connect.service,
            clickhouse: clickhouse.service,
        };
        this.claimResizes = ctx.claimResizes;
        this.keeper = clickhouse.keeper?.statefulSet;
        this.disruptionBudgets = [
            mongo.budget,
            kafka.budget,
            connect.budget,
            clickhouse.budget,
            clickhouse.keeper?.budget,
        ].filter((b): b is k8s.policy.v1.PodDisruptionBudget => b !== undefined);
        this.endpoints = generatedEndpoints({
            pipeline: args.pipeline,
            clickhousePassword: creds.clickhousePassword,
            mongo: {
                connectorConnectionString: mongo.debeziumUri,
                hostConnectionString: mongo.hostConnectionString,
                ...(mongo.connectorTls ? { connectorTls: mongo.connectorTls } : {}),
            },
            kafka: {
                internalBootstrap: kafka.bootstrap,
                hostBootstrap: kafka.bootstrap,
                replicationFactor: kafka.replicationFactor,
                ...(kafka.sasl ? { sasl: kafka.sasl } : {}),
            },
            connect,
            clickhouse: {
                internal: clickhouse.internal,
                url: clickhouse.url,
                // Replicated (a Keeper ensemble runs): the CDC layer's DDL makes the database and tables replicated.
                ...(clickhouse.keeper ? { replication: { cluster: REPLICATION_CLUSTER } } : {}),
            },
            caPem: creds.tls?.caPem,
            ready: {
                mongo: [mongo.statefulSet, mongo.init],
                connect: [connect.deployment, connect.service],
                // With replicas, the DDL after the seam needs Keeper's quorum too.
                clickhouse: [
                    clickhouse.statefulSet,
                    clickhouse.service,
                    ...(clickhouse.keeper ? [clickhouse.keeper.statefulSet] : []),
                ],
            },
        });
        this.registerOutputs({
            endpoints: this.endpoints,
            namespace: this.namespace,
            statefulSets: this.statefulSets,
            connect: this.connect,
            services: this.services,
            backup: this.backup,
        });
    }
}
