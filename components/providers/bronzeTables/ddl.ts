/**
 * Bronze table DDL and expected schema (data contract §3), as pure functions.
 */
import type { ClickHouseSettings } from "@clickhouse/client";
import { createHash } from "crypto";

/** One required bronze column. */
export interface BronzeColumn {
    name: string;
    /** ClickHouse type exactly as `system.columns.type` shows it. */
    type: string;
    /** DEFAULT expression as `system.columns.default_expression` shows it, if any. */
    defaultExpression?: string;
}

/** The required bronze columns, in table order (contract §3). */
export const BRONZE_COLUMNS: readonly BronzeColumn[] = [
    { name: "raw_data", type: "String" },
    { name: "_topic", type: "LowCardinality(String)" },
    { name: "_partition", type: "Int32" },
    { name: "_offset", type: "Int64" },
    { name: "_key", type: "Nullable(String)", defaultExpression: "NULL" },
    { name: "_ingested_at", type: "DateTime64(3)", defaultExpression: "now64(3)" },
];

/** Sort key: one Kafka record per (topic, partition, offset), so reads by offset range are cheap. */
export const BRONZE_ORDER_BY = "(_topic, _partition, _offset)";

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** Throws unless `name` is a plain ClickHouse identifier (letters, digits, `_`; not starting with a digit). */
export function assertIdentifier(field: string, name: string): void {
    if (typeof name !== "string" || !IDENTIFIER.test(name)) {
        throw new Error(
            `${field} must be a plain identifier of letters, digits and '_' not starting with a digit (got ${JSON.stringify(name)})`,
        );
    }
}

/** Backtick-quotes a validated identifier. */
export function quoteIdentifier(name: string): string {
    assertIdentifier("identifier", name);
    return `\`${name}\``;
}

/** Column definition as it appears in DDL. */
export function columnDefinition(c: BronzeColumn): string {
    return `${quoteIdentifier(c.name)} ${c.type}${c.defaultExpression === undefined ? "" : ` DEFAULT ${c.defaultExpression}`}`;
}

/**
 * The replicated shape: the database is a `Replicated` database on a ClickHouse cluster whose replicas share a Keeper,
 * and bronze is `ReplicatedMergeTree`. Absent: today's single node (Atomic, MergeTree).
 */
export interface BronzeReplication {
    /** The cluster of `remote_servers` listing every replica, e.g. `cdc`: `CREATE DATABASE` runs `ON CLUSTER` it. */
    cluster: string;
    /**
     * The database's Keeper path; default `/clickhouse/databases/<database>`. Explicit (no `{uuid}`), so that
     * re-issuing the CREATE for a new replica joins the same database.
     */
    zooPath?: string;
}

/** The Keeper path of the replicated database (`replication.zooPath`, or `/clickhouse/databases/<database>`). */
export function replicatedDatabasePath(database: string, replication: BronzeReplication): string {
    return replication.zooPath ?? `/clickhouse/databases/${database}`;
}

const ZOO_PATH = /^(\/[A-Za-z0-9_.{}-]+)+$/;

/** Problems with a replication input, as `[property, reason]` pairs naming the fix. */
export function replicationProblems(database: string, replication: BronzeReplication): [string, string][] {
    const problems: [string, string][] = [];
    try {
        assertIdentifier("replication.cluster", replication.cluster);
    } catch (e) {
        problems.push(["replication", `${(e as Error).message}; set it to the remote_servers cluster, e.g. cdc`]);
    }
    const zooPath = replicatedDatabasePath(database, replication);
    if (typeof zooPath !== "string" || !ZOO_PATH.test(zooPath))
        problems.push([
            "replication",
            `replication.zooPath must be a Keeper path like /clickhouse/databases/${database} ` +
                `(segments of letters, digits, '_', '-', '.', '{', '}'; no trailing '/'), got ${JSON.stringify(zooPath)}`,
        ]);
    return problems;
}

/**
 * `CREATE DATABASE IF NOT EXISTS ... ENGINE = Atomic`: the gold tables refresh through refreshable materialized views,
 * which need an Atomic (or Replicated) database; an existing database is left as it is.
 *
 * Replicated shape: `ON CLUSTER <cluster> ENGINE = Replicated('<path>', '{shard}', '{replica}')`, `{shard}` and
 * `{replica}` being each server's macros. ON CLUSTER is on this statement only: inside a Replicated database the
 * database replicates DDL itself, and ClickHouse refuses ON CLUSTER there.
 */
export function createDatabaseDdl(database: string, replication?: BronzeReplication): string {
    if (replication === undefined) return `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(database)} ENGINE = Atomic`;
    const problems = replicationProblems(database, replication);
    if (problems.length > 0) throw new Error(problems.map(([, reason]) => reason).join("; "));
    return (
        `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(database)} ON CLUSTER ${quoteIdentifier(replication.cluster)} ` +
        `ENGINE = Replicated('${replicatedDatabasePath(database, replication)}', '{shard}', '{replica}')`
    );
}

/**
 * Settings every DDL of the replicated shape runs with: a replica that does not answer in time yields a NULL status,
 * not an error (the DDL stays in the database's log and that replica applies it when back), and the engine itself
 * refuses a non-replicated table in the database (its data would stay on one replica).
 */
export const REPLICATED_DDL_SETTINGS: Readonly<ClickHouseSettings> = {
    distributed_ddl_output_mode: "null_status_on_timeout",
    distributed_ddl_task_timeout: "120",
    database_replicated_allow_only_replicated_engine: 1,
};

/**
 * `CREATE TABLE IF NOT EXISTS` of one bronze table: append-only MergeTree of raw change events.
 * No TTL and no partitioning: bronze is the replayable history, and its volume is small.
 *
 * Replicated shape: `ReplicatedMergeTree` without arguments, i.e. Keeper path `/clickhouse/tables/{uuid}/{shard}` and
 * replica `{replica}`, and no ON CLUSTER (the Replicated database runs the statement on every replica).
 */
export function bronzeTableDdl(database: string, table: string, replication?: BronzeReplication): string {
    return [
        `CREATE TABLE IF NOT EXISTS ${quoteIdentifier(database)}.${quoteIdentifier(table)}`,
        "(",
        BRONZE_COLUMNS.map((c) => `    ${columnDefinition(c)}`).join(",\n"),
        ")",
        replication === undefined ? "ENGINE = MergeTree" : "ENGINE = ReplicatedMergeTree",
        `ORDER BY ${BRONZE_ORDER_BY}`,
    ].join("\n");
}

/** `DROP TABLE IF EXISTS` (used only when dropOnDelete is set). */
export function dropTableDdl(database: string, table: string): string {
    return `DROP TABLE IF EXISTS ${quoteIdentifier(database)}.${quoteIdentifier(table)}`;
}

/** `ALTER TABLE … ADD COLUMN IF NOT EXISTS` for a required column that went missing. */
export function addColumnDdl(database: string, table: string, column: BronzeColumn): string {
    return `ALTER TABLE ${quoteIdentifier(database)}.${quoteIdentifier(table)} ADD COLUMN IF NOT EXISTS ${columnDefinition(column)}`;
}

/**
 * Digest of the bronze schema this code creates; a change of it is an explicit diff. The replicated shape has its
 * own digest (its table engine differs); the single node's is the same as before replication existed.
 */
export function bronzeSchemaVersion(replication?: BronzeReplication): string {
    const ddl = bronzeTableDdl("db", "t", replication === undefined ? undefined : { cluster: "c" });
    return `sha256:${createHash("sha256").update(ddl).digest("hex").slice(0, 16)}`;
}

/** A column as `system.columns` reports it. */
export interface LiveColumn {
    table: string;
    name: string;
    type: string;
    default_kind: string;
    default_expression: string;
}

/**
 * Compares live columns of one table with the contract. Returns one sentence per problem
 * (empty when the table conforms): missing column, wrong type, missing default, or an extra
 * column without a DEFAULT (the sink could not insert into it).
 */
export function schemaDrift(table: string, live: readonly LiveColumn[], engine?: string, replicated = false): string[] {
    const problems: string[] = [];
    const byName = new Map(live.map((c) => [c.name, c]));
    if (engine !== undefined && !replicated && !/MergeTree$/.test(engine))
        problems.push(`${table}: engine is ${engine}, expected MergeTree`);
    if (engine !== undefined && replicated && !/^Replicated\w*MergeTree$/.test(engine))
        problems.push(
            `${table}: engine is ${engine}, expected ReplicatedMergeTree (a non-replicated table keeps its data on one ` +
                "replica); move its data to a ReplicatedMergeTree table or drop it",
        );
    for (const want of BRONZE_COLUMNS) {
        const got = byName.get(want.name);
        if (!got) {
            problems.push(`${table}: column ${want.name} is missing (expected ${want.type})`);
            continue;
        }
        if (got.type !== want.type)
            problems.push(`${table}: column ${want.name} has type ${got.type}, expected ${want.type}`);
        if (
            want.defaultExpression !== undefined &&
            (got.default_kind !== "DEFAULT" || got.default_expression !== want.defaultExpression)
        ) {
            problems.push(
                `${table}: column ${want.name} has default ${got.default_kind || "none"} ${got.default_expression}`.trimEnd() +
                    `, expected DEFAULT ${want.defaultExpression}`,
            );
        }
    }
    const required = new Set(BRONZE_COLUMNS.map((c) => c.name));
    for (const c of live) {
        if (!required.has(c.name) && !c.default_kind)
            problems.push(`${table}: extra column ${c.name} has no DEFAULT (the sink cannot fill it)`);
    }
    return problems;
}
