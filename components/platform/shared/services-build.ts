/**
 * The order a platform that runs the services itself builds them in, stated once for docker and
 * kubernetes: credentials first, then MongoDB, Kafka, Kafka Connect (which needs both: the broker
 * to start on, the Debezium user's connection string to hand its connectors) and ClickHouse.
 * Each platform passes its own builders; each builder returns a typed result.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { TlsSettings } from "../../config";
import { credentials, type PlatformCredentials } from "./credentials";
import { stackTls, type TlsSans } from "./tls";

export interface ServiceBuilders<C, M, K, W, H> {
    mongoReplicaSet(ctx: C, creds: PlatformCredentials): M;
    kafkaCluster(ctx: C, creds: PlatformCredentials): K;
    connectWorkers(ctx: C, creds: PlatformCredentials, deps: { mongo: M; kafka: K }): W;
    clickhouseServer(ctx: C, creds: PlatformCredentials): H;
}

export interface BuiltServices<M, K, W, H> {
    creds: PlatformCredentials;
    mongo: M;
    kafka: K;
    connect: W;
    clickhouse: H;
}

/** `cdc:tls` and the names each service's certificate is for (see docker/tls.ts, kubernetes/tls.ts). */
export interface ServicesTls {
    settings: TlsSettings;
    sans: TlsSans;
}

/** What else the platform deploys: monitoring adds its passwords and certificates. */
export interface ServicesExtras {
    monitoring?: boolean;
}

/**
 * Generates the credentials (children of `parent`, named `<name>-<role>`), with the stack's CA and
 * certificates when TLS is on (`creds.tls`), and builds every service group.
 */
export function buildServices<C, M, K, W, H>(
    name: string,
    parent: pulumi.Resource,
    ctx: C,
    b: ServiceBuilders<C, M, K, W, H>,
    tls?: ServicesTls,
    extras: ServicesExtras = {},
): BuiltServices<M, K, W, H> {
    const creds: PlatformCredentials = credentials(name, parent, extras.monitoring ?? false);
    if (tls?.settings.enabled) creds.tls = stackTls(name, tls.settings, tls.sans, parent);
    const mongo = b.mongoReplicaSet(ctx, creds);
    const kafka = b.kafkaCluster(ctx, creds);
    const connect = b.connectWorkers(ctx, creds, { mongo, kafka });
    const clickhouse = b.clickhouseServer(ctx, creds);
    return { creds, mongo, kafka, connect, clickhouse };
}
