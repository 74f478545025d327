/**
 * `npm run status` names the silver row a failed gold refresh stops on (tools/status/offending-row.ts):
 * on the embedded engine, a silver view that throws `Decimal math overflow` for one document among
 * many is bisected down to that document, and its bronze coordinates are read from the base table.
 */
import assert from "node:assert/strict";
import { after, before, describe, it, type TestContext } from "node:test";
import type { ClickHouseClient } from "@clickhouse/client";
import { startChdbGateway, type ChdbGateway } from "../../tools/chdb-gateway";
import { gatewayClient } from "../../tools/analytics/replay/index";
import { findOffendingRows, type Query } from "../../tools/status/offending-row";
import { chdbProblem } from "../support/chdb";
import { requireTier } from "../support/tier";

const DB = "status_offending";
let gw: ChdbGateway | undefined;
let client: ClickHouseClient | undefined;

before(async () => {
    if (chdbProblem()) return;
    gw = await startChdbGateway();
    client = gatewayClient(gw, "default");
});

after(async () => {
    await client?.close();
    await gw?.stop();
});

const query: Query = async <R>(_what: string, sql: string, params: Record<string, unknown> = {}) =>
    (await client!.query({ query: sql, query_params: params, format: "JSONEachRow" })).json<R>();

async function ready(t: TestContext): Promise<boolean> {
    return requireTier(t, "chdb", chdbProblem());
}

describe("status: the row behind a failed refresh", () => {
    it("bisects a failing silver view to the one document that fails and gives its bronze coordinates", async (t) => {
        if (!(await ready(t))) return;
        await client!.command({ query: `CREATE DATABASE IF NOT EXISTS ${DB} ENGINE = Atomic` });
        await client!.command({
            query: `CREATE OR REPLACE TABLE ${DB}.base_orders (order_id String, quantity Int32, unit_price Decimal(18, 2),
                    _version UInt64, _topic String, _partition Int32, _offset Int64) ENGINE = ReplacingMergeTree(_version) ORDER BY order_id`,
        });
        await client!.command({
            query: `CREATE OR REPLACE VIEW ${DB}.stg_orders AS SELECT order_id, quantity * unit_price AS order_total FROM ${DB}.base_orders FINAL`,
        });
        await client!.command({
            query: `CREATE OR REPLACE VIEW ${DB}.stg_ids AS SELECT order_id FROM ${DB}.base_orders FINAL`,
        });
        const id = (i: number) => i.toString(16).padStart(24, "0");
        const rows = Array.from({ length: 300 }, (_, i) => ({
            order_id: id(i),
            quantity: 2,
            unit_price: "10.00",
            _version: 1,
            _topic: "mongo.ecom.orders",
            _partition: 0,
            _offset: i,
        }));
        // the bad order: first a representable version, then the one that overflows (the current state)
        rows.push({
            order_id: id(187),
            quantity: 1000,
            unit_price: "99999999999999.99",
            _version: 2,
            _topic: "mongo.ecom.orders",
            _partition: 1,
            _offset: 4242,
        });
        await client!.insert({ table: `${DB}.base_orders`, values: rows, format: "JSONEachRow" });

        const found = await findOffendingRows(query, DB, ["base_orders"]);
        assert.equal(found.length, 1, JSON.stringify(found));
        const [f] = found;
        assert.deepEqual(
            [f!.view, f!.key, f!.id, f!.topic, f!.partition, f!.offset],
            ["stg_orders", "order_id", id(187), "mongo.ecom.orders", 1, 4242],
        );
        assert.match(f!.error, /Decimal math overflow/);

        await client!.command({
            query: `ALTER TABLE ${DB}.base_orders DELETE WHERE order_id = '${id(187)}' SETTINGS mutations_sync = 1`,
        });
        assert.deepEqual(await findOffendingRows(query, DB, ["base_orders"]), [], "no row once every view reads");
    });
});
