/**
 * `cdc:monitoring`: Prometheus, Grafana and the pipeline exporter the docker and kubernetes
 * platforms deploy next to the services (docs/platforms.md, "Monitoring"). On by default there; the
 * external platform deploys none of it (the services are yours: point your Prometheus at them),
 * so any `cdc:monitoring` there other than `enabled: false` is refused rather than ignored.
 * Alert thresholds default to the alert rules' own defaults (components/monitoring/alerts.ts).
 */
import { type AlertThresholds, DEFAULT_ALERT_THRESHOLDS } from "../monitoring/alerts";
import { bool, type ConfigProblem, int, oneOf, type Parsed, str, validate } from "./schema";

/** Where Prometheus runs on kubernetes: a workload of the stack, or the cluster's Prometheus Operator. */
export const MONITORING_KUBERNETES_MODES = ["workloads", "operator"] as const;
export type MonitoringKubernetesMode = (typeof MONITORING_KUBERNETES_MODES)[number];

const minutes = (def: number) => int(def, 1, 10_080, "minutes");

/** Each alert threshold, optional, defaulting to the rules' default. */
const alertsShape = {
    connectorFailedMinutes: minutes(DEFAULT_ALERT_THRESHOLDS.connectorFailedMinutes),
    sinkLagRecords: int(DEFAULT_ALERT_THRESHOLDS.sinkLagRecords, 1, 1_000_000_000, "records"),
    sinkLagMinutes: minutes(DEFAULT_ALERT_THRESHOLDS.sinkLagMinutes),
    goldFreshnessSeconds: int(DEFAULT_ALERT_THRESHOLDS.goldFreshnessSeconds, 10, 604_800, "seconds"),
    rejectsWindowMinutes: minutes(DEFAULT_ALERT_THRESHOLDS.rejectsWindowMinutes),
    deadLettersMax: int(DEFAULT_ALERT_THRESHOLDS.deadLettersMax, 0, 1_000_000_000, "records"),
    serviceDownMinutes: minutes(DEFAULT_ALERT_THRESHOLDS.serviceDownMinutes),
    clickhousePartsMax: int(DEFAULT_ALERT_THRESHOLDS.clickhousePartsMax, 1, 100_000, "parts per partition"),
    sourceDisconnectedMinutes: minutes(DEFAULT_ALERT_THRESHOLDS.sourceDisconnectedMinutes),
    backupMaxAgeHours: int(DEFAULT_ALERT_THRESHOLDS.backupMaxAgeHours, 1, 8760, "hours"),
} as const;

export const monitoringShape = {
    /** Deploy Prometheus, Grafana and the pipeline exporter (docker and kubernetes). */
    enabled: bool(true),
    scrapeIntervalSeconds: int(15, 5, 3600, "seconds"),
    evaluationIntervalSeconds: int(15, 5, 3600, "seconds"),
    /** How long Prometheus keeps samples. */
    retentionDays: int(15, 1, 3650, "days"),
    alerts: alertsShape,
    kubernetes: {
        /** `workloads`: the stack runs Prometheus; `operator`: PodMonitor, ServiceMonitor, PrometheusRule instead. */
        mode: oneOf<MonitoringKubernetesMode>("workloads", MONITORING_KUBERNETES_MODES),
        /** `operator` mode: the URL Grafana queries the operator's Prometheus at (in-cluster). */
        prometheusUrl: str(undefined, {
            pattern: /^https?:\/\/[^\s/]+(:\d+)?(\/\S*)?$/,
            hint: "an http(s):// URL, e.g. http://prometheus-operated.monitoring.svc:9090",
        }).optional(),
    },
} as const;

type ParsedMonitoring = Parsed<typeof monitoringShape>;

/** Validated `cdc:monitoring`. */
export interface MonitoringSettings extends Omit<ParsedMonitoring, "alerts"> {
    alerts: AlertThresholds;
}

const OPERATOR_URL_FIX =
    "give the URL of the operator's Prometheus as Grafana reaches it in the cluster: `pulumi config set --path " +
    "cdc:monitoring.kubernetes.prometheusUrl http://prometheus-operated.monitoring.svc:9090` (or use " +
    "`cdc:monitoring.kubernetes.mode workloads`, which runs Prometheus in the stack's namespace)";

/** Validates `cdc:monitoring` for `platform`: the shape, then the rules across platforms and modes. */
export function parseMonitoring(raw: unknown, platform: string, problems: ConfigProblem[]): MonitoringSettings {
    const before = problems.length;
    const m = validate(monitoringShape, raw, "cdc:monitoring", problems) as MonitoringSettings;
    if (problems.length > before) return m;
    const given = (raw ?? {}) as { enabled?: unknown; kubernetes?: unknown };
    if (platform === "external") {
        const keys = Object.keys(given).filter((k) => k !== "enabled");
        if (m.enabled && given.enabled !== undefined)
            problems.push({
                key: "cdc:monitoring.enabled",
                message:
                    "true is not accepted on the external platform: the stack runs none of the services there, so it " +
                    "deploys no Prometheus or Grafana; scrape your services and the pipeline exporter " +
                    '(`npm run status -- --serve 9464`) with your own Prometheus (docs/platforms.md, "Monitoring"). ' +
                    "Remove it: `pulumi config rm cdc:monitoring`",
            });
        for (const k of keys)
            problems.push({
                key: `cdc:monitoring.${k}`,
                message:
                    "is not read on the external platform (no monitoring is deployed there). Remove it: " +
                    `\`pulumi config rm --path cdc:monitoring.${k}\``,
            });
        return { ...m, enabled: false };
    }
    if (platform !== "kubernetes" && given.kubernetes !== undefined)
        problems.push({
            key: "cdc:monitoring.kubernetes",
            message: `is read on the kubernetes platform only (this stack is ${JSON.stringify(platform)}). Remove it: \`pulumi config rm --path cdc:monitoring.kubernetes\``,
        });
    if (platform === "kubernetes" && m.enabled && m.kubernetes.mode === "operator" && !m.kubernetes.prometheusUrl)
        problems.push({
            key: "cdc:monitoring.kubernetes.prometheusUrl",
            message: `is required with cdc:monitoring.kubernetes.mode "operator" (the stack runs no Prometheus then, and Grafana must know where to query): ${OPERATOR_URL_FIX}`,
        });
    if (m.kubernetes.prometheusUrl !== undefined && m.kubernetes.mode !== "operator")
        problems.push({
            key: "cdc:monitoring.kubernetes.prometheusUrl",
            message:
                'is read only with cdc:monitoring.kubernetes.mode "operator"; in "workloads" mode Grafana queries the ' +
                "stack's own Prometheus. Remove it: `pulumi config rm --path cdc:monitoring.kubernetes.prometheusUrl`",
        });
    return m;
}
