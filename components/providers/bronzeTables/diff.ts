/**
 * Pure diff of the bronze tables' stored outputs against new inputs. Only `changes`, `replaces`
 * and `deleteBeforeReplace` reach the Pulumi engine; the per-property account is for tests and
 * tools (components/providers/shared/README.md, "Diffs: what reaches the Pulumi engine").
 */
import type * as pulumi from "@pulumi/pulumi";
import { isUnknown } from "../shared/unknown";
import { bronzeSchemaVersion } from "./ddl";
import type { BronzeTablesInputs, BronzeTablesOutputs } from "./types";

/** Pulumi's DiffResult plus the per-property account of the change (not forwarded to the engine; see the header). */
export interface BronzeDiff extends pulumi.dynamic.DiffResult {
    detailedDiff: Record<string, { kind: "add" | "delete" | "update" | "update-replace" }>;
    addedTables: string[];
    removedTables: string[];
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
    if (olds.schemaVersion !== bronzeSchemaVersion()) detailedDiff.schemaVersion = { kind: "update" };
    if ((olds.drift ?? []).length > 0) detailedDiff.drift = { kind: "update" };
    return {
        changes: Object.keys(detailedDiff).length > 0,
        replaces,
        deleteBeforeReplace: false,
        detailedDiff,
        addedTables,
        removedTables,
    };
}
