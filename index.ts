/**
 * The CDC pipeline stack: reads and validates `cdc:*` config, stands the services up on the
 * chosen platform, then lays the same CDC layer (bronze tables, connectors, dbt) on top.
 */
import * as pulumi from "@pulumi/pulumi";
import { loadConfig } from "./components/config/load";
import { createPlatform } from "./components/platform";
import { CdcPipeline } from "./components/pipeline";

const config = loadConfig();
const platform = createPlatform("cdc", config);
const pipeline = new CdcPipeline("cdc", { endpoints: platform.endpoints, settings: config });

export const platformName = config.platform;
export const connectUrl = platform.endpoints.connect.url;
export const clickhouseUrl = platform.endpoints.clickhouse.url;
export const clickhouseUser = platform.endpoints.clickhouse.user;
export const clickhouseDatabase = platform.endpoints.clickhouse.database;
/** The pipeline user's ClickHouse password (`npm run dbt`, your SQL client). Secret. */
export const clickhousePassword = platform.endpoints.clickhouse.password;
export const kafkaBootstrap = platform.endpoints.kafka.hostBootstrap;
/** Admin connection string for the seed tools (`npm run seed`). Secret. */
export const mongoUri = platform.endpoints.mongo.hostConnectionString;
export const connectors = {
    source: { name: pipeline.source.connectorName, state: pipeline.source.state },
    sink: { name: pipeline.sink.connectorName, state: pipeline.sink.state },
};
export const bronzeTables = pipeline.bronzeTables;
export const dbtSummary = pipeline.dbt ? pipeline.dbt.summary : pulumi.output("dbt disabled (cdc:dbt.enabled=false)");
/** The dbt vars from this stack's config (bronze table names by role, gold refresh interval): `npm run dbt` passes them. */
export const dbtVars = pipeline.dbtVars;
