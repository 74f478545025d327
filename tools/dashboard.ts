/**
 * `npm run --silent dashboard [-- --datasource-uid UID] > cdc.json`: prints the pipeline's Grafana dashboard
 * (components/monitoring/dashboard.ts) for import into a Grafana of your own (docs/monitoring.md, "Import the
 * dashboard"). Without --datasource-uid the dashboard asks for its Prometheus data source in a variable.
 */
import { renderDashboard } from "../components/monitoring/dashboard";

const USAGE = "usage: npm run --silent dashboard [-- --datasource-uid UID] > cdc.json";

export function parseDashboardFlags(argv: string[]): { datasourceUid?: string } {
    const flags: { datasourceUid?: string } = {};
    for (let i = 0; i < argv.length; i++) {
        const [name, inline] = argv[i].split("=", 2);
        if (name === "--help" || name === "-h") throw new Error(USAGE);
        if (name !== "--datasource-uid") {
            throw new Error(`unknown flag ${JSON.stringify(argv[i])}; ${USAGE}`);
        }
        const value = inline ?? argv[++i];
        if (!value || value.startsWith("--")) {
            throw new Error(`--datasource-uid needs the uid of a Prometheus data source, e.g. --datasource-uid prom`);
        }
        flags.datasourceUid = value;
    }
    return flags;
}

if (require.main === module) {
    try {
        process.stdout.write(renderDashboard(parseDashboardFlags(process.argv.slice(2))));
    } catch (err) {
        process.stderr.write(`${(err as Error).message}\n`);
        process.exitCode = 2;
    }
}
