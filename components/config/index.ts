/**
 * Typed, validated stack configuration. Every key lives in the `cdc:` namespace (the Pulumi
 * project is named `cdc`); `parseConfig` is pure so it is unit-tested without Pulumi, and
 * `loadConfig` reads the stack's config and fails before any resource exists when it is wrong.
 */
import { bool, ConfigError, ConfigProblem, int, Parsed, str, strList, validate } from "./schema";
import { DEFAULT_IMAGES, DEFAULT_CLICKHOUSE_SINK_PLUGIN } from "./versions";

export { ConfigError } from "./schema";
export type { ConfigProblem } from "./schema";

export const PLATFORMS = ["docker", "kubernetes", "external"] as const;
export type Platform = (typeof PLATFORMS)[number];

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TOPIC = /^[A-Za-z0-9_-]+$/;
const IMAGE = /^[a-z0-9][a-z0-9._\/-]*(:[A-Za-z0-9._-]+)?(@sha256:[a-f0-9]{64})?$/;
const IMAGE_HINT = "use a pinned image reference like `mongo:8.0.12` (a tag or an @sha256 digest, never `latest`)";
const PINNED = (v: string) => !/:latest$/.test(v) && (/:[A-Za-z0-9._-]+$/.test(v) || /@sha256:/.test(v));

const port = (def: number) => int(def, 1, 65535, "TCP port");
const memoryMb = (def: number) => int(def, 128, 1024 * 1024, "MiB");
const millicpu = (def: number) => int(def, 100, 64_000, "millicores: 1000 = one CPU");

/** Per-service limits. */
const resources = (mem: number, cpu: number) => ({ memoryMb: memoryMb(mem), cpuMillis: millicpu(cpu) });

const image = (def: string) => str(def, { pattern: IMAGE, hint: IMAGE_HINT });

/** Settings shared by every platform: what flows where. */
export const pipelineShape = {
    mongo: {
        /** Source database. */
        database: str("ecom", { pattern: IDENT, hint: "a MongoDB database name of letters, digits and _" }),
        /** Collections captured (each becomes topic `<prefix>.<db>.<c>` and table `<prefix>_<db>_<c>`). */
        collections: strList(["customers", "products", "orders"], IDENT, "collection names of letters, digits and _"),
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
        /** Dead-letter topic for records the sink cannot write. */
        deadLetterTopic: str("cdc-dlq-clickhouse", { pattern: TOPIC, hint: "letters, digits, _ and -" }),
        /** ClickHouse sink exactly-once mode (needs KeeperMap on the server). */
        exactlyOnce: bool(false),
        /** Debezium heartbeat interval, ms (keeps offsets fresh on quiet collections). */
        heartbeatIntervalMs: int(10_000, 0, 3_600_000, "milliseconds; 0 disables"),
    },
    bronze: {
        /** Drop the bronze tables (and their data) on `pulumi destroy`. Default false: bronze is the raw record. */
        dropOnDestroy: bool(false),
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

/** `external` platform: services that already exist, given by address. */
export const externalShape = {
    /** Kafka Connect REST URL reachable from the machine running `pulumi up`. */
    connectUrl: str(undefined, { pattern: /^https?:\/\/\S+$/, hint: "e.g. http://connect.internal:8083" }),
    /** Kafka bootstrap servers (informational; Connect already knows its Kafka). */
    kafkaBootstrap: str(undefined, { pattern: /^\S+:\d+(,\S+:\d+)*$/, hint: "host:port[,host:port]" }),
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

export interface PipelineConfig extends PipelineSettings {
    platform: Platform;
    docker: DockerSettings;
    /** Present when `platform` is `external`. */
    external?: ExternalSettings;
    /** Raw kubernetes settings, validated by the kubernetes platform. */
    kubernetes?: Record<string, unknown>;
}

/** The top-level keys this project reads (each `cdc:<key>`). */
export const TOP_LEVEL_KEYS = ["platform", ...Object.keys(pipelineShape), "docker", "kubernetes", "external", "clickhousePassword", "debeziumConnectionString"] as const;

/**
 * Validates raw stack config. `raw` maps top-level key (without `cdc:`) to its value as Pulumi
 * holds it (objects parsed from JSON). Throws `ConfigError` listing every problem.
 */
export function parseConfig(raw: Record<string, unknown>): PipelineConfig {
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
        settings[k] = validate(shape, raw[k], `cdc:${k}`, problems);
    }
    const docker = validate(dockerShape, raw.docker, "cdc:docker", problems);
    if (docker.images) {
        for (const [k, v] of Object.entries(docker.images)) {
            if (typeof v === "string" && !PINNED(v)) problems.push({ key: `cdc:docker.images.${k}`, message: `${JSON.stringify(v)} is not pinned; ${IMAGE_HINT}` });
        }
    }
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
    if (raw.kubernetes !== undefined && (typeof raw.kubernetes !== "object" || Array.isArray(raw.kubernetes) || raw.kubernetes === null)) {
        problems.push({ key: "cdc:kubernetes", message: `${JSON.stringify(raw.kubernetes)} is not an object` });
    }
    if (problems.length > 0) throw new ConfigError(problems);
    return {
        ...(settings as PipelineSettings),
        platform,
        docker,
        external,
        kubernetes: raw.kubernetes as Record<string, unknown> | undefined,
    };
}
