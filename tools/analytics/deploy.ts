/**
 * Deploys the analytics half on a ClickHouse exactly as the stack does: the database and the
 * bronze tables (the BronzeTables provider's DDL), then the dbt project (the DbtRun provider's
 * runner) with the vars the stack derives from its config. Used by the live mode, the replay
 * and the benchmarks.
 */
import * as path from "node:path";
import type { ClickHouseClient } from "@clickhouse/client";
import { bronzeTableDdl, createDatabaseDdl } from "../../components/providers/bronzeTables/ddl";
import { runDbt, type DbtClickHouse } from "../../components/providers/dbt/run";
import type { DbtRunSummary } from "../../components/providers/dbt/summary";
import { analyticsVars, DEFAULT_ANALYTICS_NAMES, type AnalyticsNames } from "../../components/analytics/vars";

/** The dbt project of this repository (ecom_analytics/). */
export const PROJECT_DIR = path.resolve(__dirname, "..", "..", "ecom_analytics");

/** Bronze table of each role for `names`. */
export function bronzeTablesOf(names: AnalyticsNames = DEFAULT_ANALYTICS_NAMES): {
    customers: string;
    products: string;
    orders: string;
} {
    const v = analyticsVars(names);
    return { customers: v.bronze_customers, products: v.bronze_products, orders: v.bronze_orders };
}

/** Creates the database (Atomic) and the three bronze tables when missing. */
export async function createBronze(
    client: ClickHouseClient,
    database: string,
    names: AnalyticsNames = DEFAULT_ANALYTICS_NAMES,
): Promise<void> {
    await client.command({ query: createDatabaseDdl(database) });
    for (const table of Object.values(bronzeTablesOf(names)))
        await client.command({ query: bronzeTableDdl(database, table) });
}

/** `dbt build` of the project into `clickhouse.database` with the stack's vars for `names`. */
export function deployModels(
    clickhouse: DbtClickHouse,
    o: {
        names?: AnalyticsNames;
        extraVars?: Record<string, string>;
        command?: "build" | "run";
        fullRefresh?: boolean;
        select?: string[];
        threads?: number;
        log?: (l: string) => void;
    } = {},
): Promise<DbtRunSummary> {
    return runDbt({
        projectDir: PROJECT_DIR,
        clickhouse,
        command: o.command ?? "build",
        threads: o.threads ?? 1,
        vars: { ...analyticsVars(o.names ?? DEFAULT_ANALYTICS_NAMES), ...o.extraVars },
        fullRefresh: o.fullRefresh,
        select: o.select,
        log: o.log,
    });
}
