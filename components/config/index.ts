/**
 * Typed, validated stack configuration. Every key lives in the `cdc:` namespace (the Pulumi
 * project is named `cdc`); `parseConfig` is pure so it is unit-tested without Pulumi, and
 * `loadConfig` reads the stack's config and fails before any resource exists when it is wrong.
 */
import { bool, ConfigError, ConfigProblem, Field, int, Parsed, str, strList, validate } from "./schema";
import { DEFAULT_IMAGES, DEFAULT_CLICKHOUSE_SINK_PLUGIN } from "./versions";
import { imagePinProblem, IMAGE_PIN_HINT } from "./image";
import { resolveSnapshotRequests, snapshotRequestsField } from "../providers/snapshotSignal/config";
import { checkAccessUrlCredentials, checkDistinctNames, checkNoUrlCredentials, checkSecretsAreSecret, type ConfigContext } from "./checks";

export { ConfigError } from "./schema";
export type { ConfigProblem } from "./schema";
export type { ConfigContext } from "./checks";
export { SECRET_KEYS } from "./checks";

export const PLATFORMS = ["docker", "kubernetes", "external"] as const;
export type Platform = (typeof PLATFORMS)[number];

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TOPIC = /^[A-Za-z0-9_-]+$/;

const port = (def: number) => int(def, 1, 65535, "TCP port");
const memoryMb = (def: number) => int(def, 128, 1024 * 1024, "MiB");
const millicpu = (def: number) => int(def, 100, 64_000, "millicores: 1000 = one CPU");

/** Per-service limits. */
const resources = (mem: number, cpu: number) => ({ memoryMb: memoryMb(mem), cpuMillis: millicpu(cpu) });

/** An image reference pinned to one release (see ./image.ts). */
const image = (def: string) =>
    new Field<string>(def, (v, key, problems) => {
        const problem = typeof v === "string" ? imagePinProblem(v) : `${JSON.stringify(v)} is not a string; ${IMAGE_PIN_HINT}`;
        if (problem) problems.push({ key, message: problem });
        return problem ? undefined : (v as string);
    });

/** Settings shared by every platform: what flows where. */
export const pipelineShape = {
    mongo: {
        /** Source database. */
        database: str("ecom", { pattern: IDENT, hint: "a MongoDB database name of letters, digits and _" }),
        /**
         * The captured collections by role: which collection holds customers, products and orders
         * (each becomes topic `<prefix>.<db>.<collection>` and bronze table
         * `<prefix>_<db>_<collection>`, which the dbt models read through vars).
         */
        collections: {
            customers: str("customers", { pattern: IDENT, hint: "a collection name of letters, digits and _" }),
            products: str("products", { pattern: IDENT, hint: "a collection name of letters, digits and _" }),
            orders: str("orders", { pattern: IDENT, hint: "a collection name of letters, digits and _" }),
        },
        /** Replica set name (change streams need a replica set). */
        replicaSet: str("rs0", { pattern: /^[A-Za-z0-9_-]+$/, hint: "letters, digits, _ and -" }),
        /** Name of the least-privilege user Debezium connects as. */
        debeziumUser: str("debezium", { pattern: IDENT, hint: "letters, digits and _" }),
    },
    kafka: {
        /** Debezium `topic.prefix`: topics are `<prefix>.<db>.<collection>`. */
        topicPrefix: str("mongo", { pattern: TOPIC, hint: "letters, digits, _ and -" }),
    },
    clickhouse: {
        /** Database for bronze tables and dbt models. */
        database: str("default", { pattern: IDENT, hint: "letters, digits and _" }),
        /** The pipeline's ClickHouse user (its password is generated, or given for `external`). */
        user: str("cdc", { pattern: IDENT, hint: "letters, digits and _" }),
    },
    connectors: {
        /** Kafka Connect name of the Debezium source; defaults to `<stack>-mongo-source`. */
        sourceName: str(undefined, { pattern: /^[A-Za-z0-9._-]+$/, hint: "letters, digits, ., _ and -" }).optional(),
        /** Kafka Connect name of the ClickHouse sink; defaults to `<stack>-clickhouse-sink`. */
        sinkName: str(undefined, { pattern: /^[A-Za-z0-9._-]+$/, hint: "letters, digits, ., _ and -" }).optional(),
        /** How long to wait for a connector and its tasks to reach RUNNING, in seconds. */
        readyTimeoutSeconds: int(300, 5, 3600, "seconds"),
        /**
         * Timeout of each Kafka Connect REST call, in seconds (a worker that accepts connections but
         * never answers fails after this long per attempt). Retries of one operation stop at
         * `readyTimeoutSeconds` in all. Default 30 (config validation may reach MongoDB).
         */
        requestTimeoutSeconds: int(30, 1, 600, "seconds"),
        /** Dead-letter topic for records the sink cannot write; default `dlq.<prefix>.<db>.clickhouse`. */
        deadLetterTopic: str(undefined, { pattern: /^[A-Za-z0-9._-]+$/, hint: "letters, digits, ., _ and -" }).optional(),
        /** ClickHouse sink exactly-once mode (needs KeeperMap on the server). */
        exactlyOnce: bool(false),
        /** Debezium heartbeat interval, ms (keeps offsets fresh on quiet collections; proves the source flows). */
        heartbeatIntervalMs: int(10_000, 0, 3_600_000, "milliseconds; 0 disables"),
        /**
         * Declared re-snapshots: `[{ id, collections }]`. Each new id makes the source run one
         * Debezium incremental snapshot of those collections (role names or collection names);
         * an executed id never runs again. See docs/operations.md, "Re-snapshot one collection".
         */
        snapshots: snapshotRequestsField(),
        /** Declared lifecycle of the Debezium source: running, paused or stopped (see docs/operations.md). */
        source: {
            state: str("running", { oneOf: ["running", "paused", "stopped"] }),
        },
        /** Declared lifecycle of the ClickHouse sink, and its offsets-reset request. */
        sink: {
            state: str("running", { oneOf: ["running", "paused", "stopped"] }),
            /** A request id; a new one stops the sink, deletes its consumer-group offsets (replays bronze from Kafka's retention) and restores its state. */
            resetOffsets: str(undefined, { pattern: /^[A-Za-z0-9._:-]{1,100}$/, hint: "a request id of letters, digits, ., _, : and -, e.g. restore-2026-11-29" }).optional(),
        },
        /** "flowing": a running connector is ready only once data flows (source produced, sink committed); "running": once RUNNING. */
        readiness: str("flowing", { oneOf: ["running", "flowing"] }),
        /** Automatic restarts of FAILED connectors/tasks on `up` and `refresh`: at most `max` per run, backoff `backoffSeconds` × (n² + n). */
        restarts: {
            max: int(3, 0, 100),
            backoffSeconds: int(2, 0, 600, "seconds"),
        },
    },
    bronze: {
        /** Drop the bronze tables (and their data) on `pulumi destroy`. Default false: bronze is the raw record. */
        dropOnDestroy: bool(false),
    },
    analytics: {
        /**
         * How often ClickHouse refreshes the gold tables from silver, in seconds (refreshable
         * materialized views; silver itself follows bronze at insert time). See docs/analytics.md.
         */
        refreshSeconds: int(5, 1, 86_400, "seconds"),
    },
    dbt: {
        /** Run dbt during `pulumi up`. */
        enabled: bool(true),
        /** dbt target name in the generated profile. */
        target: str("dev", { pattern: /^[A-Za-z0-9_-]+$/, hint: "letters, digits, _ and -" }),
        /** dbt threads. */
        threads: int(4, 1, 64),
    },
} as const;

/** Docker platform (the default for `dev`). */
export const dockerShape = {
    images: {
        mongo: image(DEFAULT_IMAGES.mongo),
        kafka: image(DEFAULT_IMAGES.kafka),
        connect: image(DEFAULT_IMAGES.connect),
        clickhouse: image(DEFAULT_IMAGES.clickhouse),
        /** Small image that fetches and verifies the ClickHouse sink plugin (needs sh, wget, sha256sum, unzip). */
        pluginFetcher: image(DEFAULT_IMAGES.pluginFetcher),
    },
    /** Host address published ports bind to. Keep 127.0.0.1 unless you mean to expose the services. */
    bindAddress: str("127.0.0.1", { pattern: /^(\d{1,3}\.){3}\d{1,3}$|^::1?$/, hint: "an IP address such as 127.0.0.1" }),
    /** Host ports (as seen from the machine running `pulumi up`). */
    ports: {
        mongo: port(27017),
        kafka: port(9092),
        connect: port(8083),
        clickhouseHttp: port(8123),
    },
    resources: {
        mongo: resources(1024, 1000),
        kafka: resources(1024, 1000),
        connect: resources(1536, 1000),
        clickhouse: resources(2048, 2000),
    },
    /** ClickHouse Kafka Connect sink plugin release installed into Kafka Connect. */
    clickhouseSink: {
        version: str(DEFAULT_CLICKHOUSE_SINK_PLUGIN.version, { pattern: /^v?\d+\.\d+\.\d+$/, hint: "a release such as v1.3.4" }),
        /** SHA-256 of the release zip; the install fails when the download doesn't match. */
        sha256: str(DEFAULT_CLICKHOUSE_SINK_PLUGIN.sha256, { pattern: /^[a-f0-9]{64}$/, hint: "64 lowercase hex characters (sha256sum of the zip)" }),
        /** Download URL; `{version}` is replaced. */
        url: str(DEFAULT_CLICKHOUSE_SINK_PLUGIN.url, { pattern: /^https:\/\/\S+$/, hint: "an https:// URL" }),
    },
} as const;

/** A persistent volume size in GiB. */
const storageGi = (def: number) => int(def, 1, 64 * 1024, "GiB");

/**
 * `kubernetes` platform (the default for `prod`). Images, limits and the sink plugin mirror
 * `cdc:docker`; `access` (how the machine running `pulumi up` reaches Connect and ClickHouse) is a
 * tagged union validated by `parseKubernetesAccess`.
 */
export const kubernetesShape = {
    /** Namespace the pipeline owns; auto-named (`cdc-kubernetes-ns-<suffix>`) when absent. */
    namespace: str(undefined, { pattern: /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, hint: "a DNS label: lowercase letters, digits and -, at most 63" }).optional(),
    /** StorageClass of every PersistentVolumeClaim; the cluster's default when absent. */
    storageClass: str(undefined, { pattern: /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/, hint: "a StorageClass name from `kubectl get storageclass`" }).optional(),
    images: dockerShape.images,
    mongo: {
        /** Replica set members: 3 in production, 1 allowed (dev clusters); odd so a majority exists. */
        members: int(3, 1, 7, "an odd number: 1, 3, 5 or 7"),
        storageGi: storageGi(10),
    },
    kafka: {
        /** KRaft nodes (each broker + controller): 1, or 3 for a fault-tolerant quorum. */
        brokers: int(1, 1, 3, "1 or 3"),
        storageGi: storageGi(20),
    },
    connect: {
        /** Kafka Connect workers (one distributed group). */
        replicas: int(1, 1, 10),
    },
    clickhouse: {
        storageGi: storageGi(50),
    },
    /** Requests and limits per container (request = limit: guaranteed, predictable). */
    resources: {
        mongo: resources(1024, 1000),
        kafka: resources(2048, 1000),
        connect: resources(2048, 1000),
        clickhouse: resources(4096, 2000),
    },
    clickhouseSink: dockerShape.clickhouseSink,
} as const;

/** How the machine running `pulumi up` reaches Kafka Connect and ClickHouse on the cluster. */
export type KubernetesAccess =
    | { mode: "url"; connectUrl: string; clickhouseUrl: string }
    | { mode: "loadBalancer"; annotations?: Record<string, string>; sourceRanges?: string[] }
    | { mode: "nodePort"; nodeAddress: string; connectNodePort: number; clickhouseNodePort: number };

export const ACCESS_MODES = ["url", "loadBalancer", "nodePort"] as const;

/** A map of string to string (Kubernetes annotations). */
function stringMap(): Field<Record<string, string>> {
    return new Field<Record<string, string>>(undefined, (v, key, problems) => {
        if (typeof v !== "object" || v === null || Array.isArray(v) || Object.values(v).some((x) => typeof x !== "string")) {
            problems.push({ key, message: `${JSON.stringify(v)} is not a map of strings; e.g. \`pulumi config set --path '${key}["networking.gke.io/load-balancer-type"]' Internal\`` });
            return undefined;
        }
        return v as Record<string, string>;
    });
}

const HTTP_URL = { pattern: /^https?:\/\/[^\s/]+(:\d+)?\/?$/, hint: "an http(s)://host[:port] URL without a path, e.g. http://connect.cdc.example.com:8083" };
const nodePort = (def: number | undefined) => int(def, 30000, 32767, "the cluster's NodePort range, by default 30000-32767");
const accessShapes = {
    url: { mode: str("url"), connectUrl: str(undefined, HTTP_URL), clickhouseUrl: str(undefined, HTTP_URL) },
    loadBalancer: {
        mode: str("loadBalancer"),
        /** Annotations on both Services, e.g. the cloud's "internal load balancer" switch. */
        annotations: stringMap().optional(),
        /** CIDRs allowed to reach the load balancers (`loadBalancerSourceRanges`). */
        sourceRanges: strList(undefined, /^[0-9a-fA-F:.]+\/\d{1,3}$/, "CIDR blocks such as 10.0.0.0/8").optional(),
    },
    nodePort: {
        mode: str("nodePort"),
        nodeAddress: str(undefined, { pattern: /^[A-Za-z0-9.:-]+$/, hint: "an IP or DNS name of any node, reachable from the machine running `pulumi up`" }),
        connectNodePort: nodePort(30083),
        clickhouseNodePort: nodePort(30123),
    },
} as const;

/**
 * Validates `cdc:kubernetes.access`: one of `{ mode: "url", connectUrl, clickhouseUrl }`,
 * `{ mode: "loadBalancer" }`, `{ mode: "nodePort", nodeAddress, connectNodePort?, clickhouseNodePort? }`.
 */
export function parseKubernetesAccess(raw: unknown, problems: ConfigProblem[]): KubernetesAccess | undefined {
    const key = "cdc:kubernetes.access";
    const example = "e.g. `pulumi config set --path cdc:kubernetes.access.mode loadBalancer` (modes: url, loadBalancer, nodePort; see docs/platforms.md)";
    if (raw === undefined || raw === null) {
        problems.push({ key, message: `is required on the kubernetes platform: say how the machine running \`pulumi up\` reaches Kafka Connect and ClickHouse; ${example}` });
        return undefined;
    }
    if (typeof raw !== "object" || Array.isArray(raw)) {
        problems.push({ key, message: `${JSON.stringify(raw)} is not an object; ${example}` });
        return undefined;
    }
    const mode = (raw as Record<string, unknown>).mode;
    if (typeof mode !== "string" || !(ACCESS_MODES as readonly string[]).includes(mode)) {
        problems.push({ key: `${key}.mode`, message: `${JSON.stringify(mode)} is not one of ${ACCESS_MODES.map((m) => `"${m}"`).join(", ")}; ${example}` });
        return undefined;
    }
    const before = problems.length;
    const parsed = validate(accessShapes[mode as keyof typeof accessShapes], raw, key, problems);
    if (problems.length > before) {
        for (let i = before; i < problems.length; i++) problems[i] = { ...problems[i], message: `${problems[i].message} (access mode "${mode}")` };
        return undefined;
    }
    if (parsed.mode === "nodePort" && (parsed as { connectNodePort: number }).connectNodePort === (parsed as { clickhouseNodePort: number }).clickhouseNodePort) {
        problems.push({ key: `${key}.clickhouseNodePort`, message: "is the same as connectNodePort; give each Service its own NodePort" });
        return undefined;
    }
    // Optional fields left out are absent, not `undefined`.
    return Object.fromEntries(Object.entries(parsed).filter(([, v]) => v !== undefined)) as unknown as KubernetesAccess;
}

/** A Kafka config-provider reference. */
const CONFIG_REF = { pattern: /^\$\{[A-Za-z0-9_.-]+:[^{}\s]+\}$/, hint: "a Kafka config-provider reference such as ${file:/etc/kafka/cdc-secrets.properties:clickhouse.password} or ${env:CDC_CLICKHOUSE_PASSWORD}" };

/** `{ clickhousePassword, debeziumConnectionString }`, each a config-provider reference. */
function secretRefsField(): Field<{ clickhousePassword: string; debeziumConnectionString: string }> {
    return new Field<{ clickhousePassword: string; debeziumConnectionString: string }>(undefined, (v, key, problems) => {
        const before = problems.length;
        const parsed = validate({ clickhousePassword: str(undefined, CONFIG_REF), debeziumConnectionString: str(undefined, CONFIG_REF) }, v, key, problems);
        // A secret pasted here by mistake must not be echoed back.
        for (let i = before; i < problems.length; i++) problems[i] = { ...problems[i], message: problems[i].message.replace(/^".*" is not accepted/s, "the value (not shown: it may be a secret) is not accepted") };
        return problems.length > before ? undefined : parsed;
    });
}

/** `external` platform: services that already exist, given by address. */
export const externalShape = {
    /** Kafka Connect REST URL reachable from the machine running `pulumi up`. */
    connectUrl: str(undefined, { pattern: /^https?:\/\/\S+$/, hint: "e.g. http://connect.internal:8083" }),
    /** Kafka bootstrap servers (informational; Connect already knows its Kafka). */
    kafkaBootstrap: str(undefined, { pattern: /^\S+:\d+(,\S+:\d+)*$/, hint: "host:port[,host:port]" }),
    /** Replication factor for the change and dead-letter topics the connectors create (managed Kafka: usually 3). */
    kafkaReplicationFactor: int(3, 1, 16),
    /**
     * Config-provider references your Connect workers resolve to the two connector secrets, e.g.
     * `${file:/etc/kafka/cdc-secrets.properties:clickhouse.password}` (FileConfigProvider) or
     * `${env:CDC_CLICKHOUSE_PASSWORD}` (EnvVarConfigProvider). When set, the connectors carry these
     * instead of the secrets, so Connect's REST API and config topic never hold them. The values
     * still come from cdc:clickhousePassword / cdc:debeziumConnectionString (change detection).
     */
    connectSecretRefs: secretRefsField().optional(),
    clickhouse: {
        /** ClickHouse HTTP(S) URL reachable from the machine running `pulumi up`. */
        url: str(undefined, { pattern: /^https?:\/\/\S+$/, hint: "e.g. https://abc.clickhouse.cloud:8443" }),
        /** Host the sink connector (inside Connect) uses; defaults to the URL's host. */
        connectorHost: str(undefined, { pattern: /^\S+$/, hint: "a host name" }).optional(),
        /** Port the sink connector uses; defaults to the URL's port. */
        connectorPort: port(0).optional(),
    },
} as const;

export type PipelineSettings = Parsed<typeof pipelineShape>;
export type DockerSettings = Parsed<typeof dockerShape>;
export type ExternalSettings = Parsed<typeof externalShape>;
/** Validated `cdc:kubernetes` settings. */
export type KubernetesSettings = Parsed<typeof kubernetesShape> & { access: KubernetesAccess };

export interface PipelineConfig extends PipelineSettings {
    platform: Platform;
    docker: DockerSettings;
    /** Present when `platform` is `external`. */
    external?: ExternalSettings;
    /** Present when `platform` is `kubernetes`. */
    kubernetes?: KubernetesSettings;
}

/** The top-level keys this project reads (each `cdc:<key>`). */
export const TOP_LEVEL_KEYS = ["platform", ...Object.keys(pipelineShape), "docker", "kubernetes", "external", "clickhousePassword", "debeziumConnectionString"] as const;

/**
 * Validates raw stack config. `raw` maps top-level key (without `cdc:`) to its value as Pulumi
 * holds it (objects parsed from JSON). `ctx` adds what only the stack knows (its name, which keys
 * are secret) for the checks across keys. Throws `ConfigError` listing every problem.
 */
export function parseConfig(raw: Record<string, unknown>, ctx: ConfigContext = {}): PipelineConfig {
    const problems: ConfigProblem[] = [];
    for (const k of Object.keys(raw)) {
        if (!(TOP_LEVEL_KEYS as readonly string[]).includes(k)) {
            problems.push({ key: `cdc:${k}`, message: `unknown key; accepted keys: ${TOP_LEVEL_KEYS.map((t) => `cdc:${t}`).join(", ")}` });
        }
    }
    const platform = (raw.platform ?? "docker") as Platform;
    if (!PLATFORMS.includes(platform)) {
        problems.push({ key: "cdc:platform", message: `${JSON.stringify(raw.platform)} is not one of ${PLATFORMS.map((p) => `"${p}"`).join(", ")}; e.g. \`pulumi config set cdc:platform docker\`` });
    }
    const settings: Record<string, unknown> = {};
    for (const [k, shape] of Object.entries(pipelineShape)) {
        settings[k] = validate(shape, k === "mongo" ? withoutCollectionList(raw.mongo, problems) : raw[k], `cdc:${k}`, problems);
    }
    const roles = (settings.mongo as { collections?: Record<string, unknown> } | undefined)?.collections ?? {};
    const byName = new Map<unknown, string>();
    for (const [role, name] of Object.entries(roles)) {
        const other = byName.get(name);
        if (other) problems.push({ key: `cdc:mongo.collections.${role}`, message: `${JSON.stringify(name)} is also cdc:mongo.collections.${other}; customers, products and orders need a collection each` });
        byName.set(name, role);
    }
    const docker = validate(dockerShape, raw.docker, "cdc:docker", problems);
    const ports = docker.ports ? Object.entries(docker.ports).filter(([, v]) => typeof v === "number") : [];
    const seen = new Map<number, string>();
    for (const [k, v] of ports) {
        const other = seen.get(v as number);
        if (other) problems.push({ key: `cdc:docker.ports.${k}`, message: `${v} is also used by cdc:docker.ports.${other}; give each service its own host port` });
        seen.set(v as number, k);
    }
    let external: ExternalSettings | undefined;
    if (platform === "external") {
        external = validate(externalShape, raw.external, "cdc:external", problems);
        checkNoUrlCredentials(raw.external, problems);
        checkSecretsAreSecret(raw, ctx, problems);
        if (raw.clickhousePassword === undefined) {
            problems.push({ key: "cdc:clickhousePassword", message: "is required on the external platform; set it with `pulumi config set --secret cdc:clickhousePassword <password>`" });
        }
        if (raw.debeziumConnectionString === undefined) {
            problems.push({ key: "cdc:debeziumConnectionString", message: "is required on the external platform: the MongoDB connection string of the Debezium user as Kafka Connect reaches it; set it with `pulumi config set --secret cdc:debeziumConnectionString 'mongodb://debezium:<password>@host:27017/?replicaSet=rs0&authSource=admin'`" });
        }
    } else if (raw.external !== undefined || raw.clickhousePassword !== undefined || raw.debeziumConnectionString !== undefined) {
        const key = raw.external !== undefined ? "cdc:external" : raw.clickhousePassword !== undefined ? "cdc:clickhousePassword" : "cdc:debeziumConnectionString";
        problems.push({ key, message: `is only read when cdc:platform is "external" (it is ${JSON.stringify(platform)}); on ${platform} credentials are generated. Remove it or change the platform` });
    }
    let kubernetes: KubernetesSettings | undefined;
    if (platform === "kubernetes") {
        kubernetes = parseKubernetes(raw.kubernetes, problems);
        checkAccessUrlCredentials((raw.kubernetes as { access?: unknown } | undefined)?.access, problems);
    } else if (raw.kubernetes !== undefined) {
        problems.push({ key: "cdc:kubernetes", message: `is only read when cdc:platform is "kubernetes" (it is ${JSON.stringify(platform)}); remove it or change the platform` });
    }
    checkDistinctNames(settings as Partial<PipelineSettings>, ctx, problems);
    const conn = (settings as Partial<PipelineSettings>).connectors;
    if (conn && conn.requestTimeoutSeconds > conn.readyTimeoutSeconds) {
        problems.push({ key: "cdc:connectors.requestTimeoutSeconds", message: `${conn.requestTimeoutSeconds} is longer than cdc:connectors.readyTimeoutSeconds (${conn.readyTimeoutSeconds}), which bounds each connector operation in all; lower it or raise readyTimeoutSeconds` });
    }
    // snapshot requests name captured collections (by role or name): checked before any resource exists
    const roleNames = (settings as Partial<PipelineSettings>).mongo?.collections;
    if (conn?.snapshots && roleNames) problems.push(...resolveSnapshotRequests(conn.snapshots, roleNames).problems);
    if (problems.length > 0) throw new ConfigError(problems);
    return {
        ...(settings as PipelineSettings),
        platform,
        docker,
        external,
        kubernetes,
    };
}

/** `cdc:kubernetes`: the shape, pinned images, an odd member count, 1 or 3 brokers, and `access`. */
function parseKubernetes(raw: unknown, problems: ConfigProblem[]): KubernetesSettings | undefined {
    const obj = raw === undefined || raw === null ? {} : raw;
    if (typeof obj !== "object" || Array.isArray(obj)) {
        problems.push({ key: "cdc:kubernetes", message: `${JSON.stringify(raw)} is not an object; set its fields with \`pulumi config set --path cdc:kubernetes.<field> <value>\`` });
        return undefined;
    }
    const { access: rawAccess, ...rest } = obj as Record<string, unknown>;
    const k = validate(kubernetesShape, rest, "cdc:kubernetes", problems);
    if (typeof k.mongo?.members === "number" && k.mongo.members % 2 === 0) {
        problems.push({ key: "cdc:kubernetes.mongo.members", message: `${k.mongo.members} is even; a replica set needs an odd number of voting members (1, 3, 5 or 7)` });
    }
    if (k.kafka?.brokers === 2) {
        problems.push({ key: "cdc:kubernetes.kafka.brokers", message: "2 is not accepted: a 2-node KRaft quorum stops on either node's loss; use 1 (dev) or 3 (fault-tolerant)" });
    }
    const access = parseKubernetesAccess(rawAccess, problems);
    return access ? { ...k, access } : undefined;
}

/**
 * `cdc:mongo.collections` was a list before the models could be told which collection plays which
 * role; a list now fails with the object form to use instead (nothing else of `cdc:mongo` changes).
 */
function withoutCollectionList(mongo: unknown, problems: ConfigProblem[]): unknown {
    if (typeof mongo !== "object" || mongo === null || !Array.isArray((mongo as Record<string, unknown>).collections)) return mongo;
    const list = (mongo as { collections: unknown[] }).collections;
    problems.push({
        key: "cdc:mongo.collections",
        message: `${JSON.stringify(list)} is a list; give the collection of each role instead, e.g. \`pulumi config set --path cdc:mongo.collections.orders purchases\` (roles: customers, products, orders; defaults are the role names)`,
    });
    const { collections: _dropped, ...rest } = mongo as Record<string, unknown>;
    return rest;
}

/** The captured collections in role order: customers, products, orders. */
export function collectionNames(collections: { customers: string; products: string; orders: string }): string[] {
    return [collections.customers, collections.products, collections.orders];
}
