/**
 * The two insert-time paths of base_orders (macros/silver_paths.sql) against its reference SQL: the same bronze rows
 * (the edge fixtures, the reject fixtures, bench-shaped events and near-canonical spellings) go, in the same INSERTs
 * of mixed sizes, into two databases: `silver_ref`, built with the fast path off (dbt var silver_fast_path=false: one
 * view of the model's SQL, the reference), and `silver_paths`, where the fast view, the gate and the full view behind
 * the Null table write silver. Half the INSERTs run with short-circuit evaluation disabled, half forced on (the views
 * run with the INSERT's settings). Silver and its rejects must be the same rows: EXCEPT ALL both ways is empty.
 */
import { after, before, describe, it, type TestContext } from "node:test";
import * as assert from "node:assert/strict";
import type { ClickHouseClient } from "@clickhouse/client";
import { dbtVenvProblem } from "../../components/providers/dbt/venv";
import type { ChdbGateway } from "../../tools/chdb-gateway";
import type { BronzeInsertRow } from "../../tools/analytics/replay/bronzeFiles";
import { buildModels, createBronzeTables, readBronzeInput } from "../../tools/analytics/replay/index";
import { orderEvent } from "../../bench/live-data";
import { startBronzeGateway } from "../support/bronze-gateway";
import { requireTier } from "../support/tier";
import { chdbProblem } from "../support/chdb";
import { EDGE_FIXTURES } from "../support/edge-fixtures";
import { malformedRows } from "../support/malformed-rows";

const REF = "silver_ref";
const PATHS = "silver_paths";
const TABLE = "mongo_ecom_orders";

let gw: ChdbGateway | undefined;
let client: ClickHouseClient | undefined;
let stop: (() => Promise<void>) | undefined;
let setupError: unknown;
let rows: BronzeInsertRow[] = [];

/** Bench-shaped (compact JSON) events, a delete carrying its document in `before`, and near-canonical spellings. */
function extraRows(firstOffset: number): BronzeInsertRow[] {
    let offset = firstOffset;
    const order = (over: Partial<Parameters<typeof orderEvent>[0]> = {}) =>
        orderEvent({
            id: "65f0c3a1b2c3d4e5f6a7bc01",
            customer: "65F0C3A1B2C3D4E5F6A7B801",
            product: "65f0c3a1b2c3d4e5f6a7ba01",
            status: "paid",
            orderedAtMs: 1_732_406_399_999,
            tsMs: 1_800_000_000_000 + offset,
            op: "u",
            offset: offset++,
            ...over,
        }) as BronzeInsertRow;
    const canonical = order({ op: "c" });
    const doc = JSON.parse(canonical.raw_data) as Record<string, unknown>;
    const variant = (edit: (env: Record<string, unknown>) => void): BronzeInsertRow => {
        const env = structuredClone(doc);
        edit(env);
        return { ...canonical, raw_data: JSON.stringify(env), _offset: offset++ };
    };
    const afterDoc = (env: Record<string, unknown>) => JSON.parse(env.after as string) as Record<string, unknown>;
    return [
        canonical,
        order({ status: "shipped" }),
        order({ status: 'say "hi"' }), // escapes in a string: the full path
        order({ status: "café" }), // non-ASCII: the full path
        variant((env) => {
            env.before = env.after;
            env.after = null;
            env.op = "d";
        }),
        variant((env) => {
            const d = afterDoc(env);
            (d.items as Record<string, unknown>[])[0]!.unit_price = { $numberDecimal: "99999999999999999.5" };
            env.after = JSON.stringify(d);
        }),
        variant((env) => {
            const d = afterDoc(env);
            (d.items as Record<string, unknown>[])[0]!.quantity = 123_456;
            d.items = [...(d.items as unknown[]), ...(d.items as unknown[])];
            env.after = JSON.stringify(d);
        }),
        variant((env) => {
            const d = afterDoc(env);
            d.items = [];
            d.ordered_at = { $date: 0 };
            env.after = JSON.stringify(d);
        }),
        variant((env) => {
            (env.source as Record<string, unknown>).ts_ms = -5;
        }),
        variant((env) => {
            (env.source as Record<string, unknown>).snapshot = "true";
            env.op = "r";
        }),
        variant((env) => {
            env.after = (env.after as string).replace('"ordered_at":{"$date":', '"ordered_at":{"$date":0');
        }),
    ];
}

async function problem(): Promise<string | undefined> {
    return chdbProblem() ?? dbtVenvProblem();
}

async function ready(t: TestContext): Promise<ClickHouseClient | undefined> {
    if (!requireTier(t, "dbt", await problem())) return undefined;
    if (setupError) throw setupError;
    return client;
}

before(async () => {
    if (await problem()) return;
    try {
        ({ gw, client, stop } = await startBronzeGateway(PATHS));
        await createBronzeTables(client, REF);
        const edge = readBronzeInput(EDGE_FIXTURES)[TABLE];
        const bad = malformedRows(1000)
            .filter((m) => m.collection === "orders")
            .map((m) => m.row as BronzeInsertRow);
        rows = [...edge, ...bad, ...extraRows(5000)];
        const select = ["base_orders_positions", "base_orders"];
        await buildModels(gw, REF, { command: "run", select, vars: { silver_fast_path: "false" } });
        await buildModels(gw, PATHS, { command: "run", select });
        // no merge and no dedup on insert: every row each view writes stays a row of its own
        for (const db of [REF, PATHS]) await client.command({ query: `SYSTEM STOP MERGES ${db}.base_orders` });
        // INSERTs of 1, 2, 3, … rows, so that some blocks are all canonical and some mixed
        for (let i = 0, n = 1; i < rows.length; i += n, n++)
            for (const db of [REF, PATHS])
                await client.insert({
                    table: `${db}.${TABLE}`,
                    values: rows.slice(i, i + n),
                    format: "JSONEachRow",
                    clickhouse_settings: {
                        optimize_on_insert: 0,
                        short_circuit_function_evaluation: n % 2 ? "disable" : "force_enable",
                    },
                });
    } catch (e) {
        setupError = e;
    }
});

after(async () => {
    await stop?.();
});

/** The rows of `a`.base_orders that are not in `b`.base_orders (as many times as they are missing). */
async function missing(c: ClickHouseClient, a: string, b: string): Promise<unknown[]> {
    const cols = "* EXCEPT (_ingested_at)"; // stamped by each INSERT
    const rs = await c.query({
        query: `SELECT ${cols} FROM ${a}.base_orders EXCEPT ALL SELECT ${cols} FROM ${b}.base_orders`,
        format: "JSONEachRow",
    });
    return rs.json();
}

describe("base_orders: the fast path and the full path at insert time give the reference's rows", () => {
    it("writes the same silver rows and rejects as the model's SQL over every row", async (t) => {
        const c = await ready(t);
        if (!c) return;
        assert.deepEqual(await missing(c, PATHS, REF), [], "rows only the two paths wrote");
        assert.deepEqual(await missing(c, REF, PATHS), [], "rows only the reference wrote");
    });

    it("takes the canonical rows by the fast view and leaves the others to the full view", async (t) => {
        const c = await ready(t);
        if (!c) return;
        const q = async <T>(query: string): Promise<T[]> => (await c.query({ query, format: "JSONEachRow" })).json<T>();
        const [view] = await q<{ as_select: string }>(
            `SELECT as_select FROM system.tables WHERE database = '${PATHS}' AND name = 'base_orders__mv'`,
        );
        assert.ok(view, "the fast view base_orders__mv exists");
        const [{ fast }] = await q<{ fast: string | number }>(`SELECT count() AS fast FROM (${view.as_select})`);
        const [{ total, rejects }] = await q<{ total: string | number; rejects: string | number }>(
            `SELECT count() AS total, countIf(_reject_reason != '') AS rejects FROM ${REF}.base_orders`,
        );
        assert.ok(Number(fast) >= 5, `fast rows: ${fast}`);
        assert.ok(Number(total) - Number(fast) >= Number(rejects) && Number(rejects) >= 5, `rejects: ${rejects}`);
    });
});
