/**
 * The dbt project's vars that come from the stack's config: the bronze table of each role
 * (`<topicPrefix>_<database>_<collection>`, the name the sink writes) and the gold refresh
 * interval. One function, used by the stack's DbtRun, `npm run dbt` (through the stack output
 * `dbtVars`) and the analytics tools, so every configurable name reaches the models the same way.
 */
import { bronzeTableName } from "../../connectors/naming";
import { pipelineShape } from "../config/pipeline";

/** What {@link analyticsVars} needs from the config. */
export interface AnalyticsNames {
    topicPrefix: string;
    /** MongoDB database captured. */
    database: string;
    collections: { customers: string; products: string; orders: string };
    /** Gold refresh interval, seconds. */
    refreshSeconds: number;
    /** ClickHouse is replicated (a `Replicated` database): adds `cdc_replicated`. Absent or false: the single node. */
    replicated?: boolean;
}

/**
 * The default config's names and refresh interval, read from the config's fields (their defaults
 * are written there only). The dbt project has no default for `gold_refresh_seconds`: every
 * caller passes it from here or from the stack's config.
 */
export const DEFAULT_ANALYTICS_NAMES: AnalyticsNames = {
    topicPrefix: pipelineShape.kafka.topicPrefix.defaultValue(),
    database: pipelineShape.mongo.database.defaultValue(),
    collections: {
        customers: pipelineShape.mongo.collections.customers.defaultValue(),
        products: pipelineShape.mongo.collections.products.defaultValue(),
        orders: pipelineShape.mongo.collections.orders.defaultValue(),
    },
    refreshSeconds: pipelineShape.analytics.refreshSeconds.defaultValue(),
};

/**
 * `--vars` for dbt: `bronze_customers`, `bronze_products`, `bronze_orders`, `gold_refresh_seconds`, and with
 * `replicated` `cdc_replicated: "true"` (absent otherwise, so the single node's vars are as they were). The var is in
 * DbtRun's hash: a change of shape re-runs dbt.
 */
export function analyticsVars(n: AnalyticsNames): Record<string, string> {
    const table = (c: string): string => bronzeTableName(n.topicPrefix, n.database, c);
    return {
        bronze_customers: table(n.collections.customers),
        bronze_products: table(n.collections.products),
        bronze_orders: table(n.collections.orders),
        gold_refresh_seconds: String(n.refreshSeconds),
        ...(n.replicated ? { cdc_replicated: "true" } : {}),
    };
}
