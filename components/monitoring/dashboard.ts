/**
 * The CDC pipeline's Grafana dashboard as code (uid `cdc-pipeline`), built with @grafana/grafana-foundation-sdk
 * from the panel list in `dashboardPanels.ts`. The stack provisions it into its Grafana; `npm run --silent dashboard`
 * prints it for import into another Grafana (docs/monitoring.md, "Import the dashboard").
 */
import type * as cog from "@grafana/grafana-foundation-sdk/cog";
import * as common from "@grafana/grafana-foundation-sdk/common";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as prometheus from "@grafana/grafana-foundation-sdk/prometheus";
import * as stat from "@grafana/grafana-foundation-sdk/stat";
import * as table from "@grafana/grafana-foundation-sdk/table";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import {
    DEFAULT_DASHBOARD_THRESHOLDS,
    dashboardRows,
    type DashboardThresholds,
    type PanelSpec,
    type QuerySpec,
} from "./dashboardPanels";

export { DEFAULT_DASHBOARD_THRESHOLDS, type DashboardThresholds } from "./dashboardPanels";

export const DASHBOARD_UID = "cdc-pipeline";
export const DASHBOARD_TITLE = "CDC pipeline: MongoDB to gold";
/** The dashboard variable that picks the Prometheus data source when no uid is given. */
export const DATASOURCE_VARIABLE = "datasource";

export interface DashboardOptions {
    /** The uid of the Prometheus data source; without it the dashboard asks for one (variable `datasource`). */
    datasourceUid?: string;
    /** The alert thresholds the panels draw; the fields not given keep the alerts' defaults. */
    thresholds?: Partial<DashboardThresholds>;
}

const refIds = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

function target(query: QuerySpec, index: number, datasource: common.DataSourceRef): prometheus.DataqueryBuilder {
    const builder = new prometheus.DataqueryBuilder()
        .refId(refIds[index])
        .datasource(datasource)
        .expr(query.expr)
        .legendFormat(query.legend ?? "__auto");
    if (query.instant) return builder.instant().format(prometheus.PromQueryFormat.Table);
    return builder.range();
}

function thresholds(spec: PanelSpec): dashboard.ThresholdsConfigBuilder | undefined {
    if (!spec.thresholds) return undefined;
    return new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(spec.thresholds);
}

function valueMappings(spec: PanelSpec): dashboard.ValueMapping[] {
    if (!spec.valueText) return [];
    return [{ type: dashboard.MappingType.ValueToText, options: spec.valueText }];
}

function timeseriesPanel(spec: PanelSpec): timeseries.PanelBuilder {
    const panel = new timeseries.PanelBuilder()
        .lineWidth(1)
        .fillOpacity(10)
        .showPoints(common.VisibilityMode.Never)
        .legend(
            new common.VizLegendOptionsBuilder()
                .showLegend(true)
                .displayMode(common.LegendDisplayMode.List)
                .placement(common.LegendPlacement.Bottom),
        )
        .tooltip(
            new common.VizTooltipOptionsBuilder()
                .mode(common.TooltipDisplayMode.Multi)
                .sort(common.SortOrder.Descending),
        );
    const steps = thresholds(spec);
    if (steps) {
        panel
            .thresholds(steps)
            .thresholdsStyle(
                new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed),
            );
    }
    return panel;
}

function statPanel(spec: PanelSpec): stat.PanelBuilder {
    const panel = new stat.PanelBuilder()
        .colorMode(common.BigValueColorMode.Background)
        .graphMode(common.BigValueGraphMode.None)
        .textMode(common.BigValueTextMode.ValueAndName)
        .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(["lastNotNull"]).values(false))
        .mappings(valueMappings(spec));
    const steps = thresholds(spec);
    if (steps) panel.thresholds(steps);
    return panel;
}

function tablePanel(): table.PanelBuilder {
    return new table.PanelBuilder().withTransformation({
        id: "organize",
        options: { excludeByName: { Time: true, Value: true }, renameByName: {} },
    });
}

function panel(spec: PanelSpec, id: number, datasource: common.DataSourceRef): cog.Builder<dashboard.Panel> {
    const builder =
        spec.kind === "timeseries" ? timeseriesPanel(spec) : spec.kind === "stat" ? statPanel(spec) : tablePanel();
    builder
        .id(id)
        .title(spec.title)
        .description(spec.description)
        .datasource(datasource)
        .height(spec.height)
        .span(spec.width)
        .targets(spec.queries.map((query, index) => target(query, index, datasource)));
    if (spec.unit) builder.unit(spec.unit);
    return builder;
}

/** The Grafana dashboard JSON (uid `cdc-pipeline`), pretty-printed. */
export function renderDashboard(opts: DashboardOptions = {}): string {
    const datasource: common.DataSourceRef = {
        type: "prometheus",
        uid: opts.datasourceUid ?? `\${${DATASOURCE_VARIABLE}}`,
    };
    const limits = { ...DEFAULT_DASHBOARD_THRESHOLDS, ...opts.thresholds };
    const builder = new dashboard.DashboardBuilder(DASHBOARD_TITLE)
        .uid(DASHBOARD_UID)
        .description(
            "The CDC pipeline from MongoDB through Debezium, Kafka and the ClickHouse sink to the bronze, silver and " +
                "gold layers: flow, lag, errors, connector states, gold refreshes, ClickHouse and the JVMs. " +
                "Generated by components/monitoring/dashboard.ts; docs/monitoring.md explains each panel.",
        )
        .tags(["cdc", "generated"])
        .time({ from: "now-1h", to: "now" })
        .refresh("30s")
        .timezone("browser")
        .tooltip(dashboard.DashboardCursorSync.Crosshair)
        .annotation(
            // Grafana's own "Annotations & Alerts" (what the UI adds to every new dashboard).
            new dashboard.AnnotationQueryBuilder()
                .name("Annotations & Alerts")
                .builtIn(1)
                .type("dashboard")
                .datasource({ type: "grafana", uid: "-- Grafana --" })
                .enable(true)
                .hide(true)
                .iconColor("rgba(0, 211, 255, 1)"),
        );
    // Grafana reads `templating.list` even when it is empty.
    builder.variables(
        opts.datasourceUid === undefined
            ? [new dashboard.DatasourceVariableBuilder(DATASOURCE_VARIABLE).label("Prometheus").type("prometheus")]
            : [],
    );
    let id = 0;
    for (const row of dashboardRows(limits)) {
        // An expanded row holds no panels: in Grafana's model its panels follow it at the top level.
        builder.withRow(new dashboard.RowBuilder(row.title).id(++id));
        for (const spec of row.panels) builder.withPanel(panel(spec, ++id, datasource));
    }
    return `${JSON.stringify(builder.build(), null, 2)}\n`;
}

/** Every panel's PromQL, in dashboard order (a panel with several queries appears once per query). */
export function dashboardQueries(): { panel: string; expr: string }[] {
    return dashboardRows(DEFAULT_DASHBOARD_THRESHOLDS).flatMap((row) =>
        row.panels.flatMap((spec) => spec.queries.map((query) => ({ panel: spec.title, expr: query.expr }))),
    );
}
