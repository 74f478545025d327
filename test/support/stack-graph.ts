/**
 * Prints, as JSON on stdout, the whole resource graph the program declares under mocks for one
 * stack shape (argv[2], a key of {@link GRAPH_STACKS}): every resource with its type, name, URN,
 * parent, direct dependencies, the resource options it sets and its inputs. Used by
 * `stack-graphs.test.ts`, which runs it once per shape (one program per process) and compares the
 * result with a committed snapshot: a refactor of the platforms or the stack builder must leave
 * every entry as it was.
 *
 * Values that depend on where the test runs or on other parts of the repository are normalised:
 * the repository's path, the dbt project's content hash and relation names (when they are exactly
 * what the project's files give), the serialized dynamic provider (its code, not the graph). Secrets
 * stay visible as `{ "<secret>": value }` (the mocks' generated values are fixed), so a value that
 * stops being secret changes the snapshot too.
 */
import * as path from "node:path";
import { dbtRelationNames } from "../../components/analytics/relations";
import { isSecretValue, MOCK_FETCHER_ENV, runUnderMocks } from "./mocks";

const REPO = path.resolve(__dirname, "..", "..");
/** What BronzeTables drops with bronze: read from the dbt project's files, so it moves with the project. */
const DBT_RELATIONS = JSON.stringify(dbtRelationNames(path.join(REPO, "ecom_analytics")));

/**
 * `cdc:kubernetes` production-sized: 3 members, 3 brokers, 2 workers, custom sizes, a named namespace, NodePort access.
 */
export const KUBERNETES_PRODUCTION = {
    namespace: "cdc-prod",
    storageClass: "fast-ssd",
    mongo: { members: 3, storageGi: 15 },
    kafka: { brokers: 3, storageGi: 40 },
    connect: { replicas: 2 },
    clickhouse: { storageGi: 100 },
    resources: { connect: { memoryMb: 3072, cpuMillis: 1500 } },
    access: { mode: "nodePort", nodeAddress: "10.0.0.5", connectNodePort: 30083, clickhouseNodePort: 30123 },
};
const externalBase = {
    connectUrl: "https://connect.example.com:8083/",
    kafkaBootstrap: "kafka-1.example.com:9092,kafka-2.example.com:9092",
    clickhouse: { url: "https://abc.clickhouse.cloud:8443" },
};
const externalSecrets = {
    "cdc:clickhousePassword": "EXTERNAL-CH-PASSWORD",
    "cdc:debeziumConnectionString":
        "mongodb://debezium:EXTERNAL-MONGO@mongo.example.com:27017/?replicaSet=rs0&authSource=admin",
};
const secretKeys = Object.keys(externalSecrets);

/** The stack shapes recorded: every platform, and the variants that take other code paths. */
export const GRAPH_STACKS: Record<
    string,
    { config: Record<string, string>; secretKeys?: string[]; env?: Record<string, string> }
> = {
    docker: { config: { "cdc:platform": "docker" } },
    "docker-custom": {
        config: {
            "cdc:platform": "docker",
            "cdc:docker": JSON.stringify({
                bindAddress: "0.0.0.0",
                ports: { mongo: 27018, kafka: 9093, connect: 8084, clickhouseHttp: 8124 },
                resources: { connect: { memoryMb: 2048, cpuMillis: 1500 } },
            }),
            "cdc:mongo": JSON.stringify({ database: "shop", replicaSet: "rs1", collections: { orders: "purchases" } }),
            "cdc:connectors": JSON.stringify({
                sourceName: "src",
                sinkName: "snk",
                deadLetterTopic: "dlq.custom",
                exactlyOnce: true,
                readiness: "running",
                source: { state: "paused" },
                sink: { state: "stopped", resetOffsets: "restore-1" },
                restarts: { max: 5, backoffSeconds: 1 },
                snapshots: [{ id: "orders-resnap-1", collections: ["orders"] }],
            }),
            "cdc:dbt": JSON.stringify({ enabled: false }),
            "cdc:bronze": JSON.stringify({ dropOnDestroy: true }),
            "cdc:monitoring": JSON.stringify({
                scrapeIntervalSeconds: 30,
                retentionDays: 7,
                alerts: { sinkLagRecords: 5000 },
            }),
        },
        env: MOCK_FETCHER_ENV,
    },
    /** Monitoring off: no Prometheus, Grafana, exporter, their passwords, certificates or volumes. */
    "docker-no-monitoring": {
        config: { "cdc:platform": "docker", "cdc:monitoring": JSON.stringify({ enabled: false }) },
    },
    "kubernetes-production": {
        config: {
            "cdc:platform": "kubernetes",
            "cdc:kubernetes": JSON.stringify(KUBERNETES_PRODUCTION),
        },
    },
    "kubernetes-single": {
        config: {
            "cdc:platform": "kubernetes",
            "cdc:kubernetes": JSON.stringify({
                mongo: { members: 1 },
                kafka: { brokers: 1 },
                connect: { replicas: 1 },
                access: {
                    mode: "loadBalancer",
                    annotations: { "networking.gke.io/load-balancer-type": "Internal" },
                    sourceRanges: ["10.0.0.0/8"],
                },
            }),
        },
    },
    /** The cluster's Prometheus Operator scrapes (PodMonitor, ServiceMonitor, PrometheusRule); no Prometheus. */
    "kubernetes-operator": {
        config: {
            "cdc:platform": "kubernetes",
            "cdc:kubernetes": JSON.stringify({
                namespace: "cdc-op",
                access: { mode: "nodePort", nodeAddress: "10.0.0.5" },
            }),
            "cdc:monitoring": JSON.stringify({
                kubernetes: { mode: "operator", prometheusUrl: "http://prometheus-operated.monitoring.svc:9090" },
            }),
        },
    },
    /** Replicated ClickHouse: 3 replicas, a 3-member Keeper ensemble, preferred anti-affinity (issue 26). */
    "kubernetes-replicated": {
        config: {
            "cdc:platform": "kubernetes",
            "cdc:kubernetes": JSON.stringify({
                namespace: "cdc-repl",
                clickhouse: { replicas: 3, antiAffinity: "preferred", keeper: { replicas: 3, storageGi: 8 } },
                access: { mode: "nodePort", nodeAddress: "10.0.0.5" },
            }),
        },
    },
    "kubernetes-url": {
        config: {
            "cdc:platform": "kubernetes",
            "cdc:kubernetes": JSON.stringify({
                access: {
                    mode: "url",
                    connectUrl: "http://connect.cdc.example.com:8083",
                    clickhouseUrl: "https://ch.cdc.example.com/",
                },
            }),
        },
    },
    external: {
        config: { "cdc:platform": "external", "cdc:external": JSON.stringify(externalBase), ...externalSecrets },
        secretKeys,
    },
    "external-refs": {
        config: {
            "cdc:platform": "external",
            "cdc:external": JSON.stringify({
                ...externalBase,
                kafkaReplicationFactor: 1,
                clickhouse: { url: "http://ch.internal:8123", connectorHost: "clickhouse.svc", connectorPort: 18123 },
                connectSecretRefs: {
                    clickhousePassword: "${env:CH_PW}",
                    debeziumConnectionString: "${file:/etc/kafka/s.properties:mongo}",
                },
            }),
            // Plain http to ClickHouse: the sink's ssl=false path (allowed explicitly).
            "cdc:tls": JSON.stringify({ allowPlaintext: true }),
            ...externalSecrets,
        },
        secretKeys,
    },
};

/** One resource of the graph, as recorded in a snapshot. */
export interface GraphEntry {
    type: string;
    name: string;
    urn: string;
    /** Name of the parent resource; absent for the stack's own children. */
    parent?: string;
    /** Names of the direct dependencies (explicit `dependsOn` and those implied by inputs), sorted. */
    dependsOn: string[];
    options?: Record<string, unknown>;
    inputs: unknown;
}

function normalise(v: unknown, key = ""): unknown {
    if (isSecretValue(v)) return { "<secret>": normalise((v as { value: unknown }).value, key) };
    if (key === "__provider") return "<serialized dynamic provider>";
    if (key === "dependents" && JSON.stringify(v) === DBT_RELATIONS) return "<dbtRelationNames(ecom_analytics)>";
    if (key === "contentHash" && typeof v === "string" && /^sha256:[0-9a-f]{64}$/.test(v))
        return "sha256:<hash of the dbt project>";
    if (typeof v === "string") return v.split(REPO).join("<repo>");
    if (Array.isArray(v)) return v.map((x) => normalise(x));
    if (typeof v === "object" && v !== null)
        return Object.fromEntries(
            Object.keys(v)
                .sort()
                .map((k) => [k, normalise((v as Record<string, unknown>)[k], k)]),
        );
    return v;
}

/**
 * Shapes other tests run (test/unit/stack-backup.test.ts) that have no committed snapshot: the
 * backup job is off by default, and these pin its wiring by assertions instead.
 */
export const EXTRA_STACKS: typeof GRAPH_STACKS = {
    "docker-backup-disk": {
        config: {
            "cdc:platform": "docker",
            "cdc:backup": JSON.stringify({ enabled: true, schedule: "15 2 * * *", retention: 5, fullEvery: 3 }),
        },
    },
    "docker-backup-s3": {
        config: {
            "cdc:platform": "docker",
            "cdc:tls": JSON.stringify({ enabled: false }),
            "cdc:backup": JSON.stringify({
                enabled: true,
                target: "s3:https://minio.example:9000/backups/cdc",
                incremental: false,
            }),
            "cdc:backupS3AccessKeyId": "S3-KEY-ID-SECRET",
            "cdc:backupS3SecretAccessKey": "S3-SECRET-ACCESS-KEY",
        },
        secretKeys: ["cdc:backupS3AccessKeyId", "cdc:backupS3SecretAccessKey"],
    },
    "kubernetes-backup-s3": {
        config: {
            "cdc:platform": "kubernetes",
            "cdc:kubernetes": JSON.stringify(KUBERNETES_PRODUCTION),
            "cdc:backup": JSON.stringify({ enabled: true, target: "s3:https://minio.example:9000/backups/cdc" }),
            "cdc:backupS3AccessKeyId": "S3-KEY-ID-SECRET",
            "cdc:backupS3SecretAccessKey": "S3-SECRET-ACCESS-KEY",
        },
        secretKeys: ["cdc:backupS3AccessKeyId", "cdc:backupS3SecretAccessKey"],
    },
    "kubernetes-backup-disk": {
        config: {
            "cdc:platform": "kubernetes",
            "cdc:kubernetes": JSON.stringify(KUBERNETES_PRODUCTION),
            "cdc:backup": JSON.stringify({ enabled: true, schedule: "0 */6 * * *" }),
        },
    },
};

/** Runs the program for `shape` under mocks and returns its graph, sorted by type and name. */
export async function stackGraph(shape: string): Promise<GraphEntry[]> {
    const setup = GRAPH_STACKS[shape] ?? EXTRA_STACKS[shape];
    if (!setup)
        throw new Error(
            `unknown stack shape ${shape}; one of ${[...Object.keys(GRAPH_STACKS), ...Object.keys(EXTRA_STACKS)].join(", ")}`,
        );
    for (const k of Object.keys(process.env)) if (k.startsWith("CDC_")) delete process.env[k];
    Object.assign(process.env, setup.env ?? {});
    const run = await runUnderMocks(setup.config, () => import("../../index"), setup.secretKeys);
    const nameOf = new Map(run.resources.map((r) => [r.urn, r.name]));
    const named = (urn: string) => nameOf.get(urn) ?? `<not a resource of the program: ${urn}>`;
    return run.resources
        .map((r): GraphEntry => ({
            type: r.type,
            name: r.name,
            urn: r.urn,
            ...(r.parent ? { parent: named(r.parent) } : {}),
            dependsOn: [...new Set(r.deps.map(named))].sort(),
            ...(Object.keys(r.options).length > 0 ? { options: normalise(r.options) as Record<string, unknown> } : {}),
            inputs: normalise(r.inputs),
        }))
        .sort((a, b) => `${a.type} ${a.name}`.localeCompare(`${b.type} ${b.name}`));
}

if (require.main === module) {
    stackGraph(process.argv[2])
        .then((g) => process.stdout.write(`${JSON.stringify(g)}\n`))
        .catch((e) => {
            process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
            process.exit(1);
        });
}
