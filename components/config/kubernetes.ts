/** `cdc:kubernetes`: the kubernetes platform (the default for `prod`), with every rule on it. */
import { checkAccessUrlCredentials } from "./checks";
import { clickhouseSinkShape, image, imagesShape, resources, storageGi } from "./fields";
import { type ConfigProblem, Field, int, oneOf, type Parsed, str, strList, validate } from "./schema";
import { DEFAULT_KEEPER_IMAGE } from "./versions";

/** How the machine running `pulumi up` reaches Kafka Connect and ClickHouse on the cluster. */
export type KubernetesAccess =
    | { mode: "url"; connectUrl: string; clickhouseUrl: string }
    | { mode: "loadBalancer"; annotations?: Record<string, string>; sourceRanges?: string[] }
    | { mode: "nodePort"; nodeAddress: string; connectNodePort: number; clickhouseNodePort: number };

export const ACCESS_MODES = ["url", "loadBalancer", "nodePort"] as const;

/** `cdc:kubernetes.clickhouse.antiAffinity`: a hard or a soft rule. */
export const ANTI_AFFINITY_MODES = ["required", "preferred"] as const;
export type AntiAffinityMode = (typeof ANTI_AFFINITY_MODES)[number];

/** Why `cdc:kubernetes.clickhouse.shards` is 1 only (docs/platforms.md, "Replicated ClickHouse"). */
export const SHARDS_REFUSED =
    "shards are not supported; only 1 is accepted. Gold refreshes are incremental by per-table block numbers, " +
    "which are counted per shard, and the marts join orders, customers and products, which would sit on different " +
    "shards: exact gold across shards would need per-shard watermarks and cross-shard scopes, which do not exist. " +
    "Add replicas instead (`pulumi config set --path cdc:kubernetes.clickhouse.replicas 3`: availability and read " +
    "capacity), and remove the key (`pulumi config rm --path cdc:kubernetes.clickhouse.shards`)";

/** A map of string to string (Kubernetes annotations). */
function stringMap(): Field<Record<string, string>> {
    return new Field<Record<string, string>>(undefined, (v, key, problems) => {
        if (
            typeof v !== "object" ||
            v === null ||
            Array.isArray(v) ||
            Object.values(v).some((x) => typeof x !== "string")
        ) {
            problems.push({
                key,
                message: `${JSON.stringify(v)} is not a map of strings; e.g. \`pulumi config set --path '${key}["networking.gke.io/load-balancer-type"]' Internal\``,
            });
            return undefined;
        }
        return v as Record<string, string>;
    });
}

/** How to set `access`, for its problems. */
const ACCESS_EXAMPLE =
    "e.g. `pulumi config set --path cdc:kubernetes.access.mode loadBalancer` (modes: url, loadBalancer, nodePort; see docs/platforms.md)";
const ACCESS_REQUIRED = `is required on the kubernetes platform: say how the machine running \`pulumi up\` reaches Kafka Connect and ClickHouse; ${ACCESS_EXAMPLE}`;

const HTTP_URL = {
    pattern: /^https?:\/\/[^\s/]+(:\d+)?\/?$/,
    hint: "an http(s)://host[:port] URL without a path, e.g. http://connect.cdc.example.com:8083",
};
const nodePort = (def: number | undefined) =>
    int(def, 30000, 32767, "the cluster's NodePort range, by default 30000-32767");
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
        nodeAddress: str(undefined, {
            pattern: /^[A-Za-z0-9.:-]+$/,
            hint: "an IP or DNS name of any node, reachable from the machine running `pulumi up`",
        }),
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
    if (raw === undefined || raw === null) {
        problems.push({ key, message: ACCESS_REQUIRED });
        return undefined;
    }
    if (typeof raw !== "object" || Array.isArray(raw)) {
        problems.push({ key, message: `${JSON.stringify(raw)} is not an object; ${ACCESS_EXAMPLE}` });
        return undefined;
    }
    const mode = (raw as Record<string, unknown>).mode;
    if (typeof mode !== "string" || !(ACCESS_MODES as readonly string[]).includes(mode)) {
        problems.push({
            key: `${key}.mode`,
            message: `${JSON.stringify(mode)} is not one of ${ACCESS_MODES.map((m) => `"${m}"`).join(", ")}; ${ACCESS_EXAMPLE}`,
        });
        return undefined;
    }
    const before = problems.length;
    const parsed = validate(accessShapes[mode as keyof typeof accessShapes], raw, key, problems);
    if (problems.length > before) {
        for (let i = before; i < problems.length; i++)
            problems[i] = { ...problems[i], message: `${problems[i].message} (access mode "${mode}")` };
        return undefined;
    }
    if (
        parsed.mode === "nodePort" &&
        (parsed as { connectNodePort: number }).connectNodePort ===
            (parsed as { clickhouseNodePort: number }).clickhouseNodePort
    ) {
        problems.push({
            key: `${key}.clickhouseNodePort`,
            message: "is the same as connectNodePort; give each Service its own NodePort",
        });
        return undefined;
    }
    // Optional fields left out are absent, not `undefined`.
    return Object.fromEntries(Object.entries(parsed).filter(([, v]) => v !== undefined)) as unknown as KubernetesAccess;
}

/** `access`: {@link parseKubernetesAccess}, then no credentials in its URLs (url mode). */
function accessField(): Field<KubernetesAccess> {
    return new Field<KubernetesAccess>(undefined, (v, _key, problems) => {
        const access = parseKubernetesAccess(v, problems);
        checkAccessUrlCredentials(v, problems);
        return access;
    }).requiredWith(ACCESS_REQUIRED);
}

/**
 * `kubernetes` platform (the default for `prod`). Images, limits and the sink plugin mirror
 * `cdc:docker`; `access` (how the machine running `pulumi up` reaches Connect and ClickHouse) is a
 * tagged union validated by `parseKubernetesAccess`. Every rule of a key is in its field.
 */
export const kubernetesShape = {
    /** Namespace the pipeline owns; auto-named (`cdc-kubernetes-ns-<suffix>`) when absent. */
    namespace: str(undefined, {
        pattern: /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/,
        hint: "a DNS label: lowercase letters, digits and -, at most 63",
    }).optional(),
    /** StorageClass of every PersistentVolumeClaim; the cluster's default when absent. */
    storageClass: str(undefined, {
        pattern: /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/,
        hint: "a StorageClass name from `kubectl get storageclass`",
    }).optional(),
    images: imagesShape,
    mongo: {
        /** Replica set members: 3 in production, 1 allowed (dev clusters); odd so a majority exists. */
        members: int(3, 1, 7, "an odd number: 1, 3, 5 or 7").refine((n) =>
            n % 2 === 0
                ? `${n} is even; a replica set needs an odd number of voting members (1, 3, 5 or 7)`
                : undefined,
        ),
        storageGi: storageGi(10),
    },
    kafka: {
        /** KRaft nodes (each broker + controller): 1, or 3 for a fault-tolerant quorum. */
        brokers: int(1, 1, 3, "1 or 3").refine((n) =>
            n === 2
                ? "2 is not accepted: a 2-node KRaft quorum stops on either node's loss; use 1 (dev) or 3 (fault-tolerant)"
                : undefined,
        ),
        storageGi: storageGi(20),
    },
    connect: {
        /** Kafka Connect workers (one distributed group). */
        replicas: int(1, 1, 10),
    },
    clickhouse: {
        storageGi: storageGi(50),
        /**
         * ClickHouse replicas of the one shard. 1 (the default) is a single node: no Keeper, an
         * Atomic database. 2 to 5: a Keeper ensemble and N replicas (docs/platforms.md).
         */
        replicas: int(1, 1, 5, "1 = a single node; 2 to 5 replicas coordinated by ClickHouse Keeper"),
        /** Shards: only 1 (see {@link SHARDS_REFUSED}). */
        shards: int(1, 1, 64).refine((n) => (n === 1 ? undefined : `${n} ${SHARDS_REFUSED}`)),
        /**
         * How the replicas (and Keeper's members) are kept on distinct nodes (`kubernetes.io/hostname`):
         * `required` leaves a pod Pending rather than beside another; `preferred` lets it share a node.
         */
        antiAffinity: oneOf("required", ANTI_AFFINITY_MODES),
        keeper: {
            /** Keeper members (a Raft quorum): 3 survives the loss of one; 1 stops inserts and DDL while down. */
            replicas: int(3, 1, 5, "1, 3 or 5").refine((n) =>
                n % 2 === 0
                    ? `${n} is even; a Raft quorum needs an odd number of members (1, 3 or 5): an even one ` +
                      "tolerates no more failures than one fewer; " +
                      "e.g. `pulumi config set --path cdc:kubernetes.clickhouse.keeper.replicas 3`"
                    : undefined,
            ),
            storageGi: storageGi(5),
            image: image(DEFAULT_KEEPER_IMAGE),
        },
    },
    /** Requests and limits per container (request = limit: guaranteed, predictable). */
    resources: {
        mongo: resources(1024, 1000),
        kafka: resources(2048, 1000),
        connect: resources(2048, 1000),
        clickhouse: resources(4096, 2000),
        /** Each Keeper member (only with `clickhouse.replicas` ≥ 2). */
        keeper: resources(512, 500),
    },
    clickhouseSink: clickhouseSinkShape,
    /** How the machine running `pulumi up` reaches Kafka Connect and ClickHouse; required. */
    access: accessField(),
} as const;

/** Validated `cdc:kubernetes` settings. */
export type KubernetesSettings = Parsed<typeof kubernetesShape>;

/** Validates `cdc:kubernetes`, then the keys that only mean something with replicated ClickHouse. */
export function parseKubernetes(raw: unknown, problems: ConfigProblem[]): KubernetesSettings {
    const settings = validate(kubernetesShape, raw, "cdc:kubernetes", problems);
    checkKeeperKeys(raw, settings, problems);
    return settings;
}

/**
 * Keeper runs only with `clickhouse.replicas` ≥ 2: its keys given with one replica would be silently
 * ignored, so they are refused with the two ways out.
 */
function checkKeeperKeys(raw: unknown, s: KubernetesSettings, problems: ConfigProblem[]): void {
    if (s.clickhouse.replicas !== 1 || typeof raw !== "object" || raw === null) return;
    const r = raw as { clickhouse?: { keeper?: unknown }; resources?: { keeper?: unknown } };
    const given = [
        ...(r.clickhouse?.keeper !== undefined ? ["cdc:kubernetes.clickhouse.keeper"] : []),
        ...(r.resources?.keeper !== undefined ? ["cdc:kubernetes.resources.keeper"] : []),
    ];
    for (const key of given)
        problems.push({
            key,
            message:
                "is only read with replicated ClickHouse: Keeper runs only when " +
                "cdc:kubernetes.clickhouse.replicas is 2 or more " +
                `(it is 1, a single node without Keeper). Remove it (\`pulumi config rm --path ${key}\`) or set ` +
                "`pulumi config set --path cdc:kubernetes.clickhouse.replicas 3`",
        });
}
