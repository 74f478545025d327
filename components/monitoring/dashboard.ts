/**
 * placeholder (h22-platform): the signature of h22-dashboard's module from
 * /work/monitoring-design.md, so the platform code compiles before it lands. The lead drops this
 * file at merge.
 */
export function renderDashboard(opts: { datasourceUid?: string } = {}): string {
    return JSON.stringify({
        uid: "cdc-pipeline",
        title: "CDC pipeline",
        panels: [
            {
                type: "timeseries",
                title: "placeholder",
                datasource: { type: "prometheus", uid: opts.datasourceUid ?? "prometheus" },
                targets: [{ expr: "up" }],
            },
        ],
    });
}

export function dashboardQueries(): { panel: string; expr: string }[] {
    return [{ panel: "placeholder", expr: "up" }];
}
