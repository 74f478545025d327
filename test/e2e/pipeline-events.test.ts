/**
 * End to end from change events along the product's own path (issue 6): the seed emitter's
 * bronze rows → bronze tables created by the `BronzeTables` provider on the chdb gateway →
 * rows inserted over HTTP as the ClickHouse sink writes them (JSONEachRow of the Kafka record
 * columns; `_ingested_at` from its DEFAULT) → the `DbtRun` provider building the real
 * `ecom_analytics/` project → every silver and gold model read back with `@clickhouse/client`
 * and compared with the independent oracle of docs/data-contract.md.
 *
 * Two deliveries: 70% of each topic first (`DbtRun` create), then the rest plus a re-delivered
 * slice of already-delivered events at new offsets (`DbtRun` update); the contract says the
 * duplicates change nothing, so after the update gold must equal the oracle of the history
 * without them.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it, type TestContext } from "node:test";
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from "@clickhouse/client";
import { analyticsVars, DEFAULT_ANALYTICS_NAMES } from "../../components/analytics/vars";
import { createBronzeTablesProvider } from "../../components/providers/bronzeTables/provider";
import { dbtProjectHash } from "../../components/providers/dbt/hash";
import {
    createDbtRunProvider,
    diffDbtRun,
    normaliseDbtRunInputs,
    type DbtRunOutputs,
} from "../../components/providers/dbt/provider";
import { dbtVenvProblem, ensureDbtVenv } from "../../components/providers/dbt/venv";
import { PROJECT_DIR, readModelRows } from "../../tools/analytics/replay/index";
import { startChdbGateway, type ChdbGateway } from "../../tools/chdb-gateway/index";
import { simulateHistory, type BronzeRow, type CollectionName } from "../../seed/index";
import { compareModel } from "../support/compare";
import { computeGold, foldBronze, MODEL_NAMES, type BronzeTables } from "../support/oracle";
import { requireTier } from "../support/tier";

const COLLECTIONS: CollectionName[] = ["customers", "products", "orders"];
/** The bronze database, as the platform passes it to both `BronzeTables` and `DbtRun`. */
const DATABASE = "ecom_pipeline";
const tableOf = (c: CollectionName): string => `mongo_ecom_${c}`;

/**
 * Splits a history into two sink deliveries: the first 70% of each topic, then the rest plus
 * every 20th already-delivered event again at a new offset (at-least-once redelivery).
 */
function deliveries(
    bronze: Record<CollectionName, BronzeRow[]>,
): [Record<CollectionName, BronzeRow[]>, Record<CollectionName, BronzeRow[]>] {
    const first = {} as Record<CollectionName, BronzeRow[]>;
    const second = {} as Record<CollectionName, BronzeRow[]>;
    for (const c of COLLECTIONS) {
        const rows = bronze[c];
        const cut = Math.floor(rows.length * 0.7);
        let offset = rows.reduce((m, r) => Math.max(m, r._offset), -1) + 1;
        first[c] = rows.slice(0, cut);
        second[c] = [
            ...rows.slice(cut),
            ...first[c].filter((_, i) => i % 20 === 13).map((r) => ({ ...r, _offset: offset++ })),
        ];
    }
    return [first, second];
}

/** The columns the ClickHouse sink writes per Kafka record (everything but `_ingested_at`). */
function sinkRecord(r: BronzeRow): Record<string, unknown> {
    return { raw_data: r.raw_data, _topic: r._topic, _partition: r._partition, _offset: r._offset, _key: r._key };
}

describe(
    "pipeline from change events: BronzeTables → sink inserts over HTTP → DbtRun → gold equals the oracle",
    { timeout: 15 * 60_000 },
    () => {
        const history = simulateHistory({
            seed: 20241126,
            customers: 500,
            products: 200,
            orders: 10_000,
            changes: 5_000,
        });
        const [batch1, batch2] = deliveries(history.bronze);
        const password = randomBytes(12).toString("base64url");
        const dbtProvider = createDbtRunProvider();
        let gw: ChdbGateway | undefined;
        let client: ClickHouseClient | undefined;
        let dbtState: { id: string; outs: DbtRunOutputs } | undefined;
        let problem: string | undefined;
        /** Set once a step fails, so later steps (which build on it) fail naming it rather than confusingly. */
        let failedStep: string | undefined;

        before(async () => {
            problem = await dbtVenvProblem();
            if (problem !== undefined) return;
            await ensureDbtVenv({ log: (l) => process.stderr.write(`[dbt venv] ${l}\n`) });
            gw = await startChdbGateway({ user: "cdc", password });
            client = createClient({
                url: gw.url,
                username: gw.user,
                password: gw.password,
                request_timeout: 600_000,
                log: { level: ClickHouseLogLevel.ERROR },
            });
        });

        after(async () => {
            await client?.close().catch(() => undefined);
            await gw?.stop();
        });

        /** Gate, and refuse to run a step whose predecessor failed. */
        function gate(t: TestContext): boolean {
            if (!requireTier(t, "dbt", problem)) return false;
            assert.equal(failedStep, undefined, `an earlier step failed: ${failedStep}`);
            assert.ok(gw !== undefined && client !== undefined, "the gateway did not start");
            return true;
        }

        /** Runs one step; a failure marks the later steps as blocked. */
        async function step(t: TestContext, name: string, body: () => Promise<void>): Promise<void> {
            if (!gate(t)) return;
            try {
                await body();
            } catch (e) {
                failedStep = name;
                throw e;
            }
        }

        /** Inserts rows the way the ClickHouse sink does: JSONEachRow into `<database>.<table>`. */
        async function deliver(batch: Record<CollectionName, BronzeRow[]>): Promise<void> {
            for (const c of COLLECTIONS) {
                await client!.insert({
                    table: `${DATABASE}.${tableOf(c)}`,
                    values: batch[c].map(sinkRecord),
                    format: "JSONEachRow",
                });
            }
        }

        /** The DbtRun inputs the platform's program passes (project hash computed in the program). */
        function dbtInputs(extra: Record<string, unknown> = {}): Record<string, unknown> {
            return {
                projectDir: PROJECT_DIR,
                clickhouse: { url: gw!.url, user: gw!.user, password, database: DATABASE },
                target: "dev",
                command: "build",
                threads: 1,
                contentHash: dbtProjectHash(PROJECT_DIR),
                vars: analyticsVars(DEFAULT_ANALYTICS_NAMES),
                ...extra,
            };
        }

        /**
         * Reads every silver and gold model over HTTP and compares it with the oracle of `rows`.
         * `today()` of the dbt run lies between `startedAt` and now; if those are different UTC
         * days either day's oracle may match.
         */
        async function assertModelsMatch(rows: BronzeTables, startedAt: Date): Promise<void> {
            const days = [...new Set([startedAt, new Date()].map((d) => d.toISOString().slice(0, 10)))];
            const docs = foldBronze(rows);
            const oracles = days.map((day) => computeGold(docs, new Date(`${day}T12:00:00Z`)));
            const reports: string[] = [];
            for (const model of MODEL_NAMES) {
                const actual = await readModelRows(client!, DATABASE, model);
                assert.ok(actual.length > 0, `${model} is empty`);
                const results = oracles.map((o) => compareModel(model, o[model], actual));
                if (!results.some((r) => r.equal)) reports.push(results[0]!.report);
            }
            assert.deepEqual(reports, [], reports.join("\n\n"));
        }

        it("generates at least 10k orders with updates and deletes", () => {
            const ops = history.bronze.orders.map((r) => (JSON.parse(r.raw_data) as { op: string }).op);
            assert.ok(ops.filter((op) => op === "r" || op === "c").length >= 10_000);
            assert.ok(ops.includes("u") && ops.includes("d"));
            assert.ok(
                batch2.orders.some((r) => r._offset >= history.bronze.orders.length),
                "the second delivery re-delivers events at new offsets",
            );
        });

        it("creates the bronze tables through the BronzeTables provider with the gateway's user and password", (t) =>
            step(t, "BronzeTables create", async () => {
                const provider = createBronzeTablesProvider();
                const inputs = {
                    url: gw!.url,
                    user: gw!.user,
                    password,
                    database: DATABASE,
                    tables: COLLECTIONS.map(tableOf),
                };
                // The gateway really checks the credentials the provider is given.
                await assert.rejects(
                    provider.create({ ...inputs, password: `${password}-wrong` }),
                    /BronzeTables: creating bronze tables/,
                );
                const created = await provider.create(inputs);
                assert.equal(created.id, `bronze:${DATABASE}`);
                assert.deepEqual(created.outs.drift, []);
                const rs = await client!.query({
                    query: `SELECT name FROM system.tables WHERE database = '${DATABASE}' ORDER BY name`,
                    format: "JSONEachRow",
                });
                assert.deepEqual(
                    (await rs.json<{ name: string }>()).map((r) => r.name),
                    COLLECTIONS.map(tableOf).sort(),
                );
            }));

        it("stores the first delivery's sink inserts with _ingested_at stamped by the table DEFAULT", (t) =>
            step(t, "first delivery", async () => {
                await deliver(batch1);
                for (const c of COLLECTIONS) {
                    const rs = await client!.query({
                        query: `SELECT count() AS n, countIf(_ingested_at < now64(3) - INTERVAL 1 HOUR) AS stale FROM ${DATABASE}.${tableOf(c)}`,
                        format: "JSONEachRow",
                        clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
                    });
                    assert.deepEqual(
                        await rs.json(),
                        [{ n: batch1[c].length, stale: 0 }],
                        `${tableOf(c)} after the first delivery`,
                    );
                }
            }));

        it("builds every silver and gold model equal to the oracle on DbtRun create after the first delivery", (t) =>
            step(t, "DbtRun create", async () => {
                const startedAt = new Date();
                const created = await dbtProvider.create(dbtInputs());
                const outs = created.outs as DbtRunOutputs;
                dbtState = { id: created.id, outs };
                assert.equal(outs.summary.modelsErrored, 0);
                assert.equal(outs.summary.testsFailed, 0);
                assert.ok(outs.summary.modelsBuilt >= MODEL_NAMES.length, `built ${outs.summary.modelsBuilt} models`);
                assert.ok(!JSON.stringify(outs).includes(password), "the password is not in the outputs");
                await assertModelsMatch(batch1, startedAt);
            }));

        it("builds the models equal to the oracle of the whole history on DbtRun update after the second delivery (duplicates change nothing)", (t) =>
            step(t, "DbtRun update", async () => {
                assert.ok(dbtState !== undefined, "DbtRun create did not run");
                await deliver(batch2);
                // New data alone does not re-run dbt: with the project and settings unchanged the
                // provider's diff is empty, so a plain `pulumi up` would leave the models as they are.
                const same = await dbtProvider.diff!(dbtState.id, dbtState.outs, dbtInputs());
                assert.equal(same.changes, false, "unchanged inputs must not re-run dbt");
                // What a trigger change takes instead: here a `vars` change (the gold refresh interval,
                // as a change of cdc:analytics.refreshSeconds makes it); diff → update in place.
                const news = dbtInputs({ vars: { gold_refresh_seconds: "30" } });
                assert.deepEqual(diffDbtRun(dbtState.outs, normaliseDbtRunInputs(news)).changed, ["vars"]);
                const changed = await dbtProvider.diff!(dbtState.id, dbtState.outs, news);
                assert.equal(changed.changes, true);
                assert.deepEqual(changed.replaces, []);
                const startedAt = new Date();
                const updated = await dbtProvider.update!(dbtState.id, dbtState.outs, news);
                const outs = updated.outs as DbtRunOutputs;
                assert.equal(outs.summary.testsFailed, 0);
                assert.ok(outs.lastRunAt > dbtState.outs.lastRunAt, "the update ran dbt again");
                // The oracle of the original history, without the re-delivered duplicates.
                await assertModelsMatch(history.bronze, startedAt);
            }));
    },
);
