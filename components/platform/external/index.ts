import * as pulumi from "@pulumi/pulumi";
import type { ExternalSettings, PipelineSettings, TlsSettings } from "../../config";
import type { PipelineEndpoints } from "../../endpoints";

export interface ExternalPlatformArgs {
    /** Validated `cdc:external` settings: addresses of the existing services. */
    external: ExternalSettings;
    /** Validated pipeline settings. */
    pipeline: PipelineSettings;
    /** Validated `cdc:tls`: on this platform, the CA bundle the clients trust. */
    tls?: TlsSettings;
    /**
     * Secrets; default: read from stack config `cdc:clickhousePassword`,
     * `cdc:debeziumConnectionString` and (with `cdc:external.connectUser`) `cdc:connectPassword`
     * (set them with `pulumi config set --secret`).
     */
    secrets?: {
        clickhousePassword: pulumi.Input<string>;
        debeziumConnectionString: pulumi.Input<string>;
        connectPassword?: pulumi.Input<string>;
    };
}

/**
 * Services that already exist (managed Kafka Connect, ClickHouse Cloud, Atlas, or the test
 * suite's own engines), given by address. Declares no containers and needs no provider plugin:
 * only the CDC layer's dynamic resources are created on top of it.
 */
export class ExternalPlatform extends pulumi.ComponentResource {
    public readonly endpoints: PipelineEndpoints;

    constructor(name: string, args: ExternalPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cdc:platform:External", name, {}, opts);
        const x = args.external;
        const cfg = new pulumi.Config("cdc");
        const secrets = args.secrets ?? {
            clickhousePassword: cfg.requireSecret("clickhousePassword"),
            debeziumConnectionString: cfg.requireSecret("debeziumConnectionString"),
            ...(x.connectUser ? { connectPassword: cfg.requireSecret("connectPassword") } : {}),
        };
        // The CA of the services' certificates, when they are not signed by one the system trusts.
        const url = new URL(x.clickhouse.url);
        const ssl = url.protocol === "https:";
        const urlPort = url.port ? Number(url.port) : ssl ? 443 : 80;
        const debezium = pulumi.secret(secrets.debeziumConnectionString);
        this.endpoints = {
            mongo: { connectorConnectionString: debezium, hostConnectionString: debezium },
            kafka: {
                internalBootstrap: x.kafkaBootstrap,
                hostBootstrap: x.kafkaBootstrap,
                replicationFactor: x.kafkaReplicationFactor,
            },
            connect: {
                url: x.connectUrl.replace(/\/+$/, ""),
                // Only when the operator configured config providers on their workers (docs/platforms.md).
                ...(x.connectSecretRefs ? { secretRefs: x.connectSecretRefs } : {}),
                ...(x.connectUser && secrets.connectPassword !== undefined
                    ? { auth: { user: x.connectUser, password: pulumi.secret(secrets.connectPassword) } }
                    : {}),
            },
            clickhouse: {
                internal: {
                    host: x.clickhouse.connectorHost ?? url.hostname,
                    port: x.clickhouse.connectorPort ?? urlPort,
                    ssl,
                },
                url: x.clickhouse.url.replace(/\/+$/, ""),
                database: args.pipeline.clickhouse.database,
                user: args.pipeline.clickhouse.user,
                password: pulumi.secret(secrets.clickhousePassword),
            },
            ...(args.tls?.caBundle ? { tls: { caPem: args.tls.caBundle } } : {}),
            ready: { mongo: [], connect: [], clickhouse: [] },
        };
        this.registerOutputs({ endpoints: this.endpoints });
    }
}
