/**
 * The bronze-tables dynamic provider: creates the contract's bronze database and tables
 * idempotently through `@clickhouse/client`, verifies their columns on refresh, and drops tables
 * only when `dropOnDelete` is set.
 *
 * Built from plain options only and creating its client inside each method, so it survives
 * `pulumi.runtime.serializeFunction`. Inputs are read field by field: `__provider` is never used.
 */
import type * as pulumi from "@pulumi/pulumi";
import { withPlainErrors } from "../shared/errors";
import { containsUnknown, isUnknown } from "../shared/unknown";
import { bronzeClientRunner, type BronzeClientOptions } from "./client";
import {
    addColumnDdl,
    BRONZE_COLUMNS,
    bronzeSchemaVersion,
    bronzeTableDdl,
    createDatabaseDdl,
    dropTableDdl,
    REPLICATED_DDL_SETTINGS,
} from "./ddl";
import { diffBronze, type BronzeDiff } from "./diff";
import { checkBronzeInputs, normaliseBronzeInputs } from "./inputs";
import { dropBronze, inspectBronze as inspect } from "./live";
import type { BronzeTablesInputs, BronzeTablesOutputs } from "./types";

export { diffBronze, type BronzeDiff } from "./diff";
export { checkBronzeInputs, normaliseBronzeInputs } from "./inputs";
export { keptRelationsQuery } from "./live";
export type { BronzeClientFactory } from "./client";

/** Tuning of the provider: how it reaches ClickHouse (./client.ts). */
export type BronzeTablesProviderOptions = BronzeClientOptions;

/** Creates the provider object handed to `pulumi.dynamic.Resource`. */
export function createBronzeTablesProvider(options: BronzeTablesProviderOptions = {}): Omit<
    pulumi.dynamic.ResourceProvider,
    "diff"
> & {
    diff(id: string, olds: BronzeTablesOutputs, news: BronzeTablesInputs): Promise<BronzeDiff>;
} {
    const withClient = bronzeClientRunner(options);

    /** Creates database and tables, repairs missing required columns, fails on any other drift. */
    const ensure = async (i: BronzeTablesInputs, dropTables: string[]): Promise<BronzeTablesOutputs> => {
        const failures = checkBronzeInputs(i);
        if (failures.length > 0)
            throw new Error(
                `BronzeTables: invalid inputs:\n${failures.map((f) => `  - ${f.property}: ${f.reason}`).join("\n")}`,
            );
        const repl = i.replication;
        // The replicated shape's DDL runs with its settings; the single node's requests are as they always were.
        const ddl = (query: string) =>
            repl === undefined ? { query } : { query, clickhouse_settings: { ...REPLICATED_DDL_SETTINGS } };
        return withClient(i, `creating bronze tables in ${i.database}`, async (client) => {
            await client.command(ddl(createDatabaseDdl(i.database, repl)));
            for (const t of i.tables) await client.command(ddl(bronzeTableDdl(i.database, t, repl)));
            // A required column gone missing is re-added (additive, keeps data); anything else is left to a human.
            const before = await inspect(client, i.database, i.tables, repl !== undefined);
            for (const t of i.tables) {
                const have = new Set(before.cols.filter((c) => c.table === t).map((c) => c.name));
                for (const col of BRONZE_COLUMNS)
                    if (!have.has(col.name)) await client.command(ddl(addColumnDdl(i.database, t, col)));
            }
            const { drift } = await inspect(client, i.database, i.tables, repl !== undefined);
            if (drift.length > 0) {
                throw new Error(
                    `existing tables do not match the bronze contract; migrate or drop them by hand:\n  - ${drift.join("\n  - ")}`,
                );
            }
            if (i.dropOnDelete) for (const t of dropTables) await client.command(ddl(dropTableDdl(i.database, t)));
            return {
                url: i.url,
                user: i.user,
                password: i.password,
                ...(i.caPem ? { caPem: i.caPem } : {}),
                database: i.database,
                tables: [...i.tables],
                dropOnDelete: i.dropOnDelete ?? false,
                dependents: [...(i.dependents ?? [])],
                ...(repl === undefined ? {} : { replication: { ...repl } }),
                schemaVersion: bronzeSchemaVersion(repl),
                drift: [],
            };
        });
    };

    return withPlainErrors({
        async check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
            // Values not known yet (preview before their dependencies exist) are checked at apply time.
            const tables = isUnknown(news.tables) ? [] : news.tables;
            const failures = checkBronzeInputs(normaliseBronzeInputs({ ...news, tables })).filter(
                (f) => !containsUnknown(news[f.property]),
            );
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
            const found = await withClient(p, `reading bronze tables of ${p.database}`, (client) =>
                inspect(client, p.database, p.tables, p.replication !== undefined),
            );
            if (found.existing.length === 0) return { id: "", props: {} }; // all gone: Pulumi sees it deleted
            const outs: BronzeTablesOutputs = {
                url: p.url,
                user: p.user,
                password: p.password,
                ...(p.caPem ? { caPem: p.caPem } : {}),
                database: p.database,
                tables: found.existing,
                dropOnDelete: p.dropOnDelete ?? false,
                dependents: [...(p.dependents ?? [])],
                ...(p.replication === undefined ? {} : { replication: { ...p.replication } }),
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
                log(
                    `BronzeTables: kept the bronze tables ${p.tables.join(", ")} in ${p.database} (cdc:bronze.dropOnDestroy is false), and dbt's silver and gold relations built on them.`,
                );
                return;
            }
            const dependents = p.dependents ?? [];
            const kept = await withClient(p, `dropping bronze tables of ${p.database}`, (client) =>
                dropBronze(client, p.database, p.tables, dependents),
            );
            log(
                `BronzeTables: dropped ${p.tables.join(", ")} in ${p.database}` +
                    (dependents.length > 0
                        ? `, and the dbt relations built on them (${dependents.length} names, those that existed). `
                        : ". ") +
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
