/** `cdc:kubernetes`: the kubernetes platform (the default for `prod`), with every rule on it. */
import { checkAccessUrlCredentials } from "./checks";
import { clickhouseSinkShape, imagesShape, resources, storageGi } from "./fields";
import { type ConfigProblem, Field, int, type Parsed, str, strList, validate } from "./schema";

/** How the machine running `pulumi up` reaches Kafka Connect and ClickHouse on the cluster. */
export type KubernetesAccess =
    | { mode: "url"; connectUrl: string; clickhouseUrl: string }
    | { mode: "loadBalancer"; annotations?: Record<string, string>; sourceRanges?: string[] }
    | { mode: "nodePort"; nodeAddress: string; connectNodePort: number; clickhouseNodePort: number };

export const ACCESS_MODES = ["url", "loadBalancer", "nodePort"] as const;

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
    },
    /** Requests and limits per container (request = limit: guaranteed, predictable). */
    resources: {
        mongo: resources(1024, 1000),
        kafka: resources(2048, 1000),
        connect: resources(2048, 1000),
        clickhouse: resources(4096, 2000),
    },
    clickhouseSink: clickhouseSinkShape,
    /** How the machine running `pulumi up` reaches Kafka Connect and ClickHouse; required. */
    access: accessField(),
} as const;

/** Validated `cdc:kubernetes` settings. */
export type KubernetesSettings = Parsed<typeof kubernetesShape>;

/** Validates `cdc:kubernetes`. */
export function parseKubernetes(raw: unknown, problems: ConfigProblem[]): KubernetesSettings {
    return validate(kubernetesShape, raw, "cdc:kubernetes", problems);
}
