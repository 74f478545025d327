/**
 * Engine tier: the BronzeTables provider against the real ClickHouse engine (npm `chdb`),
 * in-process through `chdb/connection` plugged into `@clickhouse/client`, and over HTTP through
 * the chdb gateway with the provider serialised and revived as Pulumi would run it.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it, type TestContext } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from "@clickhouse/client";
import {
    BRONZE_COLUMNS,
    bronzeSchemaVersion,
    createBronzeTablesProvider,
    type BronzeTablesOutputs,
} from "../../components/providers/bronzeTables";
import { startChdbGateway, type ChdbGateway } from "../../tools/chdb-gateway";
import { requireTier } from "../support/tier";
import { chdbProblem } from "../support/chdb";

const TABLES = ["mongo_ecom_customers", "mongo_ecom_products", "mongo_ecom_orders"];

let dataDir: string;
/** A client on the in-process engine (one data directory per process). */
function engineClient(): ClickHouseClient {
    // (typed by hand: chdb's subpath types need moduleResolution node16, the project uses node)
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createChdbConnection } = require("chdb/connection") as {
        createChdbConnection(o: { path: string }): unknown;
    };
    return createClient({
        connection: createChdbConnection({ path: dataDir }),
        log: { level: ClickHouseLogLevel.OFF },
    } as Parameters<typeof createClient>[0]);
}

async function rows<T>(query: string): Promise<T[]> {
    const c = engineClient();
    try {
        return await (await c.query({ query, format: "JSONEachRow" })).json<T>();
    } finally {
        await c.close();
    }
}
async function run(query: string): Promise<void> {
    const c = engineClient();
    try {
        await c.command({ query });
    } finally {
        await c.close();
    }
}
async function tablesIn(database: string): Promise<string[]> {
    return (
        await rows<{ name: string }>(`SELECT name FROM system.tables WHERE database = '${database}' ORDER BY name`)
    ).map((r) => r.name);
}

const provider = () => createBronzeTablesProvider({ clientFactory: () => engineClient() });
const inputs = (database: string, over: Record<string, unknown> = {}) => ({
    url: "http://in-process",
    user: "default",
    password: "",
    database,
    tables: [...TABLES],
    ...over,
});

function ready(t: TestContext): boolean {
    return requireTier(t, "clickhouse", chdbProblem());
}

describe("BronzeTables on the real ClickHouse engine (in-process)", () => {
    before(() => {
        dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bronze-engine-"));
    });
    after(() => {
        fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it("creates the database and the contract's tables with exactly the contract's columns", async (t) => {
        if (!ready(t)) return;
        const res = await provider().create(inputs("bronze_a"));
        assert.equal(res.id, "bronze:bronze_a");
        assert.deepEqual(await tablesIn("bronze_a"), [...TABLES].sort());
        for (const table of TABLES) {
            const cols = await rows<{ name: string; type: string; default_kind: string; default_expression: string }>(
                `SELECT name, type, default_kind, default_expression FROM system.columns WHERE database = 'bronze_a' AND table = '${table}' ORDER BY position`,
            );
            assert.deepEqual(
                cols,
                BRONZE_COLUMNS.map((c) => ({
                    name: c.name,
                    type: c.type,
                    default_kind: c.defaultExpression ? "DEFAULT" : "",
                    default_expression: c.defaultExpression ?? "",
                })),
            );
            const [meta] = await rows<{ engine: string; sorting_key: string }>(
                `SELECT engine, sorting_key FROM system.tables WHERE database = 'bronze_a' AND name = '${table}'`,
            );
            assert.deepEqual(meta, { engine: "MergeTree", sorting_key: "_topic, _partition, _offset" });
        }
        const outs = res.outs as BronzeTablesOutputs;
        assert.deepEqual(outs.drift, []);
        assert.equal(outs.schemaVersion, bronzeSchemaVersion());
    });

    it("fills _key with NULL and _ingested_at with the arrival time when the sink omits them", async (t) => {
        if (!ready(t)) return;
        await provider().create(inputs("bronze_b"));
        const before = Date.now();
        await run(
            `INSERT INTO bronze_b.mongo_ecom_orders (raw_data, _topic, _partition, _offset) VALUES ('{"op":"c"}', 'mongo.ecom.orders', 0, 7)`,
        );
        const [row] = await rows<{ raw_data: string; _key: string | null; ms: string }>(
            "SELECT raw_data, _key, toUnixTimestamp64Milli(_ingested_at) AS ms FROM bronze_b.mongo_ecom_orders",
        );
        assert.equal(row.raw_data, '{"op":"c"}');
        assert.equal(row._key, null);
        assert.ok(Math.abs(Number(row.ms) - before) < 60_000, `_ingested_at ${row.ms} is not about now (${before})`);
    });

    it("is idempotent: creating again keeps the rows", async (t) => {
        if (!ready(t)) return;
        await provider().create(inputs("bronze_c"));
        await run(
            `INSERT INTO bronze_c.mongo_ecom_products (raw_data, _topic, _partition, _offset) VALUES ('x', 'mongo.ecom.products', 0, 1)`,
        );
        await provider().create(inputs("bronze_c"));
        const [{ n }] = await rows<{ n: number | string }>("SELECT count() AS n FROM bronze_c.mongo_ecom_products");
        assert.equal(Number(n), 1);
    });

    it("refuses to adopt an existing table that does not match the contract", async (t) => {
        if (!ready(t)) return;
        await run("CREATE DATABASE IF NOT EXISTS bronze_d");
        await run(
            "CREATE TABLE bronze_d.mongo_ecom_orders (raw_data String, _topic String, _partition Int32, _offset Int32) ENGINE = MergeTree ORDER BY _offset",
        );
        await assert.rejects(provider().create(inputs("bronze_d")), (e: Error) => {
            assert.match(
                e.message,
                /mongo_ecom_orders: column _topic has type String, expected LowCardinality\(String\)/,
            );
            assert.match(e.message, /mongo_ecom_orders: column _offset has type Int32, expected Int64/);
            return true;
        });
    });

    it("finds schema drift on refresh, makes it a diff, and repairs a dropped column on update", async (t) => {
        if (!ready(t)) return;
        const p = provider();
        const created = await p.create(inputs("bronze_e"));
        await run("ALTER TABLE bronze_e.mongo_ecom_customers DROP COLUMN _key");
        const read = await p.read!(created.id, created.outs);
        const outs = read.props as BronzeTablesOutputs;
        assert.equal(read.id, created.id);
        assert.deepEqual(outs.drift, ["mongo_ecom_customers: column _key is missing (expected Nullable(String))"]);
        const d = await p.diff(created.id, outs, inputs("bronze_e") as never);
        assert.equal(d.changes, true);
        assert.deepEqual(d.detailedDiff.drift, { kind: "update" });
        const updated = await p.update!(created.id, outs, inputs("bronze_e"));
        assert.deepEqual((updated.outs as BronzeTablesOutputs).drift, []);
        const again = await p.read!(created.id, updated.outs);
        assert.deepEqual((again.props as BronzeTablesOutputs).drift, []);
    });

    it("fails an update over a column whose type changed, naming it, and leaves the data alone", async (t) => {
        if (!ready(t)) return;
        const p = provider();
        const created = await p.create(inputs("bronze_f"));
        await run(
            `INSERT INTO bronze_f.mongo_ecom_orders (raw_data, _topic, _partition, _offset) VALUES ('{"op":"r"}', 'mongo.ecom.orders', 0, 1)`,
        );
        await run("ALTER TABLE bronze_f.mongo_ecom_orders MODIFY COLUMN raw_data Nullable(String)");
        const read = await p.read!(created.id, created.outs);
        assert.deepEqual((read.props as BronzeTablesOutputs).drift, [
            "mongo_ecom_orders: column raw_data has type Nullable(String), expected String",
        ]);
        await assert.rejects(
            p.update!(created.id, read.props, inputs("bronze_f")),
            /raw_data has type Nullable\(String\), expected String/,
        );
        assert.deepEqual(await rows("SELECT raw_data FROM bronze_f.mongo_ecom_orders"), [{ raw_data: '{"op":"r"}' }]);
    });

    it("sees tables dropped outside Pulumi: gone entirely means an empty id", async (t) => {
        if (!ready(t)) return;
        const p = provider();
        const created = await p.create(inputs("bronze_g"));
        await run("DROP TABLE bronze_g.mongo_ecom_orders");
        const partly = await p.read!(created.id, created.outs);
        assert.deepEqual((partly.props as BronzeTablesOutputs).tables, ["mongo_ecom_customers", "mongo_ecom_products"]);
        const d = await p.diff(created.id, partly.props as BronzeTablesOutputs, inputs("bronze_g") as never);
        assert.deepEqual(d.addedTables, ["mongo_ecom_orders"]);
        for (const table of ["mongo_ecom_customers", "mongo_ecom_products"]) await run(`DROP TABLE bronze_g.${table}`);
        const gone = await p.read!(created.id, created.outs);
        assert.equal(gone.id, "");
    });

    it("adds a table on update and drops a removed one only when dropOnDelete is set", async (t) => {
        if (!ready(t)) return;
        const p = provider();
        const created = await p.create(inputs("bronze_h"));
        const added = await p.update!(
            created.id,
            created.outs,
            inputs("bronze_h", { tables: [...TABLES, "mongo_ecom_reviews"] }),
        );
        assert.ok((await tablesIn("bronze_h")).includes("mongo_ecom_reviews"));
        const kept = await p.update!(created.id, added.outs, inputs("bronze_h", { tables: TABLES }));
        assert.ok(
            (await tablesIn("bronze_h")).includes("mongo_ecom_reviews"),
            "removed from the list, but kept by default",
        );
        const withReviews = { ...(kept.outs as BronzeTablesOutputs), tables: [...TABLES, "mongo_ecom_reviews"] };
        await p.update!(created.id, withReviews, inputs("bronze_h", { tables: TABLES, dropOnDelete: true }));
        assert.deepEqual(await tablesIn("bronze_h"), [...TABLES].sort());
    });

    it("keeps the tables and their data on delete by default, and drops them with dropOnDelete", async (t) => {
        if (!ready(t)) return;
        const p = provider();
        const kept = await p.create(inputs("bronze_i"));
        await p.delete!(kept.id, kept.outs);
        assert.deepEqual(await tablesIn("bronze_i"), [...TABLES].sort());
        const dropped = await p.create(inputs("bronze_i", { dropOnDelete: true }));
        await p.delete!(dropped.id, dropped.outs);
        assert.deepEqual(await tablesIn("bronze_i"), []);
    });
});

describe("BronzeTables over ClickHouse HTTP (chdb gateway), serialised like Pulumi runs it", () => {
    let gw: ChdbGateway | undefined;
    const USER = "bronze_admin";
    const PASSWORD = "bronze-Pa55-gw";
    after(async () => {
        await gw?.stop();
    });

    it("creates, reads and drops the tables through @clickhouse/client over HTTP", async (t) => {
        if (!ready(t)) return;
        gw = await startChdbGateway({ user: USER, password: PASSWORD });
        const sf = await pulumi.runtime.serializeFunction(() => createBronzeTablesProvider(), { allowSecrets: false });
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const Module = require("module") as {
            new (id: string): {
                paths: string[];
                _compile(src: string, file: string): void;
                exports: Record<string, unknown>;
            };
            _nodeModulePaths(dir: string): string[];
        };
        const m = new Module(`${process.cwd()}/__serialised_bronze__.js`);
        m.paths = Module._nodeModulePaths(process.cwd());
        m._compile(sf.text, `${process.cwd()}/__serialised_bronze__.js`);
        const p = (m.exports[sf.exportName] as () => ReturnType<typeof createBronzeTablesProvider>)();

        const args = {
            url: gw.url,
            user: USER,
            password: PASSWORD,
            database: "bronze_http",
            tables: TABLES,
            dropOnDelete: true,
            __provider: sf.text,
        };
        const created = await p.create(args);
        assert.deepEqual((created.outs as BronzeTablesOutputs).tables, TABLES);
        const c = createClient({
            url: gw.url,
            username: USER,
            password: PASSWORD,
            log: { level: ClickHouseLogLevel.OFF },
        });
        try {
            const names = await (
                await c.query({
                    query: "SELECT name FROM system.tables WHERE database = 'bronze_http' ORDER BY name",
                    format: "JSONEachRow",
                })
            ).json<{ name: string }>();
            assert.deepEqual(
                names.map((r) => r.name),
                [...TABLES].sort(),
            );
            const read = await p.read!(created.id, created.outs);
            assert.deepEqual((read.props as BronzeTablesOutputs).drift, []);
            await assert.rejects(
                p.read!(created.id, { ...(created.outs as BronzeTablesOutputs), password: "wrong-pass-999" }),
                (e: Error) => {
                    assert.ok(!e.message.includes("wrong-pass-999"), e.message);
                    return /BronzeTables: reading bronze tables of bronze_http failed/.test(e.message);
                },
            );
            await p.delete!(created.id, created.outs);
            const [{ n }] = await (
                await c.query({
                    query: "SELECT count() AS n FROM system.tables WHERE database = 'bronze_http'",
                    format: "JSONEachRow",
                })
            ).json<{ n: number | string }>();
            assert.equal(Number(n), 0);
        } finally {
            await c.close();
        }
    });
});
