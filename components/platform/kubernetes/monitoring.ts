/**
 * Monitoring on kubernetes (`cdc:monitoring.enabled`), in the stack's namespace. `workloads` mode:
 * Prometheus (a one-replica StatefulSet with its TSDB on a claim), Grafana and the pipeline
 * exporter (Deployments), their Services (ClusterIP: reach them with `kubectl port-forward`), the
 * config, rules, provisioning, dashboard and the exporter's bundled script in ConfigMaps, every
 * password, hash and key in Secrets. `operator` mode: no Prometheus; PodMonitors (the Kafka and
 * Connect JMX agents), ServiceMonitors (ClickHouse, the exporter) and a PrometheusRule for the
 * cluster's Prometheus Operator (monitoring.coreos.com/v1), Grafana querying
 * `cdc:monitoring.kubernetes.prometheusUrl`.
 */
import * as crypto from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as yaml from "js-yaml";
import type { MonitoringSettings } from "../../config";
import type { PlatformCredentials } from "../shared/credentials";
import {
    EXPORTER_CONNECT_USER,
    EXPORTER_ENV,
    EXPORTER_SCRIPT,
    exporterCommand,
    exporterPipelineNames,
    exporterPublicEnv,
    GRAFANA_FILES,
    grafanaEnv,
    MONITORING_PORTS,
    MONITORING_RESOURCES,
    MONITORING_UIDS,
    METRICS_USER,
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
import { TLS_DIR, type MonitoringTlsService } from "../shared/tls";
import type { KubernetesContext } from "./context";
import { envList, noEscalation, podDns, resourceSpec, secretEnv } from "./specs";
import { claimTemplate, claimTemplateOptions } from "./storage";

/** Prometheus' TSDB claim: this pipeline's few thousand series for 15 days take well under 1 GiB. */
export const PROMETHEUS_STORAGE_GI = 10;
/** The label the operator mode's monitors select Services by (value: the job). */
export const METRICS_SERVICE_LABEL = "cdc.pulumi/metrics";

export interface KubernetesMonitoring {
    /** Absent in operator mode. */
    prometheus?: k8s.apps.v1.StatefulSet;
    grafana: k8s.apps.v1.Deployment;
    exporter: k8s.apps.v1.Deployment;
    services: k8s.core.v1.Service[];
    /** Operator mode: PodMonitors, ServiceMonitors and the PrometheusRule. */
    operatorObjects: k8s.apiextensions.CustomResource[];
    /** In-cluster URLs (`kubectl port-forward -n <ns> svc/grafana 3000`). */
    grafanaUrl: pulumi.Output<string>;
    prometheusUrl?: pulumi.Output<string>;
}

type Role = "prometheus" | "grafana" | "exporter";

export function kubernetesMonitoring(
    ctx: KubernetesContext,
    creds: PlatformCredentials,
    o: { settings: MonitoringSettings; assets: MonitoringAssets; kafkaBootstrap: string },
): KubernetesMonitoring {
    const { name, child } = ctx;
    const { metricsPassword, grafanaAdminPassword, prometheusAdminPassword } = creds;
    const tls = creds.tls;
    if (!metricsPassword || !grafanaAdminPassword || !prometheusAdminPassword || !tls)
        throw new Error("kubernetes monitoring: needs the monitoring passwords and the stack's TLS material");
    const operator = o.settings.kubernetes.mode === "operator";
    const k = ctx.kubernetes;
    const ns = ctx.namespace.metadata.name;
    const sha256 = (s: string) => crypto.createHash("sha256").update(s).digest("hex");
    const tlsSecret = (role: MonitoringTlsService) => {
        const cert = tls.services[role];
        if (!cert) throw new Error(`kubernetes monitoring: no certificate was made for ${role}`);
        return ctx.secret(`${role}-tls`, undefined, {
            "ca.crt": tls.caPem,
            "tls.crt": cert.certPem,
            "tls.key": pulumi.secret(cert.keyPem),
        });
    };
    const configMap = (role: string, data: Record<string, pulumi.Input<string>>) =>
        new k8s.core.v1.ConfigMap(`${name}-${role}`, { metadata: ctx.meta(role), data }, child);
    const pod = (role: Role, uid: number) => ({ runAsUser: uid, runAsGroup: uid, fsGroup: uid, runAsNonRoot: true });
    const services: k8s.core.v1.Service[] = [];
    const service = (role: Role, port: number, labels: Record<string, string> = {}) => {
        const svc = new k8s.core.v1.Service(
            `${name}-${role}-svc`,
            {
                metadata: { ...ctx.meta(role, role), labels: { ...ctx.meta(role).labels, ...labels } },
                spec: { selector: ctx.select(role), ports: [{ name: "https", port, targetPort: port }] },
            },
            child,
        );
        services.push(svc);
        return svc;
    };
    const tlsVolume = (secret: k8s.core.v1.Secret) => ({
        name: "tls",
        secret: { secretName: secret.metadata.name, defaultMode: 0o440 },
    });
    const tlsMount = { name: "tls", mountPath: TLS_DIR, readOnly: true };
    // Scrape logins for the operator's Prometheus, and the exporter's passwords (all secret).
    const scrape = ctx.secret("monitoring-scrape", undefined, {
        username: pulumi.output(METRICS_USER),
        password: metricsPassword,
        "ca.crt": tls.caPem,
    });

    // The pipeline exporter: Node's official image running the bundled script from a ConfigMap.
    const exporterTls = tlsSecret("exporter");
    const exporterScript = configMap("exporter-script", { "exporter.js": o.assets.exporterScript });
    const exporterSecrets = ctx.secret("exporter-secrets", undefined, {
        "metrics-password": metricsPassword,
        "clickhouse-password": creds.clickhousePassword,
        "connect-password": creds.connectRestPassword,
        "kafka-password": creds.kafkaStatusPassword,
    });
    service("exporter", MONITORING_PORTS.exporter, { [METRICS_SERVICE_LABEL]: "pipeline" });
    const exporter = new k8s.apps.v1.Deployment(
        `${name}-exporter`,
        {
            metadata: ctx.meta("exporter", "exporter"),
            spec: {
                replicas: 1,
                selector: { matchLabels: ctx.select("exporter") },
                template: ctx.podTemplate(
                    "exporter",
                    pod("exporter", MONITORING_UIDS.exporter),
                    {
                        containers: [
                            {
                                name: "exporter",
                                image: k.images.exporter,
                                command: exporterCommand({
                                    ...exporterPipelineNames(ctx.pipeline, ctx.stack),
                                    connectUrl: "https://connect:8083",
                                    kafkaBootstrap: o.kafkaBootstrap,
                                    clickhouseUrl: "https://clickhouse:8443",
                                    connectUser: EXPORTER_CONNECT_USER,
                                    tls: true,
                                }),
                                env: [
                                    ...envList(
                                        Object.entries(exporterPublicEnv({ tls: true })).map(([n, v]) => `${n}=${v}`),
                                    ),
                                    secretEnv(
                                        EXPORTER_ENV.metricsPassword,
                                        exporterSecrets.metadata.name,
                                        "metrics-password",
                                    ),
                                    secretEnv(
                                        EXPORTER_ENV.clickhousePassword,
                                        exporterSecrets.metadata.name,
                                        "clickhouse-password",
                                    ),
                                    secretEnv(
                                        EXPORTER_ENV.connectPassword,
                                        exporterSecrets.metadata.name,
                                        "connect-password",
                                    ),
                                    secretEnv(
                                        EXPORTER_ENV.kafkaPassword,
                                        exporterSecrets.metadata.name,
                                        "kafka-password",
                                    ),
                                ],
                                ports: [{ name: "https", containerPort: MONITORING_PORTS.exporter }],
                                volumeMounts: [
                                    tlsMount,
                                    {
                                        name: "script",
                                        mountPath: EXPORTER_SCRIPT,
                                        subPath: "exporter.js",
                                        readOnly: true,
                                    },
                                ],
                                readinessProbe: { tcpSocket: { port: MONITORING_PORTS.exporter }, periodSeconds: 10 },
                                resources: resourceSpec(MONITORING_RESOURCES.exporter),
                                securityContext: noEscalation,
                            },
                        ],
                        volumes: [
                            tlsVolume(exporterTls),
                            { name: "script", configMap: { name: exporterScript.metadata.name } },
                        ],
                    },
                    // A new script (a new bundle) rolls the pod.
                    { "cdc.pulumi/script-sha256": sha256(o.assets.exporterScript) },
                ),
            },
        },
        child,
    );

    // Prometheus (workloads mode) or the operator's objects.
    const operatorObjects: k8s.apiextensions.CustomResource[] = [];
    let prometheus: k8s.apps.v1.StatefulSet | undefined;
    let prometheusUrl: pulumi.Output<string> | undefined;
    const connectMetrics = new k8s.core.v1.Service(
        `${name}-connect-metrics-svc`,
        {
            metadata: ctx.meta("connect", "connect-metrics"),
            spec: {
                selector: ctx.select("connect"),
                clusterIP: "None",
                ports: [{ name: "jmx-metrics", port: MONITORING_PORTS.jmx, targetPort: MONITORING_PORTS.jmx }],
            },
        },
        child,
    );
    services.push(connectMetrics);
    if (operator) {
        const clickhouseMetrics = new k8s.core.v1.Service(
            `${name}-clickhouse-metrics-svc`,
            {
                metadata: {
                    ...ctx.meta("clickhouse", "clickhouse-metrics"),
                    labels: { ...ctx.meta("clickhouse").labels, [METRICS_SERVICE_LABEL]: "clickhouse" },
                },
                spec: { selector: ctx.select("clickhouse"), ports: [{ name: "https", port: 8443, targetPort: 8443 }] },
            },
            child,
        );
        services.push(clickhouseMetrics);
        const secretKey = (key: string) => ({ name: scrape.metadata.name, key });
        const tlsConfig = (serverName: pulumi.Input<string>) => ({
            ca: { secret: secretKey("ca.crt") },
            serverName,
        });
        const login = { basicAuth: { username: secretKey("username"), password: secretKey("password") } };
        const interval = `${o.settings.scrapeIntervalSeconds}s`;
        const cr = (kind: string, role: string, spec: Record<string, unknown>) =>
            new k8s.apiextensions.CustomResource(
                `${name}-${role}-${kind.toLowerCase()}`,
                { apiVersion: "monitoring.coreos.com/v1", kind, metadata: ctx.meta(role, role), spec },
                child,
            );
        for (const role of ["kafka", "connect"] as const)
            operatorObjects.push(
                cr("PodMonitor", role, {
                    jobLabel: "app.kubernetes.io/name",
                    selector: { matchLabels: ctx.select(role) },
                    podMetricsEndpoints: [
                        {
                            // The JMX agent's port by number: the pods' container ports are the agent's business.
                            targetPort: MONITORING_PORTS.jmx,
                            path: "/metrics",
                            scheme: "https",
                            interval,
                            ...login,
                            // Pods are reached by IP; the certificate names the service.
                            tlsConfig: tlsConfig(role),
                        },
                    ],
                }),
            );
        for (const [role, job] of [
            ["clickhouse", "clickhouse"],
            ["exporter", "pipeline"],
        ] as const)
            operatorObjects.push(
                cr("ServiceMonitor", role, {
                    jobLabel: METRICS_SERVICE_LABEL,
                    selector: { matchLabels: { [METRICS_SERVICE_LABEL]: job } },
                    endpoints: [
                        {
                            port: "https",
                            path: "/metrics",
                            scheme: "https",
                            interval,
                            ...(job === "pipeline" ? login : {}),
                            tlsConfig: tlsConfig(role === "exporter" ? "exporter" : "clickhouse"),
                        },
                    ],
                }),
            );
        operatorObjects.push(
            cr("PrometheusRule", "cdc-alerts", yaml.load(o.assets.alertRulesYaml) as Record<string, unknown>),
        );
    } else {
        const promTls = tlsSecret("prometheus");
        const config = renderPrometheusConfig({
            scrapeIntervalSeconds: o.settings.scrapeIntervalSeconds,
            evaluationIntervalSeconds: o.settings.evaluationIntervalSeconds,
            tls: true,
            targets: {
                kafka: Array.from(
                    { length: k.kafka.brokers },
                    (_, i) => `${podDns("kafka", i, "kafka")}:${MONITORING_PORTS.jmx}`,
                ),
                connect: { dns: "connect-metrics", serverName: "connect" },
                clickhouse: ["clickhouse:8443"],
                exporter: [`exporter:${MONITORING_PORTS.exporter}`],
                prometheus: [`localhost:${MONITORING_PORTS.prometheus}`],
            },
        });
        const promConfig = configMap("prometheus-config", {
            "prometheus.yml": config,
            "self-client.yml": renderPrometheusSelfClient({ tls: true }),
        });
        const rules = configMap("prometheus-rules", { "cdc-alerts.yml": o.assets.alertRulesYaml });
        const promSecrets = ctx.secret("prometheus-secrets", undefined, {
            "web.yml": pulumi.secret(
                prometheusAdminPassword.apply((pw) =>
                    renderPrometheusWebConfig({ adminPasswordBcrypt: stableBcrypt(pw), tls: true }),
                ),
            ),
            "metrics-password": metricsPassword,
            "admin-password": prometheusAdminPassword,
        });
        const promSvc = service("prometheus", MONITORING_PORTS.prometheus);
        const probe = { exec: { command: ["sh", "-c", prometheusHealthCommand(true)] }, periodSeconds: 15 };
        prometheus = new k8s.apps.v1.StatefulSet(
            `${name}-prometheus`,
            {
                metadata: ctx.meta("prometheus", "prometheus"),
                spec: {
                    serviceName: promSvc.metadata.name,
                    replicas: 1,
                    selector: { matchLabels: ctx.select("prometheus") },
                    template: ctx.podTemplate(
                        "prometheus",
                        pod("prometheus", MONITORING_UIDS.prometheus),
                        {
                            containers: [
                                {
                                    name: "prometheus",
                                    image: k.images.prometheus,
                                    args: prometheusArgs({ retentionDays: o.settings.retentionDays }),
                                    ports: [{ name: "https", containerPort: MONITORING_PORTS.prometheus }],
                                    volumeMounts: [
                                        { name: "data", mountPath: PROMETHEUS_FILES.data },
                                        tlsMount,
                                        { name: "config", mountPath: PROMETHEUS_FILES.configDir, readOnly: true },
                                        { name: "rules", mountPath: PROMETHEUS_FILES.rulesDir, readOnly: true },
                                        { name: "secrets", mountPath: PROMETHEUS_FILES.secretsDir, readOnly: true },
                                    ],
                                    readinessProbe: probe,
                                    resources: resourceSpec(MONITORING_RESOURCES.prometheus),
                                    securityContext: noEscalation,
                                },
                            ],
                            volumes: [
                                tlsVolume(promTls),
                                { name: "config", configMap: { name: promConfig.metadata.name } },
                                { name: "rules", configMap: { name: rules.metadata.name } },
                                {
                                    name: "secrets",
                                    secret: { secretName: promSecrets.metadata.name, defaultMode: 0o440 },
                                },
                            ],
                        },
                        // A changed config or rules file rolls the pod (no reload sidecar).
                        {
                            "cdc.pulumi/config-sha256": sha256(config + o.assets.alertRulesYaml),
                            "cdc.pulumi/tls-cert-sha256": tls.services.prometheus!.certPem.apply(sha256),
                        },
                    ),
                    volumeClaimTemplates: [claimTemplate(PROMETHEUS_STORAGE_GI, k.storageClass)],
                },
            },
            { ...child, ...claimTemplateOptions },
        );
        prometheusUrl = pulumi.interpolate`https://prometheus.${ns}.svc:${MONITORING_PORTS.prometheus}`;
    }

    // Grafana: data on an emptyDir (everything it shows is provisioned; the admin password is set
    // from its file at every start of a fresh database).
    const grafanaTls = tlsSecret("grafana");
    const datasource = operator
        ? renderGrafanaDatasource({ url: o.settings.kubernetes.prometheusUrl!, stackPrometheus: false })
        : renderGrafanaDatasource({
              url: `https://prometheus:${MONITORING_PORTS.prometheus}`,
              stackPrometheus: true,
              tls: true,
          });
    const provisioning = configMap("grafana-provisioning", {
        "datasource.yml": datasource,
        "dashboards.yml": renderGrafanaDashboardProvider(),
    });
    const dashboards = configMap("grafana-dashboards", { "cdc-pipeline.json": o.assets.dashboardJson });
    const grafanaSecrets = ctx.secret("grafana-secrets", undefined, {
        "admin-password": grafanaAdminPassword,
        "prometheus-password": prometheusAdminPassword,
    });
    service("grafana", MONITORING_PORTS.grafana);
    const grafana = new k8s.apps.v1.Deployment(
        `${name}-grafana`,
        {
            metadata: ctx.meta("grafana", "grafana"),
            spec: {
                replicas: 1,
                selector: { matchLabels: ctx.select("grafana") },
                template: ctx.podTemplate(
                    "grafana",
                    pod("grafana", MONITORING_UIDS.grafana),
                    {
                        containers: [
                            {
                                name: "grafana",
                                image: k.images.grafana,
                                env: envList(Object.entries(grafanaEnv({ tls: true })).map(([n, v]) => `${n}=${v}`)),
                                ports: [{ name: "https", containerPort: MONITORING_PORTS.grafana }],
                                volumeMounts: [
                                    { name: "data", mountPath: GRAFANA_FILES.data },
                                    tlsMount,
                                    {
                                        name: "provisioning",
                                        mountPath: GRAFANA_FILES.datasource,
                                        subPath: "datasource.yml",
                                        readOnly: true,
                                    },
                                    {
                                        name: "provisioning",
                                        mountPath: GRAFANA_FILES.dashboardProvider,
                                        subPath: "dashboards.yml",
                                        readOnly: true,
                                    },
                                    { name: "dashboards", mountPath: GRAFANA_FILES.dashboardsDir, readOnly: true },
                                    { name: "secrets", mountPath: GRAFANA_FILES.secretsDir, readOnly: true },
                                ],
                                readinessProbe: {
                                    httpGet: { path: "/api/health", port: MONITORING_PORTS.grafana, scheme: "HTTPS" },
                                    periodSeconds: 10,
                                },
                                resources: resourceSpec(MONITORING_RESOURCES.grafana),
                                securityContext: noEscalation,
                            },
                        ],
                        volumes: [
                            { name: "data", emptyDir: {} },
                            tlsVolume(grafanaTls),
                            { name: "provisioning", configMap: { name: provisioning.metadata.name } },
                            { name: "dashboards", configMap: { name: dashboards.metadata.name } },
                            {
                                name: "secrets",
                                secret: { secretName: grafanaSecrets.metadata.name, defaultMode: 0o440 },
                            },
                        ],
                    },
                    {
                        "cdc.pulumi/provisioning-sha256": sha256(datasource + o.assets.dashboardJson),
                        "cdc.pulumi/tls-cert-sha256": tls.services.grafana!.certPem.apply(sha256),
                    },
                ),
            },
        },
        child,
    );
    return {
        ...(prometheus ? { prometheus } : {}),
        grafana,
        exporter,
        services,
        operatorObjects,
        grafanaUrl: pulumi.interpolate`https://grafana.${ns}.svc:${MONITORING_PORTS.grafana}`,
        ...(prometheusUrl ? { prometheusUrl } : {}),
    };
}

/** The monitoring services' certificate names: their Services in the four forms, and loopback. */
export function monitoringTlsSans(namespace: string, operator: boolean): Record<string, string[]> {
    const forms = (svc: string) => [
        svc,
        `${svc}.${namespace}`,
        `${svc}.${namespace}.svc`,
        `${svc}.${namespace}.svc.cluster.local`,
    ];
    const loopback = ["localhost", "127.0.0.1", "::1"];
    const roles: MonitoringTlsService[] = operator ? ["grafana", "exporter"] : ["prometheus", "grafana", "exporter"];
    return Object.fromEntries(roles.map((r) => [r, [...forms(r), ...loopback]]));
}
