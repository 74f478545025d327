/**
 * placeholder (h22-platform): the signature of h22-prom's module from /work/monitoring-design.md,
 * so the platform code compiles before it lands. The lead drops this file at merge.
 */
export interface AlertThresholds {
    connectorFailedMinutes: number;
    sinkLagRecords: number;
    sinkLagMinutes: number;
    goldFreshnessSeconds: number;
    rejectsWindowMinutes: number;
    deadLettersMax: number;
    serviceDownMinutes: number;
    clickhousePartsMax: number;
    sourceDisconnectedMinutes: number;
}

export const DEFAULT_ALERT_THRESHOLDS: AlertThresholds = {
    connectorFailedMinutes: 5,
    sinkLagRecords: 10000,
    sinkLagMinutes: 10,
    goldFreshnessSeconds: 900,
    rejectsWindowMinutes: 10,
    deadLettersMax: 0,
    serviceDownMinutes: 2,
    clickhousePartsMax: 300,
    sourceDisconnectedMinutes: 2,
};

export const ALERT_NAMES: readonly string[] = ["CdcConnectorFailed"];

export function renderAlertRules(t: AlertThresholds, opts: { runbookBase?: string } = {}): string {
    const runbook = `${opts.runbookBase ?? "docs/operations.md"}#placeholder`;
    return [
        "groups:",
        "  - name: cdc-pipeline",
        "    rules:",
        "      - alert: CdcConnectorFailed",
        '        expr: max by (connector) (cdc_connector_state{state="FAILED"}) == 1',
        `        for: ${t.connectorFailedMinutes}m`,
        "        annotations:",
        `          runbook_url: ${runbook}`,
        "",
    ].join("\n");
}
