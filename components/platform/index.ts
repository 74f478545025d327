import * as pulumi from "@pulumi/pulumi";
import type { PipelineConfig } from "../config";
import type { PipelineEndpoints } from "../endpoints";
import { DockerPlatform } from "./docker";
import { ExternalPlatform } from "./external";
import { KubernetesPlatform } from "./kubernetes";
import { monitoringAssets } from "./monitoringAssets";
import type { PlatformMonitoring } from "./shared/platformMonitoring";

/** What every platform component offers the pipeline. */
export interface PlatformComponent extends pulumi.ComponentResource {
    readonly endpoints: PipelineEndpoints;
    /** Grafana and Prometheus, when the platform deploys them (`cdc:monitoring.enabled`). */
    readonly monitoring?: PlatformMonitoring;
}

/** Builds the platform named by `cdc:platform`. */
export function createPlatform(
    name: string,
    config: PipelineConfig,
    opts?: pulumi.ComponentResourceOptions,
): PlatformComponent {
    // The external platform never deploys monitoring (config/monitoring.ts).
    const monitoring =
        config.platform !== "external" && config.monitoring.enabled
            ? { monitoring: config.monitoring, monitoringAssets: monitoringAssets(config.monitoring) }
            : {};
    switch (config.platform) {
        case "docker":
            return new DockerPlatform(
                `${name}-docker`,
                { docker: config.docker, pipeline: config, tls: config.tls, backup: config.backup, ...monitoring },
                opts,
            );
        case "external":
            return new ExternalPlatform(
                `${name}-external`,
                { external: config.external, pipeline: config, tls: config.tls },
                opts,
            );
        case "kubernetes":
            return new KubernetesPlatform(
                `${name}-kubernetes`,
                {
                    kubernetes: config.kubernetes,
                    pipeline: config,
                    tls: config.tls,
                    backup: config.backup,
                    ...monitoring,
                },
                opts,
            );
    }
}
