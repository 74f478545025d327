/**
 * A declared re-snapshot (`cdc:connectors.snapshots`, a Debezium incremental snapshot) sends an
 * `r` event for every live document of the collections it names, on top of the history already
 * in bronze. Silver must absorb them: same documents → same silver rows (only
 * `_event_timestamp_ms` moves to the read's time) and not one gold number changes. Delivered
 * twice (at-least-once, new offsets), still nothing changes.
 *
 * The events come from the seed's Debezium emitter (`incrementalSnapshotEnvelope`: `op` `r`,
 * `source.snapshot` "incremental", `source.ts_ms` the worker's clock in ms, later than every
 * streamed event before it), through bronze, the insert-time silver views and ClickHouse's gold
 * refreshes, on the embedded engine (the same path as gold-vs-oracle-incremental).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, describe, it, type TestContext } from "node:test";
import type { ClickHouseClient } from "@clickhouse/client";
import { dbtVenvProblem } from "../../components/providers/dbt/venv";
import { buildModels, insertBronzeRows, readModelRows, REPLAY_DATABASE } from "../../tools/analytics/replay/index";
import { REPLAY_MODELS, type ReplayModel } from "../../tools/analytics/replay/models";
import type { ChdbGateway } from "../../tools/chdb-gateway";
import { startBronzeGateway } from "../support/bronze-gateway";
import {
    incrementalSnapshotEnvelope,
    keyOf,
    serializeEnvelope,
    simulateHistory,
    toStrictJson,
    topicOf,
    type BronzeRow,
    type CollectionName,
    type OrderDoc,
} from "../../seed/index";
import { compareModel } from "../support/compare";
import { computeGold, foldBronze, MODEL_NAMES, type BronzeTables } from "../support/oracle";
import { requireTier } from "../support/tier";
import { serverNow, waitForGoldAfter } from "../../tools/analytics/refresh";

const REPO = path.resolve(__dirname, "../..");
const COLLECTIONS: CollectionName[] = ["customers", "products", "orders"];
const GOLD: ReplayModel[] = ["dim_customers", "dim_products", "fact_orders", "fct_daily_sales"];
const SILVER: ReplayModel[] = ["stg_customers", "stg_products", "stg_orders", "stg_order_lines"];

async function tierProblem(): Promise<string | undefined> {
    if (!fs.existsSync(path.join(REPO, "tools/analytics/replay/index.ts")))
        return "the replay module tools/analytics/replay/index.ts is missing";
    return dbtVenvProblem();
}

/** Rows without the columns an `r` event legitimately moves (the event time of the silver row). */
function withoutEventTime(rows: Record<string, unknown>[]): Record<string, unknown>[] {
    return rows.map(({ _event_timestamp_ms: _t, ...rest }) => rest);
}

describe("a re-snapshot's r events change no silver row and no gold number", () => {
    const history = simulateHistory({ seed: 141414, customers: 150, products: 60, orders: 800, changes: 800 });
    const delivered: BronzeTables = { customers: [], products: [], orders: [] };
    let gw: ChdbGateway | undefined;
    let client: ClickHouseClient | undefined;
    let stop: (() => Promise<void>) | undefined;
    after(async () => {
        await stop?.();
    });

    const nextOffset = (c: CollectionName) => delivered[c].reduce((m, r) => Math.max(m, Number(r._offset)), -1) + 1;
    const newestTs = () =>
        Math.max(...COLLECTIONS.flatMap((c) => delivered[c].map((r) => JSON.parse(r.raw_data).source.ts_ms as number)));

    async function deliver(rows: Record<CollectionName, BronzeRow[]>): Promise<void> {
        for (const c of COLLECTIONS) {
            await insertBronzeRows(client!, REPLAY_DATABASE, `mongo_ecom_${c}`, rows[c]);
            delivered[c].push(...rows[c]);
        }
        // two complete refreshes that started after the insert: gold reflects it
        await waitForGoldAfter(client!, REPLAY_DATABASE, await serverNow(client!), 120_000);
        await waitForGoldAfter(client!, REPLAY_DATABASE, await serverNow(client!), 120_000);
    }

    async function readAll(): Promise<Record<ReplayModel, Record<string, unknown>[]>> {
        const out = {} as Record<ReplayModel, Record<string, unknown>[]>;
        for (const m of Object.keys(REPLAY_MODELS) as ReplayModel[])
            out[m] = await readModelRows(client!, REPLAY_DATABASE, m);
        return out;
    }

    async function oracleReports(): Promise<string[]> {
        const docs = foldBronze(delivered);
        const reports: string[] = [];
        for (const model of MODEL_NAMES) {
            const res = compareModel(
                model,
                computeGold(docs, new Date())[model],
                await readModelRows(client!, REPLAY_DATABASE, model),
            );
            if (!res.equal) reports.push(res.report);
        }
        return reports;
    }

    /** One incremental-snapshot `r` row per live document, read `afterMs` after the newest event. */
    function snapshotRows(afterMs: number): Record<CollectionName, BronzeRow[]> {
        const readAt = newestTs() + afterMs;
        const out: Record<CollectionName, BronzeRow[]> = { customers: [], products: [], orders: [] };
        for (const c of COLLECTIONS) {
            let offset = nextOffset(c);
            let i = 0;
            for (const [id, doc] of history.finalState[c] as Map<string, object>) {
                // chunks are emitted a few ms apart; every read is later than what was streamed before
                const env = incrementalSnapshotEnvelope(c, doc, readAt + Math.floor(i++ / 64));
                out[c].push({
                    raw_data: serializeEnvelope(env),
                    _topic: topicOf(c),
                    _partition: 0,
                    _offset: offset++,
                    _key: keyOf(id),
                });
            }
        }
        return out;
    }

    let before: Record<ReplayModel, Record<string, unknown>[]> | undefined;

    it("history delivered: silver and gold equal the oracle (the baseline)", async (t) => {
        if (!requireTier(t, "dbt", await tierProblem())) return;
        ({ gw, client, stop } = await startBronzeGateway(REPLAY_DATABASE));
        await buildModels(gw!, REPLAY_DATABASE, { vars: { gold_refresh_seconds: "1" } });
        await deliver(history.bronze);
        assert.deepEqual(await oracleReports(), []);
        before = await readAll();
        assert.ok(before.fct_daily_sales.length > 0 && before.fact_orders.length > 0, "the baseline has gold rows");
    });

    async function assertUnchanged(t: TestContext, label: string): Promise<void> {
        const now = await readAll();
        for (const m of GOLD) assert.deepEqual(now[m], before![m], `${label}: gold ${m} changed`);
        for (const m of SILVER) {
            assert.equal(now[m].length, before![m].length, `${label}: ${m} row count`);
            assert.deepEqual(withoutEventTime(now[m]), withoutEventTime(before![m]), `${label}: silver ${m} changed`);
        }
        assert.deepEqual(await oracleReports(), [], `${label}: differs from the oracle`);
        const totals = now.fct_daily_sales.reduce(
            (n, r) => n + Number((r as { total_orders_placed?: unknown }).total_orders_placed),
            0,
        );
        t.diagnostic(
            `${label}: ${now.fact_orders.length} order lines, ${now.fct_daily_sales.length} days, ${totals} orders placed — as before`,
        );
    }

    it("an incremental snapshot of every collection (r events of all live documents) changes nothing", async (t) => {
        if (!requireTier(t, "dbt", await tierProblem())) return;
        assert.ok(before, "the baseline step failed");
        const rows = snapshotRows(1_234);
        const live = COLLECTIONS.reduce((n, c) => n + history.finalState[c].size, 0);
        assert.equal(
            COLLECTIONS.reduce((n, c) => n + rows[c].length, 0),
            live,
        );
        // the snapshot really moved silver's event time: the r events were applied, not ignored
        await deliver(rows);
        const stg = await readModelRows(client!, REPLAY_DATABASE, "stg_orders");
        assert.ok(
            stg.every((r) => Number(r._event_timestamp_ms) > newestTs() - 10_000),
            "every order's silver row now comes from its r event",
        );
        await assertUnchanged(t, "after the snapshot");
    });

    it("the same snapshot delivered again (at-least-once, new offsets) changes nothing", async (t) => {
        if (!requireTier(t, "dbt", await tierProblem())) return;
        assert.ok(before, "the baseline step failed");
        const again: Record<CollectionName, BronzeRow[]> = { customers: [], products: [], orders: [] };
        for (const c of COLLECTIONS) {
            const snap = delivered[c].filter((r) => JSON.parse(r.raw_data).source.snapshot === "incremental");
            let offset = nextOffset(c);
            again[c] = snap.map((r) => ({ ...(r as BronzeRow), _offset: offset++ }));
        }
        await deliver(again);
        await assertUnchanged(t, "after the re-delivery");
    });

    // KNOWN DEFECT (reported, not fixed here): silver orders a document's events by
    // (source.ts_ms, source.ord) before the Kafka offset. Debezium stamps an incremental-snapshot
    // read with the worker's clock in ms when it emits the chunk, while a streamed change carries
    // its cluster time truncated to whole seconds. An update committed just after a chunk's close
    // watermark is on the topic AFTER the chunk's read of that document, yet its ts_ms can be
    // smaller (same second, or the worker emitting late), so silver keeps the older read.
    it(
        "an update streamed right after a snapshot chunk wins over that chunk's older read",
        { todo: "silver orders r events by the worker clock ahead of offsets; see docs/operations.md" },
        async (t) => {
            if (!requireTier(t, "dbt", await tierProblem())) return;
            assert.ok(before, "the baseline step failed");
            const [id, doc] = [...(history.finalState.orders as Map<string, OrderDoc>)].find(
                ([, o]) => o.status === "pending" || o.status === "paid",
            )!;
            const second = Math.floor(newestTs() / 1000) * 1000 + 5_000;
            let offset = nextOffset("orders");
            // the chunk's read (content before the update), emitted at second + 400 ms by the worker
            const read = incrementalSnapshotEnvelope("orders", doc, second + 400);
            // the update, committed at second + 200 ms after the chunk's close watermark: ts_ms is its cluster second
            const updated = { ...doc, status: "cancelled", updated_at: new Date(second + 200) };
            const update = {
                ...read,
                op: "u" as const,
                before: toStrictJson(doc),
                after: toStrictJson(updated),
                updateDescription: {
                    removedFields: null,
                    updatedFields: JSON.stringify({ status: "cancelled" }),
                    truncatedArrays: null,
                },
                source: {
                    ...read.source,
                    snapshot: "false" as const,
                    ts_ms: second,
                    ts_us: second * 1000,
                    ts_ns: second * 1_000_000,
                    ord: 1,
                    wallTime: second + 200,
                },
            };
            const rows: Record<CollectionName, BronzeRow[]> = { customers: [], products: [], orders: [] };
            for (const env of [read, update])
                rows.orders.push({
                    raw_data: serializeEnvelope(env),
                    _topic: topicOf("orders"),
                    _partition: 0,
                    _offset: offset++,
                    _key: keyOf(id),
                });
            await deliver(rows);
            const stg = (await readModelRows(client!, REPLAY_DATABASE, "stg_orders")).find((r) => r.order_id === id);
            assert.equal(
                stg?.order_status,
                "cancelled",
                `order ${id}: silver kept the snapshot read (status ${String(stg?.order_status)}) although the update came after it on the topic`,
            );
        },
    );
});
