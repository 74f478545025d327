/**
 * Monitoring on docker (`cdc:monitoring.enabled`): Prometheus, Grafana and the pipeline exporter
 * as three containers on the stack's network. Prometheus and Grafana are published on 127.0.0.1
 * only; their data live in volumes of their own. Every file a container reads is uploaded by the
 * provider before it starts (config, rules, provisioning, the dashboard, the exporter's bundled
 * script, the certificates); passwords and hashes only in secret uploads or secret env, readable
 * by the image's own user. A changed file replaces its container (uploads force a replacement).
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { MonitoringSettings } from "../../config";
import type { PlatformCredentials } from "../shared/credentials";
import {
    EXPORTER_CONNECT_USER,
    EXPORTER_ENV,
    EXPORTER_SCRIPT,
    exporterCommand,
    exporterHealthCommand,
    exporterPipelineNames,
    exporterPublicEnv,
    GRAFANA_FILES,
    grafanaEnv,
    grafanaHealthCommand,
    MONITORING_PORTS,
    MONITORING_RESOURCES,
    MONITORING_TLS_FILES,
    MONITORING_UIDS,
    type MonitoringAssets,
    PROMETHEUS_FILES,
    prometheusArgs,
    prometheusHealthCommand,
    renderGrafanaDashboardProvider,
    renderGrafanaDatasource,
    renderPrometheusConfig,
    renderPrometheusSelfClient,
    renderPrometheusWebConfig,
    stableBcrypt,
} from "../shared/monitoring";
import type { MonitoringTlsService, StackTls } from "../shared/tls";
import type { DockerClickhouse } from "./clickhouse";
import type { DockerContext } from "./context";
import { dockerCpus, goDuration } from "./cpus";
import type { DockerKafka } from "./kafka";
import { MEMORY_SWAP } from "./specs";

type Upload = docker.types.input.ContainerUpload;
type Role = keyof typeof MONITORING_RESOURCES;

/** Where the host reaches Prometheus and Grafana. */
export const MONITORING_HOST = "127.0.0.1";

export interface DockerMonitoring {
    containers: Record<Role, docker.Container>;
    volumes: { prometheus: docker.Volume; grafana: docker.Volume };
    /** From the host (published on 127.0.0.1). */
    prometheusUrl: string;
    grafanaUrl: string;
}

export function dockerMonitoring(
    ctx: DockerContext,
    creds: PlatformCredentials,
    o: { settings: MonitoringSettings; assets: MonitoringAssets; kafka: DockerKafka; clickhouse: DockerClickhouse },
): DockerMonitoring {
    const { metricsPassword, grafanaAdminPassword, prometheusAdminPassword } = creds;
    if (!metricsPassword || !grafanaAdminPassword || !prometheusAdminPassword)
        throw new Error("docker monitoring: the monitoring passwords were not generated (credentials(…, true))");
    const tls = creds.tls;
    const scheme = tls ? "https" : "http";
    const d = ctx.docker;
    const container = (role: Role, image: string, args: Partial<docker.ContainerArgs>, publish?: number) =>
        new docker.Container(
            `${ctx.name}-${role}`,
            {
                restart: "unless-stopped",
                labels: ctx.labels,
                wait: true,
                waitTimeout: 300,
                destroyGraceSeconds: 30,
                image: ctx.image(role, image).imageId,
                hostname: role,
                networksAdvanced: ctx.attach(role),
                ...(publish !== undefined
                    ? {
                          ports: [
                              {
                                  internal: MONITORING_PORTS[role as "prometheus" | "grafana"],
                                  external: publish,
                                  ip: MONITORING_HOST,
                                  protocol: "tcp",
                              },
                          ],
                      }
                    : {}),
                memory: MONITORING_RESOURCES[role].memoryMb,
                memorySwap: MEMORY_SWAP,
                cpus: dockerCpus(MONITORING_RESOURCES[role].cpuMillis, `monitoring ${role} cpuMillis`),
                ...args,
            },
            ctx.child,
        );

    // Prometheus.
    const prometheusData = ctx.volume("prometheus-data");
    const config = renderPrometheusConfig({
        scrapeIntervalSeconds: o.settings.scrapeIntervalSeconds,
        evaluationIntervalSeconds: o.settings.evaluationIntervalSeconds,
        tls: tls !== undefined,
        targets: {
            kafka: [`kafka:${MONITORING_PORTS.jmx}`],
            connect: { targets: [`connect:${MONITORING_PORTS.jmx}`] },
            clickhouse: [`${o.clickhouse.internal.host}:${o.clickhouse.internal.port}`],
            exporter: [`exporter:${MONITORING_PORTS.exporter}`],
            prometheus: [`localhost:${MONITORING_PORTS.prometheus}`],
        },
    });
    const promUid = String(MONITORING_UIDS.prometheus);
    const web = pulumi.secret(
        prometheusAdminPassword.apply((pw) =>
            renderPrometheusWebConfig({ adminPasswordBcrypt: stableBcrypt(pw), tls: tls !== undefined }),
        ),
    );
    const prometheus = container(
        "prometheus",
        d.images.prometheus,
        {
            command: prometheusArgs({ retentionDays: o.settings.retentionDays }),
            volumes: [{ volumeName: prometheusData.name, containerPath: PROMETHEUS_FILES.data }],
            uploads: [
                { file: PROMETHEUS_FILES.config, content: config, permissions: "0444" },
                { file: PROMETHEUS_FILES.rules, content: o.assets.alertRulesYaml, permissions: "0444" },
                {
                    file: PROMETHEUS_FILES.selfClient,
                    content: renderPrometheusSelfClient({ tls: tls !== undefined }),
                    permissions: "0444",
                },
                secretFile(PROMETHEUS_FILES.web, web, promUid),
                secretFile(PROMETHEUS_FILES.metricsPassword, metricsPassword, promUid),
                secretFile(PROMETHEUS_FILES.adminPassword, prometheusAdminPassword, promUid),
                ...(tls ? tlsFiles(tls, "prometheus", promUid) : []),
            ],
            healthcheck: health(prometheusHealthCommand(tls !== undefined)),
        },
        d.ports.prometheus,
    );

    // Grafana.
    const grafanaData = ctx.volume("grafana-data");
    const grafanaUid = String(MONITORING_UIDS.grafana);
    const datasource = renderGrafanaDatasource({
        url: `${scheme}://prometheus:${MONITORING_PORTS.prometheus}`,
        stackPrometheus: true,
        tls: tls !== undefined,
    });
    const grafana = container(
        "grafana",
        d.images.grafana,
        {
            envs: Object.entries(grafanaEnv({ tls: tls !== undefined })).map(([k, v]) => `${k}=${v}`),
            volumes: [{ volumeName: grafanaData.name, containerPath: GRAFANA_FILES.data }],
            uploads: [
                { file: GRAFANA_FILES.datasource, content: datasource, permissions: "0444" },
                {
                    file: GRAFANA_FILES.dashboardProvider,
                    content: renderGrafanaDashboardProvider(),
                    permissions: "0444",
                },
                { file: GRAFANA_FILES.dashboard, content: o.assets.dashboardJson, permissions: "0444" },
                secretFile(GRAFANA_FILES.adminPassword, grafanaAdminPassword, grafanaUid),
                secretFile(GRAFANA_FILES.prometheusPassword, prometheusAdminPassword, grafanaUid),
                ...(tls ? tlsFiles(tls, "grafana", grafanaUid) : []),
            ],
            healthcheck: health(grafanaHealthCommand(tls !== undefined)),
        },
        d.ports.grafana,
    );

    // The pipeline exporter: the official Node image running the bundled script uploaded into it.
    const exporterUid = String(MONITORING_UIDS.exporter);
    const ch = o.clickhouse.internal;
    const command = exporterCommand({
        ...exporterPipelineNames(ctx.pipeline, pulumi.getStack()),
        connectUrl: `${scheme}://connect:8083`,
        kafkaBootstrap: o.kafka.internalBootstrap,
        clickhouseUrl: `${ch.ssl ? "https" : "http"}://${ch.host}:${ch.port}`,
        ...(tls ? { connectUser: EXPORTER_CONNECT_USER, tls: true } : {}),
    });
    const exporter = container("exporter", d.images.exporter, {
        user: exporterUid,
        command,
        envs: [
            ...Object.entries(exporterPublicEnv({ tls: tls !== undefined })).map(([k, v]) => `${k}=${v}`),
            pulumi.interpolate`${EXPORTER_ENV.metricsPassword}=${metricsPassword}`,
            pulumi.interpolate`${EXPORTER_ENV.clickhousePassword}=${creds.clickhousePassword}`,
            ...(tls
                ? [
                      pulumi.interpolate`${EXPORTER_ENV.connectPassword}=${creds.connectRestPassword}`,
                      pulumi.interpolate`${EXPORTER_ENV.kafkaPassword}=${creds.kafkaStatusPassword}`,
                  ]
                : []),
        ],
        uploads: [
            { file: EXPORTER_SCRIPT, content: o.assets.exporterScript, permissions: "0444" },
            ...(tls ? tlsFiles(tls, "exporter", exporterUid) : []),
        ],
        healthcheck: { ...health(""), tests: exporterHealthCommand() },
    });

    return {
        containers: { prometheus, grafana, exporter },
        volumes: { prometheus: prometheusData, grafana: grafanaData },
        prometheusUrl: `${scheme}://${MONITORING_HOST}:${d.ports.prometheus}`,
        grafanaUrl: `${scheme}://${MONITORING_HOST}:${d.ports.grafana}`,
    };
}

/** A secret file readable by `owner` only. */
function secretFile(file: string, content: pulumi.Output<string>, owner: string): Upload {
    return { file, content: pulumi.secret(content), owner, group: owner, permissions: "0400" };
}

/** The CA, the service's certificate (public) and its key (secret, the owner's only). */
function tlsFiles(tls: StackTls, service: MonitoringTlsService, owner: string): Upload[] {
    const cert = tls.services[service];
    if (!cert) throw new Error(`docker monitoring: no certificate was made for ${service} (dockerTlsSans(…, true))`);
    return [
        { file: MONITORING_TLS_FILES.ca, content: tls.caPem, permissions: "0444" },
        { file: MONITORING_TLS_FILES.cert, content: cert.certPem, permissions: "0444" },
        secretFile(MONITORING_TLS_FILES.key, cert.keyPem, owner),
    ];
}

/** A healthcheck written the way the provider reads it back (specs.ts). */
function health(test: string) {
    return {
        tests: ["CMD-SHELL", test],
        interval: goDuration(10),
        timeout: goDuration(10),
        retries: 12,
        startPeriod: goDuration(30),
    };
}
