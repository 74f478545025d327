/**
 * Unit tier: bronze DDL, schema-drift detection, diff and input checks of the BronzeTables
 * provider (pure parts), plus its serialisation. The engine tier runs it against real ClickHouse.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import {
    BRONZE_COLUMNS,
    bronzeSchemaVersion,
    bronzeTableDdl,
    checkBronzeInputs,
    createBronzeTablesProvider,
    diffBronze,
    normaliseBronzeInputs,
    quoteIdentifier,
    schemaDrift,
    type BronzeTablesOutputs,
    type LiveColumn,
} from "../../components/providers/bronzeTables";
import { UNKNOWN_VALUE } from "../../components/providers/shared/unknown";

const TABLES = ["mongo_ecom_customers", "mongo_ecom_products", "mongo_ecom_orders"];
const PASSWORD = "ch-Pa55word-123";

/** Live columns exactly as a conforming table reports them in system.columns. */
function conformingColumns(table: string): LiveColumn[] {
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
        password: PASSWORD,
        database: "default",
        tables: [...TABLES],
        dropOnDelete: false,
        schemaVersion: bronzeSchemaVersion(),
        drift: [],
        ...over,
    };
}

describe("bronzeTableDdl", () => {
    it("creates the contract's columns, types and defaults in an append-only MergeTree, idempotently", () => {
        assert.equal(
            bronzeTableDdl("default", "mongo_ecom_orders"),
            [
                "CREATE TABLE IF NOT EXISTS `default`.`mongo_ecom_orders`",
                "(",
                "    `raw_data` String,",
                "    `_topic` LowCardinality(String),",
                "    `_partition` Int32,",
                "    `_offset` Int64,",
                "    `_key` Nullable(String) DEFAULT NULL,",
                "    `_ingested_at` DateTime64(3) DEFAULT now64(3)",
                ")",
                "ENGINE = MergeTree",
                "ORDER BY (_topic, _partition, _offset)",
            ].join("\n"),
        );
    });

    it("refuses identifiers that could inject SQL", () => {
        assert.throws(() => bronzeTableDdl("default", "t`; DROP TABLE x; --"), /plain identifier/);
        assert.throws(() => bronzeTableDdl("1db", "t"), /plain identifier/);
        assert.equal(quoteIdentifier("mongo_ecom_orders"), "`mongo_ecom_orders`");
    });
});

describe("schemaDrift", () => {
    it("finds nothing in a conforming table", () => {
        assert.deepEqual(schemaDrift("t", conformingColumns("t"), "MergeTree"), []);
    });

    it("reports a missing column, a wrong type and a lost default, naming each", () => {
        const cols = conformingColumns("t")
            .filter((c) => c.name !== "_key")
            .map((c) =>
                c.name === "_offset"
                    ? { ...c, type: "Int32" }
                    : c.name === "_ingested_at"
                      ? { ...c, default_kind: "", default_expression: "" }
                      : c,
            );
        const drift = schemaDrift("t", cols, "MergeTree");
        assert.deepEqual(drift, [
            "t: column _offset has type Int32, expected Int64",
            "t: column _key is missing (expected Nullable(String))",
            "t: column _ingested_at has default none, expected DEFAULT now64(3)",
        ]);
    });

    it("accepts an extra column with a DEFAULT and rejects one without", () => {
        const extra = (kind: string): LiveColumn => ({
            table: "t",
            name: "note",
            type: "String",
            default_kind: kind,
            default_expression: kind ? "''" : "",
        });
        assert.deepEqual(schemaDrift("t", [...conformingColumns("t"), extra("DEFAULT")]), []);
        assert.deepEqual(schemaDrift("t", [...conformingColumns("t"), extra("")]), [
            "t: extra column note has no DEFAULT (the sink cannot fill it)",
        ]);
    });

    it("reports an engine that is not a MergeTree", () => {
        assert.deepEqual(schemaDrift("t", conformingColumns("t"), "Log"), ["t: engine is Log, expected MergeTree"]);
    });
});

describe("diffBronze", () => {
    const news = (over: Record<string, unknown> = {}) => normaliseBronzeInputs({ ...stored(), ...over });

    it("reports no change when nothing changed", () => {
        const d = diffBronze(stored(), news());
        assert.equal(d.changes, false);
    });

    it("updates in place, naming the table, when a table is added", () => {
        const d = diffBronze(stored(), news({ tables: [...TABLES, "mongo_ecom_reviews"] }));
        assert.equal(d.changes, true);
        assert.deepEqual(d.replaces, []);
        assert.deepEqual(d.addedTables, ["mongo_ecom_reviews"]);
        assert.deepEqual(d.detailedDiff['tables["mongo_ecom_reviews"]'], { kind: "add" });
    });

    it("updates in place when a table is removed", () => {
        const d = diffBronze(stored(), news({ tables: TABLES.slice(0, 2) }));
        assert.deepEqual(d.removedTables, ["mongo_ecom_orders"]);
        assert.deepEqual(d.replaces, []);
    });

    it("replaces the resource when the database changes", () => {
        const d = diffBronze(stored(), news({ database: "bronze" }));
        assert.deepEqual(d.replaces, ["database"]);
    });

    it("makes a schema change of the provider an explicit diff", () => {
        const d = diffBronze(stored({ schemaVersion: "sha256:older" }), news());
        assert.deepEqual(d.detailedDiff.schemaVersion, { kind: "update" });
    });

    it("makes drift found by refresh an explicit diff", () => {
        const d = diffBronze(
            stored({ drift: ["mongo_ecom_orders: column _key is missing (expected Nullable(String))"] }),
            news(),
        );
        assert.equal(d.changes, true);
        assert.deepEqual(d.detailedDiff.drift, { kind: "update" });
    });

    it("previews an unknown table list as an update that removes nothing", () => {
        const d = diffBronze(stored(), { ...news(), tables: UNKNOWN_VALUE as unknown as string[] });
        assert.equal(d.changes, true);
        assert.deepEqual(d.detailedDiff.tables, { kind: "update" });
        assert.deepEqual(d.removedTables, []);
        assert.deepEqual(d.replaces, []);
    });

    it("never puts the password in the diff", () => {
        const d = diffBronze(stored(), news({ password: "n3w-Pa55word" }));
        assert.deepEqual(d.detailedDiff.password, { kind: "update" });
        assert.ok(!JSON.stringify(d).includes(PASSWORD) && !JSON.stringify(d).includes("n3w-Pa55word"));
    });
});

describe("checkBronzeInputs", () => {
    it("names the property and the fix for each bad input", () => {
        const failures = checkBronzeInputs(
            normaliseBronzeInputs({ url: "localhost", database: "my-db", tables: ["ok", "bad name", "ok"] }),
        );
        const props = failures.map((f) => f.property).sort();
        assert.deepEqual(props, ["database", "tables", "tables", "url"]);
        assert.ok(failures.some((f) => /tables\[1\]/.test(f.reason)));
        assert.ok(failures.some((f) => /repeat/.test(f.reason)));
    });

    it("accepts the contract's tables", () => {
        assert.deepEqual(checkBronzeInputs(normaliseBronzeInputs({ ...stored() })), []);
    });

    it("leaves values not known yet (preview) to apply time", async () => {
        const p = createBronzeTablesProvider();
        assert.deepEqual((await p.check!({}, { ...stored(), url: UNKNOWN_VALUE, tables: UNKNOWN_VALUE })).failures, []);
        assert.deepEqual((await p.check!({}, { ...stored(), tables: [UNKNOWN_VALUE, "ok_table"] })).failures, []);
        assert.equal(
            (await p.check!({}, { ...stored(), url: UNKNOWN_VALUE, database: "bad-db" })).failures?.[0]?.property,
            "database",
        );
    });
});

describe("BronzeTables provider", () => {
    it("keeps the tables on delete by default, without even connecting", async () => {
        const p = createBronzeTablesProvider({
            clientFactory: () => {
                throw new Error("must not connect");
            },
        });
        await p.delete!("bronze:default", stored());
    });

    it("masks the password in a connection error", async () => {
        const p = createBronzeTablesProvider({
            requestTimeoutMs: 2000,
            retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 1 },
            log: () => undefined,
        });
        await assert.rejects(p.create({ ...stored(), url: `http://default:${PASSWORD}@127.0.0.1:1` }), (e: Error) => {
            assert.match(e.message, /^BronzeTables: creating bronze tables in default failed/);
            assert.ok(!e.message.includes(PASSWORD), e.message);
            return true;
        });
    });

    it("survives pulumi.runtime.serializeFunction and works after deserialisation", async () => {
        const provider = createBronzeTablesProvider({ requestTimeoutMs: 2000, retry: { retries: 0 } });
        const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: false });
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const Module = require("module") as {
            new (id: string): {
                paths: string[];
                _compile(src: string, file: string): void;
                exports: Record<string, unknown>;
            };
            _nodeModulePaths(dir: string): string[];
        };
        const file = `${process.cwd()}/__serialised_bronze__.js`;
        const m = new Module(file);
        m.paths = Module._nodeModulePaths(process.cwd());
        m._compile(sf.text, file);
        const revived = (m.exports[sf.exportName] as () => typeof provider)();
        const d = await revived.diff(
            "bronze:default",
            stored(),
            normaliseBronzeInputs({ ...stored(), tables: [...TABLES, "x_y"] }),
        );
        assert.deepEqual(d.addedTables, ["x_y"]);
        const { failures } = await revived.check!({}, { ...stored(), database: "bad-db" });
        assert.equal(failures?.[0]?.property, "database");
        // Its client is built inside the method after revival: a create reaches the network (and fails there).
        await assert.rejects(
            revived.create({ ...stored(), url: "http://127.0.0.1:1" }),
            /BronzeTables: creating bronze tables in default failed/,
        );
    });
});
