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

    // The order of one document's changes (docs/data-contract.md §2, 2026-12-07): a snapshot read stands where it
    // is on its partition. Debezium stamps an incremental-snapshot read with the worker's clock in ms when it emits
    // the chunk, while a streamed change carries its cluster time truncated to whole seconds, so an update committed
    // just after a chunk's close watermark is on the topic AFTER the chunk's read of that document, yet its ts_ms can
    // be smaller (same second, or the worker emitting late). Silver must keep the update.

    /** A pending or paid order of the history's final state, a different one for each `n`. */
    const openOrder = (n: number): [string, OrderDoc] =>
        [...(history.finalState.orders as Map<string, OrderDoc>)].filter(
            ([, o]) => o.status === "pending" || o.status === "paid",
        )[n];

    /** A streamed update of `doc` to `status`, committed in cluster second `tsMs` (ord `ord`). */
    function streamedUpdate(doc: OrderDoc, status: string, tsMs: number, ord: number, from = doc) {
        const read = incrementalSnapshotEnvelope("orders", doc, tsMs);
        return {
            ...read,
            op: "u" as const,
            before: toStrictJson(from),
            after: toStrictJson({ ...doc, status, updated_at: new Date(tsMs + 200) }),
            updateDescription: {
                removedFields: null,
                updatedFields: JSON.stringify({ status }),
                truncatedArrays: null,
            },
            source: {
                ...read.source,
                snapshot: "false" as const,
                ts_ms: tsMs,
                ts_us: tsMs * 1000,
                ts_ns: tsMs * 1_000_000,
                ord,
                wallTime: tsMs + 200,
            },
        };
    }

    /** The envelopes as bronze rows of orders, at the next offsets of partition 0 (or from `firstOffset`). */
    function orderRows(id: string, envs: object[], firstOffset = nextOffset("orders")) {
        let offset = firstOffset;
        const rows: Record<CollectionName, BronzeRow[]> = { customers: [], products: [], orders: [] };
        for (const env of envs)
            rows.orders.push({
                raw_data: serializeEnvelope(env as Parameters<typeof serializeEnvelope>[0]),
                _topic: topicOf("orders"),
                _partition: 0,
                _offset: offset++,
                _key: keyOf(id),
            });
        return rows;
    }

    async function silverStatus(id: string): Promise<unknown> {
        const stg = (await readModelRows(client!, REPLAY_DATABASE, "stg_orders")).find((r) => r.order_id === id);
        return stg?.order_status;
    }

    it("an update streamed right after a snapshot chunk wins over that chunk's older read", async (t) => {
        if (!requireTier(t, "dbt", await tierProblem())) return;
        assert.ok(before, "the baseline step failed");
        const [id, doc] = openOrder(0);
        const second = Math.floor(newestTs() / 1000) * 1000 + 5_000;
        // the chunk's read (content before the update), emitted at second + 400 ms by the worker; the update,
        // committed at second + 200 ms after the chunk's close watermark: its ts_ms is its cluster second
        await deliver(
            orderRows(id, [
                incrementalSnapshotEnvelope("orders", doc, second + 400),
                streamedUpdate(doc, "cancelled", second, 1),
            ]),
        );
        assert.equal(
            await silverStatus(id),
            "cancelled",
            `order ${id}: silver kept the snapshot read although the update came after it on the topic`,
        );
        assert.deepEqual(await oracleReports(), []);
    });

    it("the same with streaming lagging 30 s: the read is stamped 30 s after the update that follows it", async (t) => {
        if (!requireTier(t, "dbt", await tierProblem())) return;
        assert.ok(before, "the baseline step failed");
        const [id, doc] = openOrder(1);
        const second = Math.floor(newestTs() / 1000) * 1000 + 5_000;
        await deliver(
            orderRows(id, [
                incrementalSnapshotEnvelope("orders", doc, second + 30_000),
                streamedUpdate(doc, "shipped", second, 1),
            ]),
        );
        assert.equal(await silverStatus(id), "shipped", `order ${id}: the read stamped 30 s later won`);
        assert.deepEqual(await oracleReports(), []);
    });

    it("a re-delivered older streamed event at a later offset, after a newer one and a read, still loses", async (t) => {
        if (!requireTier(t, "dbt", await tierProblem())) return;
        assert.ok(before, "the baseline step failed");
        const [id, doc] = openOrder(2);
        const second = Math.floor(newestTs() / 1000) * 1000 + 5_000;
        const older = streamedUpdate(doc, "paid", second, 1);
        const newer = streamedUpdate(doc, "delivered", second + 1_000, 1);
        // the read of the newer state, then the older update once more (at-least-once, a new offset)
        const read = incrementalSnapshotEnvelope("orders", { ...doc, status: "delivered" }, second + 1_500);
        await deliver(orderRows(id, [older, newer, read, older]));
        assert.equal(await silverStatus(id), "delivered", `order ${id}: the re-delivered older update won`);
        assert.deepEqual(await oracleReports(), []);
    });

    it("a read re-delivered at a new offset after a newer update stands where its first delivery stood", async (t) => {
        if (!requireTier(t, "dbt", await tierProblem())) return;
        assert.ok(before, "the baseline step failed");
        const [id, doc] = openOrder(3);
        const second = Math.floor(newestTs() / 1000) * 1000 + 5_000;
        const read = orderRows(id, [incrementalSnapshotEnvelope("orders", doc, second + 400)]);
        await deliver(read);
        await deliver(orderRows(id, [streamedUpdate(doc, "cancelled", second + 1_000, 1)]));
        // the same read once more (at-least-once): after the update on the topic, but the same event
        const again = { ...read.orders[0]!, _offset: nextOffset("orders") };
        await deliver({ customers: [], products: [], orders: [again] });
        assert.equal(await silverStatus(id), "cancelled", `order ${id}: the re-delivered read beat the newer update`);
        assert.deepEqual(await oracleReports(), []);
    });

    // Last: it restarts the topic's offsets, which the steps above count on.
    it("after Kafka is rebuilt empty (offsets restart at 0) and the source re-snapshots, the new reads win", async (t) => {
        if (!requireTier(t, "dbt", await tierProblem())) return;
        assert.ok(before, "the baseline step failed");
        // the source changed while Kafka was gone: every open order is now delivered; the new topic's reads come at
        // offsets 0.. — below the old streamed events of the same orders kept in bronze, whose positions are older
        const readAt = newestTs() + 60_000;
        const changed = new Set<string>();
        const envs: object[] = [];
        const ids: string[] = [];
        for (const [id, doc] of history.finalState.orders as Map<string, OrderDoc>) {
            const open = doc.status === "pending" || doc.status === "paid";
            if (open) changed.add(id);
            envs.push(incrementalSnapshotEnvelope("orders", open ? { ...doc, status: "delivered" } : doc, readAt));
            ids.push(id);
        }
        const rows = orderRows(ids[0], envs, 0);
        rows.orders.forEach((r, i) => (r._key = keyOf(ids[i])));
        assert.ok(changed.size > 3, "the history has open orders to change");
        await deliver(rows);
        const stg = await readModelRows(client!, REPLAY_DATABASE, "stg_orders");
        const stale = stg.filter((r) => changed.has(String(r.order_id)) && r.order_status !== "delivered");
        assert.deepEqual(
            stale.map((r) => `${String(r.order_id)} ${String(r.order_status)}`),
            [],
            "orders whose older bronze rows beat the new topic's reads",
        );
        assert.deepEqual(await oracleReports(), []);
    });

    // After the rebuild above: the new topic life began at offset 0.
    it("the sink writing offset 0 again opens no new topic life: a later read still stands after the updates", async (t) => {
        if (!requireTier(t, "dbt", await tierProblem())) return;
        assert.ok(before, "the baseline step failed");
        const first = delivered.orders.filter((r) => Number(r._offset) === 0).at(-1);
        assert.ok(first && JSON.parse(first.raw_data).source.snapshot === "incremental", "the new life's offset-0 row");
        const [id, doc] = [...(history.finalState.orders as Map<string, OrderDoc>)][0]!;
        const at = newestTs() + 5_000;
        await deliver(orderRows(id, [streamedUpdate(doc, "paid", at, 1)]));
        // the sink retries its first batch: offset 0 once more, the same envelope
        await deliver({ customers: [], products: [], orders: [{ ...(first as BronzeRow) }] });
        // a read of the document's earlier state (stamped late by the worker), then an update after it on the topic
        await deliver(
            orderRows(id, [
                incrementalSnapshotEnvelope("orders", { ...doc, status: "pending" }, at + 60_000),
                streamedUpdate(doc, "shipped", at + 1_000, 1),
            ]),
        );
        assert.equal(await silverStatus(id), "shipped", `order ${id}: the read counted as the start of a new life`);
        assert.deepEqual(await oracleReports(), []);
    });
});
