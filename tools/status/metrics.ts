/**
 * The pipeline exporter's metrics (`npm run status -- --serve PORT`, tools/status/serve.ts), made
 * from the same StatusReport `npm run status` prints: one code path. Names and labels are the
 * contract of the dashboard and the alerts (docs/operations.md lists them); prom-client renders
 * them in a Registry of this process (never the global one, no default Node metrics).
 *
 * Every family but the refresh-failure counter is a function of one report (`FAMILIES`); a family
 * with no sample in a report is printed with its HELP/TYPE only.
 */
import { Counter, Gauge, Registry } from "prom-client";
import { REJECT_COLLECTIONS, REJECT_REASONS } from "./reject-reasons";
import type { StageName, StatusReport } from "./types";

/** A value of one family in one report. */
export interface Sample {
    labels: Record<string, string>;
    value: number;
}

/** A metric family computed from a report. */
export interface Family {
    name: string;
    help: string;
    labelNames: readonly string[];
    type: "gauge" | "counter";
    samples(r: StatusReport): Sample[];
}

/* eslint-disable @typescript-eslint/no-explicit-any -- stage details: documented JSON (docs/operations.md). */
const details = (r: StatusReport, stage: StageName): any => r.stages.find((s) => s.stage === stage)?.details ?? {};

interface TableDetails {
    table: string;
    missing?: boolean;
    rows: number | null;
    ingestedAgeSeconds: number | null;
}
interface RefreshDetails {
    view: string;
    status: string;
    lastSuccessMs: number | null;
    lastRefreshMs: number | null;
    exception: string;
    ageSeconds: number | null;
    lastSuccessDurationMs?: number | null;
}
const tables = (r: StatusReport, stage: StageName): TableDetails[] => details(r, stage).tables ?? [];
const refreshes = (r: StatusReport): RefreshDetails[] => details(r, "gold").refreshes ?? [];
/* eslint-enable @typescript-eslint/no-explicit-any */

const VERDICT_VALUE = { ok: 0, lagging: 1, failed: 2 } as const;
/** The states `cdc_connector_state` has a series for (MISSING: Connect answered, the connector is not there). */
export const CONNECTOR_STATES = ["RUNNING", "PAUSED", "STOPPED", "FAILED", "UNASSIGNED", "RESTARTING", "MISSING"];

/**
 * The collection a bronze or silver table holds: silver's storage is `base_<collection>`, a bronze
 * table ends with `_<collection>` (`mongo_ecom_orders`); gold tables are named by their mart.
 */
export function collectionOf(layer: "bronze" | "silver" | "gold", table: string, r: StatusReport): string {
    if (layer === "gold") return table;
    if (layer === "silver") return table.replace(/^base_/, "");
    const known = tables(r, "silver").map((t) => t.table.replace(/^base_/, ""));
    return known.find((c) => table.endsWith(`_${c}`)) ?? table;
}

/** The last refresh of a view failed (the same rule as the gold verdict). */
export function refreshFailed(x: Pick<RefreshDetails, "exception" | "lastSuccessMs" | "lastRefreshMs">): boolean {
    return x.exception !== "" && (x.lastSuccessMs === null || (x.lastRefreshMs ?? 0) > x.lastSuccessMs);
}

const LAYERS = ["bronze", "silver", "gold"] as const;

/** The families computed from one report, in the order they are printed. */
export const FAMILIES: readonly Family[] = [
    {
        name: "cdc_component_up",
        help: "1 when the service answered the exporter's reads within the deadline (TLS and login accepted), else 0",
        labelNames: ["component"],
        type: "gauge",
        samples: (r) =>
            Object.entries(r.components).map(([component, c]) => ({ labels: { component }, value: c.up ? 1 : 0 })),
    },
    {
        name: "cdc_status_verdict",
        help: "Verdict of each stage of npm run status: 0 ok, 1 lagging, 2 failed",
        labelNames: ["component"],
        type: "gauge",
        samples: (r) => r.stages.map((s) => ({ labels: { component: s.stage }, value: VERDICT_VALUE[s.verdict] })),
    },
    {
        name: "cdc_layer_freshness_seconds",
        help: "Seconds since the newest _ingested_at (bronze, silver) or the last successful refresh (gold)",
        labelNames: ["layer", "collection"],
        type: "gauge",
        samples: (r) => [
            ...(["bronze", "silver"] as const).flatMap((layer) =>
                tables(r, layer)
                    .filter((t) => t.ingestedAgeSeconds !== null)
                    .map((t) => ({
                        labels: { layer, collection: collectionOf(layer, t.table, r) },
                        value: t.ingestedAgeSeconds!,
                    })),
            ),
            ...tables(r, "gold").flatMap((t) => {
                const x = refreshes(r).find((v) => v.view === `${t.table}__refresh`);
                return x && x.ageSeconds !== null
                    ? [{ labels: { layer: "gold", collection: t.table }, value: x.ageSeconds }]
                    : [];
            }),
        ],
    },
    {
        name: "cdc_layer_rows",
        help: "Rows stored per layer and collection (rate() gives events per second)",
        labelNames: ["layer", "collection"],
        type: "gauge",
        samples: (r) =>
            LAYERS.flatMap((layer) =>
                tables(r, layer)
                    .filter((t) => t.rows !== null)
                    .map((t) => ({ labels: { layer, collection: collectionOf(layer, t.table, r) }, value: t.rows! })),
            ),
    },
    {
        name: "cdc_bronze_rejects_total",
        help: "Rows in bronze_rejects (bronze rows that cannot shape silver) by collection and reason",
        labelNames: ["collection", "reason"],
        type: "counter",
        samples: (r) => {
            const by = details(r, "silver").rejectsBy as
                { collection: string; reason: string; rows: number }[] | undefined;
            // Unread bronze_rejects: no series (a 0 would claim there are none).
            if (!by) return [];
            const key = (c: string, reason: string): string => `${c}\u0000${reason}`;
            const rows = new Map(by.map((x) => [key(x.collection, x.reason), x.rows]));
            // A 0 for every pair the project can produce, then any other pair bronze_rejects holds.
            const grid = REJECT_COLLECTIONS.flatMap((collection) =>
                REJECT_REASONS.map((reason) => ({
                    labels: { collection, reason },
                    value: rows.get(key(collection, reason)) ?? 0,
                })),
            );
            const inGrid = new Set(grid.map((s) => key(s.labels.collection, s.labels.reason)));
            const others = by
                .filter((x) => !inGrid.has(key(x.collection, x.reason)))
                .map((x) => ({ labels: { collection: x.collection, reason: x.reason }, value: x.rows }));
            return [...grid, ...others];
        },
    },
    {
        name: "cdc_dead_letter_records",
        help: "Records in the sink's dead-letter topic",
        labelNames: ["topic"],
        type: "gauge",
        samples: (r) => {
            const d = details(r, "sink").deadLetter as { topic: string; depth: number | null } | null | undefined;
            return d && d.depth !== null ? [{ labels: { topic: d.topic }, value: d.depth }] : [];
        },
    },
    {
        name: "cdc_connector_state",
        help: "1 for the connector's current state (MISSING: not on the worker); no series while Connect is down",
        labelNames: ["connector", "role", "state"],
        type: "gauge",
        samples: (r) =>
            connectors(r).flatMap(({ c, role }) => {
                // An error other than not-found (e.g. HTTP 500) says nothing about the state: no series.
                if (!r.components.connect.up || (c.error && !c.error.startsWith("not found"))) return [];
                const current = c.error ? "MISSING" : (c.state ?? "MISSING");
                return CONNECTOR_STATES.map((state) => ({
                    labels: { connector: c.name, role, state },
                    value: state === current ? 1 : 0,
                }));
            }),
    },
    {
        name: "cdc_connector_failed_tasks",
        help: "Tasks of the connector in state FAILED",
        labelNames: ["connector", "role"],
        type: "gauge",
        samples: (r) =>
            r.components.connect.up
                ? connectors(r).map(({ c, role }) => ({
                      labels: { connector: c.name, role },
                      value: c.tasks.filter((t) => t.state === "FAILED").length,
                  }))
                : [],
    },
    {
        name: "cdc_sink_lag_records",
        help: "Records the sink's consumer group is behind the log end, summed over the topic's partitions",
        labelNames: ["topic"],
        type: "gauge",
        samples: (r) => {
            const sums = new Map<string, number>();
            for (const l of (details(r, "sink").lag ?? []) as { topic: string; lag: number }[])
                sums.set(l.topic, (sums.get(l.topic) ?? 0) + l.lag);
            return [...sums].map(([topic, value]) => ({ labels: { topic }, value }));
        },
    },
    {
        name: "cdc_gold_refresh_last_success_timestamp_seconds",
        help: "Unix time of the last successful refresh of the gold view",
        labelNames: ["view"],
        type: "gauge",
        samples: (r) =>
            refreshes(r)
                .filter((x) => x.lastSuccessMs !== null)
                .map((x) => ({ labels: { view: x.view }, value: x.lastSuccessMs! / 1000 })),
    },
    {
        name: "cdc_gold_refresh_duration_seconds",
        help: "Duration of the last successful refresh of the gold view (when the server reports it)",
        labelNames: ["view"],
        type: "gauge",
        samples: (r) =>
            refreshes(r)
                .filter((x) => x.lastSuccessDurationMs !== undefined && x.lastSuccessDurationMs !== null)
                .map((x) => ({ labels: { view: x.view }, value: x.lastSuccessDurationMs! / 1000 })),
    },
    {
        name: "cdc_schema_drift_fields",
        help: "Field paths in schema_drift per collection: unmodelled (silver ignores them) or type_change (rejects)",
        labelNames: ["collection", "kind"],
        type: "gauge",
        samples: (r) =>
            ((details(r, "drift").counts ?? []) as { collection: string; kind: string; fields: number }[]).map((c) => ({
                labels: { collection: c.collection, kind: c.kind },
                value: c.fields,
            })),
    },
    {
        name: "cdc_backup_last_success_timestamp_seconds",
        // Labelled by the backup's name: an unlabelled gauge would print 0 (1970) before the first backup.
        help: "Unix time of the last successful backup in the cdc_backups catalog (no series: no backup yet)",
        labelNames: ["backup"],
        type: "gauge",
        samples: (r) =>
            r.backup?.last
                ? [{ labels: { backup: r.backup.last.name }, value: Date.parse(r.backup.last.createdAt) / 1000 }]
                : [],
    },
    {
        name: "cdc_backup_last_size_bytes",
        help: "Size in bytes of the last successful backup (as ClickHouse reported it)",
        labelNames: ["backup"],
        type: "gauge",
        samples: (r) =>
            r.backup?.last ? [{ labels: { backup: r.backup.last.name }, value: r.backup.last.sizeBytes }] : [],
    },
];

function connectors(
    r: StatusReport,
): { c: { name: string; state: string | null; error: string | null; tasks: { state: string }[] }; role: string }[] {
    return (["source", "sink"] as const)
        .map((role) => ({ c: details(r, role).connector, role }))
        .filter((x) => x.c !== undefined);
}

/**
 * The exporter's metrics, one instance per process: the report's families, the refresh failures
 * it observed (a new failure = a failed last refresh at a refresh time not counted before) and the
 * duration of its last collection.
 */
export class PipelineMetrics {
    readonly registry = new Registry();
    private readonly gauges = new Map<string, Gauge | Counter>();
    private readonly failures: Counter;
    private readonly scrape: Gauge;
    /** Per view: the last refresh time (ms) whose failure was counted. */
    private readonly counted = new Map<string, number | null>();

    constructor(private readonly families: readonly Family[] = FAMILIES) {
        for (const f of families) {
            const cfg = { name: f.name, help: f.help, labelNames: f.labelNames, registers: [this.registry] };
            this.gauges.set(f.name, f.type === "counter" ? new Counter(cfg) : new Gauge(cfg));
        }
        this.failures = new Counter({
            name: "cdc_gold_refresh_failures_total",
            help: "Failed refreshes of the gold view the exporter observed (each failed refresh time counted once)",
            labelNames: ["view"],
            registers: [this.registry],
        });
        this.scrape = new Gauge({
            name: "cdc_exporter_scrape_duration_seconds",
            help: "How long the exporter's last collection took",
            registers: [this.registry],
        });
    }

    /** Sets every family from `report` and counts new refresh failures. */
    update(report: StatusReport, scrapeSeconds: number): void {
        for (const f of this.families) {
            const m = this.gauges.get(f.name)!;
            m.reset();
            for (const s of f.samples(report)) {
                if (m instanceof Counter) m.inc(s.labels, s.value);
                else m.set(s.labels, s.value);
            }
        }
        for (const x of refreshes(report)) {
            this.failures.inc({ view: x.view }, 0);
            if (!refreshFailed(x) || this.counted.get(x.view) === x.lastRefreshMs) continue;
            this.counted.set(x.view, x.lastRefreshMs);
            this.failures.inc({ view: x.view });
        }
        this.scrape.set(scrapeSeconds);
    }

    /** Prometheus text exposition format. */
    render(): Promise<string> {
        return this.registry.metrics();
    }

    get contentType(): string {
        return this.registry.contentType;
    }
}

/** The metrics of one report, as the exporter's first scrape would serve them (pure: unit-tested). */
export function renderMetrics(report: StatusReport, scrapeSeconds = 0): Promise<string> {
    const m = new PipelineMetrics();
    m.update(report, scrapeSeconds);
    return m.render();
}
