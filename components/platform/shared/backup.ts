/**
 * The scheduled backup job, the same on docker and kubernetes as plain values: the bundled backup
 * CLI (components/monitoring/backupBundle.ts) run as `create` then `prune` with every endpoint as a
 * flag, the passwords and S3 credentials in the environment only (never flags: they would show in
 * `ps`). Kubernetes runs one run per CronJob tick; docker runs the bundle's `schedule` loop
 * (tools/backup/scheduler.ts), which starts the same run at each minute the cron line names.
 */
import * as pulumi from "@pulumi/pulumi";
import type { BackupSettings } from "../../config";
import { S3_ENV } from "../../backup/target";
import { CLICKHOUSE_FILES } from "./clickhouse";
import { EXPORTER_ENV } from "./monitoring";

/** Where the bundled CLI is in the job's container. */
export const BACKUP_SCRIPT = "/opt/cdc/backup.js";

/** The environment the job reads: the passwords, the S3 credentials, the CA; the scheduler's schedule and run. */
export const BACKUP_ENV = {
    clickhousePassword: EXPORTER_ENV.clickhousePassword,
    connectPassword: EXPORTER_ENV.connectPassword,
    caFile: EXPORTER_ENV.caFile,
    s3AccessKeyId: S3_ENV.accessKeyId,
    s3SecretAccessKey: S3_ENV.secretAccessKey,
    schedule: "CDC_BACKUP_SCHEDULE",
    run: "CDC_BACKUP_RUN",
} as const;

/** Where the job mounts the backups disk's volume (docker), so that `prune --files-dir` deletes the files. */
export const BACKUP_FILES_DIR = CLICKHOUSE_FILES.backupsDir;

/** What one run talks to: the endpoints as the job's container reaches them. */
export interface BackupJobEndpoints {
    connectUrl: string;
    kafkaBootstrap: string;
    clickhouseUrl: string;
    clickhouseUser: string;
    database: string;
    source: string;
    sink: string;
    bronzeTables: string[];
    /** Connect's REST user (its password in {@link BACKUP_ENV}.connectPassword). */
    connectUser?: string;
}

function quote(s: string): string {
    return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * One run as a `sh -c` script: `create bronze-<UTC time>` (incremental on the latest with a full
 * one every `fullEvery`, or full), then `prune --keep retention` (with `filesDir` where the disk's
 * volume is mounted). `set -e`: a failed create prunes nothing and the run exits non-zero.
 */
export function backupRunScript(s: BackupSettings, e: BackupJobEndpoints, o: { filesDir?: string } = {}): string {
    const common = [
        "--target",
        s.target,
        "--connect-url",
        e.connectUrl,
        "--kafka",
        e.kafkaBootstrap,
        "--clickhouse-url",
        e.clickhouseUrl,
        "--clickhouse-user",
        e.clickhouseUser,
        "--database",
        e.database,
        "--source",
        e.source,
        "--sink",
        e.sink,
        "--bronze-tables",
        e.bronzeTables.join(","),
        ...(e.connectUser ? ["--connect-user", e.connectUser] : []),
    ]
        .map(quote)
        .join(" ");
    const base = s.incremental ? ` --base latest --full-every ${s.fullEvery}` : "";
    const files = o.filesDir !== undefined ? ` --files-dir ${quote(o.filesDir)}` : "";
    return [
        "set -e",
        'name="bronze-$(date -u +%Y%m%dT%H%M%SZ)"',
        `node ${BACKUP_SCRIPT} create "$name"${base} ${common}`,
        `node ${BACKUP_SCRIPT} prune --keep ${s.retention}${files} ${common}`,
    ].join("\n");
}

/**
 * The S3 credentials (`cdc:backupS3AccessKeyId`/`cdc:backupS3SecretAccessKey`, set with `--secret`)
 * as secret outputs, when given; undefined for a disk target or an S3 one that uses ClickHouse's own credentials.
 */
export function backupS3Secrets(
    s: BackupSettings,
): { accessKeyId: pulumi.Output<string>; secretAccessKey: pulumi.Output<string> } | undefined {
    if (!s.s3Credentials) return undefined;
    const cdc = new pulumi.Config("cdc");
    return {
        accessKeyId: cdc.requireSecret("backupS3AccessKeyId"),
        secretAccessKey: cdc.requireSecret("backupS3SecretAccessKey"),
    };
}
