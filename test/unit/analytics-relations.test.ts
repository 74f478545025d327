/** The relations the dbt project creates, read from its model files (dropped with bronze on destroy). */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { dbtModelNames, dbtRelationNames } from "../../components/analytics/relations";
import { analyticsVars, DEFAULT_ANALYTICS_NAMES } from "../../components/analytics/vars";
import { parseConfig } from "../../components/config";

const PROJECT = path.resolve(__dirname, "../../ecom_analytics");

describe("dbt relations of the project", () => {
    it("names every model of the project, staging and marts", () => {
        const models = dbtModelNames(PROJECT);
        for (const m of [
            "base_orders",
            "order_index",
            "stg_orders",
            "bronze_rejects",
            "dim_customers",
            "fact_orders",
            "fct_daily_sales",
        ])
            assert.ok(models.includes(m), m);
    });

    it("adds each materialization's companions: insert-time views, states, refreshes, rebuild leftovers", () => {
        const names = dbtRelationNames(PROJECT);
        for (const n of [
            "base_orders__mv",
            "base_orders__next",
            "base_orders__next_mv",
            "base_orders__gate_mv",
            "base_orders__slow_mv",
            "base_orders__slow_in",
            "base_orders__next_slow_in",
            "fact_orders__state",
            "fact_orders__state_next",
            "fact_orders__refresh",
            "fact_orders__gate",
            "fact_orders__apply",
        ])
            assert.ok(names.includes(n), n);
        assert.ok(!names.some((n) => n.startsWith("mongo_ecom_")), "never a bronze table");
    });

    it("follows the files: a model added to the project is covered", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dbt-rel-"));
        fs.mkdirSync(path.join(dir, "models", "marts"), { recursive: true });
        fs.writeFileSync(path.join(dir, "models", "marts", "my_mart.sql"), "select 1");
        fs.writeFileSync(path.join(dir, "models", "marts", "schema.yml"), "version: 2");
        assert.deepEqual(dbtModelNames(dir), ["my_mart"]);
        assert.ok(dbtRelationNames(dir).includes("my_mart__refresh"));
        fs.rmSync(dir, { recursive: true, force: true });
    });
});

describe("analytics vars", () => {
    it("names the bronze table of each role from the topic prefix, database and collections", () => {
        assert.deepEqual(
            analyticsVars({
                topicPrefix: "shop",
                database: "store",
                collections: { customers: "clients", products: "catalog", orders: "purchases" },
                refreshSeconds: 7,
            }),
            {
                bronze_customers: "shop_store_clients",
                bronze_products: "shop_store_catalog",
                bronze_orders: "shop_store_purchases",
                gold_refresh_seconds: "7",
            },
        );
        assert.equal(analyticsVars(DEFAULT_ANALYTICS_NAMES).bronze_orders, "mongo_ecom_orders");
    });

    it("defaults to the config's defaults, and the dbt project keeps no value of its own for the refresh interval", () => {
        const c = parseConfig({});
        assert.deepEqual(DEFAULT_ANALYTICS_NAMES, {
            topicPrefix: c.kafka.topicPrefix,
            database: c.mongo.database,
            collections: c.mongo.collections,
            refreshSeconds: c.analytics.refreshSeconds,
        });
        const files = (dir: string): string[] =>
            fs
                .readdirSync(dir, { withFileTypes: true })
                .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
        const texts = [
            path.join(PROJECT, "dbt_project.yml"),
            ...files(path.join(PROJECT, "macros")),
            ...files(path.join(PROJECT, "models")),
        ];
        for (const f of texts) {
            const text = fs.readFileSync(f, "utf8");
            assert.doesNotMatch(text, /^\s*gold_refresh_seconds\s*:/m, `${f} sets gold_refresh_seconds`);
            assert.doesNotMatch(
                text,
                /var\(\s*['"]gold_refresh_seconds['"]\s*,\s*[0-9'"]/,
                `${f} has a fallback for gold_refresh_seconds`,
            );
        }
    });
});
