/**
 * What each backup records, and the catalog that holds it: a table `cdc_backups` in the pipeline's
 * database, one row per backup (ReplacingMergeTree by name, newest `updated_at` wins). The row of
 * a backup is written before its BACKUP and the catalog is part of the backup, so every backup
 * carries its own manifest: a restore onto an empty ClickHouse (a lost volume) reads it from there.
 */
import type { ConnectorOffset } from "../../components/providers/kafkaConnector/lifecycleClient";
import type { PartitionPosition } from "./positions";
import { quoteIdentifier } from "../../components/providers/bronzeTables/ddl";

/** The catalog table's name. */
export const CATALOG_TABLE = "cdc_backups";

/** One backup's manifest (the JSON in the catalog's `manifest` column). */
export interface BackupManifest {
    version: 1;
    name: string;
    /** ISO time the positions were read (the backup covers everything before it). */
    createdAt: string;
    /** The backup this one is incremental on, if any. */
    base?: string;
    database: string;
    /** The tables in the backup (bronze, then the catalog). */
    tables: string[];
    /** The sink's committed offsets, read before the snapshot: every record below them is in the backup. */
    sink: { name: string; offsets: PartitionPosition[] };
    /** The source connector's committed offsets (Debezium's resume positions), for the record. */
    source: { name: string; offsets: ConnectorOffset[] | null };
}

/** A catalog row. */
export interface CatalogEntry {
    name: string;
    /** `pruned`: forgotten by `prune` (its files deleted with `--files-dir`, else left for the storage's tools). */
    status: "creating" | "ok" | "failed" | "pruned";
    createdAt: string;
    base: string;
    sizeBytes: number;
    files: number;
    seconds: number;
    manifest: BackupManifest;
}

/** `CREATE TABLE IF NOT EXISTS <db>.cdc_backups`. */
export function catalogDdl(database: string): string {
    return [
        `CREATE TABLE IF NOT EXISTS ${quoteIdentifier(database)}.${CATALOG_TABLE}`,
        "(",
        "    name String,",
        "    status LowCardinality(String),",
        "    created_at DateTime64(3, 'UTC'),",
        "    base String,",
        "    size_bytes UInt64,",
        "    files UInt64,",
        "    seconds Float64,",
        "    manifest String,",
        "    updated_at DateTime64(6, 'UTC') DEFAULT now64(6)",
        ")",
        "ENGINE = ReplacingMergeTree(updated_at)",
        "ORDER BY name",
    ].join("\n");
}

/** The row `insert` writes for an entry. */
export function catalogRow(e: CatalogEntry): Record<string, unknown> {
    return {
        name: e.name,
        status: e.status,
        created_at: e.createdAt.replace("T", " ").replace("Z", ""),
        base: e.base,
        size_bytes: e.sizeBytes,
        files: e.files,
        seconds: e.seconds,
        manifest: JSON.stringify(e.manifest),
    };
}

/** The query of every entry (newest version of each), oldest backup first. */
export function catalogSelect(database: string, table = CATALOG_TABLE): string {
    return (
        "SELECT name, status, formatDateTime(created_at, '%Y-%m-%dT%H:%i:%S.%fZ') AS created_at, base, " +
        "size_bytes, files, seconds, manifest " +
        `FROM ${quoteIdentifier(database)}.${quoteIdentifier(table)} FINAL ORDER BY created_at, name`
    );
}

/** A row of {@link catalogSelect} as an entry; throws naming the backup when its manifest is unreadable. */
export function entryOf(row: Record<string, unknown>): CatalogEntry {
    let manifest: BackupManifest;
    try {
        manifest = JSON.parse(String(row.manifest)) as BackupManifest;
    } catch {
        throw new Error(`the catalog row of backup ${JSON.stringify(row.name)} holds no readable manifest`);
    }
    return {
        name: String(row.name),
        status: String(row.status) as CatalogEntry["status"],
        createdAt: String(row.created_at).replace(/\.(\d{3})\d*Z$/, ".$1Z"),
        base: String(row.base),
        sizeBytes: Number(row.size_bytes),
        files: Number(row.files),
        seconds: Number(row.seconds),
        manifest,
    };
}
