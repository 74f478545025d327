/**
 * Pure diff of the bronze tables' stored outputs against new inputs. Only `changes`, `replaces`
 * and `deleteBeforeReplace` reach the Pulumi engine; the per-property account is for tests and
 * tools (components/providers/shared/README.md, "Diffs: what reaches the Pulumi engine").
 */
import type * as pulumi from "@pulumi/pulumi";
import { isUnknown } from "../shared/unknown";
import { bronzeSchemaVersion, replicatedDatabasePath, type BronzeReplication } from "./ddl";
import type { BronzeTablesInputs, BronzeTablesOutputs } from "./types";

/** Pulumi's DiffResult plus the per-property account of the change (not forwarded to the engine; see the header). */
export interface BronzeDiff extends pulumi.dynamic.DiffResult {
    detailedDiff: Record<string, { kind: "add" | "delete" | "update" | "update-replace" }>;
    addedTables: string[];
    removedTables: string[];
    /** What the update will do in ClickHouse beyond adding and removing tables, one sentence each, for previews. */
    summary: string[];
}

/** One line naming a shape: `Atomic, MergeTree` or `Replicated (…), ReplicatedMergeTree`. */
function shapeText(database: string, r: BronzeReplication | undefined): string {
    return r === undefined
        ? "Atomic database, MergeTree tables"
        : `Replicated database (Keeper path ${replicatedDatabasePath(database, r)}, created ON CLUSTER ${r.cluster}), ` +
              "ReplicatedMergeTree tables";
}

/** Sentences for a change of the replication shape (empty when unchanged). */
function replicationSummary(olds: Partial<BronzeTablesOutputs>, news: BronzeTablesInputs): string[] {
    const db = news.database;
    const before = shapeText(db, olds.replication);
    const after = shapeText(db, news.replication);
    if (before === after) return [];
    return [
        `database ${db}: ${before} → ${after}. New tables are created in the new shape; an existing database and ` +
            "existing tables are not converted (CREATE … IF NOT EXISTS keeps them), so the update then fails naming " +
            "each table whose engine does not match, until the data is moved by hand.",
    ];
}

/** Pure diff of stored outputs against new inputs. */
export function diffBronze(olds: Partial<BronzeTablesOutputs>, news: BronzeTablesInputs): BronzeDiff {
    const detailedDiff: BronzeDiff["detailedDiff"] = {};
    const replaces: string[] = [];
    if (olds.database !== news.database) {
        replaces.push("database");
        detailedDiff.database = { kind: "update-replace" };
    }
    for (const p of ["url", "user", "password"] as const) {
        if (olds[p] !== news[p]) detailedDiff[p] = { kind: "update" };
    }
    // A new CA (renewed, or another caBundle) is kept for the later read and delete.
    if ((olds.caPem ?? "") !== (news.caPem ?? "")) detailedDiff.caPem = { kind: "update" };
    if ((olds.dropOnDelete ?? false) !== (news.dropOnDelete ?? false)) detailedDiff.dropOnDelete = { kind: "update" };
    if (!isUnknown(news.dependents) && JSON.stringify(olds.dependents ?? []) !== JSON.stringify(news.dependents ?? []))
        detailedDiff.dependents = { kind: "update" };
    const oldTables = olds.tables ?? [];
    // An unknown list (preview) or unknown entries: an update whose tables are not known yet.
    const newTables = isUnknown(news.tables) ? [] : (news.tables ?? []).filter((t) => !isUnknown(t));
    if (isUnknown(news.tables) || (news.tables ?? []).some(isUnknown)) detailedDiff.tables = { kind: "update" };
    const addedTables = newTables.filter((t) => !oldTables.includes(t));
    const removedTables = isUnknown(news.tables) ? [] : oldTables.filter((t) => !newTables.includes(t));
    addedTables.forEach((t) => (detailedDiff[`tables[${JSON.stringify(t)}]`] = { kind: "add" }));
    removedTables.forEach((t) => (detailedDiff[`tables[${JSON.stringify(t)}]`] = { kind: "delete" }));
    const summary = replicationSummary(olds, news);
    if (summary.length > 0) detailedDiff.replication = { kind: "update" };
    if (olds.schemaVersion !== bronzeSchemaVersion(news.replication)) detailedDiff.schemaVersion = { kind: "update" };
    if ((olds.drift ?? []).length > 0) detailedDiff.drift = { kind: "update" };
    return {
        changes: Object.keys(detailedDiff).length > 0,
        replaces,
        deleteBeforeReplace: false,
        detailedDiff,
        addedTables,
        removedTables,
        summary,
    };
}
