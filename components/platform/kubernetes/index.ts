import * as crypto from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { collectionNames, type KubernetesSettings, type PipelineSettings } from "../../config";
import type { PipelineEndpoints } from "../../endpoints";
import { CONNECT_SECRET_ENV, CONNECT_SECRET_REFS, envConfigProviderWorkerEnv, mongoConnectionString } from "../../../connectors";
import { PLUGIN_DIR } from "../docker/specs";
import { mongoInitScript, pluginInstallScript } from "../scripts";
import { hostUrl, serviceExposure } from "./access";
import { claimResizes, claimTemplate, claimTemplateOptions } from "./storage";
import { connectWorkerEnv, envList, kafkaCommand, kafkaEnv, mongoCommand, noEscalation, podDns, probes, resourceSpec, secretEnv, securityContexts } from "./specs";

export interface KubernetesPlatformArgs {
    /** Validated `cdc:kubernetes` settings (namespace, sizes, images, limits, access). */
    kubernetes: KubernetesSettings;
    /** Validated pipeline settings (database and collection names, users). */
    pipeline: PipelineSettings;
}

type Role = "mongo" | "kafka" | "connect" | "clickhouse";

/**
 * The pipeline's services on a Kubernetes cluster (the ambient kubeconfig, or the `kubernetes:`
 * provider config), in a namespace of their own: MongoDB as a keyfile-authenticated replica set
 * initialised by a Job, Kafka in KRaft mode, Kafka Connect with the Debezium MongoDB plugin and the
 * ClickHouse sink installed by an init container, and ClickHouse. Every credential is generated
 * and lives in Secrets; @pulumi/kubernetes waits for each workload to be ready, so the CDC layer's
 * `ready` lists are the workloads themselves.
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
    public readonly disruptionBudgets: k8s.policy.v1.PodDisruptionBudget[] = [];
    /** The requested size of each StatefulSet member's data claim (see storage.ts). */
    public readonly claimResizes: k8s.core.v1.PersistentVolumeClaimPatch[] = [];

    constructor(name: string, args: KubernetesPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cdc:platform:Kubernetes", name, {}, opts);
        const k = args.kubernetes;
        const p = args.pipeline;
        const child = { parent: this };
        const stack = pulumi.getStack();
        const common = { "app.kubernetes.io/part-of": "cdc-pipeline", "app.kubernetes.io/managed-by": "pulumi", "cdc.pulumi/stack": stack };

        this.namespace = new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: k.namespace, labels: common } }, child);
        const namespace = this.namespace.metadata.name;
        const select = (role: string) => ({ "app.kubernetes.io/name": role, "app.kubernetes.io/instance": `cdc-${stack}` });
        const meta = (role: string, fixedName?: string) => ({ name: fixedName, namespace, labels: { ...common, ...select(role) } });

        // ---- credentials (generated; stored only as Pulumi secrets and Kubernetes Secrets) ----
        const password = (role: string, length = 32) => pulumi.secret(new random.RandomPassword(`${name}-${role}`, { length, special: false }, child).result);
        const mongoRootPassword = password("mongo-root-password");
        const debeziumPassword = password("mongo-debezium-password");
        const mongoKeyfile = password("mongo-keyfile", 96);
        const clickhousePassword = password("clickhouse-password");
        const kafkaClusterId = new random.RandomId(`${name}-kafka-cluster-id`, { byteLength: 16 }, child).b64Url;

        const secret = (role: string, fixedName: string | undefined, data: Record<string, pulumi.Output<string>>) =>
            new k8s.core.v1.Secret(`${name}-${role}`, { metadata: meta(role, fixedName), type: "Opaque", stringData: data }, child);
        const mongoSecret = secret("mongo-credentials", "mongo-credentials", { "root-password": mongoRootPassword, "debezium-password": debeziumPassword });
        const keyfileSecret = secret("mongo-keyfile-secret", "mongo-keyfile", { keyfile: mongoKeyfile });
        const clickhouseSecret = secret("clickhouse-credentials", "clickhouse-credentials", { password: clickhousePassword });

        const claim = (sizeGi: number) => claimTemplate(sizeGi, k.storageClass);
        // Storage changes resize the members' claims in place, never the StatefulSet (storage.ts).
        const resizeClaims = (role: "mongo" | "kafka" | "clickhouse", statefulSet: k8s.apps.v1.StatefulSet, replicas: number, sizeGi: number) =>
            this.claimResizes.push(
                ...claimResizes(name, { statefulSet, statefulSetName: role, namespace, labels: { ...common, ...select(role) }, replicas, sizeGi, storageClass: k.storageClass }, child),
            );
        const service = (
            role: Role,
            fixedName: string,
            ports: { name: string; port: number; nodePort?: number }[],
            extra: Record<string, unknown> = {},
            annotations?: Record<string, string>,
            opts: pulumi.CustomResourceOptions = {},
        ) =>
            new k8s.core.v1.Service(
                `${name}-${fixedName}-svc`,
                { metadata: { ...meta(role, fixedName), annotations }, spec: { selector: select(role), ports: ports.map((x) => ({ ...x, targetPort: x.port })), ...extra } },
                { ...child, ...opts },
            );
        const exposed = (role: "connect" | "clickhouse", port: { name: string; port: number }) => {
            const x = serviceExposure(k.access, role);
            // A non-headless Service is awaited until it has ready endpoints (and a load-balancer
            // address); its pods start in parallel with Kafka and the plugin download, so allow time.
            return service(role, role, [{ ...port, nodePort: x.nodePort }], { type: x.type, loadBalancerSourceRanges: x.loadBalancerSourceRanges }, x.annotations, { customTimeouts: { create: "30m", update: "30m" } });
        };
        const headless = (role: Role, fixedName: string, ports: { name: string; port: number }[]) =>
            // Pods resolve before they are ready: replica set members and KRaft voters find each other while starting.
            service(role, fixedName, ports, { clusterIP: "None", publishNotReadyAddresses: true });
        const budget = (role: Role, replicas: number) => {
            if (replicas > 1) {
                this.disruptionBudgets.push(
                    new k8s.policy.v1.PodDisruptionBudget(`${name}-${role}-pdb`, { metadata: meta(role, role), spec: { maxUnavailable: 1, selector: { matchLabels: select(role) } } }, child),
                );
            }
        };

        // ---- MongoDB replica set ----
        const mongoSvc = headless("mongo", "mongo", [{ name: "mongodb", port: 27017 }]);
        const members = Array.from({ length: k.mongo.members }, (_, i) => `${podDns("mongo", i, "mongo")}:27017`);
        const mongo = new k8s.apps.v1.StatefulSet(
            `${name}-mongo`,
            {
                metadata: meta("mongo", "mongo"),
                spec: {
                    serviceName: mongoSvc.metadata.name,
                    replicas: k.mongo.members,
                    podManagementPolicy: "Parallel",
                    selector: { matchLabels: select("mongo") },
                    template: {
                        metadata: { labels: { ...common, ...select("mongo") } },
                        spec: {
                            // No service-link variables: Debezium's image turns every CONNECT_* into a worker property.
                            enableServiceLinks: false,
                            securityContext: securityContexts.mongo.pod,
                            // mongod refuses a group-readable keyfile, and a Secret file is owned by root: mount it
                            // readable by the fsGroup (0440), then copy it as uid 999 with mode 0400.
                            initContainers: [
                                {
                                    name: "keyfile",
                                    image: k.images.mongo,
                                    command: ["sh", "-c", "cp /keyfile-secret/keyfile /etc/mongo-keyfile/keyfile && chmod 0400 /etc/mongo-keyfile/keyfile"],
                                    volumeMounts: [
                                        { name: "keyfile-secret", mountPath: "/keyfile-secret", readOnly: true },
                                        { name: "keyfile", mountPath: "/etc/mongo-keyfile" },
                                    ],
                                    securityContext: noEscalation,
                                    resources: resourceSpec({ memoryMb: 128, cpuMillis: 100 }),
                                },
                            ],
                            containers: [
                                {
                                    name: "mongo",
                                    image: k.images.mongo,
                                    command: mongoCommand(p.mongo.replicaSet, "/etc/mongo-keyfile/keyfile"),
                                    env: [{ name: "MONGO_INITDB_ROOT_USERNAME", value: "root" }, secretEnv("MONGO_INITDB_ROOT_PASSWORD", mongoSecret.metadata.name, "root-password")],
                                    ports: [{ name: "mongodb", containerPort: 27017 }],
                                    volumeMounts: [
                                        { name: "data", mountPath: "/data/db" },
                                        { name: "keyfile", mountPath: "/etc/mongo-keyfile", readOnly: true },
                                    ],
                                    readinessProbe: probes.mongo.readiness,
                                    livenessProbe: probes.mongo.liveness,
                                    resources: resourceSpec(k.resources.mongo),
                                    securityContext: noEscalation,
                                },
                            ],
                            volumes: [
                                { name: "keyfile-secret", secret: { secretName: keyfileSecret.metadata.name, defaultMode: 0o440 } },
                                { name: "keyfile", emptyDir: { medium: "Memory" } },
                            ],
                        },
                    },
                    volumeClaimTemplates: [claim(k.mongo.storageGi)],
                },
            },
            { ...child, ...claimTemplateOptions },
        );
        budget("mongo", k.mongo.members);
        resizeClaims("mongo", mongo, k.mongo.members, k.mongo.storageGi);
        const initScript = mongoInitScript({
            replicaSet: p.mongo.replicaSet,
            members,
            database: p.mongo.database,
            collections: collectionNames(p.mongo.collections),
            debeziumUser: p.mongo.debeziumUser,
        });
        const initScriptMap = new k8s.core.v1.ConfigMap(`${name}-mongo-init-script`, { metadata: meta("mongo-init"), data: { "init.js": initScript } }, child);
        this.mongoInit = new k8s.batch.v1.Job(
            `${name}-mongo-init`,
            {
                // Auto-named: a changed script replaces the Job (create-before-delete) and so runs again.
                metadata: meta("mongo-init"),
                spec: {
                    backoffLimit: 6,
                    template: {
                        metadata: {
                            labels: { ...common, ...select("mongo-init") },
                            annotations: { "cdc.pulumi/script-sha256": crypto.createHash("sha256").update(initScript).digest("hex") },
                        },
                        spec: {
                            restartPolicy: "OnFailure",
                            // No service-link variables: Debezium's image turns every CONNECT_* into a worker property.
                            enableServiceLinks: false,
                            securityContext: securityContexts.mongo.pod,
                            containers: [
                                {
                                    name: "init",
                                    image: k.images.mongo,
                                    env: [secretEnv("MONGO_ROOT_PASSWORD", mongoSecret.metadata.name, "root-password"), secretEnv("DEBEZIUM_PASSWORD", mongoSecret.metadata.name, "debezium-password")],
                                    command: [
                                        "bash",
                                        "-c",
                                        `exec mongosh --quiet "mongodb://${members[0]}/admin?directConnection=true" -u root -p "$MONGO_ROOT_PASSWORD" --authenticationDatabase admin --file /cdc/init.js`,
                                    ],
                                    volumeMounts: [{ name: "script", mountPath: "/cdc", readOnly: true }],
                                    securityContext: noEscalation,
                                    resources: resourceSpec({ memoryMb: 256, cpuMillis: 200 }),
                                },
                            ],
                            volumes: [{ name: "script", configMap: { name: initScriptMap.metadata.name } }],
                        },
                    },
                },
            },
            { ...child, dependsOn: [mongo] },
        );

        // ---- Kafka, KRaft (every node broker + controller) ----
        const brokers = k.kafka.brokers;
        const kafkaSvc = headless("kafka", "kafka", [
            { name: "broker", port: 9092 },
            { name: "controller", port: 9093 },
        ]);
        const kafka = new k8s.apps.v1.StatefulSet(
            `${name}-kafka`,
            {
                metadata: meta("kafka", "kafka"),
                spec: {
                    serviceName: kafkaSvc.metadata.name,
                    replicas: brokers,
                    // All voters must start together to elect a controller.
                    podManagementPolicy: "Parallel",
                    selector: { matchLabels: select("kafka") },
                    template: {
                        metadata: { labels: { ...common, ...select("kafka") } },
                        spec: {
                            // No service-link variables: Debezium's image turns every CONNECT_* into a worker property.
                            enableServiceLinks: false,
                            securityContext: securityContexts.kafka.pod,
                            containers: [
                                {
                                    name: "kafka",
                                    image: k.images.kafka,
                                    command: kafkaCommand({ service: "kafka" }),
                                    env: kafkaEnv({ clusterId: kafkaClusterId, brokers, service: "kafka", statefulSet: "kafka", heapMb: Math.floor(k.resources.kafka.memoryMb * 0.5) }),
                                    ports: [
                                        { name: "broker", containerPort: 9092 },
                                        { name: "controller", containerPort: 9093 },
                                    ],
                                    volumeMounts: [{ name: "data", mountPath: "/var/lib/kafka/data" }],
                                    readinessProbe: probes.kafka.readiness,
                                    livenessProbe: probes.kafka.liveness,
                                    resources: resourceSpec(k.resources.kafka),
                                    securityContext: noEscalation,
                                },
                            ],
                        },
                    },
                    volumeClaimTemplates: [claim(k.kafka.storageGi)],
                },
            },
            { ...child, ...claimTemplateOptions },
        );
        budget("kafka", brokers);
        resizeClaims("kafka", kafka, brokers, k.kafka.storageGi);
        const bootstrap = Array.from({ length: brokers }, (_, i) => `${podDns("kafka", i, "kafka")}:9092`).join(",");

        // ---- Kafka Connect: Debezium's image + the ClickHouse sink fetched by an init container ----
        const sinkUrl = k.clickhouseSink.url.replace(/\{version\}/g, k.clickhouseSink.version);
        const connectSvc = exposed("connect", { name: "rest", port: 8083 });
        // Connector secrets reach the workers only through this Secret (as env); connector configs hold `${env:...}` references.
        // Auto-named: the provider replaces a Secret whose data changes (the connection string lists every
        // member), and a fixed name cannot be created before the old one is deleted (the API server
        // refuses it), while deleting first would make the engine replace Connect's Deployment too (every
        // worker stops). A new name instead rolls the workers onto the new Secret, one at a time.
        const connectSecret = secret("connect-secrets", undefined, {
            "clickhouse-password": clickhousePassword,
            "debezium-connection-string": pulumi.secret(
                debeziumPassword.apply((password) => mongoConnectionString({ hosts: members, user: p.mongo.debeziumUser, password, replicaSet: p.mongo.replicaSet })),
            ),
        });
        this.connect = new k8s.apps.v1.Deployment(
            `${name}-connect`,
            {
                metadata: meta("connect", "connect"),
                spec: {
                    replicas: k.connect.replicas,
                    selector: { matchLabels: select("connect") },
                    template: {
                        metadata: { labels: { ...common, ...select("connect") } },
                        spec: {
                            // No service-link variables: Debezium's image turns every CONNECT_* into a worker property.
                            enableServiceLinks: false,
                            securityContext: securityContexts.connect.pod,
                            initContainers: [
                                {
                                    name: "sink-plugin",
                                    image: k.images.pluginFetcher,
                                    command: ["sh", "-c", pluginInstallScript({ url: sinkUrl, sha256: k.clickhouseSink.sha256, dest: "/plugins" })],
                                    volumeMounts: [{ name: "plugins", mountPath: "/plugins" }],
                                    securityContext: noEscalation,
                                    resources: resourceSpec({ memoryMb: 128, cpuMillis: 200 }),
                                },
                            ],
                            containers: [
                                {
                                    name: "connect",
                                    image: k.images.connect,
                                    env: [
                                        ...connectWorkerEnv({ bootstrap, groupId: `cdc-${stack}`, heapMb: Math.floor(k.resources.connect.memoryMb * 0.6), brokers }),
                                        ...envList(envConfigProviderWorkerEnv()),
                                        secretEnv(CONNECT_SECRET_ENV.clickhousePassword, connectSecret.metadata.name, "clickhouse-password"),
                                        secretEnv(CONNECT_SECRET_ENV.debeziumConnectionString, connectSecret.metadata.name, "debezium-connection-string"),
                                    ],
                                    ports: [{ name: "rest", containerPort: 8083 }],
                                    volumeMounts: [{ name: "plugins", mountPath: PLUGIN_DIR, readOnly: true }],
                                    readinessProbe: probes.connect.readiness,
                                    livenessProbe: probes.connect.liveness,
                                    resources: resourceSpec(k.resources.connect),
                                    securityContext: noEscalation,
                                },
                            ],
                            volumes: [{ name: "plugins", emptyDir: {} }],
                        },
                    },
                },
            },
            { ...child, dependsOn: [kafka] },
        );
        budget("connect", k.connect.replicas);

        // ---- ClickHouse ----
        const clickhouseHeadless = headless("clickhouse", "clickhouse-headless", [{ name: "http", port: 8123 }]);
        const clickhouseSvc = exposed("clickhouse", { name: "http", port: 8123 });
        const clickhouse = new k8s.apps.v1.StatefulSet(
            `${name}-clickhouse`,
            {
                metadata: meta("clickhouse", "clickhouse"),
                spec: {
                    serviceName: clickhouseHeadless.metadata.name,
                    replicas: 1,
                    selector: { matchLabels: select("clickhouse") },
                    template: {
                        metadata: { labels: { ...common, ...select("clickhouse") } },
                        spec: {
                            // No service-link variables: Debezium's image turns every CONNECT_* into a worker property.
                            enableServiceLinks: false,
                            securityContext: securityContexts.clickhouse.pod,
                            containers: [
                                {
                                    name: "clickhouse",
                                    image: k.images.clickhouse,
                                    env: [
                                        { name: "CLICKHOUSE_DB", value: p.clickhouse.database },
                                        { name: "CLICKHOUSE_USER", value: p.clickhouse.user },
                                        secretEnv("CLICKHOUSE_PASSWORD", clickhouseSecret.metadata.name, "password"),
                                        { name: "CLICKHOUSE_DEFAULT_ACCESS_MANAGEMENT", value: "1" },
                                    ],
                                    ports: [{ name: "http", containerPort: 8123 }],
                                    volumeMounts: [{ name: "data", mountPath: "/var/lib/clickhouse" }],
                                    readinessProbe: probes.clickhouse.readiness,
                                    livenessProbe: probes.clickhouse.liveness,
                                    resources: resourceSpec(k.resources.clickhouse),
                                },
                            ],
                        },
                    },
                    volumeClaimTemplates: [claim(k.clickhouse.storageGi)],
                },
            },
            { ...child, ...claimTemplateOptions },
        );
        resizeClaims("clickhouse", clickhouse, 1, k.clickhouse.storageGi);

        this.statefulSets = { mongo, kafka, clickhouse };
        this.services = { mongo: mongoSvc, kafka: kafkaSvc, connect: connectSvc, clickhouse: clickhouseSvc };

        const rs = p.mongo.replicaSet;
        this.endpoints = {
            mongo: {
                connectorConnectionString: pulumi.secret(debeziumPassword.apply((password) => mongoConnectionString({ hosts: members, user: p.mongo.debeziumUser, password, replicaSet: rs }))),
                // In-cluster names: from the pulumi host, `kubectl port-forward` (see docs/platforms.md).
                hostConnectionString: pulumi.secret(mongoRootPassword.apply((password) => mongoConnectionString({ hosts: members, user: "root", password, replicaSet: rs }))),
            },
            kafka: { internalBootstrap: bootstrap, hostBootstrap: bootstrap, replicationFactor: Math.min(3, brokers) },
            connect: { url: hostUrl(k.access, "connect", connectSvc, 8083), secretRefs: CONNECT_SECRET_REFS },
            clickhouse: {
                internal: { host: "clickhouse", port: 8123, ssl: false },
                url: hostUrl(k.access, "clickhouse", clickhouseSvc, 8123),
                database: p.clickhouse.database,
                user: p.clickhouse.user,
                password: pulumi.secret(clickhousePassword),
            },
            ready: {
                mongo: [mongo, this.mongoInit],
                connect: [this.connect, connectSvc],
                clickhouse: [clickhouse, clickhouseSvc],
            },
        };
        this.registerOutputs({ endpoints: this.endpoints });
    }
}
