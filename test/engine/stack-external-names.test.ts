/**
 * Engine tier: a stack whose every name is non-default — `cdc:kafka.topicPrefix`,
 * `cdc:mongo.database`, each of `cdc:mongo.collections`, `cdc:clickhouse.database` — through the
 * real Pulumi engine on the external platform (same harness and stand-ins as stack-external):
 * bronze tables get the configured names, the dbt models read exactly those tables (change
 * events inserted into them reach gold through ClickHouse's refreshes), and nothing is built
 * from, or creates, the default `mongo_ecom_*` names.
 */
import assert from "node:assert/strict";
import { after, describe, it, type TestContext } from "node:test";
import { createClient, type ClickHouseClient } from "@clickhouse/client";
import type { Stack } from "@pulumi/pulumi/automation";
import {
    createExternalStack,
    externalStackConfig,
    externalStackProblems,
    startExternalServices,
    type ExternalServices,
    type ExternalStackSettings,
} from "../support/stack-harness";
import { readBronzeInput } from "../../tools/analytics/replay/index";
import {
    REPLAY_MODELS,
    REPLAY_OUTPUT_SETTINGS,
    modelSelectSql,
    type ReplayModel,
} from "../../tools/analytics/replay/models";
import { serverNow, waitForGoldAfter } from "../../tools/analytics/refresh";
import { EDGE_FIXTURES, project, readExpected } from "../support/edge-fixtures";
import { requireTier } from "../support/tier";

const PASSWORD = "Names-stack-CH-pw-7731";
const SECRETS = {
    clickhousePassword: PASSWORD,
    debeziumConnectionString: "mongodb://debezium:Names-dbz-pw-1180@127.0.0.1:1/?replicaSet=rs0&authSource=admin",
};
const NAMES = {
    topicPrefix: "shop",
    mongoDatabase: "store",
    collections: { customers: "clients", products: "catalog", orders: "purchases" },
    clickhouseDatabase: "analytics",
};
const TABLES = { customers: "shop_store_clients", products: "shop_store_catalog", orders: "shop_store_purchases" };
const verbose = process.env.CDC_TEST_VERBOSE ? (l: string) => process.stderr.write(`${l}\n`) : undefined;

describe("a stack with non-default topic prefix, database and collections", { timeout: 30 * 60_000 }, () => {
    let services: ExternalServices | undefined;
    let stack: Stack | undefined;
    let ch: ClickHouseClient | undefined;
    const settings: ExternalStackSettings = {
        heartbeatIntervalMs: 10_000,
        dropOnDestroy: true,
        dbtEnabled: true,
        names: NAMES,
        refreshSeconds: 1,
    };

    after(async () => {
        try {
            await stack?.destroy();
            await stack?.workspace.removeStack(stack.name);
        } finally {
            await ch?.close();
            await services?.stop();
        }
    });

    async function ready(t: TestContext): Promise<boolean> {
        for (const [tier, problem] of await externalStackProblems()) if (!requireTier(t, tier, problem)) return false;
        if (!services) {
            services = await startExternalServices(PASSWORD, verbose);
            ch = createClient({ url: services.gateway.url, username: services.gateway.user, password: PASSWORD });
            stack = await createExternalStack(services, "names", externalStackConfig(services, SECRETS, settings));
        }
        return true;
    }

    it("creates the bronze tables under the configured names and passes them to dbt", async (t) => {
        if (!(await ready(t))) return;
        const up = await stack!.up({ onOutput: verbose });
        assert.equal(up.summary.result, "succeeded");
        assert.deepEqual(up.outputs.bronzeTables.value, [TABLES.customers, TABLES.products, TABLES.orders]);
        assert.deepEqual(up.outputs.dbtVars.value, {
            bronze_customers: TABLES.customers,
            bronze_products: TABLES.products,
            bronze_orders: TABLES.orders,
            gold_refresh_seconds: "1",
        });
        const rs = await ch!.query({
            query: "SELECT database, name FROM system.tables WHERE name LIKE '%\\_store\\_%' OR name LIKE 'mongo\\_ecom\\_%' ORDER BY name",
            format: "JSONEachRow",
        });
        assert.deepEqual(await rs.json(), [
            { database: "analytics", name: TABLES.products },
            { database: "analytics", name: TABLES.customers },
            { database: "analytics", name: TABLES.orders },
        ]);
        const gold = await ch!.query({
            query: "SELECT count() AS n FROM system.tables WHERE database = 'analytics' AND name IN ('dim_customers', 'dim_products', 'fact_orders', 'fct_daily_sales')",
            format: "JSONEachRow",
        });
        assert.deepEqual(
            (await gold.json<{ n: number | string }>()).map((r) => Number(r.n)),
            [4],
        );
    });

    it("builds gold from exactly those tables: events inserted into them reach every model", async (t) => {
        if (!(await ready(t))) return;
        const input = readBronzeInput(EDGE_FIXTURES);
        const into = {
            mongo_ecom_customers: TABLES.customers,
            mongo_ecom_products: TABLES.products,
            mongo_ecom_orders: TABLES.orders,
        } as const;
        for (const [from, table] of Object.entries(into)) {
            await ch!.insert({
                table: `analytics.${table}`,
                values: input[from as keyof typeof into],
                format: "JSONEachRow",
            });
        }
        await waitForGoldAfter(ch!, "analytics", await serverNow(ch!), 60_000);
        for (const model of Object.keys(REPLAY_MODELS) as ReplayModel[]) {
            const expected = readExpected(model);
            const rs = await ch!.query({
                query: modelSelectSql("analytics", model),
                format: "JSONEachRow",
                clickhouse_settings: REPLAY_OUTPUT_SETTINGS,
            });
            assert.deepEqual(project(await rs.json(), expected), expected, model);
        }
    });

    it("destroy drops bronze and every relation dbt built on it (dropOnDestroy), leaving the database empty", async (t) => {
        if (!(await ready(t))) return;
        const before = await ch!.query({
            query: "SELECT count() AS n FROM system.tables WHERE database = 'analytics' AND engine = 'MaterializedView'",
            format: "JSONEachRow",
        });
        assert.ok(
            Number((await before.json<{ n: number | string }>())[0]!.n) >= 8,
            "insert-time and refreshable views exist before",
        );
        const down = await stack!.destroy({ onOutput: verbose });
        assert.equal(down.summary.result, "succeeded");
        assert.match(down.stdout, /and the dbt relations built on them/);
        const left = await ch!.query({
            query: "SELECT name FROM system.tables WHERE database = 'analytics' AND NOT startsWith(name, '.inner') ORDER BY name",
            format: "JSONEachRow",
        });
        assert.deepEqual(await left.json(), [], "nothing of the stack is left in the database");
    });
});
