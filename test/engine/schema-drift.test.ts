/**
 * Schema drift on the real engine (docs/analytics.md "Schema drift"): the project is deployed once; a clean history
 * shows no drift; then events with unmodelled fields (one of two types, one with a secret-looking name), a nested
 * new object, a new field in an order line and a type change of a modelled field reach `schema_drift` within one
 * refresh with the counts, types and dates the oracle (test/support/oracle/drift.ts) computes; silver and gold equal
 * the oracle of the same history without the new fields (the type change is a reject either way); the dbt test on
 * schema_drift warns.
 */
import { after, before, describe, it, type TestContext } from "node:test";
import * as assert from "node:assert/strict";
import type { ClickHouseClient } from "@clickhouse/client";
import { dbtProjectHash } from "../../components/providers/dbt/hash";
import { dbtVenvProblem } from "../../components/providers/dbt/venv";
import type { ChdbGateway } from "../../tools/chdb-gateway";
import type { BronzeTable } from "../../tools/analytics/replay/bronzeFiles";
import { REPLAY_OUTPUT_SETTINGS, rejectsSelectSql } from "../../tools/analytics/replay/models";
import { buildModels, insertBronzeRows, PROJECT_DIR, readModelRows } from "../../tools/analytics/replay/index";
import { serverNow, waitForGoldAfter } from "../../tools/analytics/refresh";
import { startBronzeGateway } from "../support/bronze-gateway";
import { compareModel } from "../support/compare";
import { computeGold, foldBronze, MODEL_NAMES, rejectsAsRows, type BronzeTables } from "../support/oracle";
import { BronzeBuilder, customerDoc, oid, orderDoc, productDoc } from "../support/oracle/builder";
import type { Collection } from "../support/oracle/documents";
import { computeDrift, SECRET_NAME, type DriftPath } from "../support/oracle/drift";
import { requireTier } from "../support/tier";
import { chdbProblem } from "../support/chdb";

const DATABASE = "ecom_drift";
const VARS = { gold_refresh_seconds: "1" };
const TABLE_OF: Record<Collection, BronzeTable> = {
    customers: "mongo_ecom_customers",
    products: "mongo_ecom_products",
    orders: "mongo_ecom_orders",
};
const COLLECTIONS = Object.keys(TABLE_OF) as Collection[];
const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);
const MINUTE = 60_000;

let gw: ChdbGateway | undefined;
let client: ClickHouseClient | undefined;
let stop: (() => Promise<void>) | undefined;
let setupError: unknown;

/**
 * The same history twice, event by event at the same offsets: `drifted` carries the new fields, `plain` does not
 * (the type change is in both: it is no new field, and a reject either way).
 */
const drifted = new BronzeBuilder();
const plain = new BronzeBuilder();
const inserted: BronzeTables = { customers: [], products: [], orders: [] };

function both(f: (b: BronzeBuilder, extra: (x: Record<string, unknown>) => Record<string, unknown>) => void): void {
    f(drifted, (x) => x);
    f(plain, () => ({}));
}

async function ready(t: TestContext): Promise<ClickHouseClient | undefined> {
    if (!requireTier(t, "dbt", chdbProblem() ?? (await dbtVenvProblem()))) return undefined;
    if (setupError) throw setupError;
    return client;
}

/** Inserts what `drifted` built since the last call and waits for one gold refresh after it. */
async function insertNew(): Promise<void> {
    const all = drifted.tables();
    for (const c of COLLECTIONS) {
        const fresh = all[c].slice(inserted[c].length);
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
        inserted[c].push(...fresh);
    }
    await waitForGoldAfter(client!, DATABASE, await serverNow(client!), 60_000);
}

interface DriftRow {
    collection: string;
    path: string;
    json_types: string[];
    event_count: number;
    first_seen_at: string;
    last_seen_at: string;
    sample_value: string;
    modelled: boolean;
    changed_types: string[];
    changed_type_events: number;
    drift: string;
}

async function driftRows(): Promise<DriftRow[]> {
    const rs = await client!.query({
        query: `SELECT * FROM ${DATABASE}.schema_drift ORDER BY collection, path`,
        format: "JSONEachRow",
        clickhouse_settings: REPLAY_OUTPUT_SETTINGS,
    });
    return rs.json<DriftRow>();
}

const iso = (ms: number): string => new Date(ms).toISOString().replace("T", " ").replace("Z", "");

/** The engine's report equals the oracle's, path by path; each sample is a value seen there, or masked. */
function assertDriftMatches(actual: DriftRow[], expected: DriftPath[]): void {
    const key = (r: { collection: string; path: string }): string => `${r.collection}.${r.path}`;
    assert.deepEqual(actual.map(key).sort(), expected.map(key).sort(), "the paths seen");
    const byKey = new Map(actual.map((r) => [key(r), r]));
    for (const e of expected) {
        const a = byKey.get(key(e))!;
        assert.deepEqual(
            {
                json_types: a.json_types,
                event_count: Number(a.event_count),
                first_seen_at: a.first_seen_at,
                last_seen_at: a.last_seen_at,
                modelled: Boolean(a.modelled),
                changed_types: a.changed_types,
                changed_type_events: Number(a.changed_type_events),
                drift: a.drift,
            },
            {
                json_types: e.json_types,
                event_count: e.event_count,
                first_seen_at: iso(e.first_seen_ms),
                last_seen_at: iso(e.last_seen_ms),
                modelled: e.modelled,
                changed_types: e.changed_types,
                changed_type_events: e.changed_type_events,
                drift: e.drift,
            },
            key(e),
        );
        const name = e.path.replaceAll("[]", "").split(".").pop()!;
        if (SECRET_NAME.test(name)) assert.equal(a.sample_value, "***", `${key(e)}: sample masked`);
        else
            assert.ok(
                e.values.some((v) => JSON.stringify(v) === JSON.stringify(JSON.parse(a.sample_value))),
                `${key(e)}: sample ${a.sample_value} is a value seen there`,
            );
    }
}

before(async () => {
    if (chdbProblem() ?? (await dbtVenvProblem())) return;
    try {
        ({ gw, client, stop } = await startBronzeGateway(DATABASE));
        const summary = await buildModels(gw, DATABASE, { vars: VARS });
        assert.equal(summary.testsFailed, 0);
    } catch (e) {
        setupError = e;
    }
});

after(async () => {
    await stop?.();
});

const C1 = oid(0xc1);
const C2 = oid(0xc2);
const P1 = oid(0xa1);
const P2 = oid(0xa2);
const O1 = oid(0x01);
const O2 = oid(0x02);
const O3 = oid(0x03);

describe("schema drift: new fields and type changes reach schema_drift within one refresh", () => {
    it("a history as the contract says shows every path modelled and no drift", async (t) => {
        if (!(await ready(t))) return;
        both((b) => {
            b.insert("customers", customerDoc(C1), { tsMs: T0 });
            b.insert("products", productDoc(P1), { tsMs: T0 + MINUTE });
            b.insert("products", productDoc(P2, "5.00", 3), { tsMs: T0 + MINUTE });
            b.insert("orders", orderDoc(O1, C1, "paid", [{ product: P1, quantity: 2, unitPrice: "19.99" }]), {
                tsMs: T0 + 2 * MINUTE,
            });
        });
        await insertNew();
        const rows = await driftRows();
        assertDriftMatches(rows, computeDrift(inserted));
        assert.deepEqual(
            rows.filter((r) => r.drift !== ""),
            [],
        );
        assert.ok(
            rows.some((r) => r.path === "items[].quantity" && r.modelled),
            "order lines' fields are reported",
        );
    });

    it("unmodelled fields, a nested new object and a type change are reported; silver and gold do not change", async (t) => {
        if (!(await ready(t))) return;
        both((b, extra) => {
            b.insert("customers", customerDoc(C2, extra({ loyalty_tier: "gold", api_token: "s3cr3t" })), {
                tsMs: T0 + 10 * MINUTE,
            });
            b.update("customers", customerDoc(C1, { email: "ada@new.example", ...extra({ loyalty_tier: 3 }) }), {
                tsMs: T0 + 11 * MINUTE,
            });
            b.update(
                "products",
                productDoc(
                    P2,
                    "6.50",
                    3,
                    extra({ dimensions: { width_cm: 12.5, height_cm: 3, unit: { system: "metric" } } }),
                ),
                { tsMs: T0 + 12 * MINUTE },
            );
            // a type change: status as a number; silver rejects the event (bad_string), O1 keeps its state
            b.update(
                "orders",
                orderDoc(O1, C1, 7 as unknown as string, [{ product: P1, quantity: 2, unitPrice: "19.99" }]),
                {
                    tsMs: T0 + 13 * MINUTE,
                },
            );
            const line = { product: P2, quantity: 1, unitPrice: "6.50" };
            const o2 = orderDoc(O2, C2, "pending", [line]);
            const items = o2.items as Array<Record<string, unknown>>;
            b.insert(
                "orders",
                { ...o2, items: items.map((i) => ({ ...i, ...extra({ discount: { $numberDecimal: "0.50" } }) })) },
                {
                    tsMs: T0 + 14 * MINUTE,
                },
            );
            b.insert("orders", orderDoc(O3, C2, "paid", [line]), { tsMs: T0 + 15 * MINUTE });
        });
        await insertNew();

        const rows = await driftRows();
        assertDriftMatches(rows, computeDrift(inserted));
        const at = (collection: string, path: string): DriftRow | undefined =>
            rows.find((r) => r.collection === collection && r.path === path);
        assert.deepEqual(at("customers", "loyalty_tier")?.json_types, ["int", "string"]);
        assert.equal(at("customers", "loyalty_tier")?.first_seen_at, iso(T0 + 10 * MINUTE));
        assert.equal(at("customers", "api_token")?.sample_value, "***");
        assert.equal(at("products", "dimensions.width_cm")?.drift, "unmodelled");
        assert.equal(at("products", "dimensions.unit.system"), undefined, "depth 2 by default");
        assert.equal(at("orders", "items[].discount")?.json_types[0], "decimal");
        assert.deepEqual(
            [at("orders", "status")?.drift, at("orders", "status")?.changed_types, at("orders", "status")?.event_count],
            ["type_change", ["int"], 4],
        );

        const expected = computeGold(foldBronze(plain.tables()), new Date());
        for (const model of MODEL_NAMES) {
            const res = compareModel(model, expected[model], await readModelRows(client!, DATABASE, model));
            assert.ok(res.equal, `${model} as without the new fields\n${res.report}`);
        }
        const rejects = await (
            await client!.query({
                query: rejectsSelectSql(DATABASE),
                format: "JSONEachRow",
                clickhouse_settings: REPLAY_OUTPUT_SETTINGS,
            })
        ).json<{ reason: string }>();
        assert.deepEqual(
            rejects.map((r) => r.reason),
            rejectsAsRows(foldBronze(inserted)).map((r) => r.reason),
        );
        assert.deepEqual(
            rejects.map((r) => r.reason),
            ["bad_string"],
        );
    });

    it("the dbt test on schema_drift warns, naming it; the run records the contract version and project hash", async (t) => {
        if (!(await ready(t))) return;
        const lines: string[] = [];
        const summary = await buildModels(gw!, DATABASE, { vars: VARS, log: (l) => lines.push(l) });
        assert.equal(summary.testsFailed, 0);
        assert.ok(
            lines.some((l) => /WARN/.test(l) && /schema_drift/.test(l)),
            `a WARN line for schema_drift in:\n${lines.join("\n")}`,
        );
        const [deployment] = await (
            await client!.query({
                query: `SELECT contract_version, project_hash FROM ${DATABASE}.analytics_deployment`,
                format: "JSONEachRow",
            })
        ).json<{ contract_version: string; project_hash: string }>();
        assert.deepEqual(deployment, { contract_version: "2026-12-07", project_hash: dbtProjectHash(PROJECT_DIR) });
    });
});
