/**
 * Typed, validated stack configuration. Every key lives in the `cdc:` namespace (the Pulumi
 * project is named `cdc`); `parseConfig` is pure so it is unit-tested without Pulumi, and
 * `loadConfig` (load.ts) reads the stack's config and fails before any resource exists when it is
 * wrong. The result is a union keyed on `platform`: each platform's block is there, and only it.
 *
 * Where each key's rules live: the shared settings in pipeline.ts (`cdc:connectors.snapshots` in
 * snapshots.ts; the connector states, readiness modes and defaults the KafkaConnector provider
 * shares in connectorLifecycle.ts), `cdc:docker` in docker.ts, `cdc:kubernetes` in kubernetes.ts,
 * `cdc:external` and its secrets in external.ts, `cdc:tls` in tls.ts, `cdc:monitoring` in
 * monitoring.ts, `cdc:backup` and its S3 secrets in backup.ts (its schedule's syntax in cron.ts);
 * checks across keys in checks.ts; the field builders in schema.ts and fields.ts.
 * Nothing here imports from components/providers/ (the providers import what they share with the
 * config from here); monitoring.ts takes the alert thresholds' defaults from the alert rules'
 * module (components/monitoring/alerts.ts, pure), where they are defined once; backup.ts checks its
 * target with the backup CLI's own parser (components/backup/target.ts, pure), so both accept the same.
 */
import { type BackupSettings, parseBackup } from "./backup";
import { type ConfigContext } from "./checks";
import { type DockerSettings, parseDocker } from "./docker";
import { type ExternalSettings, parseExternal } from "./external";
import { type KubernetesSettings, parseKubernetes } from "./kubernetes";
import { checkPipeline, parsePipeline, pipelineShape, type PipelineSettings } from "./pipeline";
import { type MonitoringSettings, parseMonitoring } from "./monitoring";
import { ConfigError, type ConfigProblem } from "./schema";
import { parseTls, type TlsSettings } from "./tls";

export { ConfigError } from "./schema";
export type { ConfigProblem } from "./schema";
export type { ConfigContext } from "./checks";
export { SECRET_KEYS } from "./checks";
export { collectionNames, pipelineShape, type PipelineSettings } from "./pipeline";
export { dockerShape, type DockerSettings } from "./docker";
export {
    ACCESS_MODES,
    ANTI_AFFINITY_MODES,
    type AntiAffinityMode,
    kubernetesShape,
    parseKubernetesAccess,
    type KubernetesAccess,
    type KubernetesSettings,
} from "./kubernetes";
export { externalShape, type ExternalSettings } from "./external";
export { tlsShape, TLS_DEFAULTS, type TlsSettings, type TlsCa } from "./tls";
export {
    monitoringShape,
    MONITORING_KUBERNETES_MODES,
    type MonitoringKubernetesMode,
    type MonitoringSettings,
} from "./monitoring";
export { BACKUP_DISK, BACKUP_SECRET_KEYS, backupShape, type BackupSettings } from "./backup";
export { cronMatches, parseCron, type Cron } from "./cron";

export const PLATFORMS = ["docker", "kubernetes", "external"] as const;
export type Platform = (typeof PLATFORMS)[number];

/** What every platform's config holds besides its own block: the shared settings and `cdc:tls`. */
export interface CommonConfig extends PipelineSettings {
    /** `cdc:tls` (tls.ts): the stack's certificates, or the external services' CA. */
    tls: TlsSettings;
    /** `cdc:monitoring` (monitoring.ts): Prometheus, Grafana, the pipeline exporter; never enabled on external. */
    monitoring: MonitoringSettings;
    /** `cdc:backup` (backup.ts): the scheduled backup job; off by default, never enabled on external. */
    backup: BackupSettings;
}
export interface DockerConfig extends CommonConfig {
    platform: "docker";
    docker: DockerSettings;
}
export interface KubernetesConfig extends CommonConfig {
    platform: "kubernetes";
    kubernetes: KubernetesSettings;
}
/** The external platform's secrets are read by the platform itself (`requireSecret`), not held here. */
export interface ExternalConfig extends CommonConfig {
    platform: "external";
    external: ExternalSettings;
}
/** Validated stack config: the shared settings and the block of the chosen platform. */
export type PipelineConfig = DockerConfig | KubernetesConfig | ExternalConfig;

/** The top-level keys only one platform reads. */
const PLATFORM_KEYS: Record<Platform, readonly string[]> = {
    docker: ["docker"],
    kubernetes: ["kubernetes"],
    external: ["external", "clickhousePassword", "debeziumConnectionString", "connectPassword"],
};

/** The top-level keys this project reads (each `cdc:<key>`). */
export const TOP_LEVEL_KEYS = [
    "platform",
    ...Object.keys(pipelineShape),
    "docker",
    "kubernetes",
    "external",
    "clickhousePassword",
    "debeziumConnectionString",
    "connectPassword",
    "tls",
    "monitoring",
    "backup",
    "backupS3AccessKeyId",
    "backupS3SecretAccessKey",
] as const;

/**
 * Validates raw stack config. `raw` maps top-level key (without `cdc:`) to its value as Pulumi
 * holds it (objects parsed from JSON). `ctx` adds what only the stack knows (its name, which keys
 * are secret) for the checks across keys. Throws `ConfigError` listing every problem.
 */
export function parseConfig(raw: Record<string, unknown>, ctx: ConfigContext = {}): PipelineConfig {
    const problems: ConfigProblem[] = [];
    for (const k of Object.keys(raw)) {
        if (!(TOP_LEVEL_KEYS as readonly string[]).includes(k)) {
            problems.push({
                key: `cdc:${k}`,
                message: `unknown key; accepted keys: ${TOP_LEVEL_KEYS.map((t) => `cdc:${t}`).join(", ")}`,
            });
        }
    }
    const platform = (raw.platform ?? "docker") as Platform;
    const known = PLATFORMS.includes(platform);
    if (!known) {
        problems.push({
            key: "cdc:platform",
            message: `${JSON.stringify(raw.platform)} is not one of ${PLATFORMS.map((p) => `"${p}"`).join(", ")}; e.g. \`pulumi config set cdc:platform docker\``,
        });
    }
    const settings = parsePipeline(raw, problems);
    const block = known ? parsePlatform(platform, raw, ctx, problems) : undefined;
    if (known) problems.push(...foreignBlocks(platform, raw));
    const checked = checkPipeline(settings, ctx, problems);
    const tls = known ? parseTls(raw, platform, ctx, problems) : undefined;
    const monitoring = known ? parseMonitoring(raw.monitoring, platform, problems) : undefined;
    const backup = known ? parseBackup(raw, platform, ctx, problems) : undefined;
    if (problems.length > 0 || !block) throw new ConfigError(problems);
    return { ...(checked as PipelineSettings), ...block, tls, monitoring, backup } as PipelineConfig;
}

/** The chosen platform's block, validated with its rules. */
function parsePlatform(
    platform: Platform,
    raw: Record<string, unknown>,
    ctx: ConfigContext,
    problems: ConfigProblem[],
) {
    switch (platform) {
        case "docker":
            return { platform, docker: parseDocker(raw.docker, problems) };
        case "kubernetes":
            return { platform, kubernetes: parseKubernetes(raw.kubernetes, problems) };
        case "external":
            return { platform, external: parseExternal(raw, ctx, problems) };
    }
}

/** A block of another platform is refused, not ignored: it says what the stack does not do. */
function foreignBlocks(platform: Platform, raw: Record<string, unknown>): ConfigProblem[] {
    const out: ConfigProblem[] = [];
    for (const owner of PLATFORMS) {
        if (owner === platform) continue;
        for (const k of PLATFORM_KEYS[owner]) {
            if (raw[k] === undefined) continue;
            const why = owner === "external" ? `; on ${platform} credentials are generated` : "";
            out.push({
                key: `cdc:${k}`,
                message: `is only read when cdc:platform is "${owner}" (it is ${JSON.stringify(platform)})${why}. Remove it (\`pulumi config rm cdc:${k}\`) or change the platform`,
            });
        }
    }
    return out;
}
