/**
 * Unit: the alert rules (components/monitoring/alerts.ts). The checked-in monitoring/alerts.yml is
 * the rendering of the defaults; every alert of the design is there, on the design's metric names,
 * with its thresholds and durations from the config, and a runbook entry in docs/operations.md.
 * promtool's own checks and tests of these rules: test/engine/alert-rules.test.ts.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import * as yaml from "js-yaml";
import {
    ALERT_NAMES,
    alertMetricNames,
    DEFAULT_ALERT_THRESHOLDS,
    promDuration,
    renderAlertRules,
    runbookAnchor,
    type AlertThresholds,
} from "../../components/monitoring/alerts";
import { ALERT_CASES } from "../monitoring/alert-cases";

const ROOT = path.resolve(__dirname, "..", "..");
const CHECKED_IN = path.join(ROOT, "monitoring", "alerts.yml");

interface Rule {
    alert: string;
    expr: string;
    for: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
}
const parse = (text: string): Rule[] => {
    const doc = yaml.load(text) as { groups: { name: string; rules: Rule[] }[] };
    assert.equal(doc.groups.length, 1);
    return doc.groups[0].rules;
};
const byName = (rules: Rule[]): Map<string, Rule> => new Map(rules.map((r) => [r.alert, r]));

/** The metric names of the monitoring design (/work/monitoring-design.md), the only ones the rules may read. */
const DESIGN_METRICS = new Set([
    "up",
    "cdc_component_up",
    "cdc_status_verdict",
    "cdc_layer_freshness_seconds",
    "cdc_layer_rows",
    "cdc_bronze_rejects_total",
    "cdc_dead_letter_records",
    "cdc_connector_state",
    "cdc_connector_failed_tasks",
    "cdc_sink_lag_records",
    "cdc_gold_refresh_last_success_timestamp_seconds",
    "cdc_gold_refresh_failures_total",
    "cdc_gold_refresh_duration_seconds",
    "cdc_backup_last_success_timestamp_seconds",
    "cdc_exporter_scrape_duration_seconds",
    "kafka_connect_connector_status",
    "kafka_connect_connector_task_status",
    "debezium_mongodb_streaming_connected",
    "debezium_mongodb_streaming_milliseconds_behind_source",
    "ClickHouseProfileEvents_InsertedRows",
    "ClickHouseProfileEvents_InsertQuery",
    "ClickHouseProfileEvents_FailedInsertQuery",
    "ClickHouseProfileEvents_RejectedInserts",
    "ClickHouseMetrics_Query",
    "ClickHouseAsyncMetrics_MaxPartCountForPartition",
]);

describe("alert rules", () => {
    it("monitoring/alerts.yml is the rendering of the defaults (what the repo holds is what is deployed)", () => {
        assert.equal(
            readFileSync(CHECKED_IN, "utf8"),
            renderAlertRules(DEFAULT_ALERT_THRESHOLDS),
            'monitoring/alerts.yml is stale: regenerate it with\n  npx tsx -e \'const a = require("./components/monitoring/alerts"); ' +
                "process.stdout.write(a.renderAlertRules(a.DEFAULT_ALERT_THRESHOLDS))' > monitoring/alerts.yml",
        );
    });

    it("holds every alert of the design once, with a severity and the three annotations", () => {
        const rules = parse(renderAlertRules(DEFAULT_ALERT_THRESHOLDS));
        assert.deepEqual(
            rules.map((r) => r.alert),
            [...ALERT_NAMES],
        );
        assert.equal(new Set(ALERT_NAMES).size, 14);
        for (const r of rules) {
            assert.match(r.labels.severity, /^(critical|warning)$/, r.alert);
            assert.deepEqual(Object.keys(r.annotations).sort(), ["description", "runbook_url", "summary"], r.alert);
            assert.match(r.for, /^\d+(m|s|ms)$/, r.alert);
        }
    });

    it("reads only the design's metric names, and every alert reads at least one", () => {
        for (const r of parse(renderAlertRules(DEFAULT_ALERT_THRESHOLDS))) {
            const names = alertMetricNames(r.expr);
            assert.ok(names.length > 0, `${r.alert} reads no metric`);
            for (const n of names) assert.ok(DESIGN_METRICS.has(n), `${r.alert} reads ${n}, not a design metric`);
        }
    });

    it("links each alert to a runbook heading of its own in docs/operations.md", () => {
        const ops = readFileSync(path.join(ROOT, "docs", "operations.md"), "utf8");
        const headings = new Set(
            [...ops.matchAll(/^#{2,4} (.+)$/gm)].map((m) =>
                m[1]
                    .trim()
                    .toLowerCase()
                    .replace(/[^\w\- ]/g, "")
                    .replace(/ /g, "-"),
            ),
        );
        for (const r of parse(renderAlertRules(DEFAULT_ALERT_THRESHOLDS, { runbookBase: "https://x/ops" }))) {
            assert.equal(r.annotations.runbook_url, `https://x/ops#${r.alert.toLowerCase()}`);
            assert.ok(
                headings.has(runbookAnchor(r.alert as (typeof ALERT_NAMES)[number])),
                `no heading for ${r.alert}`,
            );
        }
        const defaults = parse(renderAlertRules(DEFAULT_ALERT_THRESHOLDS));
        assert.equal(defaults[0].annotations.runbook_url, "docs/operations.md#cdcconnectorfailed");
    });

    it("takes every threshold and duration from the config", () => {
        const t: AlertThresholds = {
            connectorFailedMinutes: 7,
            sinkLagRecords: 1234,
            sinkLagMinutes: 0.5,
            goldFreshnessSeconds: 42,
            rejectsWindowMinutes: 3,
            deadLettersMax: 9,
            serviceDownMinutes: 0.05,
            clickhousePartsMax: 77,
            sourceDisconnectedMinutes: 11,
            backupMaxAgeHours: 2,
        };
        const rules = byName(parse(renderAlertRules(t)));
        const get = (n: string): Rule => {
            const r = rules.get(n);
            assert.ok(r, n);
            return r;
        };
        assert.equal(get("CdcConnectorFailed").for, "7m");
        assert.equal(get("CdcConnectorTaskFailed").for, "7m");
        assert.match(get("CdcSinkLagGrowing").expr, /> 1234\b/);
        assert.match(get("CdcSinkLagGrowing").expr, /\[30s\]/);
        assert.equal(get("CdcSinkLagGrowing").for, "30s");
        assert.match(get("CdcGoldStale").expr, /> 42$/);
        assert.match(get("CdcGoldRefreshFailing").expr, /\[42s\]/);
        assert.match(get("CdcBronzeRejects").expr, /offset 3m\)/);
        assert.match(get("CdcDeadLetters").expr, /> 9$/);
        for (const n of ["CdcExporterDown", "CdcServiceDown", "CdcComponentUnreachable"])
            assert.equal(get(n).for, "3s");
        assert.match(get("CdcClickHouseTooManyParts").expr, /> 77$/);
        assert.equal(get("CdcMongoSourceDisconnected").for, "11m");
        assert.match(
            get("CdcBackupTooOld").expr,
            /^time\(\) - max\(cdc_backup_last_success_timestamp_seconds\) > 7200$/,
        );
        // nothing of the defaults is left where a threshold belongs
        const text = renderAlertRules(t);
        for (const d of ["10000", "> 900", "[10m]", "> 300", "> 93600"])
            assert.ok(!text.includes(d), `default ${d} still rendered`);
    });

    it("refuses a threshold out of range, naming the key and the fix", () => {
        const bad: [keyof AlertThresholds, unknown][] = [
            ["sinkLagRecords", -1],
            ["sinkLagRecords", 1.5],
            ["goldFreshnessSeconds", 0],
            ["serviceDownMinutes", Number.NaN],
            ["clickhousePartsMax", "300"],
            ["rejectsWindowMinutes", 0],
            ["backupMaxAgeHours", 0],
        ];
        for (const [field, value] of bad) {
            assert.throws(
                () => renderAlertRules({ ...DEFAULT_ALERT_THRESHOLDS, [field]: value }),
                new RegExp(
                    `cdc:monitoring\\.alerts\\.${field} is .*: set a .*\\(default ${DEFAULT_ALERT_THRESHOLDS[field]}\\)`,
                ),
                `${field}=${String(value)}`,
            );
        }
    });

    it("writes durations in Prometheus' syntax", () => {
        assert.equal(promDuration(5), "5m");
        assert.equal(promDuration(1.5), "90s");
        assert.equal(promDuration(0), "0m");
        assert.equal(promDuration(0.025), "1500ms");
        assert.equal(promDuration(900 / 60), "15m");
    });

    it("has promtool cases for every alert: at least one firing and one not firing", () => {
        for (const a of ALERT_NAMES) {
            const cases = ALERT_CASES[a];
            assert.ok(
                cases.some((c) => c.fires.length > 0),
                `${a}: no firing case`,
            );
            assert.ok(
                cases.some((c) => c.fires.length === 0),
                `${a}: no not-firing case`,
            );
        }
    });
});
