/** ClickHouse on kubernetes: a one-replica StatefulSet with the pipeline's database and user. */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { PipelineEndpoints } from "../../endpoints";
import type { PlatformCredentials } from "../shared/credentials";
import { hostUrl } from "./access";
import type { KubernetesContext } from "./context";
import { probes, resourceSpec, secretEnv, securityContexts } from "./specs";

export interface KubernetesClickhouse {
    statefulSet: k8s.apps.v1.StatefulSet;
    /** The Service `cdc:kubernetes.access` exposes. */
    service: k8s.core.v1.Service;
    /** How Connect (in the namespace) reaches the HTTP interface. */
    internal: PipelineEndpoints["clickhouse"]["internal"];
    /** The HTTP interface from the machine running `pulumi up`. */
    url: pulumi.Output<string>;
}

export function clickhouseServer(ctx: KubernetesContext, creds: PlatformCredentials): KubernetesClickhouse {
    const { kubernetes: k, pipeline: p } = ctx;
    const secret = ctx.secret("clickhouse-credentials", "clickhouse-credentials", {
        password: creds.clickhousePassword,
    });
    const headless = ctx.headless("clickhouse", "clickhouse-headless", [{ name: "http", port: 8123 }]);
    const service = ctx.exposed("clickhouse", { name: "http", port: 8123 });
    const statefulSet = ctx.statefulSet("clickhouse", {
        serviceName: headless.metadata.name,
        replicas: 1,
        parallel: false,
        storageGi: k.clickhouse.storageGi,
        securityContext: securityContexts.clickhouse.pod,
        pod: {
            containers: [
                {
                    name: "clickhouse",
                    image: k.images.clickhouse,
                    env: [
                        { name: "CLICKHOUSE_DB", value: p.clickhouse.database },
                        { name: "CLICKHOUSE_USER", value: p.clickhouse.user },
                        secretEnv("CLICKHOUSE_PASSWORD", secret.metadata.name, "password"),
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
    });
    return {
        statefulSet,
        service,
        internal: { host: "clickhouse", port: 8123, ssl: false },
        url: hostUrl(k.access, "clickhouse", service, 8123),
    };
}
