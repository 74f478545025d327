/**
 * What the BronzeTables provider reads and drops in ClickHouse: the live columns and engines of
 * the bronze tables (and their drift from the contract), and on destroy with dropOnDelete the dbt
 * relations built on them, then the tables.
 */
import type { ClickHouseClient } from "@clickhouse/client";
import { assertIdentifier, dropTableDdl, quoteIdentifier, schemaDrift, type LiveColumn } from "./ddl";

/** The relations left in `database` (dbt's views and tables), without ClickHouse's hidden inner tables. */
export function keptRelationsQuery(database: string): string {
    assertIdentifier("database", database);
    return `SELECT name FROM system.tables WHERE database = '${database}' AND NOT startsWith(name, '.inner') ORDER BY name`;
}

/**
 * Columns, engines and drift of the given tables; `replicated`: the replicated shape, where the tables must be
 * `Replicated*MergeTree` and the database `Replicated`.
 */
export async function inspectBronze(
    client: ClickHouseClient,
    database: string,
    tables: string[],
    replicated = false,
): Promise<{ existing: string[]; drift: string[]; cols: LiveColumn[] }> {
    const list = tables.map((t) => `'${t}'`).join(", ");
    const cols = await (
        await client.query({
            query: `SELECT table, name, type, default_kind, default_expression FROM system.columns WHERE database = '${database}' AND table IN (${list}) ORDER BY table, position`,
            format: "JSONEachRow",
        })
    ).json<LiveColumn>();
    const engines = await (
        await client.query({
            query: `SELECT name, engine FROM system.tables WHERE database = '${database}' AND name IN (${list})`,
            format: "JSONEachRow",
        })
    ).json<{ name: string; engine: string }>();
    const existing = tables.filter((t) => engines.some((e) => e.name === t));
    const drift: string[] = replicated ? await databaseDrift(client, database) : [];
    for (const t of tables) {
        const engine = engines.find((e) => e.name === t)?.engine;
        if (engine === undefined) drift.push(`${t}: table is missing`);
        else
            drift.push(
                ...schemaDrift(
                    t,
                    cols.filter((c) => c.table === t),
                    engine,
                    replicated,
                ),
            );
    }
    return { existing, drift, cols };
}

/** The replicated shape's database problem: an existing database that is not `Replicated` (none when it is). */
async function databaseDrift(client: ClickHouseClient, database: string): Promise<string[]> {
    const found = await (
        await client.query({
            query: `SELECT engine FROM system.databases WHERE name = '${database}'`,
            format: "JSONEachRow",
        })
    ).json<{ engine: string }>();
    const engine = found[0]?.engine;
    if (engine === undefined || engine === "Replicated") return [];
    return [
        `database ${database}: engine is ${engine}, expected Replicated (an existing database is not converted); ` +
            "move it to a Replicated database by hand, or set the single-node shape back",
    ];
}

/**
 * Drops the named dbt relations that exist (materialized views first, so they stop writing, then
 * views, then tables), then the bronze tables; returns the relations still left in `database`.
 */
export async function dropBronze(
    client: ClickHouseClient,
    database: string,
    tables: string[],
    dependents: string[],
): Promise<string[]> {
    const engines =
        dependents.length === 0
            ? []
            : await (
                  await client.query({
                      query: `SELECT name, engine FROM system.tables WHERE database = '${database}' AND name IN (${dependents.map((d) => `'${d}'`).join(", ")})`,
                      format: "JSONEachRow",
                  })
              ).json<{ name: string; engine: string }>();
    const rank = (e: string) => (e === "MaterializedView" ? 0 : e === "View" ? 1 : 2);
    for (const r of [...engines].sort((a, b) => rank(a.engine) - rank(b.engine))) {
        await client.command({
            query: `DROP ${r.engine.endsWith("View") ? "VIEW" : "TABLE"} IF EXISTS ${quoteIdentifier(database)}.${quoteIdentifier(r.name)}`,
        });
    }
    for (const t of tables) await client.command({ query: dropTableDdl(database, t) });
    return (
        await (
            await client.query({ query: keptRelationsQuery(database), format: "JSONEachRow" })
        ).json<{ name: string }>()
    ).map((r) => r.name);
}
