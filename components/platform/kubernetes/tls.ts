/**
 * The names each kubernetes service's certificate is for: its Services in every form a pod
 * resolves (`<svc>`, `<svc>.<ns>`, `<svc>.<ns>.svc`, `<svc>.<ns>.svc.cluster.local`), each
 * StatefulSet member under its governing headless Service in the same forms (members are listed,
 * not a wildcard: OpenSSL refuses `*.mongo`, and listing them keeps the certificate to what
 * exists), loopback for `kubectl port-forward`, and the address the machine running `pulumi up`
 * uses when the config knows it (`url` and `nodePort` access; a load balancer's address exists only
 * after its Service, which waits for the pods that need the certificate, so it is not included).
 */
import type { KubernetesAccess } from "../../config";
import type { TlsService } from "../shared/tls";

export interface KubernetesTlsNames {
    namespace: string;
    /**
     * Members of each StatefulSet; `keeper` (replicated ClickHouse only) adds Keeper's Service and
     * members to ClickHouse's certificate, which Keeper serves with.
     */
    members: { mongo: number; kafka: number; clickhouse: number; keeper?: number };
    access: KubernetesAccess;
}

/** The four forms of a Service name inside the cluster. */
export function serviceNames(service: string, namespace: string): string[] {
    return [
        service,
        `${service}.${namespace}`,
        `${service}.${namespace}.svc`,
        `${service}.${namespace}.svc.cluster.local`,
    ];
}

/** Every member `<set>-<i>` under headless Service `governing`, in the four forms. */
function memberNames(set: string, governing: string, members: number, namespace: string): string[] {
    return Array.from({ length: members }, (_, i) => serviceNames(`${set}-${i}.${governing}`, namespace)).flat();
}

function urlHost(url: string): string {
    return new URL(url).hostname.replace(/^\[|\]$/g, "");
}

export function kubernetesTlsSans(o: KubernetesTlsNames): Record<TlsService, string[]> {
    const ns = o.namespace;
    const loopback = ["localhost", "127.0.0.1", "::1"];
    const a = o.access;
    const access = (role: "connect" | "clickhouse"): string[] =>
        a.mode === "url"
            ? [urlHost(role === "connect" ? a.connectUrl : a.clickhouseUrl)]
            : a.mode === "nodePort"
              ? [a.nodeAddress]
              : [];
    const uniq = (xs: string[]) => [...new Set(xs)];
    return {
        mongo: uniq([...serviceNames("mongo", ns), ...memberNames("mongo", "mongo", o.members.mongo, ns), ...loopback]),
        kafka: uniq([...serviceNames("kafka", ns), ...memberNames("kafka", "kafka", o.members.kafka, ns), ...loopback]),
        connect: uniq([...serviceNames("connect", ns), ...loopback, ...access("connect")]),
        clickhouse: uniq([
            ...serviceNames("clickhouse", ns),
            ...serviceNames("clickhouse-headless", ns),
            ...memberNames("clickhouse", "clickhouse-headless", o.members.clickhouse, ns),
            ...(o.members.keeper
                ? [
                      ...serviceNames("clickhouse-keeper", ns),
                      ...memberNames("clickhouse-keeper", "clickhouse-keeper", o.members.keeper, ns),
                  ]
                : []),
            ...loopback,
            ...access("clickhouse"),
        ]),
    };
}
