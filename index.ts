/**
 * The CDC pipeline stack: reads and validates `cdc:*` config, stands the services up on the
 * chosen platform, then lays the same CDC layer (bronze tables, connectors, dbt) on top. The
 * stack is built by `buildStack` (components/stack.ts), which the engine tests run too; the
 * outputs are documented on `StackOutputs` there.
 */
import { loadConfig } from "./components/config/load";
import { buildStack } from "./components/stack";

const stack = buildStack(loadConfig());

export const platformName = stack.platformName;
export const connectUrl = stack.connectUrl;
export const clickhouseUrl = stack.clickhouseUrl;
export const clickhouseUser = stack.clickhouseUser;
export const clickhouseDatabase = stack.clickhouseDatabase;
/** The pipeline user's ClickHouse password (`npm run dbt`, your SQL client). Secret. */
export const clickhousePassword = stack.clickhousePassword;
export const kafkaBootstrap = stack.kafkaBootstrap;
/** Admin connection string for the seed tools (`npm run seed`). Secret. */
export const mongoUri = stack.mongoUri;
export const connectors = stack.connectors;
export const bronzeTables = stack.bronzeTables;
export const dbtSummary = stack.dbtSummary;
/** The dbt vars from this stack's config (bronze table names by role, gold refresh interval): `npm run dbt` passes them. */
export const dbtVars = stack.dbtVars;
