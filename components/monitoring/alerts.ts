/**
 * The pipeline's Prometheus alert rules: one rule per failure mode of docs/operations.md, on the
 * metric names of the monitoring design (the pipeline exporter's `cdc_*`, the JMX agent's
 * `kafka_*`/`debezium_*`, ClickHouse's own `ClickHouse*`, Prometheus' `up`). Each alert links to its
 * runbook entry, docs/operations.md#<alert name in lower case>. `monitoring/alerts.yml` is the
 * rendering of the defaults (a unit test keeps it equal); the stack deploys the rendering of the
 * configured thresholds (`cdc:monitoring.alerts`).
 */
import * as yaml from "js-yaml";

/** What makes an alert fire; docs/operations.md ("Alerts") argues each default. */
export interface AlertThresholds {
    /** A connector, or one of its tasks, FAILED for this long. */
    connectorFailedMinutes: number;
    /** The sink's consumer lag (records, per topic) above which a lag that does not shrink alerts. */
    sinkLagRecords: number;
    /** ... for this long: the window in which the lag must not have shrunk, and the rule's `for`. */
    sinkLagMinutes: number;
    /** A gold mart older than this (seconds since its last successful refresh). */
    goldFreshnessSeconds: number;
    /** Any reject that appeared within this window alerts (and the alert clears this long after). */
    rejectsWindowMinutes: number;
    /** More records than this in a dead-letter topic. */
    deadLettersMax: number;
    /** A scrape target (or a component the exporter asks) not answering for this long. */
    serviceDownMinutes: number;
    /** Active parts in one partition of a ClickHouse table above this. */
    clickhousePartsMax: number;
    /** Debezium's MongoDB stream disconnected for this long. */
    sourceDisconnectedMinutes: number;
    /** The newest successful backup older than this (hours): a daily schedule plus two hours of slack. */
    backupMaxAgeHours: number;
}

export const DEFAULT_ALERT_THRESHOLDS: AlertThresholds = Object.freeze({
    connectorFailedMinutes: 5,
    sinkLagRecords: 10000,
    sinkLagMinutes: 10,
    goldFreshnessSeconds: 900,
    rejectsWindowMinutes: 10,
    deadLettersMax: 0,
    serviceDownMinutes: 2,
    clickhousePartsMax: 300,
    sourceDisconnectedMinutes: 2,
    backupMaxAgeHours: 26,
});

export const ALERT_NAMES = [
    "CdcConnectorFailed",
    "CdcConnectorTaskFailed",
    "CdcSinkLagGrowing",
    "CdcGoldStale",
    "CdcBronzeRejects",
    "CdcDeadLetters",
    "CdcGoldRefreshFailing",
    "CdcExporterDown",
    "CdcServiceDown",
    "CdcComponentUnreachable",
    "CdcClickHouseRejectingInserts",
    "CdcClickHouseTooManyParts",
    "CdcMongoSourceDisconnected",
    "CdcBackupTooOld",
] as const;
export type AlertName = (typeof ALERT_NAMES)[number];

/** Where the runbook entries are; a deployment may point this at its own copy of the docs. */
export const DEFAULT_RUNBOOK_BASE = "docs/operations.md";

/** The group's name in the rules file. */
export const ALERT_GROUP = "cdc-pipeline";

/** The window over which ClickHouse's insert counters are read: two default scrape intervals and more. */
const CLICKHOUSE_INSERT_WINDOW_MINUTES = 5;

/** The anchor of an alert's runbook entry in docs/operations.md (a `### <name>` heading). */
export function runbookAnchor(name: AlertName): string {
    return name.toLowerCase();
}

/** Prometheus' duration syntax for a number of minutes: `5m`, `90s`, `1500ms`. */
export function promDuration(minutes: number): string {
    const ms = Math.round(minutes * 60_000);
    if (ms % 60_000 === 0) return `${ms / 60_000}m`;
    if (ms % 1000 === 0) return `${ms / 1000}s`;
    return `${ms}ms`;
}

const LIMITS: Record<keyof AlertThresholds, { min: number; integer?: boolean; unit: string }> = {
    connectorFailedMinutes: { min: 0, unit: "minutes" },
    sinkLagRecords: { min: 0, integer: true, unit: "records" },
    sinkLagMinutes: { min: 0.001, unit: "minutes" },
    goldFreshnessSeconds: { min: 1, unit: "seconds" },
    rejectsWindowMinutes: { min: 0.001, unit: "minutes" },
    deadLettersMax: { min: 0, integer: true, unit: "records" },
    serviceDownMinutes: { min: 0, unit: "minutes" },
    clickhousePartsMax: { min: 1, integer: true, unit: "parts" },
    sourceDisconnectedMinutes: { min: 0, unit: "minutes" },
    backupMaxAgeHours: { min: 0.001, unit: "hours" },
};

/** Throws, naming the field and the fix, when a threshold is missing or out of range. */
export function checkAlertThresholds(t: AlertThresholds): void {
    for (const [field, limit] of Object.entries(LIMITS) as [
        keyof AlertThresholds,
        (typeof LIMITS)[keyof AlertThresholds],
    ][]) {
        const v = t[field] as unknown;
        const ok =
            typeof v === "number" && Number.isFinite(v) && v >= limit.min && (!limit.integer || Number.isInteger(v));
        if (!ok) {
            throw new Error(
                `cdc:monitoring.alerts.${field} is ${JSON.stringify(v)}: set a${limit.integer ? " whole" : ""} number ` +
                    `of ${limit.unit} >= ${limit.min} (default ${DEFAULT_ALERT_THRESHOLDS[field]})`,
            );
        }
    }
}

interface Rule {
    alert: AlertName;
    expr: string;
    for: string;
    labels: { severity: "critical" | "warning" };
    annotations: { summary: string; description: string; runbook_url: string };
}

type RuleBody = Omit<Rule, "alert" | "annotations"> & { summary: string; description: string };

/** The rules, in ALERT_NAMES' order. */
function rules(t: AlertThresholds): Record<AlertName, RuleBody> {
    const failedFor = promDuration(t.connectorFailedMinutes);
    const downFor = promDuration(t.serviceDownMinutes);
    const lagWindow = promDuration(t.sinkLagMinutes);
    const rejectsWindow = promDuration(t.rejectsWindowMinutes);
    const goldWindow = promDuration(t.goldFreshnessSeconds / 60);
    const insertWindow = promDuration(CLICKHOUSE_INSERT_WINDOW_MINUTES);
    const rejects = "sum by (collection, reason) (cdc_bronze_rejects_total)";
    const rejectsBefore = `sum by (collection, reason) (cdc_bronze_rejects_total offset ${rejectsWindow})`;
    return {
        CdcConnectorFailed: {
            expr: 'max by (connector, role) (cdc_connector_state{state="FAILED"}) == 1',
            for: failedFor,
            labels: { severity: "critical" },
            summary: "Connector {{ $labels.connector }} ({{ $labels.role }}) is FAILED",
            description:
                `Kafka Connect reports connector {{ $labels.connector }} FAILED for ${failedFor}: ` +
                "no change events move on this side of the pipeline.",
        },
        CdcConnectorTaskFailed: {
            expr: "max by (connector, role) (cdc_connector_failed_tasks) > 0",
            for: failedFor,
            labels: { severity: "critical" },
            summary: "{{ $value }} task(s) of connector {{ $labels.connector }} ({{ $labels.role }}) FAILED",
            description:
                `A task of {{ $labels.connector }} has been FAILED for ${failedFor}; ` +
                "its partitions are not read until the task is restarted.",
        },
        CdcSinkLagGrowing: {
            expr:
                `sum by (topic) (cdc_sink_lag_records) > ${t.sinkLagRecords}\n` +
                `and sum by (topic) (delta(cdc_sink_lag_records[${lagWindow}])) >= 0`,
            for: lagWindow,
            labels: { severity: "warning" },
            summary: "The sink is {{ $value }} records behind on {{ $labels.topic }}, and not catching up",
            description:
                `The ClickHouse sink's lag on {{ $labels.topic }} is above ${t.sinkLagRecords} records and ` +
                `has not shrunk for ${lagWindow}: bronze, silver and gold fall behind MongoDB.`,
        },
        CdcGoldStale: {
            expr: `max by (collection) (cdc_layer_freshness_seconds{layer="gold"}) > ${t.goldFreshnessSeconds}`,
            for: "0s",
            labels: { severity: "critical" },
            summary: "Gold mart {{ $labels.collection }} was last refreshed {{ $value | humanizeDuration }} ago",
            description:
                `{{ $labels.collection }} has had no successful refresh for more than ${t.goldFreshnessSeconds} s: ` +
                "dashboards read old numbers.",
        },
        CdcBronzeRejects: {
            // A new (collection, reason) series above 0, or one that grew. The exporter prints a 0 for every
            // pair the project names (a new one then grows from 0), but a pair it does not name, or a window
            // that began before the exporter, starts at 1: `increase()` alone would miss that first reject.
            expr: `(${rejects} > 0)\n  unless ${rejectsBefore}\nor ${rejects}\n  > ${rejectsBefore}`,
            for: "0s",
            labels: { severity: "warning" },
            summary: "New bronze rejects for {{ $labels.collection }}: {{ $labels.reason }}",
            description:
                `Change events of {{ $labels.collection }} were rejected (reason {{ $labels.reason }}) within the ` +
                `last ${rejectsWindow}; their documents keep their previous state in silver and gold.`,
        },
        CdcDeadLetters: {
            expr: `sum by (topic) (cdc_dead_letter_records) > ${t.deadLettersMax}`,
            for: "0s",
            labels: { severity: "warning" },
            summary: "{{ $value }} records in dead-letter topic {{ $labels.topic }}",
            description:
                `The sink could not write {{ $value }} records and parked them in {{ $labels.topic }} ` +
                `(more than ${t.deadLettersMax}); they are missing from bronze until replayed.`,
        },
        CdcGoldRefreshFailing: {
            expr: `sum by (view) (increase(cdc_gold_refresh_failures_total[${goldWindow}])) > 0`,
            for: "0s",
            labels: { severity: "warning" },
            summary: "Refreshes of gold view {{ $labels.view }} are failing",
            description:
                `ClickHouse counted failed refreshes of {{ $labels.view }} within the last ${goldWindow}; ` +
                "it retries by itself, the mart stays as it was until one succeeds.",
        },
        CdcExporterDown: {
            expr: 'up{job="pipeline"} == 0 or absent(up{job="pipeline"})',
            for: downFor,
            labels: { severity: "critical" },
            summary: "The pipeline exporter does not answer Prometheus",
            description:
                `Prometheus has not scraped the pipeline exporter for ${downFor}: ` +
                "every pipeline alert (lag, freshness, rejects, dead letters, connectors) is blind.",
        },
        CdcServiceDown: {
            expr: 'up{job=~"kafka|connect|clickhouse"} == 0',
            for: downFor,
            labels: { severity: "critical" },
            summary: "{{ $labels.job }} at {{ $labels.instance }} does not answer Prometheus",
            description: `Prometheus has not scraped {{ $labels.job }} ({{ $labels.instance }}) for ${downFor}.`,
        },
        CdcComponentUnreachable: {
            expr: "max by (component) (cdc_component_up) == 0",
            for: downFor,
            labels: { severity: "critical" },
            summary: "The pipeline exporter cannot reach {{ $labels.component }}",
            description:
                `{{ $labels.component }} has not answered the exporter within its deadline for ${downFor}: ` +
                "the service is down, overloaded or refuses the exporter's credentials.",
        },
        CdcClickHouseRejectingInserts: {
            expr:
                `sum by (instance) (increase(ClickHouseProfileEvents_RejectedInserts[${insertWindow}])) > 0\n` +
                `or sum by (instance) (increase(ClickHouseProfileEvents_FailedInsertQuery[${insertWindow}])) > 0`,
            for: "0s",
            labels: { severity: "critical" },
            summary: "ClickHouse {{ $labels.instance }} refused {{ $value }} INSERTs",
            description:
                `ClickHouse failed or rejected INSERTs within the last ${insertWindow} (too many parts, ` +
                "bad data, memory, read-only disk); the sink retries them and falls behind.",
        },
        CdcClickHouseTooManyParts: {
            expr: `max by (instance) (ClickHouseAsyncMetrics_MaxPartCountForPartition) > ${t.clickhousePartsMax}`,
            for: insertWindow,
            labels: { severity: "warning" },
            summary: "A ClickHouse partition on {{ $labels.instance }} holds {{ $value }} parts",
            description:
                `More than ${t.clickhousePartsMax} active parts in one partition for ${insertWindow}: merges ` +
                "do not keep up with inserts; at 1000 ClickHouse delays INSERTs, at 3000 it refuses them.",
        },
        CdcMongoSourceDisconnected: {
            expr: "max by (server) (debezium_mongodb_streaming_connected) == 0",
            for: promDuration(t.sourceDisconnectedMinutes),
            labels: { severity: "critical" },
            summary: "Debezium is not connected to MongoDB ({{ $labels.server }})",
            description:
                `Debezium's change stream for {{ $labels.server }} has been disconnected for ` +
                `${promDuration(t.sourceDisconnectedMinutes)}: no change events leave MongoDB.`,
        },
        CdcBackupTooOld: {
            // One series per backup name (the exporter labels the last one by its name, so the label changes with
            // each backup and the old series goes stale): `max` without `by` spans them. No series at all (backups
            // off, or none yet) does not fire: `npm run status` says "no backup yet".
            expr: `time() - max(cdc_backup_last_success_timestamp_seconds) > ${Math.round(t.backupMaxAgeHours * 3600)}`,
            for: "0s",
            labels: { severity: "warning" },
            summary: "The last successful backup is {{ $value | humanizeDuration }} old",
            description:
                `No backup of bronze has succeeded for more than ${t.backupMaxAgeHours} h: a lost ClickHouse ` +
                "volume would need a replay from further back than Kafka may still hold.",
        },
    };
}

/**
 * The rules file (Prometheus `rule_files` YAML, one group) for the thresholds `t`.
 * `runbookBase` is what each runbook_url starts with (default docs/operations.md).
 */
export function renderAlertRules(t: AlertThresholds, opts: { runbookBase?: string } = {}): string {
    checkAlertThresholds(t);
    const base = opts.runbookBase ?? DEFAULT_RUNBOOK_BASE;
    const bodies = rules(t);
    const group = {
        name: ALERT_GROUP,
        rules: ALERT_NAMES.map((alert): Rule => {
            const { summary, description, ...rest } = bodies[alert];
            return {
                alert,
                ...rest,
                annotations: { summary, description, runbook_url: `${base}#${runbookAnchor(alert)}` },
            };
        }),
    };
    const header =
        "# The CDC pipeline's alert rules, rendered by components/monitoring/alerts.ts (renderAlertRules).\n" +
        "# Do not edit: change the code or cdc:monitoring.alerts. Runbook: docs/operations.md#alerts\n";
    return header + yaml.dump({ groups: [group] }, { lineWidth: 120, noRefs: true, quotingType: '"' });
}

/** The metric names an alert's expression reads (for checks that each one is served). */
export function alertMetricNames(expr: string): string[] {
    const names = new Set<string>();
    for (const m of expr.matchAll(/\b(cdc_[a-z0-9_]+|kafka_[a-z0-9_]+|debezium_[a-z0-9_]+|ClickHouse\w+|up)\b/g)) {
        names.add(m[1]);
    }
    return [...names];
}
