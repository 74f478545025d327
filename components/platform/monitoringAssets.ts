/**
 * The files monitoring deploys that other modules render: the Grafana dashboard, the Prometheus
 * alert rules with the stack's thresholds, and the pipeline exporter bundled into one script.
 * Computed once per program, only when `cdc:monitoring.enabled`.
 */
import type { MonitoringSettings } from "../config";
import { renderAlertRules } from "../monitoring/alerts";
import { renderDashboard } from "../monitoring/dashboard";
import { exporterBundle } from "../monitoring/exporterBundle";
import { DATASOURCE_UID, type MonitoringAssets } from "./shared/monitoring";

export function monitoringAssets(m: MonitoringSettings): MonitoringAssets {
    return {
        dashboardJson: renderDashboard({ datasourceUid: DATASOURCE_UID }),
        alertRulesYaml: renderAlertRules(m.alerts),
        exporterScript: exporterBundle(),
    };
}
