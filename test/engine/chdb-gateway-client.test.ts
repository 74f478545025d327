/** The chdb ClickHouse-HTTP gateway with @clickhouse/client, the client of the providers and tools. */
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import type { ClickHouseClient } from "@clickhouse/client";
import type { ChdbGateway } from "../../tools/chdb-gateway";
import { createClient, gatewayForSuite, PASSWORD, USER } from "../support/gateway-http";

let client: ClickHouseClient;

describe("chdb gateway", () => {
    const suite = gatewayForSuite();
    const gw = (): ChdbGateway => suite.gateway();
    before(() => {
        client = createClient({ url: gw().url, username: USER, password: PASSWORD });
    });
    after(async () => {
        await client?.close();
    });

    describe("with @clickhouse/client over HTTP", () => {
        it("creates a table, inserts JSONEachRow and reads it back", async () => {
            await client.command({
                query: "CREATE TABLE cc_orders (id UInt32, customer String, total Decimal(18,2)) ENGINE = MergeTree ORDER BY id",
            });
            const rows = [
                { id: 1, customer: "ann", total: "10.50" },
                { id: 2, customer: "bob", total: "4.25" },
                { id: 3, customer: "ann", total: "1.00" },
            ];
            await client.insert({ table: "cc_orders", values: rows, format: "JSONEachRow" });
            const rs = await client.query({
                query: "SELECT customer, toString(sum(total)) AS spent FROM cc_orders GROUP BY customer ORDER BY customer",
                format: "JSONEachRow",
            });
            assert.deepEqual(await rs.json(), [
                { customer: "ann", spent: "11.5" },
                { customer: "bob", spent: "4.25" },
            ]);
        });

        it("binds query_params", async () => {
            const rs = await client.query({
                query: "SELECT {s:String} AS s, {n:UInt64} * 2 AS n, {a:Array(String)} AS a",
                query_params: { s: "it's\ta\\test", n: 21, a: ["x", "y'z"] },
                format: "JSONEachRow",
            });
            const [row] = await rs.json<{ s: string; n: string | number; a: string[] }>();
            assert.deepEqual({ ...row, n: Number(row.n) }, { s: "it's\ta\\test", n: 42, a: ["x", "y'z"] });
        });

        it("rejects an unknown table with code 60 and its name", async () => {
            await assert.rejects(
                client.query({ query: "SELECT * FROM no_such_table", format: "JSON" }),
                (e: Error & { code?: string; type?: string }) => {
                    assert.equal(e.code, "60");
                    assert.equal(e.type, "UNKNOWN_TABLE");
                    return true;
                },
            );
        });

        it("fails authentication with code 516 for a wrong password", async () => {
            const bad = createClient({ url: gw().url, username: USER, password: "wrong" });
            try {
                await assert.rejects(bad.query({ query: "SELECT 1" }), (e: Error & { code?: string }) => {
                    assert.equal(e.code, "516");
                    return true;
                });
            } finally {
                await bad.close();
            }
        });

        it("runs in the configured database", async () => {
            await client.command({ query: "CREATE DATABASE IF NOT EXISTS cc_db" });
            const inDb = createClient({ url: gw().url, username: USER, password: PASSWORD, database: "cc_db" });
            try {
                await inDb.command({ query: "CREATE TABLE t_in_db (x UInt8) ENGINE = Memory" });
                const rs = await inDb.query({
                    query: "SELECT currentDatabase() AS db, count() AS n FROM t_in_db",
                    format: "JSONEachRow",
                });
                assert.deepEqual(await rs.json(), [{ db: "cc_db", n: 0 }]);
                const where = await client.query({
                    query: "SELECT database FROM system.tables WHERE name = 't_in_db'",
                    format: "JSONEachRow",
                });
                assert.deepEqual(await where.json(), [{ database: "cc_db" }]);
            } finally {
                await inDb.close();
            }
        });

        it("reads gzip-compressed responses and sends gzip-compressed inserts", async () => {
            const gz = createClient({
                url: gw().url,
                username: USER,
                password: PASSWORD,
                compression: { request: true, response: true },
            });
            try {
                await gz.command({ query: "CREATE TABLE cc_gz (n UInt32) ENGINE = Memory" });
                await gz.insert({
                    table: "cc_gz",
                    values: Array.from({ length: 1000 }, (_, i) => ({ n: i })),
                    format: "JSONEachRow",
                });
                const rs = await gz.query({
                    query: "SELECT count() AS c, sum(n) AS s FROM cc_gz",
                    format: "JSONEachRow",
                });
                assert.deepEqual(await rs.json(), [{ c: 1000, s: 499500 }]);
            } finally {
                await gz.close();
            }
        });

        it("keeps temporary tables within a session", async () => {
            const sess = createClient({
                url: gw().url,
                username: USER,
                password: PASSWORD,
                session_id: `s-${process.pid}-${Date.now()}`,
            });
            try {
                await sess.command({ query: "CREATE TEMPORARY TABLE tmp_x (x UInt8)" });
                await sess.insert({ table: "tmp_x", values: [{ x: 3 }, { x: 4 }], format: "JSONEachRow" });
                const rs = await sess.query({ query: "SELECT sum(x) AS s FROM tmp_x", format: "JSONEachRow" });
                assert.deepEqual(await rs.json(), [{ s: 7 }]);
                await assert.rejects(
                    client.query({ query: "SELECT * FROM tmp_x" }),
                    (e: Error & { code?: string }) => e.code === "60",
                );
            } finally {
                await sess.close();
            }
        });
    });
});
