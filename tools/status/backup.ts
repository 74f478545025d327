/**
 * The backup line of `npm run status`: the last successful backup (time, size) from the catalog
 * table `cdc_backups` that `npm run backup -- create` writes (tools/backup/manifest.ts). No catalog
 * yet = "no backup yet", not a failure; the last success older than `--backup-max-age` = lagging;
 * an unreadable catalog (ClickHouse down, a broken table) = failed. The backup verdict is reported
 * beside the stages: it does not change the pipeline's verdict or exit code (backups are not data flow).
 */
import { createClient, ClickHouseLogLevel } from "@clickhouse/client";
import { CATALOG_TABLE } from "../backup/manifest";
import { quoteIdentifier } from "../../components/providers/bronzeTables/ddl";
import { describeError, withDeadline } from "./deadline";
import type { ClickHouseTarget } from "./clickhouse";
import type { Verdict } from "./types";

/** Default of `--backup-max-age`: a daily schedule plus two hours of slack. */
export const DEFAULT_BACKUP_MAX_AGE_SECONDS = 26 * 3600;

/** What the catalog shows. */
export interface BackupObs {
    /** The catalog could not be read (the reason, with the fix). */
    error?: string;
    /** No catalog table: no backup was ever made here. */
    missing?: boolean;
    /** The newest successful backup, if any. */
    last: { name: string; createdAt: string; sizeBytes: number } | null;
    /** Backups with status ok. */
    count: number;
}

/** The report's `backup` section (`--json`). */
export interface BackupReport {
    verdict: Verdict;
    problems: string[];
    maxAgeSeconds: number;
    count: number;
    last: { name: string; createdAt: string; sizeBytes: number; ageSeconds: number } | null;
}

/** The query of the newest successful backup and the number of successful ones. */
export function lastBackupSql(database: string): string {
    return (
        "SELECT argMax(name, created_at) AS name, " +
        "formatDateTime(max(created_at), '%Y-%m-%dT%H:%i:%S.%fZ') AS last_at, " +
        "argMax(size_bytes, created_at) AS size_bytes, count() AS n " +
        `FROM ${quoteIdentifier(database)}.${CATALOG_TABLE} FINAL WHERE status = 'ok'`
    );
}

/** Reads the catalog (never throws). */
export async function readBackups(t: ClickHouseTarget): Promise<BackupObs> {
    const secrets = [...t.secrets, t.password].filter(Boolean);
    try {
        const client = createClient({
            url: t.url,
            username: t.user,
            password: t.password,
            request_timeout: t.timeoutMs,
            log: { level: ClickHouseLogLevel.OFF },
            ...(t.caPem ? { tls: { ca_cert: Buffer.from(t.caPem) } } : {}),
        });
        const query = async <R>(sql: string, params: Record<string, unknown> = {}): Promise<R[]> =>
            withDeadline(
                client
                    .query({
                        query: sql,
                        query_params: params,
                        format: "JSONEachRow",
                        clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
                    })
                    .then((rs) => rs.json<R>()),
                t.timeoutMs,
                `ClickHouse at ${t.url} (backup catalog)`,
                `is ClickHouse up and ${t.url} reachable from here (--clickhouse-url)?`,
            );
        try {
            const exists = await query<{ n: number }>(
                "SELECT count() AS n FROM system.tables WHERE database = {db:String} AND name = {t:String}",
                { db: t.database, t: CATALOG_TABLE },
            );
            if (Number(exists[0]?.n ?? 0) === 0) return { missing: true, last: null, count: 0 };
            const [row] = await query<{ name: string; last_at: string; size_bytes: number; n: number }>(
                lastBackupSql(t.database),
            );
            const count = Number(row?.n ?? 0);
            return {
                count,
                last:
                    row && count > 0
                        ? {
                              name: row.name,
                              createdAt: row.last_at.replace(/\.(\d{3})\d*Z$/, ".$1Z"),
                              sizeBytes: Number(row.size_bytes),
                          }
                        : null,
            };
        } finally {
            await client.close();
        }
    } catch (e) {
        return {
            error: `backup catalog ${t.database}.${CATALOG_TABLE}: ${describeError(e, secrets)}`,
            last: null,
            count: 0,
        };
    }
}

/** The verdict of the catalog at `nowMs`. */
export function judgeBackups(o: BackupObs, nowMs: number, maxAgeSeconds: number): BackupReport {
    const base = { maxAgeSeconds, count: o.count };
    if (o.error) return { ...base, verdict: "failed", problems: [o.error], last: null };
    if (!o.last) return { ...base, verdict: "ok", problems: [], last: null };
    const ageSeconds = Math.max(0, Math.round((nowMs - Date.parse(o.last.createdAt)) / 1000));
    const problems =
        ageSeconds > maxAgeSeconds
            ? [
                  `the last successful backup ${o.last.name} is ${ageSeconds} s old (> --backup-max-age ${maxAgeSeconds}):` +
                      " check the backup job's logs (docs/operations.md, Backup and restore) or run npm run backup -- create",
              ]
            : [];
    return { ...base, verdict: problems.length ? "lagging" : "ok", problems, last: { ...o.last, ageSeconds } };
}

const MIB = 1024 * 1024;

/** The one line of the table: `backup: ok, last <name> 3600 s ago (12.3 MiB), 4 kept`. */
export function renderBackup(b: BackupReport): string {
    const mark = { ok: "ok", lagging: "LAGGING", failed: "FAILED" }[b.verdict];
    if (b.verdict === "failed") return `backup: ${mark}: ${b.problems.join("; ")}\n`;
    if (!b.last) return `backup: ${mark}, no backup yet\n`;
    const size = `${(b.last.sizeBytes / MIB).toFixed(1)} MiB`;
    const line = `backup: ${mark}, last ${b.last.name} at ${b.last.createdAt} (${b.last.ageSeconds} s ago, ${size}), ${b.count} ok`;
    return `${line}${b.problems.map((p) => `\n  problem: ${p}`).join("")}\n`;
}
