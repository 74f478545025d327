/**
 * The embedded engine (npm `chdb`) with ClickHouse's in-process test Keeper: an engine config declaring
 * `<zookeeper><implementation>testkeeper</implementation></zookeeper>`, the `{shard}`/`{replica}` macros a
 * replicated server has, and an interserver address. What this engine can and cannot run of the replicated DDL was
 * found by the issue 26 spike and is pinned by test/engine/chdb-replicated.test.ts (docs/platforms.md,
 * "Replicated ClickHouse — SQL side"): Keeper-backed `ReplicatedMergeTree` tables are created, but a replica never
 * activates and `Replicated` databases are refused, because chdb's local server never sets the interserver address
 * (only clickhouse-server does, whatever the config says).
 *
 * chdb runs one engine per process: open this before any other chdb session in the test file.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Connection } from "../../tools/chdb-gateway/engine";

/** The macros the engine is given, as a replica's `<macros>` would be. */
export const TEST_MACROS = { shard: "01", replica: "chdb-0" } as const;

/** An engine connection on a fresh data directory whose config gives the test Keeper and the macros. */
export interface ReplicatedEngine {
    conn: Connection;
    dataDir: string;
    /** Runs a statement and returns its TSV output (trimmed). */
    text(sql: string): Promise<string>;
    /** The engine's exception for a statement that fails (`Code: N. DB::Exception: …`), or undefined if it ran. */
    failure(sql: string): Promise<string | undefined>;
    /** Closes the connection and removes the data directory. Drop Replicated* tables first (see below). */
    close(): void;
}

/**
 * Opens the engine. A `Replicated*MergeTree` table left at close keeps the engine's restarting thread retrying its
 * activation, and the process does not exit: tests drop such tables (`DROP TABLE … SYNC`) before closing.
 */
export function openReplicatedEngine(): ReplicatedEngine {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "chdb-replicated-"));
    const configFile = path.join(dataDir, ".chdb-replicated-config.xml");
    fs.writeFileSync(
        configFile,
        [
            "<clickhouse>",
            "  <zookeeper><implementation>testkeeper</implementation></zookeeper>",
            `  <macros><shard>${TEST_MACROS.shard}</shard><replica>${TEST_MACROS.replica}</replica></macros>`,
            // Read by clickhouse-server only; kept so the probe shows the engine ignores it, not that it is absent.
            "  <interserver_http_host>localhost</interserver_http_host>",
            "  <interserver_http_port>9009</interserver_http_port>",
            "</clickhouse>",
            "",
        ].join("\n"),
    );
    const conn = new Connection(dataDir, configFile);
    const text = async (sql: string) => (await conn.text(sql)).trim();
    return {
        conn,
        dataDir,
        text,
        async failure(sql) {
            try {
                await conn.text(sql);
                return undefined;
            } catch (e) {
                return String((e as Error).message ?? e);
            }
        },
        close() {
            conn.close();
            fs.rmSync(dataDir, { recursive: true, force: true });
        },
    };
}

/**
 * A `CREATE TABLE` with an explicit UUID after the table name: outside a `Replicated` database, ReplicatedMergeTree's
 * default Keeper path (`/clickhouse/tables/{uuid}/{shard}`) needs one, which inside a Replicated database the
 * database supplies.
 */
export function withExplicitUuid(createTable: string, uuid: string): string {
    const m = /^(CREATE TABLE (?:IF NOT EXISTS )?\S+)/.exec(createTable);
    if (!m) throw new Error(`not a CREATE TABLE statement: ${createTable.slice(0, 80)}`);
    return `${m[1]} UUID '${uuid}'${createTable.slice(m[1].length)}`;
}
