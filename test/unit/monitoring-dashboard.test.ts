/**
 * Unit tier: the Grafana dashboard as code (components/monitoring/dashboard.ts). Grafana itself cannot run here, so
 * the rendered JSON is checked for the shape Grafana's dashboard model needs, every query against the metric catalog
 * of the monitoring design (test/support/metric-catalog.ts), every query for PromQL syntax with promtool (the
 * Prometheus build of scripts/warm-caches.sh; a loud skip without it, a failure under CI=true), and the whole JSON
 * against a committed snapshot for review (`UPDATE_SNAPSHOTS=1` rewrites it). docs/monitoring.md says what this
 * proves and what it does not.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import * as yaml from "js-yaml";
import {
    DASHBOARD_UID,
    DATASOURCE_VARIABLE,
    DEFAULT_DASHBOARD_THRESHOLDS,
    dashboardQueries,
    renderDashboard,
} from "../../components/monitoring/dashboard";
import { parseDashboardFlags } from "../../tools/dashboard";
import { catalogMetric, isCatalogMetric, METRIC_CATALOG } from "../support/metric-catalog";
import { metricNamesIn } from "../support/promql-names";
import { requireTier } from "../support/tier";

interface GridPos {
    x: number;
    y: number;
    w: number;
    h: number;
}
interface Target {
    refId?: string;
    expr?: string;
    datasource?: { type?: string; uid?: string };
}
interface Panel {
    id?: number;
    type: string;
    title?: string;
    gridPos?: GridPos;
    collapsed?: boolean;
    panels?: Panel[];
    datasource?: { type?: string; uid?: string };
    targets?: Target[];
    fieldConfig?: { defaults?: { thresholds?: { steps: { value: number | null; color: string }[] } } };
}
interface Dashboard {
    uid: string;
    title: string;
    schemaVersion: number;
    time: { from: string; to: string };
    templating: { list: { type: string; name: string; query?: string }[] };
    annotations: { list: unknown[] };
    panels: Panel[];
}

const parse = (json: string) => JSON.parse(json) as Dashboard;
const VARIABLE_REF = `\${${DATASOURCE_VARIABLE}}`;
/** The panel types this dashboard may use: Grafana's core panels, no plugin to install. */
const CORE_PANEL_TYPES = new Set(["row", "timeseries", "stat", "table"]);
/** Labels every scraped series carries (the target's), besides the metric's own. */
const TARGET_LABELS = ["job", "instance"];

const allPanels = (d: Dashboard): Panel[] => d.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
const queryPanels = (d: Dashboard): Panel[] => d.panels.filter((p) => p.type !== "row");
const byTitle = (d: Dashboard, title: string): Panel => {
    const panel = d.panels.find((p) => p.title === title);
    assert.ok(panel, `no panel titled ${JSON.stringify(title)}`);
    return panel;
};
const overlaps = (a: GridPos, b: GridPos) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

describe("renderDashboard: the shape Grafana's dashboard model needs", () => {
    const d = parse(renderDashboard());

    it("is one JSON document with the uid, a title, a schema version, a time range and annotation/variable lists", () => {
        assert.equal(d.uid, DASHBOARD_UID);
        assert.equal(d.uid, "cdc-pipeline");
        assert.ok(d.title.length > 0);
        assert.ok(Number.isInteger(d.schemaVersion) && d.schemaVersion >= 39, `schemaVersion ${d.schemaVersion}`);
        assert.deepEqual(d.time, { from: "now-1h", to: "now" });
        assert.ok(Array.isArray(d.annotations.list), "annotations.list must be an array");
        assert.ok(Array.isArray(d.templating.list), "templating.list must be an array");
    });

    it("gives every panel and row a unique integer id and a core panel type", () => {
        const ids = allPanels(d).map((p) => p.id);
        for (const id of ids) assert.ok(Number.isInteger(id) && (id as number) > 0, `bad panel id ${id}`);
        assert.equal(new Set(ids).size, ids.length, `duplicate panel ids in ${ids.join(",")}`);
        for (const p of allPanels(d)) assert.ok(CORE_PANEL_TYPES.has(p.type), `${p.title}: type ${p.type}`);
    });

    it("places every panel inside the 24-column grid without overlapping another", () => {
        const placed = d.panels.map((p) => ({ title: p.title, pos: p.gridPos as GridPos }));
        for (const { title, pos } of placed) {
            assert.ok(pos, `${title}: no gridPos`);
            for (const k of ["x", "y", "w", "h"] as const) assert.ok(Number.isInteger(pos[k]), `${title}: ${k}`);
            assert.ok(pos.x >= 0 && pos.y >= 0 && pos.w >= 1 && pos.h >= 1, `${title}: ${JSON.stringify(pos)}`);
            assert.ok(pos.x + pos.w <= 24, `${title} overflows the grid: ${JSON.stringify(pos)}`);
        }
        for (let i = 0; i < placed.length; i++) {
            for (let j = i + 1; j < placed.length; j++) {
                assert.ok(
                    !overlaps(placed[i].pos, placed[j].pos),
                    `${placed[i].title} ${JSON.stringify(placed[i].pos)} overlaps ` +
                        `${placed[j].title} ${JSON.stringify(placed[j].pos)}`,
                );
            }
        }
    });

    it("keeps the panels of an expanded row after it at the top level (Grafana ignores panels nested in one)", () => {
        const rows = d.panels.filter((p) => p.type === "row");
        assert.ok(rows.length >= 6, `only ${rows.length} rows`);
        assert.equal(d.panels[0].type, "row", "the dashboard starts with a row");
        for (const row of rows) {
            assert.equal(row.collapsed, false, `${row.title} is collapsed`);
            assert.deepEqual(row.panels, [], `${row.title} nests panels`);
            assert.equal(row.gridPos?.w, 24, `${row.title} is not full width`);
            const next = d.panels[d.panels.indexOf(row) + 1];
            assert.ok(next && next.type !== "row", `${row.title} has no panel`);
            // Each panel lies below its row and above the next one.
            assert.ok((next.gridPos as GridPos).y > (row.gridPos as GridPos).y, `${row.title}: ${next.title}`);
        }
        const ys = d.panels.map((p) => (p.gridPos as GridPos).y);
        assert.deepEqual(
            ys,
            [...ys].sort((a, b) => a - b),
            "panels are listed top to bottom",
        );
    });

    it("refers every panel and query to the Prometheus data source variable, and declares the variable", () => {
        const variable = d.templating.list.find((v) => v.name === DATASOURCE_VARIABLE);
        assert.deepEqual(variable && { type: variable.type, query: variable.query }, {
            type: "datasource",
            query: "prometheus",
        });
        for (const p of queryPanels(d)) {
            assert.deepEqual(p.datasource, { type: "prometheus", uid: VARIABLE_REF }, `${p.title}: datasource`);
            for (const t of p.targets ?? []) {
                assert.deepEqual(t.datasource, { type: "prometheus", uid: VARIABLE_REF }, `${p.title}: target`);
            }
        }
    });

    it("gives every query panel targets with unique refIds and a PromQL expr", () => {
        for (const p of queryPanels(d)) {
            const targets = p.targets ?? [];
            assert.ok(targets.length >= 1, `${p.title}: no targets`);
            const refIds = targets.map((t) => t.refId);
            for (const refId of refIds) assert.match(refId ?? "", /^[A-Z]$/, `${p.title}: refId`);
            assert.equal(new Set(refIds).size, refIds.length, `${p.title}: duplicate refIds ${refIds.join(",")}`);
            for (const t of targets) assert.ok((t.expr ?? "").trim().length > 0, `${p.title}: empty expr`);
        }
    });

    it("lists in dashboardQueries() exactly the exprs of the rendered panels, in order", () => {
        const rendered = queryPanels(d).flatMap((p) =>
            (p.targets ?? []).map((t) => ({ panel: p.title as string, expr: t.expr as string })),
        );
        assert.deepEqual(dashboardQueries(), rendered);
    });

    it("uses a given data source uid everywhere and then declares no variable", () => {
        const json = renderDashboard({ datasourceUid: "prom-main" });
        assert.ok(!json.includes(VARIABLE_REF), "the variable reference is left in");
        const fixed = parse(json);
        assert.deepEqual(fixed.templating.list, []);
        for (const p of queryPanels(fixed)) {
            assert.deepEqual(p.datasource, { type: "prometheus", uid: "prom-main" }, `${p.title}`);
            for (const t of p.targets ?? []) assert.equal(t.datasource?.uid, "prom-main", `${p.title}: target`);
        }
    });
});

describe("renderDashboard: thresholds are the alerts'", () => {
    const redFrom = (p: Panel) => p.fieldConfig?.defaults?.thresholds?.steps.find((s) => s.color === "red")?.value;

    it("draws the default alert thresholds on the lag, freshness, dead-letter and parts panels", () => {
        const d = parse(renderDashboard());
        assert.equal(redFrom(byTitle(d, "Sink consumer lag")), 10000);
        assert.equal(redFrom(byTitle(d, "Gold freshness")), 900);
        assert.equal(redFrom(byTitle(d, "Since the last successful refresh")), 900);
        assert.equal(redFrom(byTitle(d, "Dead-letter records")), 1, "red from the first record over deadLettersMax 0");
        assert.equal(redFrom(byTitle(d, "Parts in the busiest partition")), 300);
        assert.deepEqual(DEFAULT_DASHBOARD_THRESHOLDS, {
            sinkLagRecords: 10000,
            goldFreshnessSeconds: 900,
            deadLettersMax: 0,
            clickhousePartsMax: 300,
        });
    });

    it("draws the thresholds it is given and keeps the defaults of the others", () => {
        const d = parse(renderDashboard({ thresholds: { sinkLagRecords: 250, deadLettersMax: 9 } }));
        assert.equal(redFrom(byTitle(d, "Sink consumer lag")), 250);
        assert.equal(redFrom(byTitle(d, "Dead-letter records")), 10);
        assert.equal(redFrom(byTitle(d, "Gold freshness")), 900);
    });
});

describe("dashboardQueries: only the metric names of the monitoring design", () => {
    const queries = dashboardQueries();

    it("selects only catalog metrics in every query", () => {
        const unknown = queries.flatMap(({ panel, expr }) =>
            metricNamesIn(expr)
                .filter((name) => !isCatalogMetric(name))
                .map((name) => `${panel}: ${name} (in ${expr})`),
        );
        assert.deepEqual(unknown, [], "metric names not in test/support/metric-catalog.ts");
    });

    it("needs no metric that a later issue adds", () => {
        const later = queries.flatMap(({ panel, expr }) =>
            metricNamesIn(expr)
                .filter((name) => catalogMetric(name)?.laterIssue !== undefined)
                .map((name) => `${panel}: ${name}`),
        );
        assert.deepEqual(later, []);
    });

    it("matches and groups only by labels the selected metrics carry", () => {
        const problems: string[] = [];
        for (const { panel, expr } of queries) {
            const names = metricNamesIn(expr);
            const known = new Set([...TARGET_LABELS, ...names.flatMap((n) => catalogMetric(n)?.labels ?? [])]);
            const matched = [...expr.matchAll(/[A-Za-z_:][\w:]*\{([^}]*)\}/g)].flatMap((m) =>
                [...m[1].matchAll(/([A-Za-z_]\w*)\s*(?:=~|!~|!=|=)/g)].map((l) => l[1]),
            );
            const grouped = [...expr.matchAll(/\b(?:by|without|on|ignoring)\s*\(([^)]*)\)/g)].flatMap((m) =>
                m[1].split(",").map((l) => l.trim()),
            );
            for (const label of [...matched, ...grouped]) {
                if (label && !known.has(label)) problems.push(`${panel}: label ${label} (in ${expr})`);
            }
        }
        assert.deepEqual(problems, []);
    });

    it("shows every metric of the catalog that #22 serves", () => {
        const used = new Set(queries.flatMap(({ expr }) => metricNamesIn(expr)));
        const missing = METRIC_CATALOG.filter((m) => m.laterIssue === undefined && !used.has(m.name)).map(
            (m) => m.name,
        );
        assert.deepEqual(missing, [], "catalog metrics no panel shows");
    });
});

/** Where promtool is: CDC_PROMTOOL, else the Prometheus build cache of scripts/warm-caches.sh. */
function promtoolPath(): string {
    return (
        process.env.CDC_PROMTOOL ??
        path.join(os.homedir(), ".cache", "cdc-pipeline", "prometheus-v0.316.0", "bin", "promtool")
    );
}

/** Grafana's interval variables replaced by durations, so promtool parses what Grafana would send. */
function withGrafanaVariablesResolved(expr: string): string {
    return expr.replace(/\$__rate_interval|\$__interval|\$__range/g, (v) => (v === "$__range" ? "1h" : "1m"));
}

/** `promtool check rules` on one recording rule per expression: exit status and output. */
function promtoolCheck(promtool: string, exprs: string[]): { status: number | null; output: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cdc-dashboard-promql-"));
    try {
        const rules = exprs.map((expr, i) => ({ record: `cdc_dashboard:query_${i + 1}`, expr }));
        const file = path.join(dir, "dashboard-queries.rules.yml");
        fs.writeFileSync(file, yaml.dump({ groups: [{ name: "dashboard-queries", rules }] }, { lineWidth: -1 }));
        const run = spawnSync(promtool, ["check", "rules", file], { encoding: "utf8", timeout: 60_000 });
        return { status: run.status, output: `${run.stdout ?? ""}${run.stderr ?? ""}${run.error?.message ?? ""}` };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

describe("dashboardQueries: valid PromQL (promtool check rules)", () => {
    const promtool = promtoolPath();
    const missing = fs.existsSync(promtool)
        ? undefined
        : `promtool not found at ${promtool}: build it with \`bash scripts/warm-caches.sh\` (Prometheus v0.316.0 ` +
          "from Go modules) or point CDC_PROMTOOL at one";

    it("parses every query once Grafana's interval variables are resolved", (t) => {
        if (!requireTier(t, "prometheus", missing)) return;
        const exprs = dashboardQueries().map(({ expr }) => withGrafanaVariablesResolved(expr));
        for (const expr of exprs) assert.ok(!expr.includes("$"), `an unresolved Grafana variable in ${expr}`);
        const { status, output } = promtoolCheck(promtool, exprs);
        const listing = dashboardQueries()
            .map(({ panel, expr }, i) => `  query_${i + 1} ${panel}: ${expr}`)
            .join("\n");
        assert.equal(status, 0, `promtool check rules failed:\n${output}\nqueries:\n${listing}`);
    });

    it("is a check that can fail: promtool refuses a broken query", (t) => {
        if (!requireTier(t, "prometheus", missing)) return;
        const { status, output } = promtoolCheck(promtool, ["sum by (job (up)"]);
        assert.notEqual(status, 0, `promtool accepted a broken query:\n${output}`);
    });

    it("resolves Grafana's interval variables to durations", () => {
        assert.equal(withGrafanaVariablesResolved("rate(x[$__rate_interval])"), "rate(x[1m])");
        assert.equal(withGrafanaVariablesResolved("increase(x[$__range]) / $__interval"), "increase(x[1h]) / 1m");
    });
});

describe("renderDashboard: the committed snapshot", () => {
    it("equals test/unit/__snapshots__/grafana-dashboard.cdc-pipeline.json (UPDATE_SNAPSHOTS=1 to accept)", () => {
        const file = path.join(__dirname, "__snapshots__", "grafana-dashboard.cdc-pipeline.json");
        const rendered = renderDashboard();
        if (process.env.UPDATE_SNAPSHOTS === "1") fs.writeFileSync(file, rendered);
        assert.ok(fs.existsSync(file), `snapshot ${file} is missing: run the test with UPDATE_SNAPSHOTS=1`);
        assert.deepEqual(JSON.parse(rendered), JSON.parse(fs.readFileSync(file, "utf8")), `differs from ${file}`);
    });
});

describe("docs/monitoring.md", () => {
    it("explains every panel and every row of the dashboard", () => {
        const doc = fs.readFileSync(path.resolve(__dirname, "..", "..", "docs", "monitoring.md"), "utf8");
        const titles = parse(renderDashboard()).panels.map((p) => p.title as string);
        assert.deepEqual(
            titles.filter((title) => !doc.includes(title)),
            [],
            "panel or row titles docs/monitoring.md does not mention",
        );
    });
});

describe("npm run --silent dashboard", () => {
    it("takes --datasource-uid as a separate or inline value", () => {
        assert.deepEqual(parseDashboardFlags([]), {});
        assert.deepEqual(parseDashboardFlags(["--datasource-uid", "prom"]), { datasourceUid: "prom" });
        assert.deepEqual(parseDashboardFlags(["--datasource-uid=prom"]), { datasourceUid: "prom" });
    });

    it("refuses an unknown flag or a missing uid, naming the fix", () => {
        assert.throws(() => parseDashboardFlags(["--uid", "x"]), /unknown flag "--uid".*--datasource-uid UID/);
        assert.throws(() => parseDashboardFlags(["--datasource-uid"]), /--datasource-uid needs the uid/);
    });

    it("prints the rendered dashboard and nothing else on stdout", () => {
        const root = path.resolve(__dirname, "..", "..");
        const run = spawnSync(
            process.execPath,
            ["--import", "tsx", "tools/dashboard.ts", "--datasource-uid", "prom-main"],
            { cwd: root, encoding: "utf8", timeout: 60_000 },
        );
        assert.equal(run.status, 0, run.stderr);
        assert.equal(run.stdout, renderDashboard({ datasourceUid: "prom-main" }));
    });
});
