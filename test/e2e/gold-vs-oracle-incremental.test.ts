/**
 * Continuous analytics from change events: the models are deployed once on empty bronze, then
 * bronze arrives in three deliveries with re-delivered duplicates and events held back and
 * delivered late (older `source.ts_ms`, new offsets). No dbt runs after the deploy: silver
 * follows at insert time and ClickHouse refreshes gold; after the refresh that follows each
 * delivery every silver and gold model must equal the oracle computed from all rows delivered
 * so far.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, describe, it, type TestContext } from "node:test";
import type { ClickHouseClient } from "@clickhouse/client";
import { dbtVenvProblem } from "../../components/providers/dbt/venv";
import { buildModels, insertBronzeRows, readModelRows, REPLAY_DATABASE } from "../../tools/analytics/replay/index";
import type { ChdbGateway } from "../../tools/chdb-gateway";
import { startBronzeGateway } from "../support/bronze-gateway";
import { simulateHistory, type BronzeRow, type CollectionName } from "../../seed/index";
import { compareModel } from "../support/compare";
import { computeGold, foldBronze, MODEL_NAMES, type BronzeTables } from "../support/oracle";
import { strictJson } from "../support/oracle/builder";
import { requireTier } from "../support/tier";
import { serverNow, waitForGoldAfter } from "../../tools/analytics/refresh";

const REPO = path.resolve(__dirname, "../..");
const COLLECTIONS: CollectionName[] = ["customers", "products", "orders"];
const INTERVAL_S = 1;

/** Splits a history into three deliveries as an at-least-once, out-of-order sink would write them. */
function deliveries(bronze: Record<CollectionName, BronzeRow[]>): Record<CollectionName, BronzeRow[]>[] {
    const out: Record<CollectionName, BronzeRow[]>[] = [
        { customers: [], products: [], orders: [] },
        { customers: [], products: [], orders: [] },
        { customers: [], products: [], orders: [] },
    ];
    for (const c of COLLECTIONS) {
        const rows = bronze[c];
        let offset = rows.reduce((m, r) => Math.max(m, r._offset), 0) + 1;
        const again = (r: BronzeRow): BronzeRow => ({ ...r, _offset: offset++ });
        const half = Math.floor(rows.length / 2);
        const first = rows.slice(0, half);
        const heldBack = first.filter((_, i) => i % 40 === 7);
        out[0]![c] = first.filter((_, i) => i % 40 !== 7);
        out[1]![c] = [...rows.slice(half), ...first.filter((_, i) => i % 25 === 3).map(again)];
        out[2]![c] = [
            ...heldBack.map(again),
            ...rows
                .slice(half)
                .filter((_, i) => i % 30 === 11)
                .map(again),
        ];
    }
    return out;
}

async function tierProblem(): Promise<string | undefined> {
    if (!fs.existsSync(path.join(REPO, "tools/analytics/replay/index.ts")))
        return "the replay module tools/analytics/replay/index.ts is missing";
    return dbtVenvProblem();
}

describe("gold vs oracle across deliveries, refreshed by ClickHouse", () => {
    const history = simulateHistory({ seed: 424242, customers: 300, products: 120, orders: 3_000, changes: 3_000 });
    const batches = deliveries(history.bronze);
    const delivered: BronzeTables = { customers: [], products: [], orders: [] };
    let gw: ChdbGateway | undefined;
    let client: ClickHouseClient | undefined;
    let stop: (() => Promise<void>) | undefined;
    let ready = false;
    after(async () => {
        await stop?.();
    });

    async function deliverAndBuild(t: TestContext, index: number): Promise<void> {
        if (!requireTier(t, "dbt", await tierProblem())) return;
        if (gw === undefined) {
            ({ gw, client, stop } = await startBronzeGateway(REPLAY_DATABASE));
            await buildModels(gw!, REPLAY_DATABASE, { vars: { gold_refresh_seconds: String(INTERVAL_S) } });
            ready = true;
        }
        assert.ok(ready && client !== undefined, "an earlier delivery failed");
        for (const c of COLLECTIONS) {
            await insertBronzeRows(client, REPLAY_DATABASE, `mongo_ecom_${c}`, batches[index]![c]);
            delivered[c].push(...batches[index]![c]);
        }
        const startedAt = new Date();
        await waitForGoldAfter(client, REPLAY_DATABASE, await serverNow(client), 120_000);
        const days = [...new Set([startedAt, new Date()].map((d) => d.toISOString().slice(0, 10)))];
        const docs = foldBronze(delivered);
        const reports: string[] = [];
        for (const model of MODEL_NAMES) {
            const actual = await readModelRows(client, REPLAY_DATABASE, model);
            const results = days.map((day) =>
                compareModel(model, computeGold(docs, new Date(`${day}T12:00:00Z`))[model], actual),
            );
            if (!results.some((r) => r.equal)) reports.push(results[0]!.report);
        }
        assert.deepEqual(reports, [], reports.join("\n\n"));
    }

    it("equals the oracle after the first delivery (half the history, some events held back)", (t) =>
        deliverAndBuild(t, 0));

    it("equals the oracle after the second delivery (the rest, plus re-delivered duplicates of old events)", (t) =>
        deliverAndBuild(t, 1));

    it("equals the oracle after the third delivery (the held-back older events arriving late)", (t) =>
        deliverAndBuild(t, 2));

    const KEYS: Record<string, string> = {
        dim_customers__state: "customer_id",
        dim_products__state: "product_id",
        fact_orders__state: "(order_id, line_number)",
        fct_daily_sales__state: "order_date",
    };

    /** The server's clock in epoch µs (the unit of `_gold_version`). */
    async function serverMicros(): Promise<number> {
        const rs = await client!.query({
            query: "SELECT toUnixTimestamp64Micro(now64(6)) AS t",
            format: "JSONEachRow",
            clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
        });
        return Number((await rs.json<{ t: number }>())[0]!.t);
    }

    /** Per gold state table, how many keys a refresh wrote a version of after `since` (µs). */
    async function keysRecomputedAfter(since: number): Promise<Record<string, number>> {
        const out: Record<string, number> = {};
        for (const [state, key] of Object.entries(KEYS)) {
            const rs = await client!.query({
                query: `SELECT uniqExact(${key}) AS n FROM ${REPLAY_DATABASE}.${state} WHERE _gold_version > ${since}`,
                format: "JSONEachRow",
            });
            out[state] = Number((await rs.json<{ n: string | number }>())[0]!.n);
        }
        return out;
    }

    /** Waits for two complete refreshes of everything after now. */
    async function settle(): Promise<void> {
        await waitForGoldAfter(client!, REPLAY_DATABASE, await serverNow(client!), 120_000);
        await waitForGoldAfter(client!, REPLAY_DATABASE, await serverNow(client!), 120_000);
    }

    it("recomputes only what changed: an idle refresh recomputes nothing, one order's update only its customer's orders", async (t) => {
        if (!requireTier(t, "dbt", await tierProblem())) return;
        assert.ok(ready && client !== undefined, "an earlier delivery failed");
        await settle();
        const idleSince = await serverMicros();
        await waitForGoldAfter(client, REPLAY_DATABASE, await serverNow(client), 60_000);
        await waitForGoldAfter(client, REPLAY_DATABASE, await serverNow(client), 60_000);
        assert.deepEqual(
            await keysRecomputedAfter(idleSince),
            { dim_customers__state: 0, dim_products__state: 0, fact_orders__state: 0, fct_daily_sales__state: 0 },
            "refreshes with nothing new recompute nothing",
        );

        // one update: the newest event of a live order, re-sent later with another status
        const docs = foldBronze(delivered);
        const [orderId, order] = [...docs.orders].find(([, o]) => o.status !== "cancelled" && o.items.length > 0)!;
        const latest = delivered.orders.filter((r) => JSON.parse(r.raw_data).after?.includes(orderId)).at(-1)!;
        const envelope = JSON.parse(latest.raw_data);
        const after = JSON.parse(envelope.after);
        after.status = "cancelled";
        const newest = Math.max(...delivered.orders.map((r) => JSON.parse(r.raw_data).source.ts_ms as number));
        envelope.op = "u";
        envelope.after = strictJson(after);
        envelope.source.ts_ms = newest + 1000;
        const row = {
            ...latest,
            raw_data: JSON.stringify(envelope),
            _offset: Math.max(...delivered.orders.map((r) => Number(r._offset))) + 1,
        };
        const changeSince = await serverMicros();
        await insertBronzeRows(client, REPLAY_DATABASE, "mongo_ecom_orders", [row as BronzeRow]);
        delivered.orders.push(row);
        await settle();
        const touched = await keysRecomputedAfter(changeSince);

        const customerLines = [...docs.orders.values()]
            .filter((o) => o.customer_id === order.customer_id)
            .reduce((n, o) => n + o.items.length, 0);
        const liveLines = [...docs.orders.values()].reduce((n, o) => n + o.items.length, 0);
        t.diagnostic(
            `one order's update recomputed ${JSON.stringify(touched)} keys; its customer has ${customerLines} order lines of ${liveLines} live`,
        );
        assert.ok(touched.fact_orders__state! >= order.items.length, "the order's lines were recomputed");
        assert.ok(
            touched.fact_orders__state! <= customerLines,
            `fact_orders: ${touched.fact_orders__state} lines recomputed, at most the ${customerLines} lines of the customer's orders`,
        );
        assert.equal(touched.dim_customers__state, 1, "dim_customers: the order's customer");
        assert.equal(touched.fct_daily_sales__state, 1, "fct_daily_sales: the order's day");
        assert.equal(
            touched.dim_products__state,
            new Set(order.items.map((i) => i.product_id)).size,
            "dim_products: the order's products",
        );

        const reports: string[] = [];
        const now = foldBronze(delivered);
        for (const model of MODEL_NAMES) {
            const res = compareModel(
                model,
                computeGold(now, new Date())[model],
                await readModelRows(client, REPLAY_DATABASE, model),
            );
            if (!res.equal) reports.push(res.report);
        }
        assert.deepEqual(reports, [], reports.join("\n\n"));
    });
});
