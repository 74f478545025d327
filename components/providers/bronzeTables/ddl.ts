/**
 * Bronze table DDL and expected schema (data contract §3), as pure functions.
 */
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
 * `CREATE DATABASE IF NOT EXISTS ... ENGINE = Atomic`: the gold tables refresh through refreshable materialized views,
 * which need an Atomic (or Replicated) database; an existing database is left as it is.
 */
export function createDatabaseDdl(database: string): string {
    return `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(database)} ENGINE = Atomic`;
}

/**
 * `CREATE TABLE IF NOT EXISTS` of one bronze table: append-only MergeTree of raw change events.
 * No TTL and no partitioning: bronze is the replayable history, and its volume is small.
 */
export function bronzeTableDdl(database: string, table: string): string {
    return [
        `CREATE TABLE IF NOT EXISTS ${quoteIdentifier(database)}.${quoteIdentifier(table)}`,
        "(",
        BRONZE_COLUMNS.map((c) => `    ${columnDefinition(c)}`).join(",\n"),
        ")",
        "ENGINE = MergeTree",
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

/** Digest of the bronze schema this code creates; a change of it is an explicit diff. */
export function bronzeSchemaVersion(): string {
    return `sha256:${createHash("sha256").update(bronzeTableDdl("db", "t")).digest("hex").slice(0, 16)}`;
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
export function schemaDrift(table: string, live: readonly LiveColumn[], engine?: string): string[] {
    const problems: string[] = [];
    const byName = new Map(live.map((c) => [c.name, c]));
    if (engine !== undefined && !/MergeTree$/.test(engine))
        problems.push(`${table}: engine is ${engine}, expected MergeTree`);
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
