/**
 * The whole stack from validated config: the platform `cdc:platform` names, the CDC layer on top
 * of it, and the stack outputs. `index.ts` is this with the stack's own config; the engine tests'
 * harness (test/support/stack-harness.ts) runs the same function as its inline program, so the
 * two cannot drift apart.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PipelineConfig } from "./config";
import { CdcPipeline, type ConnectorConfigOverride } from "./pipeline";
import { createPlatform } from "./platform";

/**
 * @internal Test seams, for the engine tests' harness only; a real stack passes none. Not part of
 * the pipeline's public arguments (`CdcPipelineArgs`).
 */
export interface StackTestSeams {
    /** Directory of the dbt project instead of `ecom_analytics/` (the harness builds a copy). */
    dbtProjectDir?: string;
    /** See {@link ConnectorConfigOverride}. */
    connectorConfigOverride?: ConnectorConfigOverride;
}

/** What the stack exports (`pulumi stack output`). */
export interface StackOutputs {
    platformName: string;
    connectUrl: pulumi.Input<string>;
    clickhouseUrl: pulumi.Input<string>;
    clickhouseUser: pulumi.Input<string>;
    clickhouseDatabase: pulumi.Input<string>;
    /** The pipeline user's ClickHouse password (`npm run dbt`, your SQL client). Secret. */
    clickhousePassword: pulumi.Output<string>;
    kafkaBootstrap: pulumi.Input<string>;
    /**
     * PEM of the CA the host-side clients trust (`npm run status`, curl, your SQL client): write it
     * to a file with `npm run pulumi -- stack output caCertificate > cdc-ca.pem`. Absent without TLS.
     */
    caCertificate?: pulumi.Input<string>;
    /** User of Kafka Connect's REST basic auth (absent when the REST API takes no credentials). */
    connectUser?: string;
    /** Its password (`npm run status`, curl). Secret. */
    connectPassword?: pulumi.Output<string>;
    /** Kafka's SCRAM user for the host tools (`npm run status`), when Kafka requires SASL_SSL. */
    kafkaUser?: string;
    /** Its password. Secret. */
    kafkaPassword?: pulumi.Output<string>;
    /** Grafana (`cdc:monitoring.enabled`): docker `https://127.0.0.1:3000`, kubernetes the in-cluster Service. */
    grafanaUrl?: pulumi.Input<string>;
    /** Grafana's `admin` password. Secret. */
    grafanaAdminPassword?: pulumi.Output<string>;
    /** Prometheus, when the stack runs it (its UI and API: user `admin`). */
    prometheusUrl?: pulumi.Input<string>;
    /** Prometheus' `admin` password. Secret. */
    prometheusAdminPassword?: pulumi.Output<string>;
    /**
     * The scheduled backup (`cdc:backup.enabled`): where backups go and when (`npm run backup` reads the target
     * from here). Absent when backups are off.
     */
    backup?: { target: string; schedule: string };
    /** Admin connection string for the seed tools (`npm run seed`). Secret. */
    mongoUri: pulumi.Output<string>;
    connectors: {
        source: { name: pulumi.Output<string>; state: pulumi.Output<string> };
        sink: { name: pulumi.Output<string>; state: pulumi.Output<string> };
    };
    /** Bronze table names, e.g. `mongo_ecom_orders`. */
    bronzeTables: string[];
    dbtSummary: pulumi.Output<unknown>;
    /**
     * The dbt vars from this stack's config (bronze table names by role, gold refresh interval): `npm run dbt` passes
     * them.
     */
    dbtVars: Record<string, string>;
}

/** Declares the stack's resources for `config` and returns its outputs. */
export function buildStack(config: PipelineConfig, /** @internal */ seams: StackTestSeams = {}): StackOutputs {
    const platform = createPlatform("cdc", config);
    const pipeline = new CdcPipeline(
        "cdc",
        { endpoints: platform.endpoints, settings: config, dbtProjectDir: seams.dbtProjectDir },
        undefined,
        { connectorConfigOverride: seams.connectorConfigOverride },
    );
    const e = platform.endpoints;
    const m = platform.monitoring;
    return {
        platformName: config.platform,
        connectUrl: e.connect.url,
        clickhouseUrl: e.clickhouse.url,
        clickhouseUser: e.clickhouse.user,
        clickhouseDatabase: e.clickhouse.database,
        clickhousePassword: e.clickhouse.password,
        kafkaBootstrap: e.kafka.hostBootstrap,
        ...(e.tls ? { caCertificate: e.tls.caPem } : {}),
        ...(e.connect.auth ? { connectUser: e.connect.auth.user, connectPassword: e.connect.auth.password } : {}),
        ...(e.kafka.sasl ? { kafkaUser: e.kafka.sasl.user, kafkaPassword: e.kafka.sasl.password } : {}),
        ...(m
            ? {
                  grafanaUrl: m.grafanaUrl,
                  grafanaAdminPassword: m.grafanaAdminPassword,
                  ...(m.prometheusUrl !== undefined ? { prometheusUrl: m.prometheusUrl } : {}),
                  ...(m.prometheusAdminPassword ? { prometheusAdminPassword: m.prometheusAdminPassword } : {}),
              }
            : {}),
        ...(config.backup.enabled
            ? { backup: { target: config.backup.target, schedule: config.backup.schedule } }
            : {}),
        mongoUri: e.mongo.hostConnectionString,
        connectors: {
            source: { name: pipeline.source.connectorName, state: pipeline.source.state },
            sink: { name: pipeline.sink.connectorName, state: pipeline.sink.state },
        },
        bronzeTables: pipeline.bronzeTables,
        dbtSummary: pipeline.dbt ? pipeline.dbt.summary : pulumi.output("dbt disabled (cdc:dbt.enabled=false)"),
        dbtVars: pipeline.dbtVars,
    };
}
