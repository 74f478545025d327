/**
 * `npm run backup -- prune --keep N`: forgets the backups beyond the newest N successful ones, and
 * the choice of a scheduled backup's base (`create --base latest --full-every N`).
 *
 * An incremental backup holds only the parts its base lacks: RESTORE reads the whole chain (the
 * backup, its base, the base's base, … down to a full one). So a kept backup keeps its chain, and
 * a chain is cut by a full backup every `--full-every` backups, or nothing could ever be pruned.
 *
 * ClickHouse has no statement that deletes a backup (BACKUP and RESTORE only; its docs leave
 * removal to the storage). `prune` marks each pruned backup's catalog row `pruned` (so `list`,
 * `--base latest` and the status line stop counting it), and deletes its files itself only when
 * given where the target disk's directory is mounted (`--files-dir`, as the docker backup job
 * mounts the backups volume); otherwise it prints where each one's files are, to delete with the
 * storage's own tools (for S3: every object under the prefix it names).
 */
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { quoteIdentifier } from "../../components/providers/bronzeTables/ddl";
import { listBackups, type BackupContext } from "./context";
import { CATALOG_TABLE, catalogRow, type CatalogEntry } from "./manifest";
import { checkBackupName, describeTarget } from "../../components/backup/target";

/** What `prune` does with each backup of the catalog. */
export interface PrunePlan {
    /** The newest `keep` successful backups, oldest first. */
    keep: string[];
    /** Older successful backups kept because a kept one is incremental on them. */
    heldAsBase: string[];
    /** Backups to forget (older successful ones, failed ones, abandoned creates), oldest first. */
    prune: string[];
}

/** Backup `name` and its bases, newest first (stops at a full backup or a base missing from the catalog). */
export function chainOf(entries: readonly CatalogEntry[], name: string): string[] {
    const byName = new Map(entries.map((e) => [e.name, e]));
    const chain: string[] = [];
    for (let e = byName.get(name); e && !chain.includes(e.name); e = e.base ? byName.get(e.base) : undefined)
        chain.push(e.name);
    return chain;
}

/** The plan for keeping `keep` successful backups (entries oldest first, as the catalog lists them). */
export function prunePlan(entries: readonly CatalogEntry[], keep: number): PrunePlan {
    if (!Number.isInteger(keep) || keep < 1) throw new Error(`--keep must be a whole number >= 1 (got ${keep})`);
    const ok = entries.filter((e) => e.status === "ok");
    const newest = ok.slice(-keep).map((e) => e.name);
    const held = new Set<string>();
    for (const n of newest) for (const b of chainOf(entries, n).slice(1)) if (!newest.includes(b)) held.add(b);
    const newestOkAt = ok.at(-1)?.createdAt;
    const prune = entries
        .filter((e) => {
            if (e.status === "pruned" || newest.includes(e.name) || held.has(e.name)) return false;
            if (e.status === "ok" || e.status === "failed") return true;
            // `creating`: abandoned when an ok backup started after it; a newer one may be running now.
            return newestOkAt !== undefined && e.createdAt < newestOkAt;
        })
        .map((e) => e.name);
    return { keep: newest, heldAsBase: ok.filter((e) => held.has(e.name)).map((e) => e.name), prune };
}

/**
 * The base of a scheduled backup: the newest successful one, unless its chain already holds
 * `fullEvery` backups (then undefined: a full backup starts a new chain). None yet: full.
 */
export function scheduledBase(entries: readonly CatalogEntry[], fullEvery: number): string | undefined {
    const latest = entries.filter((e) => e.status === "ok").at(-1);
    if (!latest) return undefined;
    return chainOf(entries, latest.name).length >= fullEvery ? undefined : latest.name;
}

export interface PruneOptions {
    keep: number;
    /** Where the target disk's directory is mounted: each pruned backup's directory under it is deleted. */
    filesDir?: string;
    /** Say what would be pruned, change nothing. */
    dryRun?: boolean;
}

export interface PruneResult extends PrunePlan {
    /** Pruned backups whose files were deleted (`filesDir`). */
    deleted: string[];
    /** Where the files of the other pruned backups still are (for the storage's own tools). */
    leftFiles: string[];
}

/** Prunes the catalog (and, with `filesDir`, the files) down to `o.keep` successful backups. */
export async function pruneBackups(ctx: BackupContext, o: PruneOptions): Promise<PruneResult> {
    if (o.filesDir !== undefined && ctx.target.kind !== "disk")
        throw new Error("--files-dir is for a disk: target (S3 objects are deleted with the storage's own tools)");
    const entries = await listBackups(ctx);
    const plan = prunePlan(entries, o.keep);
    const result: PruneResult = { ...plan, deleted: [], leftFiles: [] };
    if (o.dryRun) return result;
    const byName = new Map(entries.map((e) => [e.name, e]));
    for (const name of plan.prune) {
        const e: CatalogEntry = { ...byName.get(name)!, status: "pruned" };
        // The row first: a backup the catalog still lists must have its files.
        await ctx.clickhouse.insert({
            table: `${quoteIdentifier(ctx.database)}.${CATALOG_TABLE}`,
            values: [catalogRow(e)],
            format: "JSONEachRow",
        });
        if (o.filesDir !== undefined) {
            checkBackupName(name);
            await fs.rm(path.join(o.filesDir, name), { recursive: true, force: true });
            result.deleted.push(name);
            ctx.log(`pruned ${name}: catalog row and files under ${path.join(o.filesDir, name)}`);
        } else {
            result.leftFiles.push(describeTarget(ctx.target, name));
            ctx.log(`pruned ${name} from the catalog; its files remain at ${describeTarget(ctx.target, name)}`);
        }
    }
    return result;
}

/** The summary line(s) of a prune for people. */
export function describePrune(r: PruneResult, dryRun: boolean): string {
    const lines = [
        `${dryRun ? "would keep" : "kept"} ${r.keep.length}: ${r.keep.join(", ") || "-"}` +
            (r.heldAsBase.length ? `; held as bases of kept ones: ${r.heldAsBase.join(", ")}` : ""),
        `${dryRun ? "would prune" : "pruned"} ${r.prune.length}: ${r.prune.join(", ") || "-"}`,
    ];
    if (r.leftFiles.length)
        lines.push(
            "ClickHouse cannot delete a backup: delete these with the storage's own tools (or run prune with " +
                `--files-dir where the disk is mounted): ${r.leftFiles.join("; ")}`,
        );
    return lines.join("\n");
}
