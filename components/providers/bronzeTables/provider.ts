/**
 * The bronze-tables dynamic provider: creates the contract's bronze database and tables
 * idempotently through `@clickhouse/client`, verifies their columns on refresh, and drops tables
 * only when `dropOnDelete` is set.
 *
 * Built from plain options only and creating its client inside each method, so it survives
 * `pulumi.runtime.serializeFunction`. Inputs are read field by field: `__provider` is never used.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ClickHouseClient } from "@clickhouse/client";
import { withPlainErrors } from "../shared/errors";
import { maskSecrets, secretValuesOf } from "../shared/mask";
import { resolveRetryPolicy, withRetry, type RetryPolicy } from "../shared/retry";
import { isTransientClickHouseError } from "./transient";
import { diffBronze, type BronzeDiff } from "./diff";

export { diffBronze, type BronzeDiff } from "./diff";
import { containsUnknown, isUnknown } from "../shared/unknown";
import {
    addColumnDdl,
    assertIdentifier,
    BRONZE_COLUMNS,
    bronzeSchemaVersion,
    bronzeTableDdl,
    createDatabaseDdl,
    dropTableDdl,
    quoteIdentifier,
    schemaDrift,
    type LiveColumn,
} from "./ddl";
import type { BronzeTablesInputs, BronzeTablesOutputs } from "./types";

/** How to connect; the default makes an HTTP client from url/user/password. */
export type BronzeClientFactory = (c: { url: string; user: string; password: string }) => ClickHouseClient;

/** Tuning of the provider. */
export interface BronzeTablesProviderOptions {
    /** Builds the ClickHouse client (tests plug the in-process engine here). Default: `@clickhouse/client` over HTTP. */
    clientFactory?: BronzeClientFactory;
    /** Request timeout in milliseconds. Default 30000. */
    requestTimeoutMs?: number;
    /** Backoff for transient failures (connection refused or reset, timeouts, a busy server). Default {@link DEFAULT_RETRY_POLICY}. */
    retry?: Partial<RetryPolicy>;
    /** Where retry lines go. Default: stderr, which Pulumi shows with the resource's diagnostics. */
    log?: (line: string) => void;
    /** Injectable sleep, for tests. */
    sleep?: (ms: number) => Promise<void>;
}

/** Resolved inputs picked field by field. */
export function normaliseBronzeInputs(raw: Record<string, unknown>): BronzeTablesInputs {
    return {
        url: String(raw.url ?? ""),
        user: String(raw.user ?? ""),
        password: String(raw.password ?? ""),
        database: String(raw.database ?? ""),
        tables: Array.isArray(raw.tables) ? raw.tables.map(String) : [],
        dropOnDelete: raw.dropOnDelete === undefined ? false : Boolean(raw.dropOnDelete),
        dependents: Array.isArray(raw.dependents) ? raw.dependents.map(String) : [],
    };
}

/** Problems with the inputs, naming property and fix. */
export function checkBronzeInputs(i: BronzeTablesInputs): pulumi.dynamic.CheckFailure[] {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    if (!/^https?:\/\/[^\s/]+/.test(i.url)) failures.push({ property: "url", reason: `must be the ClickHouse HTTP(S) URL, e.g. http://localhost:8123 (got "${i.url}")` });
    try {
        assertIdentifier("database", i.database);
    } catch (e) {
        failures.push({ property: "database", reason: (e as Error).message });
    }
    if (i.tables.length === 0) failures.push({ property: "tables", reason: "must list at least one bronze table" });
    i.tables.forEach((t, n) => {
        try {
            assertIdentifier(`tables[${n}]`, t);
        } catch (e) {
            failures.push({ property: "tables", reason: (e as Error).message });
        }
    });
    if (new Set(i.tables).size !== i.tables.length) failures.push({ property: "tables", reason: "must not repeat a table" });
    for (const d of i.dependents ?? []) {
        try {
            assertIdentifier("dependents", d);
        } catch (e) {
            failures.push({ property: "dependents", reason: (e as Error).message });
        }
    }
    return failures;
}

/** The relations left in `database` (dbt's views and tables), without ClickHouse's hidden inner tables. */
export function keptRelationsQuery(database: string): string {
    assertIdentifier("database", database);
    return `SELECT name FROM system.tables WHERE database = '${database}' AND NOT startsWith(name, '.inner') ORDER BY name`;
}

/** Creates the provider object handed to `pulumi.dynamic.Resource`. */
export function createBronzeTablesProvider(options: BronzeTablesProviderOptions = {}): Omit<pulumi.dynamic.ResourceProvider, "diff"> & {
    diff(id: string, olds: BronzeTablesOutputs, news: BronzeTablesInputs): Promise<BronzeDiff>;
} {
    /** A fresh client (nothing live is captured by the serialised provider). */
    const newClient = (c: { url: string; user: string; password: string }): ClickHouseClient => {
        if (options.clientFactory) return options.clientFactory(c);
        // Required here, not at module level: nothing live is captured by the serialised provider.
        // eslint-disable-next-line @typescript-eslint/no-var-requires
        const { createClient, ClickHouseLogLevel } = require("@clickhouse/client") as typeof import("@clickhouse/client");
        return createClient({
            url: c.url,
            username: c.user,
            password: c.password,
            request_timeout: options.requestTimeoutMs ?? 30_000,
            // Errors reach the user through our (masked) error; the client's own log would repeat them unmasked.
            log: { level: ClickHouseLogLevel.OFF },
        });
    };

    /**
     * Runs `fn` with a fresh client and closes it; a transient failure (see ./transient.ts) runs
     * `fn` again on a new client with backoff, like the Connect client does (every statement is
     * idempotent). The password is masked in any error and log line.
     */
    const withClient = async <T>(c: { url: string; user: string; password: string }, what: string, fn: (client: ClickHouseClient) => Promise<T>): Promise<T> => {
        const secrets = secretValuesOf({ password: c.password });
        const describe = (e: unknown) => {
            const err = e as { message?: string; code?: string };
            return `${err.code ? `(ClickHouse code ${err.code}) ` : ""}${maskSecrets(String(err.message ?? e), secrets)}`;
        };
        const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
        try {
            return await withRetry(
                async () => {
                    const client = newClient(c);
                    try {
                        return await fn(client);
                    } finally {
                        await client.close().catch(() => undefined);
                    }
                },
                isTransientClickHouseError,
                resolveRetryPolicy(options.retry),
                (e, attempt, delayMs) => log(`BronzeTables: ${what}: ${describe(e)}; retry ${attempt} in ${(delayMs / 1000).toFixed(1)} s`),
                options.sleep,
            );
        } catch (e) {
            const err = e as { message?: string; code?: string };
            const transient = isTransientClickHouseError(e) ? " (gave up after retrying; is ClickHouse up and reachable from here?)" : "";
            throw new Error(`BronzeTables: ${what} failed${err.code ? ` (ClickHouse code ${err.code})` : ""}: ${maskSecrets(String(err.message ?? e), secrets)}${transient}`);
        }
    };

    /** Columns, engines and drift of the given tables. */
    const inspect = async (client: ClickHouseClient, database: string, tables: string[]) => {
        const list = tables.map((t) => `'${t}'`).join(", ");
        const cols = await (
            await client.query({
                query: `SELECT table, name, type, default_kind, default_expression FROM system.columns WHERE database = '${database}' AND table IN (${list}) ORDER BY table, position`,
                format: "JSONEachRow",
            })
        ).json<LiveColumn>();
        const engines = await (
            await client.query({ query: `SELECT name, engine FROM system.tables WHERE database = '${database}' AND name IN (${list})`, format: "JSONEachRow" })
        ).json<{ name: string; engine: string }>();
        const existing = tables.filter((t) => engines.some((e) => e.name === t));
        const drift: string[] = [];
        for (const t of tables) {
            const engine = engines.find((e) => e.name === t)?.engine;
            if (engine === undefined) drift.push(`${t}: table is missing`);
            else drift.push(...schemaDrift(t, cols.filter((c) => c.table === t), engine));
        }
        return { existing, drift, cols };
    };

    /** Creates database and tables, repairs missing required columns, fails on any other drift. */
    const ensure = async (i: BronzeTablesInputs, dropTables: string[]): Promise<BronzeTablesOutputs> => {
        const failures = checkBronzeInputs(i);
        if (failures.length > 0) throw new Error(`BronzeTables: invalid inputs:\n${failures.map((f) => `  - ${f.property}: ${f.reason}`).join("\n")}`);
        return withClient(i, `creating bronze tables in ${i.database}`, async (client) => {
            await client.command({ query: createDatabaseDdl(i.database) });
            for (const t of i.tables) await client.command({ query: bronzeTableDdl(i.database, t) });
            // A required column gone missing is re-added (additive, keeps data); anything else is left to a human.
            const before = await inspect(client, i.database, i.tables);
            for (const t of i.tables) {
                const have = new Set(before.cols.filter((c) => c.table === t).map((c) => c.name));
                for (const col of BRONZE_COLUMNS) if (!have.has(col.name)) await client.command({ query: addColumnDdl(i.database, t, col) });
            }
            const { drift } = await inspect(client, i.database, i.tables);
            if (drift.length > 0) {
                throw new Error(`existing tables do not match the bronze contract; migrate or drop them by hand:\n  - ${drift.join("\n  - ")}`);
            }
            if (i.dropOnDelete) for (const t of dropTables) await client.command({ query: dropTableDdl(i.database, t) });
            return {
                url: i.url,
                user: i.user,
                password: i.password,
                database: i.database,
                tables: [...i.tables],
                dropOnDelete: i.dropOnDelete ?? false,
                dependents: [...(i.dependents ?? [])],
                schemaVersion: bronzeSchemaVersion(),
                drift: [],
            };
        });
    };

    return withPlainErrors({
        async check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
            // Values not known yet (preview before their dependencies exist) are checked at apply time.
            const tables = isUnknown(news.tables) ? [] : news.tables;
            const failures = checkBronzeInputs(normaliseBronzeInputs({ ...news, tables })).filter((f) => !containsUnknown(news[f.property]));
            return { inputs: news, failures };
        },

        async diff(_id: string, olds: BronzeTablesOutputs, news: BronzeTablesInputs): Promise<BronzeDiff> {
            return diffBronze(olds, news);
        },

        async create(raw: Record<string, unknown>) {
            const inputs = normaliseBronzeInputs(raw);
            const outs = await ensure(inputs, []);
            return { id: `bronze:${inputs.database}`, outs };
        },

        async update(_id: string, olds: BronzeTablesOutputs, raw: Record<string, unknown>) {
            const inputs = normaliseBronzeInputs(raw);
            const removed = (olds.tables ?? []).filter((t) => !inputs.tables.includes(t));
            return { outs: await ensure(inputs, removed) };
        },

        async read(id: string, props: Partial<BronzeTablesOutputs>) {
            const p = normaliseBronzeInputs(props as Record<string, unknown>);
            const found = await withClient(p, `reading bronze tables of ${p.database}`, (client) => inspect(client, p.database, p.tables));
            if (found.existing.length === 0) return { id: "", props: {} }; // all gone: Pulumi sees it deleted
            const outs: BronzeTablesOutputs = {
                url: p.url,
                user: p.user,
                password: p.password,
                database: p.database,
                tables: found.existing,
                dropOnDelete: p.dropOnDelete ?? false,
                dependents: [...(p.dependents ?? [])],
                schemaVersion: props.schemaVersion ?? "",
                drift: found.drift.filter((d) => !d.endsWith(": table is missing")),
            };
            return { id, props: outs };
        },

        async delete(_id: string, props: Partial<BronzeTablesOutputs>) {
            const p = normaliseBronzeInputs(props as Record<string, unknown>);
            const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
            if (!p.dropOnDelete) {
                // bronze holds the replayable history: kept unless asked otherwise
                log(`BronzeTables: kept the bronze tables ${p.tables.join(", ")} in ${p.database} (cdc:bronze.dropOnDestroy is false), and dbt's silver and gold relations built on them.`);
                return;
            }
            const dependents = p.dependents ?? [];
            const kept = await withClient(p, `dropping bronze tables of ${p.database}`, async (client) => {
                // Materialized views first (they stop writing), then views, then tables.
                const engines = dependents.length === 0 ? [] : await (
                    await client.query({ query: `SELECT name, engine FROM system.tables WHERE database = '${p.database}' AND name IN (${dependents.map((d) => `'${d}'`).join(", ")})`, format: "JSONEachRow" })
                ).json<{ name: string; engine: string }>();
                const rank = (e: string) => (e === "MaterializedView" ? 0 : e === "View" ? 1 : 2);
                for (const r of [...engines].sort((a, b) => rank(a.engine) - rank(b.engine))) {
                    await client.command({ query: `DROP ${r.engine.endsWith("View") ? "VIEW" : "TABLE"} IF EXISTS ${quoteIdentifier(p.database)}.${quoteIdentifier(r.name)}` });
                }
                for (const t of p.tables) await client.command({ query: dropTableDdl(p.database, t) });
                return (await (await client.query({ query: keptRelationsQuery(p.database), format: "JSONEachRow" })).json<{ name: string }>()).map((r) => r.name);
            });
            log(
                `BronzeTables: dropped ${p.tables.join(", ")} in ${p.database}` +
                    (dependents.length > 0 ? `, and the dbt relations built on them (${dependents.length} names, those that existed). ` : ". ") +
                    (kept.length === 0
                        ? `No other relation is left in ${p.database}.`
                        : `Kept (not created by this stack): ${kept.join(", ")}. ` +
                          `They no longer receive data; drop them in ClickHouse if you do not need them (e.g. DROP VIEW / DROP TABLE ${p.database}.<name>).`),
            );
        },
    });
}

/** The provider instance used by the `BronzeTables` resource. */
export const bronzeTablesProvider = createBronzeTablesProvider();
