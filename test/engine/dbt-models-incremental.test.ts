/**
 * Incremental silver: bronze rows arriving across several `dbt build` runs (each run reading only
 * the rows ingested since the previous one, lookback 0) must give exactly the state of one build
 * over all rows — also when a late older event, a duplicate or a delete lands in a later run than
 * the state it competes with.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import type { ClickHouseClient } from "@clickhouse/client";
import { dbtVenvProblem } from "../../components/providers/dbt/venv";
import { startChdbGateway, type ChdbGateway } from "../../scripts/chdb-gateway";
import { BRONZE_TABLES, type BronzeInsertRow, type BronzeTable } from "../../ecom_analytics/replay/bronzeFiles";
import { REPLAY_MODELS, type ReplayModel } from "../../ecom_analytics/replay/models";
import { buildModels, createBronzeTables, gatewayClient, insertBronzeRows, readBronzeInput, readModelRows } from "../../ecom_analytics/replay/index";
import { requireTier } from "../support/tier";
import { chdbProblem } from "../support/chdb";
import { EDGE_FIXTURES, project, readExpected } from "../support/edge-fixtures";

const FIXTURES = EDGE_FIXTURES;
const DATABASE = "ecom_incremental";

/**
 * Offsets from which a table's rows arrive in the second run. Chosen so that the second run
 * brings: customers — the late update older than customer 03's delete (which ran in the first)
 * and the null-`after` update; products — the delete of a product built in the first run;
 * orders — the duplicate of order 03 and the delete of order 05.
 */
const SECOND_RUN_FROM: Record<BronzeTable, number> = { mongo_ecom_customers: 11, mongo_ecom_products: 5, mongo_ecom_orders: 7 };
const INCREMENTAL = { bronze_lookback_seconds: "0" };

async function problem(): Promise<string | undefined> {
    return chdbProblem() ?? dbtVenvProblem();
}

let gw: ChdbGateway | undefined;
let client: ClickHouseClient | undefined;
let setupError: unknown;
let input: Record<BronzeTable, BronzeInsertRow[]>;

async function ready(t: { skip: (m: string) => void }): Promise<ClickHouseClient | undefined> {
    if (!requireTier(t, "dbt", await problem())) return undefined;
    if (setupError) throw setupError;
    return client;
}

async function load(part: "first" | "second"): Promise<void> {
    for (const table of BRONZE_TABLES) {
        const rows = input[table].filter((r) => (part === "first" ? r._offset < SECOND_RUN_FROM[table] : r._offset >= SECOND_RUN_FROM[table]));
        await insertBronzeRows(client!, DATABASE, table, rows);
    }
}

async function assertAllModelsExpected(c: ClickHouseClient): Promise<void> {
    for (const model of Object.keys(REPLAY_MODELS) as ReplayModel[]) {
        const expected = readExpected(model);
        assert.deepEqual(project(await readModelRows(c, DATABASE, model), expected), expected, `model ${model}`);
    }
}

before(async () => {
    if (await problem()) return;
    try {
        input = readBronzeInput(FIXTURES);
        gw = await startChdbGateway();
        client = gatewayClient(gw, "default");
        await createBronzeTables(client, DATABASE);
    } catch (e) {
        setupError = e;
    }
});

after(async () => {
    await client?.close();
    await gw?.stop();
});

describe("incremental silver across dbt runs", () => {
    it("shows the first run's state before the second batch arrives", async (t) => {
        const c = await ready(t);
        if (!c) return;
        await load("first");
        await buildModels(gw!, DATABASE, { vars: INCREMENTAL });
        const customers = (await readModelRows(c, DATABASE, "stg_customers")).map((r) => r.customer_id);
        // customer 02 and 03 are deleted in the first batch; 01, 04, 05 live
        assert.deepEqual(customers, ["65f0c3a1b2c3d4e5f6a7b801", "65f0c3a1b2c3d4e5f6a7b804", "65f0c3a1b2c3d4e5f6a7b805"]);
        const products = (await readModelRows(c, DATABASE, "stg_products")).map((r) => r.product_id);
        assert.ok(products.includes("65f0c3a1b2c3d4e5f6a7ba03"), "product 03 is live until its delete arrives");
    });

    it("reaches exactly the hand-derived state when the second batch arrives in a later incremental run", async (t) => {
        const c = await ready(t);
        if (!c) return;
        await load("second");
        await buildModels(gw!, DATABASE, { vars: INCREMENTAL });
        await assertAllModelsExpected(c);
    });

    it("changes nothing when a run finds no new rows or re-reads old ones", async (t) => {
        const c = await ready(t);
        if (!c) return;
        await buildModels(gw!, DATABASE, { vars: INCREMENTAL });
        await assertAllModelsExpected(c);
        await buildModels(gw!, DATABASE, { vars: { bronze_lookback_seconds: "86400" } });
        await assertAllModelsExpected(c);
    });

    it("gives the same state after a full refresh", async (t) => {
        const c = await ready(t);
        if (!c) return;
        await buildModels(gw!, DATABASE, { fullRefresh: true });
        await assertAllModelsExpected(c);
    });
});
