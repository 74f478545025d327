/**
 * Unit tier: BronzeTables retries transient ClickHouse failures (a refused or reset connection,
 * a timeout, a busy server) on a fresh client, and fails at once on anything else.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ClickHouseClient } from "@clickhouse/client";
import { createBronzeTablesProvider } from "../../components/providers/bronzeTables";
import { isTransientClickHouseError } from "../../components/providers/bronzeTables/transient";

const PASSWORD = "retry-Pa55-77";
const inputs = {
    url: "http://127.0.0.1:8123",
    user: "cdc",
    password: PASSWORD,
    database: "default",
    tables: ["mongo_ecom_orders"],
    dropOnDelete: true,
};

/** A client whose `command` fails with `failures` (in order) before it starts to succeed; counts clients made. */
function flakyFactory(failures: unknown[]) {
    const state = { clients: 0, commands: 0, kept: [] as string[] };
    const factory = () => {
        state.clients++;
        return {
            command: async () => {
                state.commands++;
                const f = failures.shift();
                if (f) throw f;
                return {};
            },
            query: async () => ({ json: async () => state.kept.map((name) => ({ name })) }),
            close: async () => undefined,
        } as unknown as ClickHouseClient;
    };
    return { factory, state };
}
const codeError = (message: string, code: string) => Object.assign(new Error(message), { code });

describe("BronzeTables retries", () => {
    it("retries a refused connection and a busy server on a fresh client, logging each retry without the password", async () => {
        const { factory, state } = flakyFactory([
            codeError(`connect ECONNREFUSED http://cdc:${PASSWORD}@127.0.0.1:8123`, "ECONNREFUSED"),
            codeError("Too many simultaneous queries", "202"),
        ]);
        const log: string[] = [];
        const p = createBronzeTablesProvider({
            clientFactory: factory,
            retry: { retries: 3, baseDelayMs: 1, maxDelayMs: 1 },
            log: (l) => log.push(l),
        });
        await p.delete!("bronze:default", inputs); // dropOnDelete: DROP TABLE IF EXISTS, idempotent
        assert.equal(state.clients, 3, "each attempt on a new client");
        assert.equal(log.length, 3, "two retries, then what destroy dropped and kept");
        assert.match(log[0], /dropping bronze tables of default: .*ECONNREFUSED.*; retry 1/);
        assert.match(log[1], /ClickHouse code 202/);
        assert.ok(!log.join("\n").includes(PASSWORD));
    });

    it("gives up after the configured retries, saying it retried", async () => {
        const { factory, state } = flakyFactory(Array.from({ length: 10 }, () => codeError("Timeout error.", "")));
        const p = createBronzeTablesProvider({
            clientFactory: factory,
            retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 1 },
            log: () => undefined,
        });
        await assert.rejects(p.delete!("bronze:default", inputs), (e: Error) => {
            assert.match(
                e.message,
                /^BronzeTables: dropping bronze tables of default failed: Timeout error\. \(gave up after retrying/,
            );
            return true;
        });
        assert.equal(state.commands, 3);
    });

    it("does not retry a refused login or a bad statement", async () => {
        for (const failure of [codeError("cdc: Authentication failed", "516"), codeError("Syntax error", "62")]) {
            const { factory, state } = flakyFactory([failure]);
            const p = createBronzeTablesProvider({
                clientFactory: factory,
                retry: { retries: 3, baseDelayMs: 1, maxDelayMs: 1 },
                log: () => undefined,
            });
            await assert.rejects(p.delete!("bronze:default", inputs), new RegExp(failure.message));
            assert.equal(state.commands, 1, failure.message);
        }
    });

    it("classifies the errors @clickhouse/client produces", () => {
        assert.equal(isTransientClickHouseError(codeError("socket hang up", "")), true);
        assert.equal(
            isTransientClickHouseError(
                Object.assign(new Error("fetch failed"), { cause: codeError("x", "ECONNRESET") }),
            ),
            true,
        );
        assert.equal(isTransientClickHouseError(codeError("Code: 999. Coordination::Exception", "999")), true);
        assert.equal(isTransientClickHouseError(codeError("Table default.x does not exist", "60")), false);
        assert.equal(isTransientClickHouseError("a string"), false);
    });

    it("says in the destroy output what it dropped and which relations it kept", async () => {
        const { factory, state } = flakyFactory([]);
        state.kept = ["dim_customers", "stg_orders"];
        const log: string[] = [];
        const p = createBronzeTablesProvider({ clientFactory: factory, log: (l) => log.push(l) });
        await p.delete!("bronze:default", inputs);
        assert.match(
            log.join("\n"),
            /dropped mongo_ecom_orders in default\. Kept \(not created by this stack\): dim_customers, stg_orders\. They no longer receive data/,
        );
        const keep: string[] = [];
        await createBronzeTablesProvider({ clientFactory: factory, log: (l) => keep.push(l) }).delete!(
            "bronze:default",
            { ...inputs, dropOnDelete: false },
        );
        assert.match(
            keep.join("\n"),
            /kept the bronze tables mongo_ecom_orders in default \(cdc:bronze\.dropOnDestroy is false\), and dbt's silver and gold relations/,
        );
    });

    it("drops the dbt relations built on bronze before bronze: materialized views, then views, then tables, only the names it was given", async () => {
        const commands: string[] = [];
        const live = [
            { name: "stg_orders", engine: "View" },
            { name: "base_orders", engine: "ReplacingMergeTree" },
            { name: "base_orders__mv", engine: "MaterializedView" },
            { name: "dim_customers", engine: "View" },
            { name: "dim_customers__refresh", engine: "MaterializedView" },
        ];
        const factory = () =>
            ({
                command: async ({ query }: { query: string }) => (commands.push(query), {}),
                query: async ({ query }: { query: string }) => ({
                    json: async () =>
                        query.includes("engine FROM system.tables") ? live : [{ name: "someone_elses_table" }],
                }),
                close: async () => undefined,
            }) as unknown as ClickHouseClient;
        const log: string[] = [];
        const dependents = [
            "base_orders",
            "base_orders__mv",
            "base_orders__next",
            "dim_customers",
            "dim_customers__refresh",
            "stg_orders",
        ];
        await createBronzeTablesProvider({ clientFactory: factory, log: (l) => log.push(l) }).delete!(
            "bronze:default",
            { ...inputs, dependents },
        );
        const drops = commands.map((c) => c.replace(/`/g, "").replace("DROP ", "").replace(" IF EXISTS default.", " "));
        assert.deepEqual(
            drops.slice(0, 5).map((d) => d.split(" ")[0]),
            ["VIEW", "VIEW", "VIEW", "VIEW", "TABLE"],
            "materialized views and views before tables",
        );
        assert.deepEqual(
            drops
                .slice(0, 2)
                .map((d) => d.split(" ")[1])
                .sort(),
            ["base_orders__mv", "dim_customers__refresh"],
            "the materialized views first: nothing keeps writing",
        );
        assert.equal(drops[4], "TABLE base_orders");
        assert.match(commands[5]!, /DROP TABLE IF EXISTS `default`\.`mongo_ecom_orders`/, "bronze last");
        assert.equal(commands.length, 6, "nothing beyond the given names that exist, and bronze");
        assert.match(
            log.join("\n"),
            /and the dbt relations built on them .*Kept \(not created by this stack\): someone_elses_table/,
        );
    });
});
