/**
 * How the machine running `pulumi up` reaches Kafka Connect and ClickHouse on the cluster
 * (`cdc:kubernetes.access`): the Service type each access mode needs and the URLs it yields.
 */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { KubernetesAccess } from "../../config";

/** Service type and fixed node port (nodePort mode) of the `connect` or `clickhouse` Service. */
export function serviceExposure(
    access: KubernetesAccess,
    role: "connect" | "clickhouse",
): { type: string; nodePort?: number; annotations?: Record<string, string>; loadBalancerSourceRanges?: string[] } {
    switch (access.mode) {
        case "url":
            return { type: "ClusterIP" };
        case "loadBalancer":
            return {
                type: "LoadBalancer",
                annotations: access.annotations,
                loadBalancerSourceRanges: access.sourceRanges,
            };
        case "nodePort":
            return {
                type: "NodePort",
                nodePort: role === "connect" ? access.connectNodePort : access.clickhouseNodePort,
            };
    }
}

/**
 * The URL of a Service from the pulumi host. LoadBalancer: from the Service's status (which
 * @pulumi/kubernetes waits for), so whatever uses the URL waits for the address too. `scheme`:
 * `https` for a TLS port (mode `url` keeps the URL the user gave).
 */
export function hostUrl(
    access: KubernetesAccess,
    role: "connect" | "clickhouse",
    service: k8s.core.v1.Service,
    port: number,
    scheme: "http" | "https" = "http",
): pulumi.Output<string> {
    const trim = (u: string) => u.replace(/\/+$/, "");
    switch (access.mode) {
        case "url":
            return pulumi.output(trim(role === "connect" ? access.connectUrl : access.clickhouseUrl));
        case "nodePort": {
            const np = role === "connect" ? access.connectNodePort : access.clickhouseNodePort;
            const host = access.nodeAddress.includes(":") ? `[${access.nodeAddress}]` : access.nodeAddress;
            return pulumi.output(`${scheme}://${host}:${np}`);
        }
        case "loadBalancer":
            return service.status.apply((s) => {
                const ingress = s?.loadBalancer?.ingress?.[0];
                const host = ingress?.hostname || ingress?.ip;
                if (!host) {
                    throw new Error(
                        `Service ${role} of type LoadBalancer has no ingress address; the cluster may have no load-balancer controller. ` +
                            "Use cdc:kubernetes.access.mode nodePort or url instead (see docs/platforms.md)",
                    );
                }
                return `${scheme}://${host.includes(":") ? `[${host}]` : host}:${port}`;
            });
    }
}
