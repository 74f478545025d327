/**
 * The new-field procedure of docs/analytics.md ("Taking a new field in") on the real engine: a copy of the dbt
 * project is deployed; customers carry `loyalty_tier`, which silver ignores; while a writer keeps inserting events
 * (new customers, tier changes, orders), the model change — the field added to base_customers, stg_customers,
 * dim_customers and the contract list of schema_drift — is deployed with the runner the stack's DbtRun uses.
 * Afterwards every customer, old and new, has the field as the oracle computes it (the latest event's value), no row
 * is lost or doubled, every other model still equals the oracle, and schema_drift counts the field as modelled.
 */
import { after, before, describe, it, type TestContext } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ClickHouseClient } from "@clickhouse/client";
import { dbtVenvProblem } from "../../components/providers/dbt/venv";
import { runDbt } from "../../components/providers/dbt/run";
import { analyticsVars, DEFAULT_ANALYTICS_NAMES } from "../../components/analytics/vars";
import type { ChdbGateway } from "../../tools/chdb-gateway";
import type { BronzeTable } from "../../tools/analytics/replay/bronzeFiles";
import { REPLAY_OUTPUT_SETTINGS } from "../../tools/analytics/replay/models";
import { insertBronzeRows, PROJECT_DIR, readModelRows } from "../../tools/analytics/replay/index";
import { serverNow, waitForGoldAfter } from "../../tools/analytics/refresh";
import { startBronzeGateway } from "../support/bronze-gateway";
import { compareModel } from "../support/compare";
import { computeGold, foldBronze, MODEL_NAMES } from "../support/oracle";
import { BronzeBuilder, customerDoc, oid, orderDoc, productDoc } from "../support/oracle/builder";
import type { Collection } from "../support/oracle/documents";
import { liveDocuments } from "../support/oracle/fold";
import { requireTier } from "../support/tier";
import { chdbProblem } from "../support/chdb";

const DATABASE = "ecom_new_field";
const VARS = { ...analyticsVars(DEFAULT_ANALYTICS_NAMES), gold_refresh_seconds: "1" };
const TABLE_OF: Record<Collection, BronzeTable> = {
    customers: "mongo_ecom_customers",
    products: "mongo_ecom_products",
    orders: "mongo_ecom_orders",
};
const COLLECTIONS = Object.keys(TABLE_OF) as Collection[];
const TIERS = ["bronze", "silver", "gold", null] as const;
const T0 = Date.UTC(2026, 10, 1);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cdc-new-field-"));
const project = path.join(dir, "ecom_analytics");
let gw: ChdbGateway | undefined;
let client: ClickHouseClient | undefined;
let stop: (() => Promise<void>) | undefined;
let setupError: unknown;

const history = new BronzeBuilder();
const inserted: Record<Collection, number> = { customers: 0, products: 0, orders: 0 };
let clock = T0;
let customers = 0;
let orders = 0;
const PRODUCTS = [oid(0xb001), oid(0xb002)];

function clickhouse() {
    return { url: gw!.url, user: gw!.user, password: gw!.password, database: DATABASE };
}

/** One round of changes: a new customer with a tier, a tier change of an earlier customer, an order. */
function round(): void {
    clock += 1000;
    const id = oid(0xc000 + ++customers);
    const tier = TIERS[customers % TIERS.length];
    history.insert("customers", customerDoc(id, tier === null ? {} : { loyalty_tier: tier }), { tsMs: clock });
    const earlier = oid(0xc000 + 1 + ((customers * 13 + 5) % customers));
    history.update("customers", customerDoc(earlier, { loyalty_tier: `${TIERS[customers % 3]}+` }), {
        tsMs: clock + 1,
    });
    history.insert(
        "orders",
        orderDoc(oid(0xd000 + ++orders), id, "paid", [
            { product: PRODUCTS[orders % 2]!, quantity: 1, unitPrice: "20.00" },
        ]),
        { tsMs: clock + 2 },
    );
}

/** Inserts what the history holds beyond what was inserted. */
async function flush(): Promise<void> {
    const all = history.tables();
    for (const c of COLLECTIONS) {
        const fresh = all[c].slice(inserted[c]);
        if (fresh.length === 0) continue;
        await insertBronzeRows(
            client!,
            DATABASE,
            TABLE_OF[c],
            fresh.map((r) => ({
                raw_data: r.raw_data,
                _topic: r._topic ?? "",
                _partition: Number(r._partition),
                _offset: Number(r._offset),
                _key: r._key ?? null,
            })),
        );
        inserted[c] += fresh.length;
    }
}

/** Replaces `from` by `to` in a file of the project copy; fails naming the file when `from` is not there. */
function edit(file: string, from: string, to: string): void {
    const p = path.join(project, file);
    const text = fs.readFileSync(p, "utf8");
    assert.ok(text.includes(from), `${file} no longer holds ${JSON.stringify(from)}: update this test's model change`);
    fs.writeFileSync(p, text.replace(from, to));
}

/** The model change of the procedure: silver (base + stg), one gold mart, the contract list of schema_drift. */
function addLoyaltyTier(): void {
    edit(
        "models/staging/base/base_customers.sql",
        "    dates[2] as updated_at,\n",
        "    dates[2] as updated_at,\n    {{ ejson_string(\"fields['loyalty_tier']\") }} as loyalty_tier,\n",
    );
    edit("models/staging/stg_customers.sql", "    updated_at,\n", "    updated_at,\n    loyalty_tier,\n");
    edit(
        "models/marts/dim_customers.sql",
        "        customers.registered_at as registered_at,\n",
        "        customers.registered_at as registered_at,\n        customers.loyalty_tier as loyalty_tier,\n",
    );
    edit("macros/schema_drift.sql", "'updated_at': date},", "'updated_at': date, 'loyalty_tier': text},");
}

before(async () => {
    if (chdbProblem() ?? (await dbtVenvProblem())) return;
    try {
        fs.cpSync(PROJECT_DIR, project, {
            recursive: true,
            filter: (src) => !/[/\\](target|logs|dbt_packages)$/.test(src),
        });
        ({ gw, client, stop } = await startBronzeGateway(DATABASE));
    } catch (e) {
        setupError = e;
    }
});

after(async () => {
    await stop?.();
    fs.rmSync(dir, { recursive: true, force: true });
});

describe("taking a new field into silver and gold while inserts continue", () => {
    it("every customer, old and new, has loyalty_tier as the oracle computes it; nothing lost or doubled", async (t: TestContext) => {
        if (!requireTier(t, "dbt", chdbProblem() ?? (await dbtVenvProblem()))) return;
        if (setupError) throw setupError;
        history.insert("products", productDoc(PRODUCTS[0]!), { tsMs: T0 });
        history.insert("products", productDoc(PRODUCTS[1]!), { tsMs: T0 });
        for (let i = 0; i < 30; i++) round();
        await flush();
        const first = await runDbt({
            projectDir: project,
            clickhouse: clickhouse(),
            command: "run",
            threads: 1,
            vars: VARS,
        });
        assert.equal(first.modelsErrored, 0);
        const drift = async (): Promise<{ drift: string; modelled: number; event_count: number } | undefined> =>
            (
                await (
                    await client!.query({
                        query: `SELECT drift, modelled, event_count FROM ${DATABASE}.schema_drift WHERE collection = 'customers' AND path = 'loyalty_tier'`,
                        format: "JSONEachRow",
                        clickhouse_settings: REPLAY_OUTPUT_SETTINGS,
                    })
                ).json<{ drift: string; modelled: number; event_count: number }>()
            )[0];
        assert.equal((await drift())?.drift, "unmodelled", "before the change the field is reported as unmodelled");

        // the writer: a round every 100 ms while the changed models deploy
        let writing = true;
        let writerError: unknown;
        const writer = (async () => {
            while (writing) {
                round();
                await flush();
                await new Promise((r) => setTimeout(r, 100));
            }
        })().catch((e: unknown) => {
            writerError = e;
        });
        addLoyaltyTier();
        const roundsBefore = customers;
        const second = await runDbt({
            projectDir: project,
            clickhouse: clickhouse(),
            command: "run",
            threads: 1,
            vars: VARS,
        });
        const roundsDuring = customers - roundsBefore;
        for (let i = 0; i < 3; i++) round(); // and after
        writing = false;
        await writer;
        if (writerError) throw writerError;
        await flush();
        assert.equal(second.modelsErrored, 0);
        assert.ok(roundsDuring > 0, "the writer inserted while the changed models were deployed");
        await waitForGoldAfter(client!, DATABASE, await serverNow(client!), 120_000);

        const bronze = history.tables();
        const live = liveDocuments(bronze.customers, "customers");
        const expected = [...live]
            .map(([id, doc]) => ({ customer_id: id, loyalty_tier: (doc.loyalty_tier as string | undefined) ?? null }))
            .sort((a, b) => a.customer_id.localeCompare(b.customer_id));
        assert.ok(expected.filter((e) => e.loyalty_tier !== null).length > 10, "many customers carry a tier");
        for (const model of ["stg_customers", "dim_customers"]) {
            const rows = await (
                await client!.query({
                    query: `SELECT customer_id, loyalty_tier FROM ${DATABASE}.${model} ORDER BY customer_id`,
                    format: "JSONEachRow",
                })
            ).json<{ customer_id: string; loyalty_tier: string | null }>();
            assert.deepEqual(
                rows,
                expected,
                `${model}: one row per live customer with the latest event's loyalty_tier`,
            );
        }
        const docs = foldBronze(bronze);
        const gold = computeGold(docs, new Date());
        for (const model of MODEL_NAMES) {
            const res = compareModel(model, gold[model], await readModelRows(client!, DATABASE, model));
            assert.ok(res.equal, `${model} after the change\n${res.report}`);
        }
        const after = await drift();
        assert.equal(after?.drift, "", "the field is modelled now");
        assert.equal(Number(after?.modelled), 1);
        t.diagnostic(`${roundsDuring} writer rounds ran during the deploy of the change`);
    });
});
