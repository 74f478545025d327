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
import { buildModels, createBronzeTables, gatewayClient, insertBronzeRows, readModelRows, REPLAY_DATABASE } from "../../ecom_analytics/replay/index";
import { startChdbGateway, type ChdbGateway } from "../../scripts/chdb-gateway";
import { simulateHistory, type BronzeRow, type CollectionName } from "../../seed/index";
import { compareModel } from "../support/compare";
import { computeGold, foldBronze, MODEL_NAMES, type BronzeTables } from "../support/oracle";
import { requireTier } from "../support/tier";
import { serverNow, waitForGoldAfter } from "../../tools/analytics/refresh";

const REPO = path.resolve(__dirname, "../..");
const COLLECTIONS: CollectionName[] = ["customers", "products", "orders"];

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
        out[2]![c] = [...heldBack.map(again), ...rows.slice(half).filter((_, i) => i % 30 === 11).map(again)];
    }
    return out;
}

async function tierProblem(): Promise<string | undefined> {
    if (!fs.existsSync(path.join(REPO, "ecom_analytics/replay/index.ts"))) return "the replay module ecom_analytics/replay/index.ts is missing";
    return dbtVenvProblem();
}

describe("gold vs oracle across incremental dbt runs", () => {
    const history = simulateHistory({ seed: 424242, customers: 300, products: 120, orders: 3_000, changes: 3_000 });
    const batches = deliveries(history.bronze);
    const delivered: BronzeTables = { customers: [], products: [], orders: [] };
    let gw: ChdbGateway | undefined;
    let client: ClickHouseClient | undefined;
    let ready = false;
    after(async () => {
        await client?.close();
        await gw?.stop();
    });

    async function deliverAndBuild(t: TestContext, index: number): Promise<void> {
        if (!requireTier(t, "dbt", await tierProblem())) return;
        if (gw === undefined) {
            gw = await startChdbGateway();
            client = gatewayClient(gw, "default");
            await createBronzeTables(client, REPLAY_DATABASE);
            await buildModels(gw, REPLAY_DATABASE, { vars: { gold_refresh_seconds: "1" } });
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
            const results = days.map((day) => compareModel(model, computeGold(docs, new Date(`${day}T12:00:00Z`))[model], actual));
            if (!results.some((r) => r.equal)) reports.push(results[0]!.report);
        }
        assert.deepEqual(reports, [], reports.join("\n\n"));
    }

    it("equals the oracle after the first delivery (half the history, some events held back)", (t) => deliverAndBuild(t, 0));

    it("equals the oracle after the second delivery (the rest, plus re-delivered duplicates of old events)", (t) =>
        deliverAndBuild(t, 1));

    it("equals the oracle after the third delivery (the held-back older events arriving late)", (t) => deliverAndBuild(t, 2));
});
