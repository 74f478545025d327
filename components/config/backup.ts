/**
 * `cdc:backup`: the scheduled backup of bronze (`npm run backup -- create`, then `prune`) the
 * docker and kubernetes platforms run: a CronJob on kubernetes, a scheduler container on docker
 * (docs/operations.md, "Backup and restore"). Off by default: on, it adds a job (and a backups
 * volume to ClickHouse for a disk target), costs the disk space of `retention` backups and a
 * BACKUP's I/O at every run. On the external platform the stack runs no ClickHouse, so it runs no
 * job either: schedule the CLI with your own scheduler against your storage.
 *
 * The S3 credentials are the top-level secrets `cdc:backupS3AccessKeyId` and
 * `cdc:backupS3SecretAccessKey` (`pulumi config set --secret`), read by the platform with
 * `requireSecret` and handed to the job from a Secret, never in plain inputs.
 */
import { parseTarget } from "../backup/target";
import { checkSecretsAreSecret, type ConfigContext } from "./checks";
import { nextRun, parseCron } from "./cron";
import { bool, Field, int, type ConfigProblem, type Parsed, validate } from "./schema";

/** The disk the stack gives ClickHouse for backups (`backups.allowed_disk`), the only `disk:` target there. */
export const BACKUP_DISK = "backups";

/** The secret keys of the S3 credentials. */
export const BACKUP_SECRET_KEYS = ["backupS3AccessKeyId", "backupS3SecretAccessKey"] as const;

function scheduleField(def: string): Field<string> {
    return new Field<string>(def, (v, key, problems) => {
        if (typeof v !== "string") {
            problems.push({ key, message: `${JSON.stringify(v)} is not a cron schedule, e.g. "0 3 * * *"` });
            return undefined;
        }
        try {
            if (!nextRun(parseCron(v), new Date(Date.UTC(2026, 0, 1))))
                throw new Error(`${JSON.stringify(v)} names no day that exists (e.g. 31 Feb): it would never run`);
            return v;
        } catch (e) {
            problems.push({ key, message: `${(e as Error).message} (UTC, as a Kubernetes CronJob reads it)` });
            return undefined;
        }
    });
}

function targetField(def: string): Field<string> {
    return new Field<string>(def, (v, key, problems) => {
        try {
            if (typeof v !== "string") throw new Error(`${JSON.stringify(v)} is not a string`);
            // No environment: the credentials are the secret keys, checked below.
            parseTarget(v, key, {});
            return v;
        } catch (e) {
            const msg = (e as Error).message
                .replace(/CDC_BACKUP_S3_ACCESS_KEY_ID/g, "the secret cdc:backupS3AccessKeyId")
                .replace(/CDC_BACKUP_S3_SECRET_ACCESS_KEY/g, "cdc:backupS3SecretAccessKey");
            problems.push({
                key,
                message: msg.startsWith(`${key}`) ? msg.slice(key.length).replace(/^:? ?/, "") : msg,
            });
            return undefined;
        }
    });
}

export const backupShape = {
    /** Run the scheduled backup job (docker and kubernetes). */
    enabled: bool(false),
    /** Cron, UTC: when the job runs. Default 03:00 daily. */
    schedule: scheduleField("0 3 * * *"),
    /** `disk:backups` (a volume of the stack's ClickHouse) or `s3:https://host/bucket/prefix`. */
    target: targetField(`disk:${BACKUP_DISK}`),
    /** Successful backups kept; `prune` forgets older ones (and the bases they need stay). */
    retention: int(7, 1, 1000, "backups"),
    /** Each backup incremental on the latest (`--base latest`), with a full one every `fullEvery`. */
    incremental: bool(true),
    /** With `incremental`: a chain holds at most this many backups (the full one included), then a full one starts. */
    fullEvery: int(7, 1, 1000, "backups"),
} as const;

/** Validated `cdc:backup`. */
export interface BackupSettings extends Parsed<typeof backupShape> {
    /** Whether the S3 credentials are given (the secret keys); the values are read by the platform. */
    s3Credentials: boolean;
}

/** Validates `cdc:backup` and the S3 secret keys for `platform`. `raw` is the whole stack config. */
export function parseBackup(
    raw: Record<string, unknown>,
    platform: string,
    ctx: ConfigContext,
    problems: ConfigProblem[],
): BackupSettings {
    const before = problems.length;
    const b = validate(backupShape, raw.backup, "cdc:backup", problems) as Parsed<typeof backupShape>;
    checkSecretsAreSecret(raw, ctx, problems, BACKUP_SECRET_KEYS);
    const given = BACKUP_SECRET_KEYS.filter((k) => raw[k] !== undefined);
    const out: BackupSettings = { ...b, s3Credentials: given.length === 2 };
    if (problems.length > before) return out;
    if (platform === "external") {
        if (b.enabled)
            problems.push({
                key: "cdc:backup.enabled",
                message:
                    "true is not accepted on the external platform: the stack runs no ClickHouse there, so it runs no " +
                    "backup job; schedule `npm run --silent backup -- create NAME` and `prune` with your own scheduler " +
                    '(docs/operations.md, "Backup and restore"). Remove it: `pulumi config rm cdc:backup`',
            });
        for (const k of given)
            problems.push({
                key: `cdc:${k}`,
                message: `is not read on the external platform (no backup job runs there). Remove it: \`pulumi config rm cdc:${k}\``,
            });
        return { ...out, enabled: false };
    }
    const s3 = b.target.startsWith("s3:");
    if (!s3 && b.target !== `disk:${BACKUP_DISK}`)
        problems.push({
            key: "cdc:backup.target",
            message:
                `${JSON.stringify(b.target)}: the stack gives its ClickHouse one backups disk, named "${BACKUP_DISK}"; ` +
                `use \`pulumi config set --path cdc:backup.target disk:${BACKUP_DISK}\` or an s3:https://host/bucket/prefix target`,
        });
    if (!s3)
        for (const k of given)
            problems.push({
                key: `cdc:${k}`,
                message: `is read only with an s3: cdc:backup.target (it is ${JSON.stringify(b.target)}). Remove it: \`pulumi config rm cdc:${k}\``,
            });
    else if (given.length === 1) {
        const missing = BACKUP_SECRET_KEYS.find((k) => raw[k] === undefined)!;
        problems.push({
            key: `cdc:${missing}`,
            message:
                `is required with cdc:${given[0]} (both or neither; neither: ClickHouse uses its own S3 credentials). ` +
                `Set it with \`pulumi config set --secret cdc:${missing} <value>\``,
        });
    }
    return out;
}
