/**
 * Continuous analytics on the real engine: the dbt project is deployed once on empty bronze;
 * from then on bronze rows inserted over HTTP reach silver at insert time and gold through
 * ClickHouse's own refreshes, with no dbt invocation. After every batch (edge fixtures split at
 * arbitrary offsets, and the oracle's boundary history) every silver and gold model equals the
 * independent oracle of the rows inserted so far; malformed rows land in bronze_rejects with
 * their reason and change nothing; re-deploying unchanged models re-reads no history, a
 * --full-refresh rebuild gives the same state.
 */
import { after, before, describe, it, type TestContext } from "node:test";
import * as assert from "node:assert/strict";
import type { ClickHouseClient } from "@clickhouse/client";
import { dbtVenvProblem } from "../../components/providers/dbt/venv";
import type { ChdbGateway } from "../../tools/chdb-gateway";
import { type BronzeInsertRow, type BronzeTable } from "../../tools/analytics/replay/bronzeFiles";
import {
    REPLAY_MODELS,
    REPLAY_OUTPUT_SETTINGS,
    rejectsSelectSql,
    type ReplayModel,
} from "../../tools/analytics/replay/models";
import { buildModels, insertBronzeRows, readBronzeInput, readModelRows } from "../../tools/analytics/replay/index";
import { startBronzeGateway } from "../support/bronze-gateway";
import { serverNow, waitForGoldAfter } from "../../tools/analytics/refresh";
import { compareModel } from "../support/compare";
import { computeGold, foldBronze, MODEL_NAMES, rejectsAsRows, type BronzeTables } from "../support/oracle";
import type { Collection } from "../support/oracle/documents";
import { malformedRows } from "../support/malformed-rows";
import { absentFieldRows } from "../support/absent-field-rows";
import { requireTier } from "../support/tier";
import { chdbProblem } from "../support/chdb";
import { EDGE_FIXTURES, project, readExpected } from "../support/edge-fixtures";

const DATABASE = "ecom_live";
const VARS = { gold_refresh_seconds: "1" };
const TABLE_OF: Record<Collection, BronzeTable> = {
    customers: "mongo_ecom_customers",
    products: "mongo_ecom_products",
    orders: "mongo_ecom_orders",
};
const COLLECTIONS = Object.keys(TABLE_OF) as Collection[];

let gw: ChdbGateway | undefined;
let client: ClickHouseClient | undefined;
let stop: (() => Promise<void>) | undefined;
let setupError: unknown;
let dbtRuns = 0;
/** Every bronze row inserted so far, per collection (the oracle's input). */
const inserted: BronzeTables = { customers: [], products: [], orders: [] };

async function problem(): Promise<string | undefined> {
    return chdbProblem() ?? dbtVenvProblem();
}

async function ready(t: TestContext): Promise<ClickHouseClient | undefined> {
    if (!requireTier(t, "dbt", await problem())) return undefined;
    if (setupError) throw setupError;
    return client;
}

async function deploy(o: { fullRefresh?: boolean; select?: string[]; command?: "build" | "run" } = {}) {
    dbtRuns++;
    return buildModels(gw!, DATABASE, { vars: VARS, ...o });
}

/** Inserts rows over HTTP (as the sink does) and waits until gold has refreshed after them. */
async function insertAndWait(rows: Partial<Record<Collection, BronzeInsertRow[]>>): Promise<void> {
    for (const c of COLLECTIONS) {
        const batch = rows[c] ?? [];
        if (batch.length === 0) continue;
        await insertBronzeRows(client!, DATABASE, TABLE_OF[c], batch);
        inserted[c].push(...batch);
    }
    await waitForGoldAfter(client!, DATABASE, await serverNow(client!), 60_000);
}

/** Every silver and gold model equals the oracle of the rows inserted so far. */
async function assertModelsMatchOracle(label: string): Promise<void> {
    const docs = foldBronze(inserted);
    const today = new Date();
    for (const model of MODEL_NAMES) {
        const actual = await readModelRows(client!, DATABASE, model);
        const res = compareModel(model, computeGold(docs, today)[model], actual);
        assert.ok(res.equal, `${label}: ${model}\n${res.report}`);
    }
}

async function rejectsInDb(): Promise<Record<string, unknown>[]> {
    const rs = await client!.query({
        query: rejectsSelectSql(DATABASE),
        format: "JSONEachRow",
        clickhouse_settings: REPLAY_OUTPUT_SETTINGS,
    });
    return rs.json<Record<string, unknown>>();
}

before(async () => {
    if (await problem()) return;
    try {
        ({ gw, client, stop } = await startBronzeGateway(DATABASE));
    } catch (e) {
        setupError = e;
    }
});

after(async () => {
    await stop?.();
});

describe("continuous analytics: bronze → silver at insert time → gold refreshed by ClickHouse", () => {
    it("deploys on empty bronze with every model built and every test green", async (t) => {
        const c = await ready(t);
        if (!c) return;
        const summary = await deploy();
        assert.equal(summary.testsFailed, 0);
        assert.ok(summary.modelsBuilt >= 12, `models built: ${summary.modelsBuilt}`);
        const views = await (
            await c.query({
                query: `SELECT name FROM system.tables WHERE database = '${DATABASE}' AND engine = 'MaterializedView' ORDER BY name`,
                format: "JSONEachRow",
            })
        ).json<{ name: string }>();
        assert.deepEqual(
            views.map((v) => v.name),
            [
                "base_customers__mv",
                "base_customers_positions__mv",
                "base_orders__gate_mv",
                "base_orders__mv",
                "base_orders__slow_mv",
                "base_orders_positions__mv",
                "base_products__mv",
                "base_products_positions__mv",
                "dim_customers__apply",
                "dim_customers__refresh",
                "dim_products__apply",
                "dim_products__refresh",
                "drift_customers__mv",
                "drift_orders__mv",
                "drift_products__mv",
                "fact_orders__apply",
                "fact_orders__refresh",
                "fct_daily_sales__apply",
                "fct_daily_sales__refresh",
                "order_index__mv",
            ],
        );
    });

    it("follows the edge fixtures inserted in three batches, equal to the oracle after each refresh, without dbt", async (t) => {
        const c = await ready(t);
        if (!c) return;
        const runsBefore = dbtRuns;
        const input = readBronzeInput(EDGE_FIXTURES);
        // cut points chosen so a late older event, a duplicate and deletes land in later batches than what they compete
        // with
        const cuts: Record<BronzeTable, number[]> = {
            mongo_ecom_customers: [6, 11],
            mongo_ecom_products: [3, 5],
            mongo_ecom_orders: [4, 7],
        };
        for (let batch = 0; batch < 3; batch++) {
            const rows: Partial<Record<Collection, BronzeInsertRow[]>> = {};
            for (const coll of COLLECTIONS) {
                const table = TABLE_OF[coll];
                const [a, b] = cuts[table];
                const lo = [0, a, b][batch]!;
                const hi = [a, b, Infinity][batch]!;
                rows[coll] = input[table].filter((r) => r._offset >= lo && r._offset < hi);
            }
            await insertAndWait(rows);
            await assertModelsMatchOracle(`after batch ${batch + 1}`);
        }
        for (const model of Object.keys(REPLAY_MODELS) as ReplayModel[]) {
            const expected = readExpected(model);
            assert.deepEqual(
                project(await readModelRows(c, DATABASE, model), expected),
                expected,
                `hand-derived ${model}`,
            );
        }
        assert.equal(dbtRuns, runsBefore, "no dbt invocation after the deploy");
    });

    it("keeps malformed rows out of silver and gold: each INSERT succeeds and each row is in bronze_rejects with its reason", async (t) => {
        const c = await ready(t);
        if (!c) return;
        const before = {} as Record<ReplayModel, Record<string, unknown>[]>;
        for (const model of Object.keys(REPLAY_MODELS) as ReplayModel[])
            before[model] = await readModelRows(c, DATABASE, model);
        const bad = malformedRows(1000);
        // one row per INSERT: no content may fail the INSERT that carries it
        for (const m of bad) {
            await insertBronzeRows(c, DATABASE, TABLE_OF[m.collection], [m.row as BronzeInsertRow]);
            inserted[m.collection].push(m.row as BronzeInsertRow);
        }
        await waitForGoldAfter(c, DATABASE, await serverNow(c), 60_000);
        for (const model of Object.keys(REPLAY_MODELS) as ReplayModel[]) {
            assert.deepEqual(await readModelRows(c, DATABASE, model), before[model], `${model} unchanged by rejects`);
        }
        const rejects = await rejectsInDb();
        const expected = rejectsAsRows(foldBronze(inserted));
        assert.equal(expected.length, bad.length);
        const key = (r: { _topic?: unknown; _partition?: unknown; _offset?: unknown }) =>
            `${String(r._topic)}/${String(r._partition)}/${String(r._offset)}`;
        const actualBy = new Map(rejects.map((r) => [key(r), r]));
        for (const e of expected) {
            const a = actualBy.get(key(e));
            assert.ok(a, `reject ${key(e)} (${e.reason}) missing from bronze_rejects`);
            assert.equal(a.reason, e.reason, `reason of ${key(e)}: ${String(e.raw_data).slice(0, 160)}`);
            assert.equal(a.raw_data, e.raw_data);
        }
        assert.equal(rejects.length, expected.length);
        await assertModelsMatchOracle("after the malformed rows");
    });

    it("closes every gold gate once gold has caught up, also after a change that gives a mart nothing to append", async (t) => {
        const c = await ready(t);
        if (!c) return;
        // a new customer without orders: dim_customers__state moves, which fact_orders watches, but no line changes
        const op = (raw: string): unknown => {
            try {
                return (JSON.parse(raw) as { op?: unknown }).op;
            } catch {
                return undefined;
            }
        };
        const source = inserted.customers.find((r) => ["c", "r"].includes(String(op(r.raw_data)))) as BronzeInsertRow;
        const id = /[0-9a-f]{24}/.exec(source.raw_data)![0];
        const lonely = "0ddba11c0ffee0000000c0de";
        const offset = Math.max(...inserted.customers.map((r) => Number(r._offset))) + 1;
        const swap = (s: string) => s.split(id).join(lonely);
        await insertAndWait({
            customers: [
                {
                    ...source,
                    raw_data: swap(source.raw_data),
                    _key: source._key ? swap(source._key) : null,
                    _offset: offset,
                },
            ],
        });
        await waitForGoldAfter(c, DATABASE, await serverNow(c), 60_000);
        await assertModelsMatchOracle("after a customer without orders");
        // each gate's SELECT (one row = "a watched relation moved past what the mart stored") returns nothing now
        const gates = await (
            await c.query({
                query: `SELECT name, as_select FROM system.tables WHERE database = '${DATABASE}' AND name LIKE '%\\_\\_refresh'`,
                format: "JSONEachRow",
            })
        ).json<{ name: string; as_select: string }>();
        assert.equal(gates.length, 4, "one gate per gold mart");
        for (const g of gates) {
            const open: { n: string | number }[] = await (
                await c.query({ query: `SELECT count() AS n FROM (${g.as_select})`, format: "JSONEachRow" })
            ).json();
            assert.equal(Number(open[0]!.n), 0, `${g.name} would recompute with nothing new: ${g.as_select}`);
        }
    });

    it("reads an absent or null field as NULL in silver, and gold does with it what the oracle does", async (t) => {
        const c = await ready(t);
        if (!c) return;
        const rows = absentFieldRows(3000);
        await insertAndWait({
            customers: rows.customers as BronzeInsertRow[],
            products: rows.products as BronzeInsertRow[],
            orders: rows.orders as BronzeInsertRow[],
        });
        assert.equal((await rejectsInDb()).length, malformedRows().length, "no absent or null field is a reject");
        await assertModelsMatchOracle("after rows with absent and null fields");
    });

    it("re-deploying unchanged models re-reads no history; dbt warns about the rejects and stays green", async (t) => {
        const c = await ready(t);
        if (!c) return;
        const counts = async () =>
            (
                await (
                    await c.query({
                        query: `SELECT (SELECT count() FROM ${DATABASE}.base_orders), (SELECT count() FROM ${DATABASE}.base_customers)`,
                        format: "TabSeparated",
                    })
                ).text()
            ).trim();
        await c.command({ query: `SYSTEM STOP MERGES ${DATABASE}.base_orders` });
        await c.command({ query: `SYSTEM STOP MERGES ${DATABASE}.base_customers` });
        const before = await counts();
        const summary = await deploy();
        assert.equal(summary.testsFailed, 0);
        assert.ok(summary.testsWarned >= 1, "bronze_rejects is not empty: its test warns");
        assert.equal(await counts(), before, "no back-fill of base tables whose SQL did not change");
        await c.command({ query: `SYSTEM START MERGES ${DATABASE}.base_orders` });
        await c.command({ query: `SYSTEM START MERGES ${DATABASE}.base_customers` });
        await assertModelsMatchOracle("after the re-deploy");
    });

    it("rebuilds gold in full when a silver table it watches was replaced, and keeps following changes", async (t) => {
        const c = await ready(t);
        if (!c) return;
        const uuid = async (name: string) =>
            (
                await (
                    await c.query({
                        query: `SELECT toString(uuid) FROM system.tables WHERE database = '${DATABASE}' AND name = '${name}'`,
                        format: "TabSeparated",
                    })
                ).text()
            ).trim();
        const before = { base: await uuid("base_orders"), gold: await uuid("fact_orders__state") };
        // base_orders alone rebuilt and swapped in: a new table, whose block numbers start again
        await deploy({ command: "run", fullRefresh: true, select: ["base_orders"] });
        assert.notEqual(await uuid("base_orders"), before.base, "base_orders was replaced");
        await deploy({ command: "run" });
        assert.notEqual(await uuid("fact_orders__state"), before.gold, "fact_orders' state was rebuilt");
        await assertModelsMatchOracle("after the silver rebuild");
        // and a change after it still reaches gold: every order event again at later source times
        const again = readBronzeInput(EDGE_FIXTURES).mongo_ecom_orders.map((r) => {
            const env = JSON.parse(r.raw_data);
            if (env.source) env.source.ts_ms += 1;
            return { ...r, raw_data: JSON.stringify(env), _offset: r._offset + 7000 };
        });
        await insertAndWait({ orders: again });
        await assertModelsMatchOracle("after changes following the silver rebuild");
    });

    it("rebuilds with --full-refresh (the path of a changed model) to the same state, and keeps following inserts", async (t) => {
        const c = await ready(t);
        if (!c) return;
        await deploy({ fullRefresh: true });
        await assertModelsMatchOracle("after --full-refresh");
        assert.equal((await rejectsInDb()).length, malformedRows().length);
        const leftovers = await (
            await c.query({
                query: `SELECT name FROM system.tables WHERE database = '${DATABASE}' AND name LIKE '%__next%'`,
                format: "JSONEachRow",
            })
        ).json();
        assert.deepEqual(leftovers, [], "no __next table or view left behind");
        const more = readBronzeInput(EDGE_FIXTURES);
        // the whole fixture again at new offsets: duplicates of every event change nothing
        const shifted = (rows: BronzeInsertRow[]) => rows.map((r) => ({ ...r, _offset: r._offset + 5000 }));
        await insertAndWait({
            customers: shifted(more.mongo_ecom_customers),
            products: shifted(more.mongo_ecom_products),
            orders: shifted(more.mongo_ecom_orders),
        });
        await assertModelsMatchOracle("after re-delivery of every event");
    });
});
