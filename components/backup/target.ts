/**
 * Where backups go, as ClickHouse's BACKUP/RESTORE destinations: a disk of the server
 * (`Disk('backups', '<name>')`, the server's `backups.allowed_disk`) or S3-compatible storage
 * (`S3('<url>/<name>', '<key id>', '<secret>')`). The S3 credentials are secrets: they are in the
 * SQL sent to ClickHouse, never in a description, and masked in every message.
 */

/** A backup destination. */
export type BackupTarget =
    { kind: "disk"; disk: string } | { kind: "s3"; url: string; accessKeyId?: string; secretAccessKey?: string };

/** Environment variables holding the S3 credentials (never flags: they would show in ps). */
export const S3_ENV = {
    accessKeyId: "CDC_BACKUP_S3_ACCESS_KEY_ID",
    secretAccessKey: "CDC_BACKUP_S3_SECRET_ACCESS_KEY",
};

/** The default target: the server's disk named `backups`. */
export const DEFAULT_TARGET: BackupTarget = { kind: "disk", disk: "backups" };

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** Refuses a backup name that is not a plain path segment (it becomes a directory or an S3 prefix). */
export function checkBackupName(name: string, what = "the backup name"): void {
    if (!NAME.test(name) || name.includes(".."))
        throw new Error(
            `${what} must be 1–128 letters, digits, '_', '.' or '-', starting with a letter or digit ` +
                `(got ${JSON.stringify(name)}), e.g. bronze-2026-12-07`,
        );
}

/** `disk:NAME` or `s3:https://host/bucket/prefix` (credentials from {@link S3_ENV}). */
export function parseTarget(value: string, from: string, env: NodeJS.ProcessEnv = process.env): BackupTarget {
    const [kind, rest] = value.split(/:(.*)/s, 2);
    if (kind === "disk" && rest && /^[A-Za-z0-9_]+$/.test(rest)) return { kind: "disk", disk: rest };
    if (kind === "s3" && rest) {
        let url: URL;
        try {
            url = new URL(rest);
        } catch {
            throw new Error(`${from}: ${JSON.stringify(rest)} is no URL; expected s3:https://host/bucket/prefix`);
        }
        if (url.username || url.password)
            throw new Error(
                `${from} holds credentials in the URL: give them in ${S3_ENV.accessKeyId} and ${S3_ENV.secretAccessKey}`,
            );
        if (url.protocol !== "http:" && url.protocol !== "https:")
            throw new Error(`${from}: the S3 URL must be http(s):// (got ${url.protocol})`);
        const accessKeyId = env[S3_ENV.accessKeyId];
        const secretAccessKey = env[S3_ENV.secretAccessKey];
        if ((accessKeyId === undefined) !== (secretAccessKey === undefined))
            throw new Error(`set both ${S3_ENV.accessKeyId} and ${S3_ENV.secretAccessKey}, or neither`);
        return {
            kind: "s3",
            url: rest.replace(/\/+$/, ""),
            ...(accessKeyId !== undefined ? { accessKeyId, secretAccessKey } : {}),
        };
    }
    throw new Error(
        `${from} must be disk:NAME (a disk of the ClickHouse server allowed for backups) or ` +
            `s3:https://host/bucket/prefix (got ${JSON.stringify(value)})`,
    );
}

/** A ClickHouse string literal. */
export function sqlString(s: string): string {
    return `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** The destination of backup `name` in BACKUP/RESTORE SQL (holds the S3 secret: never print it). */
export function destinationSql(t: BackupTarget, name: string): string {
    checkBackupName(name);
    if (t.kind === "disk") return `Disk(${sqlString(t.disk)}, ${sqlString(name)})`;
    const creds = t.accessKeyId !== undefined ? `, ${sqlString(t.accessKeyId)}, ${sqlString(t.secretAccessKey!)}` : "";
    return `S3(${sqlString(`${t.url}/${name}`)}${creds})`;
}

/** Where backup `name` is, for messages (no credentials). */
export function describeTarget(t: BackupTarget, name: string): string {
    return t.kind === "disk" ? `disk ${t.disk}, ${name}` : `${t.url}/${name}`;
}

/** The secrets of a target, to be masked in every message. */
export function targetSecrets(t: BackupTarget): string[] {
    return t.kind === "s3" && t.secretAccessKey ? [t.secretAccessKey] : [];
}
