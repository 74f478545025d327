/**
 * ClickHouse Keeper on kubernetes, for `cdc:kubernetes.clickhouse.replicas` ≥ 2: a StatefulSet
 * `clickhouse-keeper` of `clickhouse.keeper.replicas` members (a Raft quorum) under the headless
 * Service `clickhouse-keeper`, on distinct nodes, with a disruption budget of one member. Each
 * member starts `clickhouse-keeper` with the config rendered by shared/keeper.ts, its Raft id set
 * from its ordinal by the start command (the way Kafka's node id is), TLS for clients and Raft
 * with the ClickHouse certificate (whose names cover Keeper's members, tls.ts).
 */
import * as crypto from "node:crypto";
import type * as k8s from "@pulumi/kubernetes";
import * as k8sApi from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
    KEEPER_DATA_DIR,
    KEEPER_PORTS,
    KEEPER_READY_PATH,
    KEEPER_SERVER_ID_ENV,
    keeperConfigXml,
} from "../shared/keeper";
import { TLS_DIR, type StackTls } from "../shared/tls";
import type { KubernetesContext } from "./context";
import { podDns, resourceSpec, securityContexts } from "./specs";

/** The StatefulSet's and its headless Service's name. */
export const KEEPER_NAME = "clickhouse-keeper";

/** Where the member's config file is mounted. */
export const KEEPER_CONFIG_FILE = "/etc/cdc/keeper/keeper.xml";

export interface KubernetesKeeper {
    statefulSet: k8s.apps.v1.StatefulSet;
    /** The headless Service governing the members. */
    service: k8s.core.v1.Service;
    /** One member down at a time (absent with one member). */
    budget?: k8s.policy.v1.PodDisruptionBudget;
    /** The members' DNS names in id order (`clickhouse-keeper-<i>.clickhouse-keeper`), what ClickHouse connects to. */
    hosts: string[];
}

/** Keeper members' DNS names, in id order. */
export function keeperHosts(members: number): string[] {
    return Array.from({ length: members }, (_, i) => podDns(KEEPER_NAME, i, KEEPER_NAME));
}

/** The member's start command: its Raft id is its ordinal + 1 (ids start at 1). */
export function keeperStartCommand(): string[] {
    return [
        "sh",
        "-c",
        `export ${KEEPER_SERVER_ID_ENV}=$(( \${HOSTNAME##*-} + 1 )); ` +
            `exec clickhouse-keeper --config-file=${KEEPER_CONFIG_FILE}`,
    ];
}

export function clickhouseKeeper(ctx: KubernetesContext, tls: StackTls): KubernetesKeeper {
    const { name, child, kubernetes: k } = ctx;
    const members = k.clickhouse.keeper.replicas;
    const hosts = keeperHosts(members);
    const configXml = keeperConfigXml({ members: hosts, tls: true });
    const config = new k8sApi.core.v1.ConfigMap(
        `${name}-${KEEPER_NAME}-config`,
        { metadata: ctx.meta(KEEPER_NAME), data: { "keeper.xml": configXml } },
        child,
    );
    const tlsSecret = ctx.secret(`${KEEPER_NAME}-tls`, undefined, {
        "ca.crt": tls.caPem,
        "tls.crt": tls.services.clickhouse.certPem,
        "tls.key": pulumi.secret(tls.services.clickhouse.keyPem),
    });
    const service = ctx.headless(KEEPER_NAME, KEEPER_NAME, [
        { name: "client-tls", port: KEEPER_PORTS.clientTls },
        { name: "raft", port: KEEPER_PORTS.raft },
        { name: "http-control", port: KEEPER_PORTS.http },
    ]);
    const sha256 = (s: string) => crypto.createHash("sha256").update(s).digest("hex");
    const statefulSet = ctx.statefulSet(KEEPER_NAME, {
        serviceName: service.metadata.name,
        replicas: members,
        // A quorum forms only when its members start together.
        parallel: true,
        storageGi: k.clickhouse.keeper.storageGi,
        securityContext: securityContexts.clickhouse.pod,
        podAnnotations: {
            "cdc.pulumi/tls-cert-sha256": tls.services.clickhouse.certPem.apply(sha256),
            "cdc.pulumi/config-sha256": sha256(configXml),
        },
        pod: {
            affinity: ctx.antiAffinity(KEEPER_NAME, k.clickhouse.antiAffinity),
            containers: [
                {
                    name: "keeper",
                    image: k.clickhouse.keeper.image,
                    command: keeperStartCommand(),
                    ports: [
                        { name: "client-tls", containerPort: KEEPER_PORTS.clientTls },
                        { name: "raft", containerPort: KEEPER_PORTS.raft },
                        { name: "http-control", containerPort: KEEPER_PORTS.http },
                    ],
                    volumeMounts: [
                        { name: "data", mountPath: KEEPER_DATA_DIR },
                        { name: "tls", mountPath: TLS_DIR, readOnly: true },
                        { name: "config", mountPath: KEEPER_CONFIG_FILE, subPath: "keeper.xml", readOnly: true },
                    ],
                    // Ready = part of a quorum with a leader (Keeper's own readiness endpoint).
                    readinessProbe: {
                        httpGet: { path: KEEPER_READY_PATH, port: KEEPER_PORTS.http },
                        initialDelaySeconds: 5,
                        periodSeconds: 10,
                        failureThreshold: 12,
                    },
                    livenessProbe: {
                        tcpSocket: { port: KEEPER_PORTS.clientTls },
                        initialDelaySeconds: 30,
                        periodSeconds: 20,
                        failureThreshold: 6,
                    },
                    resources: resourceSpec(k.resources.keeper),
                },
            ],
            volumes: [
                { name: "tls", secret: { secretName: tlsSecret.metadata.name, defaultMode: 0o440 } },
                { name: "config", configMap: { name: config.metadata.name } },
            ],
        },
    });
    return { statefulSet, service, budget: ctx.budget(KEEPER_NAME, members), hosts };
}
