/**
 * `GET /metrics`: the embedded engine's counters in Prometheus text, under the names
 * clickhouse-server's prometheus handler gives them (src/Server/PrometheusMetricsWriter.cpp), so one
 * dashboard and one set of alert rules read a server and this gateway alike:
 *
 * | source | name | type |
 * | --- | --- | --- |
 * | `system.events` (every event, also zero ones) | `ClickHouseProfileEvents_<event>` | counter |
 * | `system.metrics` | `ClickHouseMetrics_<metric>` | gauge |
 * | asynchronous metrics (see below) | `ClickHouseAsyncMetrics_<name>` | gauge |
 * | `system.errors` (local ones), and their sum as `ALL` | `ClickHouseErrorMetric_<name>` | counter |
 *
 * The server turns every character outside `[a-zA-Z0-9_:]` of a name into `_` and drops leading
 * non-letters; so does this. The embedded engine runs no asynchronous-metrics thread (it has no
 * `system.asynchronous_metrics`), so the gauges the monitoring reads are computed here the way the
 * server computes them: `MaxPartCountForPartition` (the most active parts in one partition of any
 * MergeTree table), `TotalPartsOfMergeTreeTables`, `TotalRowsOfMergeTreeTables`,
 * `TotalBytesOfMergeTreeTables`, `NumberOfDatabases`, `NumberOfTables`.
 */
import type { Engine } from "./engine";

/** clickhouse-server's prefixes, one per source. */
export const METRIC_PREFIXES = {
    events: "ClickHouseProfileEvents_",
    metrics: "ClickHouseMetrics_",
    asynchronous: "ClickHouseAsyncMetrics_",
    errors: "ClickHouseErrorMetric_",
} as const;

/** The server's name rule: `[^a-zA-Z0-9_:]` → `_`, then leading non-letters dropped; "" when nothing is left. */
export function sanitizeMetricName(name: string): string {
    return name.replace(/[^a-zA-Z0-9_:]/g, "_").replace(/^[^a-zA-Z]*/, "");
}

/** HELP text on one line, escaped as the text format wants (`\\`, `\n`). */
function helpText(s: string): string {
    return s.replace(/\\/g, "\\\\").replace(/\r?\n/g, " ");
}

interface Row {
    name: string;
    value: string;
    help: string;
}

const ASYNC_SQL = `
SELECT name, toString(value) AS value, help FROM (
    SELECT 'MaxPartCountForPartition' AS name, toFloat64(max(c)) AS value,
           'The maximum number of active parts in one partition of any MergeTree table.' AS help
    FROM (SELECT count() AS c FROM system.parts WHERE active GROUP BY database, table, partition_id)
    UNION ALL
    SELECT 'TotalPartsOfMergeTreeTables', toFloat64(count()),
           'Total amount of active data parts in all tables of MergeTree family.'
    FROM system.parts WHERE active
    UNION ALL
    SELECT 'TotalRowsOfMergeTreeTables', toFloat64(sum(rows)),
           'Total amount of rows stored in all tables of MergeTree family.'
    FROM system.parts WHERE active
    UNION ALL
    SELECT 'TotalBytesOfMergeTreeTables', toFloat64(sum(bytes_on_disk)),
           'Total amount of bytes (compressed, including data and indices) stored in all tables of MergeTree family.'
    FROM system.parts WHERE active
    UNION ALL
    SELECT 'NumberOfDatabases', toFloat64(count()), 'Total number of databases on the server.' FROM system.databases
    UNION ALL
    SELECT 'NumberOfTables', toFloat64(count()),
           'Total number of tables summed across the databases on the server, excluding system databases.'
    FROM system.tables WHERE NOT is_temporary AND database NOT IN ('system', 'INFORMATION_SCHEMA', 'information_schema')
)
FORMAT JSONEachRow`;

const SOURCES: { prefix: string; type: "counter" | "gauge"; sql: string }[] = [
    {
        prefix: METRIC_PREFIXES.events,
        type: "counter",
        sql:
            "SELECT event AS name, toString(value) AS value, description AS help FROM system.events " +
            "SETTINGS system_events_show_zero_values = 1 FORMAT JSONEachRow",
    },
    {
        prefix: METRIC_PREFIXES.metrics,
        type: "gauge",
        sql:
            "SELECT metric AS name, toString(value) AS value, description AS help " +
            "FROM system.metrics FORMAT JSONEachRow",
    },
    { prefix: METRIC_PREFIXES.asynchronous, type: "gauge", sql: ASYNC_SQL },
    {
        prefix: METRIC_PREFIXES.errors,
        type: "counter",
        sql:
            "SELECT name, toString(value) AS value, " +
            "concat('The number of ', name, ' errors since last server restart') AS help " +
            "FROM system.errors WHERE NOT remote " +
            "UNION ALL SELECT 'ALL', toString(sum(value)), 'The total number of errors since last server restart' " +
            "FROM system.errors WHERE NOT remote FORMAT JSONEachRow",
    },
];

/** The exposition (text format 0.0.4) of the engine's counters, read on a fresh connection. */
export async function renderEngineMetrics(engine: Engine): Promise<string> {
    const conn = engine.connect();
    try {
        const out: string[] = [];
        for (const source of SOURCES) {
            const r = await conn.query(source.sql, "JSONEachRow");
            const text = Buffer.from(r.bytes).toString("utf8");
            for (const line of text.split("\n")) {
                if (!line) continue;
                const row = JSON.parse(line) as Row;
                const name = sanitizeMetricName(row.name);
                if (!name) continue;
                const key = source.prefix + name;
                out.push(`# HELP ${key} ${helpText(row.help)}`, `# TYPE ${key} ${source.type}`, `${key} ${row.value}`);
            }
        }
        return out.join("\n") + "\n";
    } finally {
        conn.close();
    }
}

/** Content-Type of the exposition, as clickhouse-server sends it. */
export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=UTF-8";
