/**
 * Flags of `npm run backup`: the command, its own options, and the endpoints exactly as
 * `npm run status` takes them (the stack's outputs, each overridable by a flag; tools/status/flags.ts
 * resolves them, with the CA, Connect's REST login and the ClickHouse password from the same places).
 */
import { parseFlags as parseStatusFlags, MAX_TIMEOUT_SECONDS } from "../status/flags";
import type { Flags as StatusFlags } from "../status/flags";
import { checkBackupName } from "../../components/backup/target";

export interface BackupFlags {
    command: "list" | "create" | "restore" | "prune";
    name?: string;
    /** `--target disk:NAME|s3:URL`; default the stack output `backup.target`, else disk:backups. */
    target?: string;
    /** `--base NAME|latest`: incremental on that backup. */
    base?: string;
    /** `--full-every N` (create, with `--base latest`): a full backup once the latest's chain holds N. */
    fullEvery?: number;
    /** `--keep N` (prune): the successful backups kept. */
    keep?: number;
    /** `--files-dir DIR` (prune): where the target disk is mounted; pruned backups' files are deleted there. */
    filesDir?: string;
    /** `--dry-run` (prune): say what would be pruned, change nothing. */
    dryRun: boolean;
    noReplay: boolean;
    json: boolean;
    /** The endpoint flags, as `npm run status` reads them. */
    endpoints: StatusFlags;
    /** How long a restore waits for the replay (`--replay-timeout`, seconds). */
    replayTimeoutSeconds: number;
}

export const USAGE = `usage: npm run --silent backup -- list | create NAME [--base NAME|latest [--full-every N]]
              | restore NAME [--no-replay] | prune --keep N [--files-dir DIR] [--dry-run]
  --target disk:NAME | s3:https://host/bucket/prefix  where backups are (default: the stack's cdc:backup.target,
              else disk:backups); S3 credentials in CDC_BACKUP_S3_ACCESS_KEY_ID / CDC_BACKUP_S3_SECRET_ACCESS_KEY
  --replay-timeout S (600)  how long restore waits for the sink to replay the gap;  --json  machine-readable output
  --full-every N  with --base latest: take a full backup instead once the latest's chain (it and its bases) holds N
  --keep N  prune: keep the newest N successful backups (and the bases they need), mark older ones pruned;
              --files-dir DIR  where the disk target is mounted: delete their files too (ClickHouse cannot)
  endpoints as npm run status (default: the stack's outputs): --stack NAME --timeout S --connect-url URL
              --kafka HOST:PORT --clickhouse-url URL --clickhouse-user U --database DB --source NAME --sink NAME
              --bronze-tables A,B --ca-file FILE --connect-user U --project-dir DIR
  passwords from the stack, or CDC_STATUS_CLICKHOUSE_PASSWORD / CDC_CONNECT_PASSWORD (never flags)
exit: 0 done, 2 refused or failed (the message says what was changed), 1 bad usage`;

const OWN_VALUES = new Set(["--target", "--base", "--replay-timeout", "--full-every", "--keep", "--files-dir"]);

/** Where each command-specific flag is read. */
const FLAG_OF: Record<string, BackupFlags["command"]> = {
    "--base": "create",
    "--full-every": "create",
    "--no-replay": "restore",
    "--keep": "prune",
    "--files-dir": "prune",
    "--dry-run": "prune",
};

function count(flag: string, value: string): number {
    if (!/^\d+$/.test(value) || Number(value) < 1)
        throw new Error(`${flag} must be a whole number >= 1 (got ${JSON.stringify(value)})`);
    return Number(value);
}

/** Parses argv; throws a message naming the flag and what it takes. */
export function parseBackupFlags(argv: string[]): BackupFlags {
    const [command, ...rest] = argv;
    if (command === "--help" || command === "-h" || command === undefined) throw new Error(USAGE);
    if (command !== "list" && command !== "create" && command !== "restore" && command !== "prune")
        throw new Error(`unknown command ${JSON.stringify(command)}\n${USAGE}`);
    const f: Partial<BackupFlags> = { command, noReplay: false, dryRun: false, json: false, replayTimeoutSeconds: 600 };
    const seen = new Set<string>();
    const endpointArgs: string[] = [];
    for (let i = 0; i < rest.length; i++) {
        const [name, inline] = rest[i].split(/=(.*)/s, 2);
        if (!name.startsWith("--")) {
            if (f.name !== undefined || command === "list" || command === "prune")
                throw new Error(`unexpected argument ${JSON.stringify(rest[i])}\n${USAGE}`);
            f.name = name;
            continue;
        }
        if (name in FLAG_OF) seen.add(name);
        if (name === "--no-replay") {
            f.noReplay = true;
            continue;
        }
        if (name === "--dry-run") {
            f.dryRun = true;
            continue;
        }
        if (name === "--json") {
            f.json = true;
            continue;
        }
        if (OWN_VALUES.has(name)) {
            const value = inline ?? rest[++i];
            if (value === undefined || value === "" || value.startsWith("--"))
                throw new Error(`${name} needs a value\n${USAGE}`);
            if (name === "--target") f.target = value;
            else if (name === "--base") f.base = value;
            else if (name === "--full-every") f.fullEvery = count(name, value);
            else if (name === "--keep") f.keep = count(name, value);
            else if (name === "--files-dir") f.filesDir = value;
            else {
                const v = Number(value);
                if (!Number.isFinite(v) || v <= 0 || v > MAX_TIMEOUT_SECONDS)
                    throw new Error(`--replay-timeout must be a number of seconds > 0 (got ${JSON.stringify(value)})`);
                f.replayTimeoutSeconds = v;
            }
            continue;
        }
        endpointArgs.push(rest[i]);
        if (inline === undefined && i + 1 < rest.length && !rest[i + 1].startsWith("--")) endpointArgs.push(rest[++i]);
    }
    if (command === "create" || command === "restore") {
        if (f.name === undefined) throw new Error(`${command} needs a backup NAME\n${USAGE}`);
        checkBackupName(f.name);
    }
    for (const flag of seen)
        if (FLAG_OF[flag] !== command) throw new Error(`${flag} is a flag of ${FLAG_OF[flag]} only`);
    if (command === "prune" && f.keep === undefined)
        throw new Error(`prune needs --keep N (the successful backups to keep)\n${USAGE}`);
    if (f.fullEvery !== undefined && f.base !== "latest")
        throw new Error("--full-every goes with --base latest (it decides when the latest is not used as the base)");
    if (f.base !== undefined && f.base !== "latest") checkBackupName(f.base, "--base");
    let endpoints: StatusFlags;
    try {
        endpoints = parseStatusFlags(endpointArgs);
    } catch (e) {
        throw new Error((e as Error).message.split("\n")[0] + `\n${USAGE}`);
    }
    if (!endpoints.explicit.has("--timeout")) endpoints.timeoutSeconds = 30;
    return { ...(f as BackupFlags), endpoints };
}
