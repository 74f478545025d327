import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { collectionNames, type DockerSettings, type PipelineSettings } from "../../config";
import type { PipelineEndpoints } from "../../endpoints";
import { CONNECT_SECRET_ENV, CONNECT_SECRET_REFS, envConfigProviderWorkerEnv, mongoConnectionString } from "../../../connectors";
import { mongoInitScript, pluginInstallScript } from "../scripts";
import {
    clickhouseEnv,
    connectEnv,
    dockerCpus,
    fetcherProxyEnv,
    healthchecks,
    JOB_LABEL,
    kafkaEnv,
    KEYFILE_UPLOAD,
    MEMORY_SWAP,
    mongoCommand,
    onlyOnSuccess,
    PLUGIN_DIR,
    withRetries,
} from "./specs";

export interface DockerPlatformArgs {
    /** Validated `cdc:docker` settings (images, ports, limits, sink plugin). */
    docker: DockerSettings;
    /** Validated pipeline settings (database and collection names, users). */
    pipeline: PipelineSettings;
}

/**
 * The whole pipeline's services on a local Docker engine: a private network, MongoDB as a
 * self-initiating single-member replica set with keyfile auth, Kafka in KRaft mode, Kafka Connect
 * with the Debezium MongoDB and ClickHouse sink plugins, and ClickHouse. Published ports bind to
 * `cdc:docker.bindAddress` (127.0.0.1 by default); every credential is generated.
 */
export class DockerPlatform extends pulumi.ComponentResource {
    public readonly endpoints: PipelineEndpoints;
    public readonly network: docker.Network;
    public readonly containers: Record<"mongo" | "kafka" | "connect" | "clickhouse", docker.Container>;
    /** One-shot containers that must exit 0: replica set/user/pre-images init and the plugin install. */
    public readonly jobs: Record<"mongoInit" | "sinkPlugin", docker.Container>;

    constructor(name: string, args: DockerPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cdc:platform:Docker", name, {}, opts);
        const d = args.docker;
        const p = args.pipeline;
        const child = { parent: this };
        const labels = [
            { label: "cdc.pulumi.project", value: pulumi.getProject() },
            { label: "cdc.pulumi.stack", value: pulumi.getStack() },
            { label: "cdc.pulumi.component", value: name },
        ];
        const hostAddr = d.bindAddress === "0.0.0.0" || d.bindAddress === "::" ? "127.0.0.1" : d.bindAddress;

        // ---- credentials (all generated; stored only as Pulumi secrets) ----
        const password = (role: string, length = 32) =>
            // Explicitly secret too (the engine marks `result` secret; this keeps it so everywhere).
            pulumi.secret(new random.RandomPassword(`${name}-${role}`, { length, special: false }, child).result);
        const mongoRootPassword = password("mongo-root-password");
        const debeziumPassword = password("mongo-debezium-password");
        const mongoKeyfile = password("mongo-keyfile", 96);
        const clickhousePassword = password("clickhouse-password");
        const kafkaClusterId = new random.RandomId(`${name}-kafka-cluster-id`, { byteLength: 16 }, child).b64Url;

        this.network = new docker.Network(`${name}-net`, { driver: "bridge", labels }, child);
        const network = (alias: string) => [{ name: this.network.name, aliases: [alias] }];
        const volume = (role: string) => new docker.Volume(`${name}-${role}`, { labels }, child);
        const image = (role: string, ref: string) =>
            new docker.RemoteImage(`${name}-${role}-image`, { name: ref, keepLocally: true }, child);
        // Written the way the provider reads them back (see specs.ts), so a second `up` changes nothing.
        const limits = (service: keyof DockerSettings["resources"]) => ({
            memory: d.resources[service].memoryMb,
            memorySwap: MEMORY_SWAP,
            cpus: dockerCpus(d.resources[service].cpuMillis, `cdc:docker.resources.${service}.cpuMillis`),
        });
        const jobLabels = (role: string) => [...labels, { label: JOB_LABEL, value: role }];
        const publish = (internal: number, external: number) => [{ internal, external, ip: d.bindAddress, protocol: "tcp" }];
        const common = { restart: "unless-stopped", labels, wait: true, waitTimeout: 300, destroyGraceSeconds: 30 };

        // ---- MongoDB: replica set rs0, keyfile auth, root user from the image's entrypoint ----
        const mongoImage = image("mongo", d.images.mongo);
        const mongoData = volume("mongo-data");
        const mongo = new docker.Container(
            `${name}-mongo`,
            {
                ...common,
                image: mongoImage.imageId,
                hostname: "mongo",
                networksAdvanced: network("mongo"),
                command: mongoCommand(p.mongo.replicaSet),
                envs: [pulumi.interpolate`MONGO_INITDB_ROOT_USERNAME=root`, pulumi.interpolate`MONGO_INITDB_ROOT_PASSWORD=${mongoRootPassword}`],
                uploads: [{ file: KEYFILE_UPLOAD, content: mongoKeyfile, permissions: "0400" }],
                volumes: [{ volumeName: mongoData.name, containerPath: "/data/db" }],
                ports: publish(27017, d.ports.mongo),
                healthcheck: healthchecks.mongo,
                ...limits("mongo"),
            },
            child,
        );
        const mongoInit = new docker.Container(
            `${name}-mongo-init`,
            {
                image: mongoImage.imageId,
                labels: jobLabels("mongo-init"),
                networksAdvanced: network("mongo-init"),
                attach: true,
                mustRun: false,
                restart: "no",
                logs: true,
                envs: [pulumi.interpolate`MONGO_ROOT_PASSWORD=${mongoRootPassword}`, pulumi.interpolate`DEBEZIUM_PASSWORD=${debeziumPassword}`],
                uploads: [
                    {
                        file: "/cdc/init.js",
                        content: mongoInitScript({
                            replicaSet: p.mongo.replicaSet,
                            members: ["mongo:27017"],
                            database: p.mongo.database,
                            collections: collectionNames(p.mongo.collections),
                            debeziumUser: p.mongo.debeziumUser,
                        }),
                    },
                ],
                command: [
                    "bash",
                    "-c",
                    withRetries('mongosh --quiet "mongodb://mongo:27017/admin?directConnection=true" -u root -p "$MONGO_ROOT_PASSWORD" --authenticationDatabase admin --file /cdc/init.js'),
                ],
            },
            { ...child, dependsOn: [mongo] },
        );

        // ---- Kafka 4 in KRaft mode (combined broker + controller) ----
        const kafkaData = volume("kafka-data");
        const kafka = new docker.Container(
            `${name}-kafka`,
            {
                ...common,
                image: image("kafka", d.images.kafka).imageId,
                hostname: "kafka",
                networksAdvanced: network("kafka"),
                envs: kafkaEnv({ clusterId: kafkaClusterId, hostAddress: hostAddr, hostPort: d.ports.kafka, heapMb: Math.floor(d.resources.kafka.memoryMb * 0.5) }),
                volumes: [{ volumeName: kafkaData.name, containerPath: "/var/lib/kafka/data" }],
                ports: publish(19092, d.ports.kafka),
                healthcheck: healthchecks.kafka,
                ...limits("kafka"),
            },
            child,
        );

        // ---- Kafka Connect: Debezium's image + the ClickHouse sink installed into a volume ----
        const pluginVolume = volume("connect-plugins");
        const sinkUrl = d.clickhouseSink.url.replace(/\{version\}/g, d.clickhouseSink.version);
        const sinkPlugin = new docker.Container(
            `${name}-sink-plugin`,
            {
                image: image("plugin-fetcher", d.images.pluginFetcher).imageId,
                labels: jobLabels("sink-plugin"),
                // The user's proxy, if any: the Engine API does not apply the docker CLI's proxy settings.
                envs: fetcherProxyEnv(process.env),
                attach: true,
                mustRun: false,
                restart: "no",
                logs: true,
                volumes: [{ volumeName: pluginVolume.name, containerPath: "/plugins" }],
                command: ["sh", "-c", pluginInstallScript({ url: sinkUrl, sha256: d.clickhouseSink.sha256, dest: "/plugins" })],
            },
            child,
        );
        // The worker starts only once the plugin is installed: a failed install stops the run here
        // with the job's log, instead of a worker that never turns healthy (a 300 s wait).
        const sinkInstalled = onlyOnSuccess(sinkPlugin, "ClickHouse sink plugin install", pulumi.output(d.clickhouseSink.sha256));
        const debeziumUri = debeziumPassword.apply((password) =>
            mongoConnectionString({ hosts: ["mongo:27017"], user: p.mongo.debeziumUser, password, replicaSet: p.mongo.replicaSet }),
        );
        const connect = new docker.Container(
            `${name}-connect`,
            {
                ...common,
                image: image("connect", d.images.connect).imageId,
                hostname: "connect",
                networksAdvanced: network("connect"),
                envs: [
                    ...connectEnv({ bootstrap: "kafka:9092", groupId: `cdc-${pulumi.getStack()}`, heapMb: Math.floor(d.resources.connect.memoryMb * 0.6) }),
                    // A new plugin release changes this, which recreates the worker so it loads the new jars.
                    pulumi.interpolate`CDC_SINK_PLUGIN_SHA256=${sinkInstalled}`,
                    // Connector secrets reach the worker only here; connector configs hold `${env:...}` references.
                    ...envConfigProviderWorkerEnv(),
                    pulumi.interpolate`${CONNECT_SECRET_ENV.clickhousePassword}=${clickhousePassword}`,
                    pulumi.interpolate`${CONNECT_SECRET_ENV.debeziumConnectionString}=${debeziumUri}`,
                ],
                volumes: [{ volumeName: pluginVolume.name, containerPath: PLUGIN_DIR, readOnly: true }],
                ports: publish(8083, d.ports.connect),
                healthcheck: healthchecks.connect,
                ...limits("connect"),
            },
            { ...child, dependsOn: [kafka, sinkPlugin] },
        );

        // ---- ClickHouse with a dedicated user ----
        const clickhouseData = volume("clickhouse-data");
        const clickhouse = new docker.Container(
            `${name}-clickhouse`,
            {
                ...common,
                image: image("clickhouse", d.images.clickhouse).imageId,
                hostname: "clickhouse",
                networksAdvanced: network("clickhouse"),
                envs: clickhouseEnv({ database: p.clickhouse.database, user: p.clickhouse.user, password: clickhousePassword }),
                volumes: [{ volumeName: clickhouseData.name, containerPath: "/var/lib/clickhouse" }],
                ulimits: [{ name: "nofile", soft: 262144, hard: 262144 }],
                ports: publish(8123, d.ports.clickhouseHttp),
                healthcheck: healthchecks.clickhouse,
                ...limits("clickhouse"),
            },
            child,
        );

        this.containers = { mongo, kafka, connect, clickhouse };
        this.jobs = { mongoInit, sinkPlugin };

        this.endpoints = {
            mongo: {
                // Derived from the init job's exit code: the source connector cannot be created
                // before the replica set, the user and pre-images exist, and a failed init fails loudly.
                connectorConnectionString: pulumi.secret(onlyOnSuccess(mongoInit, "MongoDB init (replica set, Debezium user, pre-images)", debeziumUri)),
                hostConnectionString: pulumi.secret(pulumi.interpolate`mongodb://root:${mongoRootPassword}@${hostAddr}:${d.ports.mongo}/?authSource=admin&directConnection=true`),
            },
            kafka: { internalBootstrap: "kafka:9092", hostBootstrap: `${hostAddr}:${d.ports.kafka}`, replicationFactor: 1 },
            connect: { url: sinkInstalled.apply(() => `http://${hostAddr}:${d.ports.connect}`), secretRefs: CONNECT_SECRET_REFS },
            clickhouse: {
                internal: { host: "clickhouse", port: 8123, ssl: false },
                url: `http://${hostAddr}:${d.ports.clickhouseHttp}`,
                database: p.clickhouse.database,
                user: p.clickhouse.user,
                password: pulumi.secret(clickhousePassword),
            },
            ready: { mongo: [mongo, mongoInit], connect: [connect], clickhouse: [clickhouse] },
        };
        this.registerOutputs({ endpoints: this.endpoints });
    }
}
