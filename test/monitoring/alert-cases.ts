/**
 * The alert rules' `promtool test rules` cases: for every alert one case where it fires and one
 * where it does not (some have two of a kind), on input series under the design's metric names,
 * at the default thresholds (monitoring/alerts.yml). `promtoolTestFile` turns one alert's cases
 * into a promtool test file; test/engine/alert-rules.test.ts runs them.
 *
 * A firing case states the alert's labels and its summary as written by hand; its description is
 * the rule's template with the case's labels and value filled in, so a template naming a label the
 * alert does not carry renders `<no value>` in Prometheus and fails the case.
 */
import * as yaml from "js-yaml";
import type { AlertName } from "../../components/monitoring/alerts";

export interface AlertCase {
    /** What the case shows. */
    name: string;
    /** promtool input series: `metric{labels}` → expanding notation (`1x10`, `0 0 5`, `_` for no sample). */
    series: Record<string, string>;
    /** When the alert is checked (promtool duration, from the first sample at 0). */
    evalTime: string;
    /** The firing alerts expected at `evalTime` (empty: none). */
    fires: { labels: Record<string, string>; summary: string; value?: string; humanizedValue?: string }[];
}

const X = 'job="pipeline", instance="exporter:9464"';
const CH = 'job="clickhouse", instance="clickhouse:8443"';

export const ALERT_CASES: Record<AlertName, AlertCase[]> = {
    CdcConnectorFailed: [
        {
            name: "the sink FAILED for 6 minutes fires (for: 5m)",
            series: {
                [`cdc_connector_state{${X}, connector="cdc-sink", role="sink", state="FAILED"}`]: "1x10",
                [`cdc_connector_state{${X}, connector="cdc-sink", role="sink", state="RUNNING"}`]: "0x10",
            },
            evalTime: "6m",
            fires: [
                {
                    labels: { severity: "critical", connector: "cdc-sink", role: "sink" },
                    summary: "Connector cdc-sink (sink) is FAILED",
                },
            ],
        },
        {
            name: "a RUNNING connector does not fire",
            series: {
                [`cdc_connector_state{${X}, connector="cdc-sink", role="sink", state="FAILED"}`]: "0x10",
                [`cdc_connector_state{${X}, connector="cdc-sink", role="sink", state="RUNNING"}`]: "1x10",
            },
            evalTime: "10m",
            fires: [],
        },
    ],
    CdcConnectorTaskFailed: [
        {
            name: "a failed sink task for 6 minutes fires",
            series: { [`cdc_connector_failed_tasks{${X}, connector="cdc-sink", role="sink"}`]: "1x10" },
            evalTime: "6m",
            fires: [
                {
                    labels: { severity: "critical", connector: "cdc-sink", role: "sink" },
                    summary: "1 task(s) of connector cdc-sink (sink) FAILED",
                    value: "1",
                },
            ],
        },
        {
            name: "a task failed for 4 minutes does not fire yet",
            series: { [`cdc_connector_failed_tasks{${X}, connector="cdc-sink", role="sink"}`]: "1x10" },
            evalTime: "4m",
            fires: [],
        },
    ],
    CdcSinkLagGrowing: [
        {
            name: "lag above 10000 and growing for 10 minutes fires",
            series: { [`cdc_sink_lag_records{${X}, topic="cdc.shop.orders"}`]: "20000+100x30" },
            evalTime: "20m",
            fires: [
                {
                    labels: { severity: "warning", topic: "cdc.shop.orders" },
                    summary: "The sink is 22000 records behind on cdc.shop.orders, and not catching up",
                    value: "22000",
                },
            ],
        },
        {
            name: "a large lag that shrinks does not fire",
            series: { [`cdc_sink_lag_records{${X}, topic="cdc.shop.orders"}`]: "50000-1000x30" },
            evalTime: "20m",
            fires: [],
        },
        {
            name: "a small lag that grows does not fire",
            series: { [`cdc_sink_lag_records{${X}, topic="cdc.shop.orders"}`]: "10+10x30" },
            evalTime: "20m",
            fires: [],
        },
    ],
    CdcGoldStale: [
        {
            name: "a mart 20 minutes old fires",
            series: { [`cdc_layer_freshness_seconds{${X}, layer="gold", collection="fct_daily_sales"}`]: "1200x5" },
            evalTime: "2m",
            fires: [
                {
                    labels: { severity: "critical", collection: "fct_daily_sales" },
                    summary: "Gold mart fct_daily_sales was last refreshed 20m 0s ago",
                    value: "1200",
                },
            ],
        },
        {
            name: "a fresh mart and a stale silver do not fire",
            series: {
                [`cdc_layer_freshness_seconds{${X}, layer="gold", collection="fct_daily_sales"}`]: "600x5",
                [`cdc_layer_freshness_seconds{${X}, layer="silver", collection="orders"}`]: "5000x5",
            },
            evalTime: "2m",
            fires: [],
        },
    ],
    CdcBronzeRejects: [
        {
            name: "the first reject of a reason fires",
            series: { [`cdc_bronze_rejects_total{${X}, collection="orders", reason="missing_id"}`]: "_x4 1x10" },
            evalTime: "7m",
            fires: [
                {
                    labels: { severity: "warning", collection: "orders", reason: "missing_id" },
                    summary: "New bronze rejects for orders: missing_id",
                    value: "1",
                },
            ],
        },
        {
            name: "one more reject of a known reason fires",
            series: { [`cdc_bronze_rejects_total{${X}, collection="orders", reason="bad_json"}`]: "3x14 4x5" },
            evalTime: "16m",
            fires: [
                {
                    labels: { severity: "warning", collection: "orders", reason: "bad_json" },
                    summary: "New bronze rejects for orders: bad_json",
                    value: "4",
                },
            ],
        },
        {
            name: "the exporter's 0 series of a reason, new in the window, do not fire",
            series: { [`cdc_bronze_rejects_total{${X}, collection="orders", reason="no_id"}`]: "0x20" },
            evalTime: "5m",
            fires: [],
        },
        {
            name: "a reject growing from the exporter's 0 fires",
            series: { [`cdc_bronze_rejects_total{${X}, collection="orders", reason="no_id"}`]: "0x14 1x5" },
            evalTime: "16m",
            fires: [
                {
                    labels: { severity: "warning", collection: "orders", reason: "no_id" },
                    summary: "New bronze rejects for orders: no_id",
                    value: "1",
                },
            ],
        },
        {
            name: "rejects unchanged for longer than the window do not fire",
            series: { [`cdc_bronze_rejects_total{${X}, collection="orders", reason="bad_json"}`]: "3x30" },
            evalTime: "25m",
            fires: [],
        },
    ],
    CdcDeadLetters: [
        {
            name: "two records in the dead-letter topic fire",
            series: { [`cdc_dead_letter_records{${X}, topic="cdc-dlq"}`]: "2x5" },
            evalTime: "1m",
            fires: [
                {
                    labels: { severity: "warning", topic: "cdc-dlq" },
                    summary: "2 records in dead-letter topic cdc-dlq",
                    value: "2",
                },
            ],
        },
        {
            name: "an empty dead-letter topic does not fire",
            series: { [`cdc_dead_letter_records{${X}, topic="cdc-dlq"}`]: "0x5" },
            evalTime: "3m",
            fires: [],
        },
    ],
    CdcGoldRefreshFailing: [
        {
            name: "a failed refresh fires",
            series: { [`cdc_gold_refresh_failures_total{${X}, view="fct_daily_sales"}`]: "0 0 1 1 1" },
            evalTime: "3m",
            fires: [
                {
                    labels: { severity: "warning", view: "fct_daily_sales" },
                    summary: "Refreshes of gold view fct_daily_sales are failing",
                },
            ],
        },
        {
            name: "failures older than the window do not fire",
            series: { [`cdc_gold_refresh_failures_total{${X}, view="fct_daily_sales"}`]: "2x30" },
            evalTime: "20m",
            fires: [],
        },
    ],
    CdcExporterDown: [
        {
            name: "a failed exporter scrape for 3 minutes fires",
            series: { [`up{${X}}`]: "0x5" },
            evalTime: "3m",
            fires: [
                {
                    labels: { severity: "critical", job: "pipeline", instance: "exporter:9464" },
                    summary: "The pipeline exporter does not answer Prometheus",
                },
            ],
        },
        {
            name: "no exporter target at all fires",
            series: { 'up{job="connect", instance="connect:9404"}': "1x5" },
            evalTime: "3m",
            fires: [
                {
                    labels: { severity: "critical", job: "pipeline" },
                    summary: "The pipeline exporter does not answer Prometheus",
                },
            ],
        },
        {
            name: "an exporter that answers does not fire",
            series: { [`up{${X}}`]: "1x5" },
            evalTime: "3m",
            fires: [],
        },
    ],
    CdcServiceDown: [
        {
            name: "Connect not answering for 3 minutes fires",
            series: { 'up{job="connect", instance="connect:9404"}': "0x5" },
            evalTime: "3m",
            fires: [
                {
                    labels: { severity: "critical", job: "connect", instance: "connect:9404" },
                    summary: "connect at connect:9404 does not answer Prometheus",
                },
            ],
        },
        {
            name: "services that answer do not fire (the exporter has its own alert)",
            series: { 'up{job="connect", instance="connect:9404"}': "1x5", [`up{${X}}`]: "0x5" },
            evalTime: "3m",
            fires: [],
        },
    ],
    CdcComponentUnreachable: [
        {
            name: "ClickHouse unreachable from the exporter for 3 minutes fires",
            series: { [`cdc_component_up{${X}, component="clickhouse"}`]: "0x5" },
            evalTime: "3m",
            fires: [
                {
                    labels: { severity: "critical", component: "clickhouse" },
                    summary: "The pipeline exporter cannot reach clickhouse",
                },
            ],
        },
        {
            name: "a one-minute blip does not fire",
            series: { [`cdc_component_up{${X}, component="clickhouse"}`]: "0 0 1 1 1" },
            evalTime: "4m",
            fires: [],
        },
    ],
    CdcClickHouseRejectingInserts: [
        {
            name: "rejected inserts (too many parts) fire",
            series: {
                [`ClickHouseProfileEvents_RejectedInserts{${CH}}`]: "0 0 0 5 5",
                [`ClickHouseProfileEvents_FailedInsertQuery{${CH}}`]: "0x4",
            },
            evalTime: "4m",
            fires: [
                {
                    labels: { severity: "critical", instance: "clickhouse:8443" },
                    summary: "ClickHouse clickhouse:8443 refused 5 INSERTs",
                    value: "5",
                },
            ],
        },
        {
            name: "counters that do not move do not fire",
            series: {
                [`ClickHouseProfileEvents_RejectedInserts{${CH}}`]: "7x10",
                [`ClickHouseProfileEvents_FailedInsertQuery{${CH}}`]: "7x10",
            },
            evalTime: "10m",
            fires: [],
        },
    ],
    CdcClickHouseTooManyParts: [
        {
            name: "400 parts in a partition for 6 minutes fire",
            series: { [`ClickHouseAsyncMetrics_MaxPartCountForPartition{${CH}}`]: "400x10" },
            evalTime: "6m",
            fires: [
                {
                    labels: { severity: "warning", instance: "clickhouse:8443" },
                    summary: "A ClickHouse partition on clickhouse:8443 holds 400 parts",
                    value: "400",
                },
            ],
        },
        {
            name: "250 parts do not fire",
            series: { [`ClickHouseAsyncMetrics_MaxPartCountForPartition{${CH}}`]: "250x10" },
            evalTime: "10m",
            fires: [],
        },
    ],
    CdcMongoSourceDisconnected: [
        {
            name: "a disconnected stream for 3 minutes fires",
            series: { 'debezium_mongodb_streaming_connected{job="connect", server="cdc", task="0"}': "0x5" },
            evalTime: "3m",
            fires: [
                {
                    labels: { severity: "critical", server: "cdc" },
                    summary: "Debezium is not connected to MongoDB (cdc)",
                },
            ],
        },
        {
            name: "a connected stream does not fire",
            series: { 'debezium_mongodb_streaming_connected{job="connect", server="cdc", task="0"}': "1x5" },
            evalTime: "3m",
            fires: [],
        },
    ],
    // promtool's clock starts at 0 (1970-01-01): a backup at 0 is 27 h old at eval time 27h.
    CdcBackupTooOld: [
        {
            name: "the only backup 27 hours old fires (max age 26 h)",
            series: { [`cdc_backup_last_success_timestamp_seconds{${X}, backup="b1"}`]: "0x1620" },
            evalTime: "27h",
            fires: [
                {
                    labels: { severity: "warning" },
                    summary: "The last successful backup is 1d 3h 0m 0s old",
                },
            ],
        },
        {
            name: "an old backup's series beside a newer backup's (one series per name) does not fire",
            series: {
                [`cdc_backup_last_success_timestamp_seconds{${X}, backup="b1"}`]: "0x1620",
                [`cdc_backup_last_success_timestamp_seconds{${X}, backup="b2"}`]: "_x1440 86400x180",
            },
            evalTime: "27h",
            fires: [],
        },
        {
            name: "no backup series at all (backups off, or none yet) does not fire",
            series: { [`up{${X}}`]: "1x1620" },
            evalTime: "27h",
            fires: [],
        },
    ],
};

interface RenderedRule {
    alert: string;
    annotations: { summary: string; description: string; runbook_url: string };
}

/** Fills a rule's template the way Prometheus would for these labels and value. */
function fill(template: string, labels: Record<string, string>, value?: string, humanized?: string): string {
    return template
        .replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, l: string) => labels[l] ?? "<no value>")
        .replace(/\{\{ \$value \| humanizeDuration \}\}/g, humanized ?? "<no value>")
        .replace(/\{\{ \$value \}\}/g, value ?? "<no value>");
}

/**
 * One alert's promtool test file (YAML) against `rulesFile` (a path promtool resolves from the
 * test file's directory), with the rules' own rendering in `rulesYaml` for the expected annotations.
 */
export function promtoolTestFile(alert: AlertName, rulesFile: string, rulesYaml: string): string {
    const doc = yaml.load(rulesYaml) as { groups: { rules: RenderedRule[] }[] };
    const rule = doc.groups.flatMap((g) => g.rules).find((r) => r.alert === alert);
    if (!rule) throw new Error(`${rulesFile} has no rule ${alert}`);
    const tests = ALERT_CASES[alert].map((c) => ({
        name: `${alert}: ${c.name}`,
        interval: "1m",
        input_series: Object.entries(c.series).map(([series, values]) => ({ series, values })),
        alert_rule_test: [
            {
                eval_time: c.evalTime,
                alertname: alert,
                exp_alerts: c.fires.map((f) => ({
                    exp_labels: f.labels,
                    exp_annotations: {
                        summary: f.summary,
                        description: fill(rule.annotations.description, f.labels, f.value, f.humanizedValue),
                        runbook_url: rule.annotations.runbook_url,
                    },
                })),
            },
        ],
    }));
    return yaml.dump({ rule_files: [rulesFile], evaluation_interval: "1m", tests }, { lineWidth: -1 });
}
