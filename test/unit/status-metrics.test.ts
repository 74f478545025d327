/**
 * Unit: the pipeline exporter's metrics (tools/status/metrics.ts) from a StatusReport made by the
 * real verdict code (buildReport) out of observations: names, labels and values, each checked
 * against the observation it comes from; and the refresh-failure counter across scrapes.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PipelineMetrics, renderMetrics } from "../../tools/status/metrics";
import { REJECT_COLLECTIONS, REJECT_REASONS } from "../../tools/status/reject-reasons";
import { buildReport, DEFAULT_THRESHOLDS } from "../../tools/status/verdict";
import type { Observations, RefreshObs } from "../../tools/status/types";

const NOW = 1_800_000_000_000;

function observations(over: { refresh?: Partial<RefreshObs>; connectDown?: boolean } = {}): Observations {
    const down = over.connectDown
        ? { error: "Kafka Connect at http://c:8083 did not answer within 5 s", unreachable: true, tasks: [] }
        : undefined;
    return {
        nowMs: NOW,
        source: {
            connector: down
                ? { name: "src", ...down }
                : {
                      name: "src",
                      state: "RUNNING",
                      workerId: "w:8083",
                      tasks: [{ id: 0, state: "RUNNING", workerId: "w:8083" }],
                  },
            topics: [
                {
                    topic: "mongo.ecom.orders",
                    partitions: [{ partition: 0, startOffset: 0, endOffset: 3, newestTimestampMs: NOW - 1_000 }],
                },
            ],
        },
        sink: {
            connector: down
                ? { name: "snk", ...down }
                : {
                      name: "snk",
                      state: "RUNNING",
                      workerId: "w:8083",
                      tasks: [
                          { id: 0, state: "FAILED", workerId: "w:8083" },
                          { id: 1, state: "RUNNING", workerId: "w:8083" },
                          { id: 2, state: "FAILED", workerId: "w:8083" },
                      ],
                  },
            group: "connect-snk",
            topics: ["mongo.ecom.orders", "mongo.ecom.products"],
            lag: [
                { topic: "mongo.ecom.orders", partition: 0, committed: 40, startOffset: 0, endOffset: 47 },
                { topic: "mongo.ecom.orders", partition: 1, committed: null, startOffset: 5, endOffset: 16 },
                { topic: "mongo.ecom.products", partition: 0, committed: 9, startOffset: 0, endOffset: 9 },
            ],
            deadLetter: { topic: "dlq.sink", depth: 6 },
        },
        bronze: {
            tables: [
                { table: "mongo_ecom_orders", rows: 123, newestIngestedMs: NOW - 7_300, newestEventMs: null },
                { table: "mongo_ecom_products", rows: 0, newestIngestedMs: null, newestEventMs: null },
            ],
        },
        silver: {
            tables: [
                { table: "base_orders", rows: 120, newestIngestedMs: NOW - 9_100, newestEventMs: NOW - 9_500 },
                { table: "base_products", rows: 4, newestIngestedMs: NOW - 60_000, newestEventMs: null },
            ],
            rejects: 5,
            rejectsBy: [
                { collection: "orders", reason: "no_id", rows: 2 },
                { collection: "orders", reason: "bad_json", rows: 3 },
            ],
        },
        gold: {
            tables: [{ table: "fact_orders", rows: 77, newestIngestedMs: null, newestEventMs: null }],
            refreshes: [
                {
                    view: "fact_orders__refresh",
                    status: "Scheduled",
                    lastSuccessMs: NOW - 42_000,
                    lastRefreshMs: NOW - 42_000,
                    exception: "",
                    lastSuccessDurationMs: 1_250,
                    ...over.refresh,
                },
            ],
        },
    };
}

/** `name{labels} value` lines of the exposition, as a map (HELP/TYPE lines out). */
function samples(text: string): Map<string, number> {
    const out = new Map<string, number>();
    for (const line of text.split("\n")) {
        if (line === "" || line.startsWith("#")) continue;
        const i = line.lastIndexOf(" ");
        out.set(line.slice(0, i), Number(line.slice(i + 1)));
    }
    return out;
}

const metricsOf = async (o: Observations, seconds = 0) =>
    samples(await renderMetrics(buildReport(o, DEFAULT_THRESHOLDS), seconds));

describe("pipeline exporter metrics", () => {
    it("every family, with the labels of the design and the values of the observations", async () => {
        const m = await metricsOf(observations(), 1.5);
        const expected: [string, number][] = [
            ['cdc_component_up{component="connect"}', 1],
            ['cdc_component_up{component="kafka"}', 1],
            ['cdc_component_up{component="clickhouse"}', 1],
            ['cdc_status_verdict{component="source"}', 0],
            ['cdc_status_verdict{component="sink"}', 2],
            ['cdc_status_verdict{component="silver"}', 1],
            ['cdc_layer_freshness_seconds{layer="bronze",collection="orders"}', 7.3],
            ['cdc_layer_freshness_seconds{layer="silver",collection="orders"}', 9.1],
            ['cdc_layer_freshness_seconds{layer="silver",collection="products"}', 60],
            ['cdc_layer_freshness_seconds{layer="gold",collection="fact_orders"}', 42],
            ['cdc_layer_rows{layer="bronze",collection="orders"}', 123],
            ['cdc_layer_rows{layer="bronze",collection="products"}', 0],
            ['cdc_layer_rows{layer="silver",collection="orders"}', 120],
            ['cdc_layer_rows{layer="gold",collection="fact_orders"}', 77],
            ['cdc_bronze_rejects_total{collection="orders",reason="no_id"}', 2],
            ['cdc_bronze_rejects_total{collection="orders",reason="bad_json"}', 3],
            ['cdc_dead_letter_records{topic="dlq.sink"}', 6],
            ['cdc_connector_state{connector="src",role="source",state="RUNNING"}', 1],
            ['cdc_connector_state{connector="src",role="source",state="FAILED"}', 0],
            ['cdc_connector_state{connector="snk",role="sink",state="RUNNING"}', 1],
            ['cdc_connector_failed_tasks{connector="snk",role="sink"}', 2],
            ['cdc_connector_failed_tasks{connector="src",role="source"}', 0],
            // 47-40 + 16-5 (nothing committed: from the log start)
            ['cdc_sink_lag_records{topic="mongo.ecom.orders"}', 18],
            ['cdc_sink_lag_records{topic="mongo.ecom.products"}', 0],
            ['cdc_gold_refresh_last_success_timestamp_seconds{view="fact_orders__refresh"}', (NOW - 42_000) / 1000],
            ['cdc_gold_refresh_duration_seconds{view="fact_orders__refresh"}', 1.25],
            ['cdc_gold_refresh_failures_total{view="fact_orders__refresh"}', 0],
            ["cdc_exporter_scrape_duration_seconds", 1.5],
        ];
        for (const [k, v] of expected) assert.equal(m.get(k), v, k);
        // One series per state and connector, exactly one of them 1.
        const states = [...m].filter(([k]) => k.startsWith('cdc_connector_state{connector="snk"'));
        assert.equal(states.length, 7);
        assert.deepEqual(
            states.filter(([, v]) => v === 1).map(([k]) => k),
            ['cdc_connector_state{connector="snk",role="sink",state="RUNNING"}'],
        );
        // No freshness for a table without rows; nothing from Node's default metrics.
        assert.ok(!m.has('cdc_layer_freshness_seconds{layer="bronze",collection="products"}'));
        assert.ok(
            [...m.keys()].every((k) => k.startsWith("cdc_")),
            [...m.keys()].join("\n"),
        );
    });

    it("rejects: a 0 series for every collection and reason of the project, others as bronze_rejects holds them", async () => {
        const m = await metricsOf(observations());
        const rejects = [...m].filter(([k]) => k.startsWith("cdc_bronze_rejects_total{"));
        // every pair of the project, plus the one reason bronze_rejects holds that the project does not name
        assert.equal(rejects.length, REJECT_COLLECTIONS.length * REJECT_REASONS.length + 1);
        for (const collection of REJECT_COLLECTIONS)
            for (const reason of REJECT_REASONS) {
                const k = `cdc_bronze_rejects_total{collection="${collection}",reason="${reason}"}`;
                assert.equal(m.get(k), collection === "orders" && reason === "no_id" ? 2 : 0, k);
            }
        assert.equal(m.get('cdc_bronze_rejects_total{collection="orders",reason="bad_json"}'), 3);
        // bronze_rejects not read: no series at all (a 0 would claim there are no rejects)
        const o = observations();
        delete o.silver.rejectsBy;
        o.silver.rejects = null;
        const unread = await metricsOf(o);
        assert.ok(![...unread.keys()].some((k) => k.startsWith("cdc_bronze_rejects_total{")));
    });

    it("schema drift: one series per collection and kind, from the drift stage's counts", async () => {
        const o = observations();
        o.drift = {
            counts: [
                { collection: "orders", kind: "unmodelled", fields: 3 },
                { collection: "customers", kind: "type_change", fields: 1 },
            ],
        };
        const m = await metricsOf(o);
        assert.equal(m.get('cdc_schema_drift_fields{collection="orders",kind="unmodelled"}'), 3);
        assert.equal(m.get('cdc_schema_drift_fields{collection="orders",kind="type_change"}'), 0);
        assert.equal(m.get('cdc_schema_drift_fields{collection="customers",kind="type_change"}'), 1);
        assert.equal(m.get('cdc_schema_drift_fields{collection="customers",kind="unmodelled"}'), 0);
        const none = await metricsOf(observations());
        assert.ok(![...none.keys()].some((k) => k.startsWith("cdc_schema_drift_fields")));
    });

    it("Connect down: component 0, no connector series (not a made-up state); a missing connector is MISSING", async () => {
        const m = await metricsOf(observations({ connectDown: true }));
        assert.equal(m.get('cdc_component_up{component="connect"}'), 0);
        assert.equal(m.get('cdc_component_up{component="kafka"}'), 1);
        assert.ok(![...m.keys()].some((k) => k.startsWith("cdc_connector_")));

        const o = observations();
        o.sink.connector = { name: "snk", error: "not found on http://c:8083: `npm run up` creates it", tasks: [] };
        const missing = await metricsOf(o);
        assert.equal(missing.get('cdc_component_up{component="connect"}'), 1);
        assert.equal(missing.get('cdc_connector_state{connector="snk",role="sink",state="MISSING"}'), 1);
        assert.equal(missing.get('cdc_connector_state{connector="snk",role="sink",state="RUNNING"}'), 0);
    });

    it("refresh failures: counted once per failed refresh time the exporter observes", async () => {
        const m = new PipelineMetrics();
        const failedAt = (t: number) =>
            buildReport(
                observations({ refresh: { exception: "Code: 60. boom", lastRefreshMs: t, status: "Scheduled" } }),
                DEFAULT_THRESHOLDS,
            );
        const count = async () =>
            samples(await m.render()).get('cdc_gold_refresh_failures_total{view="fact_orders__refresh"}');
        m.update(failedAt(NOW - 1_000), 0);
        assert.equal(await count(), 1);
        m.update(failedAt(NOW - 1_000), 0); // the same failure scraped again
        assert.equal(await count(), 1);
        m.update(failedAt(NOW), 0); // a new failed refresh
        assert.equal(await count(), 2);
        m.update(buildReport(observations(), DEFAULT_THRESHOLDS), 0); // healthy again: the counter stays
        assert.equal(await count(), 2);
    });
});
