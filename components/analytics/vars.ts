/**
 * The dbt project's vars that come from the stack's config: the bronze table of each role
 * (`<topicPrefix>_<database>_<collection>`, the name the sink writes) and the gold refresh
 * interval. One function, used by the stack's DbtRun, `npm run dbt` (through the stack output
 * `dbtVars`) and the analytics tools, so every configurable name reaches the models the same way.
 */
import { bronzeTableName } from "../../connectors/naming";

/** What {@link analyticsVars} needs from the config. */
export interface AnalyticsNames {
    topicPrefix: string;
    /** MongoDB database captured. */
    database: string;
    collections: { customers: string; products: string; orders: string };
    /** Gold refresh interval, seconds. */
    refreshSeconds: number;
}

/** The default config's names (the dbt project's own defaults). */
export const DEFAULT_ANALYTICS_NAMES: AnalyticsNames = {
    topicPrefix: "mongo",
    database: "ecom",
    collections: { customers: "customers", products: "products", orders: "orders" },
    refreshSeconds: 5,
};

/** `--vars` for dbt: `bronze_customers`, `bronze_products`, `bronze_orders`, `gold_refresh_seconds`. */
export function analyticsVars(n: AnalyticsNames): Record<string, string> {
    const table = (c: string): string => bronzeTableName(n.topicPrefix, n.database, c);
    return {
        bronze_customers: table(n.collections.customers),
        bronze_products: table(n.collections.products),
        bronze_orders: table(n.collections.orders),
        gold_refresh_seconds: String(n.refreshSeconds),
    };
}
