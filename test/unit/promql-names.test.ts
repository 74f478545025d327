/**
 * Unit tier: the PromQL metric-name scanner the dashboard and alert tests check queries with
 * (test/support/promql-names.ts). Each case is a PromQL form the scanner must see through.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { metricNamesIn } from "../support/promql-names";

describe("metricNamesIn", () => {
    const cases: [string, string, string[]][] = [
        ["a bare selector", "up", ["up"]],
        ["a recording-rule name with colons", "job:cdc_rows:rate5m", ["job:cdc_rows:rate5m"]],
        ["a function call and a range", "rate(cdc_layer_rows[5m])", ["cdc_layer_rows"]],
        ["a Grafana interval variable", "rate(cdc_layer_rows[$__rate_interval])", ["cdc_layer_rows"]],
        ["an aggregation with a leading by list", "sum by (layer, collection) (cdc_layer_rows)", ["cdc_layer_rows"]],
        ["an aggregation with a trailing without list", "max(up) without (instance)", ["up"]],
        [
            "label matchers whose values look like names",
            'cdc_layer_freshness_seconds{layer=~"bronze|silver", collection!="orders"}',
            ["cdc_layer_freshness_seconds"],
        ],
        ["a __name__ matcher", '{__name__="cdc_dead_letter_records", topic="dlq"}', ["cdc_dead_letter_records"]],
        [
            "vector matching with on and group_left",
            "cdc_sink_lag_records * on (topic) group_left (connector) cdc_connector_failed_tasks",
            ["cdc_sink_lag_records", "cdc_connector_failed_tasks"],
        ],
        ["a bare group_left", "a * on (x) group_left b", ["a", "b"]],
        [
            "set operators and bool",
            "up == bool 1 and on (job) cdc_component_up unless absent_x",
            ["up", "cdc_component_up", "absent_x"],
        ],
        ["offset and durations", "up offset 1h30m - up offset -5m", ["up"]],
        ["the @ modifier", "up @ start() + up @ 1609746000", ["up"]],
        ["a subquery", "max_over_time(rate(cdc_layer_rows[1m])[10m:30s])", ["cdc_layer_rows"]],
        ["numbers in scientific and hex notation", "up * 1e3 + 0x1f + Inf - NaN", ["up"]],
        ["string arguments of label_replace", 'label_replace(up, "dst", "$1", "src", "(not_a_metric).*")', ["up"]],
        [
            "time() with no selector",
            "time() - max by (view) (cdc_gold_refresh_last_success_timestamp_seconds)",
            ["cdc_gold_refresh_last_success_timestamp_seconds"],
        ],
        [
            "mixed-case ClickHouse names",
            "rate(ClickHouseProfileEvents_InsertedRows[5m])",
            ["ClickHouseProfileEvents_InsertedRows"],
        ],
        ["a repeated name once", "up / up", ["up"]],
    ];
    for (const [what, expr, names] of cases) {
        it(`finds the names in ${what}`, () => assert.deepEqual(metricNamesIn(expr), names, expr));
    }

    it("refuses an unbalanced expression, naming the bracket", () => {
        assert.throws(() => metricNamesIn("sum(rate(up[5m)"), /unbalanced "\["/);
        assert.throws(() => metricNamesIn('up{job="x}'), /unterminated string|unbalanced "\{"/);
    });
});
