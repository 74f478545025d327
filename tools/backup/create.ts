/**
 * `backup create NAME`: reads the sink's committed offsets (and the source's), writes the
 * manifest into the catalog, then takes ClickHouse's native BACKUP of the bronze tables and the
 * catalog, incremental on a base when asked. Order matters: offsets first, snapshot second
 * (positions.ts says why that covers every record below the offsets).
 */
import { getOffsets } from "../../components/providers/kafkaConnector/lifecycleClient";
import { quoteIdentifier } from "../../components/providers/bronzeTables/ddl";
import { scheduledBase } from "./prune";
import { CATALOG_TABLE, catalogDdl, catalogRow, type BackupManifest, type CatalogEntry } from "./manifest";
import { sinkPositions } from "./positions";
import { checkBackupName, describeTarget, destinationSql } from "../../components/backup/target";
import { listBackups, type BackupContext } from "./context";

/** What `create` is asked for. */
export interface CreateOptions {
    name: string;
    /** Incremental on this backup (must be in the catalog and ok); `"latest"`: the newest ok one. */
    base?: string;
    /**
     * With `base: "latest"` (the scheduled job): full instead when the latest's chain already holds this many
     * backups, or when there is none yet (prune.ts, `scheduledBase`).
     */
    fullEvery?: number;
}

/** Takes backup `o.name`; resolves with its catalog entry (status ok). */
export async function createBackup(ctx: BackupContext, o: CreateOptions): Promise<CatalogEntry> {
    checkBackupName(o.name);
    const db = ctx.database;
    await ctx.clickhouse.command({ query: catalogDdl(db) });
    const entries = await listBackups(ctx);
    if (entries.some((e) => e.name === o.name && e.status === "ok"))
        throw new Error(`backup ${o.name} exists already (npm run backup -- list): give another name`);
    let base: string | undefined;
    if (o.base === "latest" && o.fullEvery !== undefined) {
        base = scheduledBase(entries, o.fullEvery);
        ctx.log(base ? `incremental on ${base}` : `full (no chain yet, or the latest's holds ${o.fullEvery})`);
    } else if (o.base !== undefined) {
        const ok = entries.filter((e) => e.status === "ok");
        const found = o.base === "latest" ? ok.at(-1) : ok.find((e) => e.name === o.base);
        if (!found)
            throw new Error(
                o.base === "latest"
                    ? "--base latest: there is no successful backup yet to build on; take a full one first"
                    : `--base ${o.base}: no successful backup of that name in the catalog (npm run backup -- list)`,
            );
        base = found.name;
    }
    if (!ctx.connect) throw new Error("create needs Kafka Connect (--connect-url): it records the sink's offsets");
    // 1. The positions, before the snapshot.
    const sinkOffsets = await getOffsets(ctx.connect, ctx.sink);
    if (sinkOffsets === undefined)
        throw new Error(
            `Kafka Connect has no GET /connectors/${ctx.sink}/offsets (needs Kafka 3.5+): without the sink's ` +
                "offsets a backup cannot say what Kafka must replay after it",
        );
    const sourceOffsets = (await getOffsets(ctx.connect, ctx.source)) ?? null;
    const createdAt = new Date().toISOString();
    const manifest: BackupManifest = {
        version: 1,
        name: o.name,
        createdAt,
        ...(base !== undefined ? { base } : {}),
        database: db,
        tables: [...ctx.bronzeTables, CATALOG_TABLE],
        sink: { name: ctx.sink, offsets: sinkPositions(sinkOffsets) },
        source: { name: ctx.source, offsets: sourceOffsets },
    };
    const entry: CatalogEntry = {
        name: o.name,
        status: "creating",
        createdAt,
        base: base ?? "",
        sizeBytes: 0,
        files: 0,
        seconds: 0,
        manifest,
    };
    await insertEntry(ctx, entry);
    // 2. The snapshot: bronze and the catalog (holding this manifest).
    const tables = manifest.tables.map((t) => `TABLE ${quoteIdentifier(db)}.${quoteIdentifier(t)}`).join(", ");
    const settings = base !== undefined ? ` SETTINGS base_backup = ${destinationSql(ctx.target, base)}` : "";
    ctx.log(`backup ${o.name}: BACKUP ${manifest.tables.join(", ")} to ${describeTarget(ctx.target, o.name)}`);
    const started = Date.now();
    let id: string;
    try {
        const rs = await ctx.clickhouse.query({
            query: `BACKUP ${tables} TO ${destinationSql(ctx.target, o.name)}${settings}`,
            format: "JSONEachRow",
        });
        id = ((await rs.json<{ id: string; status: string }>())[0] ?? { id: "" }).id;
    } catch (e) {
        await insertEntry(ctx, { ...entry, status: "failed" }).catch(() => undefined);
        throw new Error(`backup ${o.name}: BACKUP failed: ${ctx.mask((e as Error).message)}`);
    }
    const seconds = (Date.now() - started) / 1000;
    const stats = await ctx.clickhouse
        .query({
            query: "SELECT compressed_size AS size, num_files AS files FROM system.backups WHERE id = {id:String}",
            query_params: { id },
            format: "JSONEachRow",
        })
        .then((rs) => rs.json<{ size: string | number; files: string | number }>())
        .catch(() => []);
    const done: CatalogEntry = {
        ...entry,
        status: "ok",
        sizeBytes: Number(stats[0]?.size ?? 0),
        files: Number(stats[0]?.files ?? 0),
        seconds,
    };
    await insertEntry(ctx, done);
    return done;
}

async function insertEntry(ctx: BackupContext, e: CatalogEntry): Promise<void> {
    await ctx.clickhouse.insert({
        table: `${quoteIdentifier(ctx.database)}.${CATALOG_TABLE}`,
        values: [catalogRow(e)],
        format: "JSONEachRow",
    });
}
