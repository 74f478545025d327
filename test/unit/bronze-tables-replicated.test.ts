/**
 * Unit tier: the BronzeTables provider's replicated shape (issue 26) — the DDL it renders, the settings it sends,
 * its input checks, its diff and preview summary — with the single node's DDL and requests unchanged. The engine
 * tier (test/engine/chdb-replicated.test.ts) runs what the embedded engine can of this DDL.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ClickHouseClient } from "@clickhouse/client";
import {
    BRONZE_COLUMNS,
    bronzeSchemaVersion,
    bronzeTableDdl,
    checkBronzeInputs,
    createBronzeTablesProvider,
    createDatabaseDdl,
    diffBronze,
    normaliseBronzeInputs,
    REPLICATED_DDL_SETTINGS,
    schemaDrift,
    type BronzeTablesOutputs,
    type LiveColumn,
} from "../../components/providers/bronzeTables";

const TABLES = ["mongo_ecom_customers", "mongo_ecom_orders"];
const REPL = { cluster: "cdc" };

function conforming(table: string): LiveColumn[] {
    return BRONZE_COLUMNS.map((c) => ({
        table,
        name: c.name,
        type: c.type,
        default_kind: c.defaultExpression === undefined ? "" : "DEFAULT",
        default_expression: c.defaultExpression ?? "",
    }));
}

function stored(over: Partial<BronzeTablesOutputs> = {}): BronzeTablesOutputs {
    return {
        url: "http://localhost:18123",
        user: "default",
        password: "pw-123456",
        database: "ecom",
        tables: [...TABLES],
        dropOnDelete: false,
        schemaVersion: bronzeSchemaVersion(),
        drift: [],
        ...over,
    };
}

describe("replicated bronze DDL", () => {
    it("creates the database ON CLUSTER as a Replicated database on an explicit Keeper path with the macros", () => {
        assert.equal(
            createDatabaseDdl("ecom", REPL),
            "CREATE DATABASE IF NOT EXISTS `ecom` ON CLUSTER `cdc` " +
                "ENGINE = Replicated('/clickhouse/databases/ecom', '{shard}', '{replica}')",
        );
        assert.equal(
            createDatabaseDdl("ecom", { cluster: "cdc", zooPath: "/clickhouse/cdc/databases/ecom" }),
            "CREATE DATABASE IF NOT EXISTS `ecom` ON CLUSTER `cdc` " +
                "ENGINE = Replicated('/clickhouse/cdc/databases/ecom', '{shard}', '{replica}')",
        );
    });

    it("creates bronze as ReplicatedMergeTree with the default Keeper path and no ON CLUSTER", () => {
        const ddl = bronzeTableDdl("ecom", "mongo_ecom_orders", REPL);
        assert.match(ddl, /^ENGINE = ReplicatedMergeTree$/m);
        assert.doesNotMatch(ddl, /ON CLUSTER/i);
        // Apart from the engine, the same table as on the single node.
        assert.equal(
            ddl.replace("ENGINE = ReplicatedMergeTree", "ENGINE = MergeTree"),
            bronzeTableDdl("ecom", "mongo_ecom_orders"),
        );
    });

    it("leaves the single node's DDL and schema version as they were", () => {
        assert.equal(createDatabaseDdl("ecom"), "CREATE DATABASE IF NOT EXISTS `ecom` ENGINE = Atomic");
        assert.match(bronzeTableDdl("ecom", "t"), /^ENGINE = MergeTree$/m);
        assert.notEqual(bronzeSchemaVersion(REPL), bronzeSchemaVersion());
        // The digest depends on the shape only, not on the cluster's name or path.
        assert.equal(bronzeSchemaVersion({ cluster: "x", zooPath: "/a/b" }), bronzeSchemaVersion(REPL));
    });

    it("refuses a cluster or Keeper path that could inject SQL, naming the field and the fix", () => {
        assert.throws(() => createDatabaseDdl("ecom", { cluster: "c`; DROP" }), /replication\.cluster.*e\.g\. cdc/);
        assert.throws(
            () => createDatabaseDdl("ecom", { cluster: "cdc", zooPath: "/x', 'y" }),
            /replication\.zooPath must be a Keeper path like \/clickhouse\/databases\/ecom/,
        );
        assert.throws(() => createDatabaseDdl("ecom", { cluster: "cdc", zooPath: "/x/" }), /no trailing/);
    });

    it("sends the replicated DDL settings the docs advise for a Replicated database", () => {
        assert.deepEqual(REPLICATED_DDL_SETTINGS, {
            distributed_ddl_output_mode: "null_status_on_timeout",
            distributed_ddl_task_timeout: "120",
            database_replicated_allow_only_replicated_engine: 1,
        });
    });
});

describe("replicated schema drift", () => {
    it("expects a Replicated*MergeTree engine in the replicated shape, MergeTree-family on the single node", () => {
        assert.deepEqual(schemaDrift("t", conforming("t"), "ReplicatedMergeTree", true), []);
        assert.match(
            schemaDrift("t", conforming("t"), "MergeTree", true)[0],
            /engine is MergeTree, expected Replicated/,
        );
        assert.deepEqual(schemaDrift("t", conforming("t"), "MergeTree"), []);
        assert.deepEqual(schemaDrift("t", conforming("t"), "ReplicatedMergeTree"), []);
    });
});

describe("replicated inputs and diff", () => {
    it("normalises and checks the replication input, naming the property", () => {
        const i = normaliseBronzeInputs({ ...stored(), replication: { cluster: "cdc" } });
        assert.deepEqual(i.replication, { cluster: "cdc" });
        assert.deepEqual(checkBronzeInputs(i), []);
        assert.equal("replication" in normaliseBronzeInputs({ ...stored() }), false);
        const bad = checkBronzeInputs(normaliseBronzeInputs({ ...stored(), replication: true }));
        assert.deepEqual(
            bad.map((f) => f.property),
            ["replication"],
        );
        assert.match(bad[0].reason, /replication\.cluster/);
    });

    it("previews single → replicated as a replication update with a sentence saying what it does and does not do", () => {
        const news = normaliseBronzeInputs({ ...stored(), replication: REPL });
        const d = diffBronze(stored(), news);
        assert.equal(d.changes, true);
        assert.deepEqual(d.replaces, []);
        assert.deepEqual(d.detailedDiff.replication, { kind: "update" });
        assert.deepEqual(d.detailedDiff.schemaVersion, { kind: "update" });
        assert.equal(d.summary.length, 1);
        assert.match(d.summary[0], /^database ecom: Atomic database, MergeTree tables → Replicated database/);
        assert.match(d.summary[0], /\/clickhouse\/databases\/ecom/);
        assert.match(d.summary[0], /not converted/);
    });

    it("reports nothing once the replicated shape is in place, and nothing on the single node", () => {
        const repl = stored({ replication: REPL, schemaVersion: bronzeSchemaVersion(REPL) });
        const d = diffBronze(repl, normaliseBronzeInputs({ ...repl }));
        assert.equal(d.changes, false);
        assert.deepEqual(d.summary, []);
        assert.deepEqual(diffBronze(stored(), normaliseBronzeInputs({ ...stored() })).summary, []);
    });
});

/** A client stand-in recording the commands and answering the inspection queries as a conforming server would. */
function recorder(databaseEngine: string, tableEngine: string) {
    const commands: { query: string; clickhouse_settings?: unknown }[] = [];
    const client = {
        command: async (p: { query: string; clickhouse_settings?: unknown }) => {
            commands.push(p);
            return {};
        },
        query: async ({ query }: { query: string }) => ({
            json: async () => {
                if (query.includes("system.databases")) return [{ engine: databaseEngine }];
                if (query.includes("system.columns")) return TABLES.flatMap(conforming);
                if (query.includes("system.tables")) return TABLES.map((name) => ({ name, engine: tableEngine }));
                return [];
            },
        }),
        close: async () => undefined,
    };
    return { commands, factory: () => client as unknown as ClickHouseClient };
}

describe("BronzeTables provider, replicated shape", () => {
    it("runs the replicated DDL with the replicated settings and stores the shape", async () => {
        const r = recorder("Replicated", "ReplicatedMergeTree");
        const p = createBronzeTablesProvider({ clientFactory: r.factory });
        const { outs } = await p.create({ ...stored(), replication: REPL });
        assert.deepEqual(
            r.commands.map((c) => c.query),
            [createDatabaseDdl("ecom", REPL), ...TABLES.map((t) => bronzeTableDdl("ecom", t, REPL))],
        );
        for (const c of r.commands) assert.deepEqual(c.clickhouse_settings, REPLICATED_DDL_SETTINGS);
        assert.deepEqual(outs.replication, REPL);
        assert.equal(outs.schemaVersion, bronzeSchemaVersion(REPL));
    });

    it("sends the single node's requests exactly as before: no settings, Atomic, MergeTree", async () => {
        const r = recorder("Atomic", "MergeTree");
        const p = createBronzeTablesProvider({ clientFactory: r.factory });
        const { outs } = await p.create({ ...stored() });
        assert.deepEqual(r.commands, [
            { query: createDatabaseDdl("ecom") },
            ...TABLES.map((t) => ({ query: bronzeTableDdl("ecom", t) })),
        ]);
        assert.equal("replication" in outs, false);
    });

    it("fails naming the database when an existing database is not Replicated", async () => {
        const r = recorder("Atomic", "ReplicatedMergeTree");
        const p = createBronzeTablesProvider({ clientFactory: r.factory, retry: { retries: 0 } });
        await assert.rejects(
            p.create({ ...stored(), replication: REPL }),
            /database ecom: engine is Atomic, expected Replicated \(an existing database is not converted\)/,
        );
    });
});
