/**
 * Flags of `npm run backup`: the command, its own options, and the endpoints exactly as
 * `npm run status` takes them (the stack's outputs, each overridable by a flag; tools/status/flags.ts
 * resolves them, with the CA, Connect's REST login and the ClickHouse password from the same places).
 */
import { parseFlags as parseStatusFlags, MAX_TIMEOUT_SECONDS } from "../status/flags";
import type { Flags as StatusFlags } from "../status/flags";
import { checkBackupName } from "./target";

export interface BackupFlags {
    command: "list" | "create" | "restore";
    name?: string;
    /** `--target disk:NAME|s3:URL`; default the stack output `backup.target`, else disk:backups. */
    target?: string;
    /** `--base NAME|latest`: incremental on that backup. */
    base?: string;
    noReplay: boolean;
    json: boolean;
    /** The endpoint flags, as `npm run status` reads them. */
    endpoints: StatusFlags;
    /** How long a restore waits for the replay (`--replay-timeout`, seconds). */
    replayTimeoutSeconds: number;
}

export const USAGE = `usage: npm run --silent backup -- list | create NAME [--base NAME|latest] | restore NAME [--no-replay]
  --target disk:NAME | s3:https://host/bucket/prefix  where backups are (default: the stack's cdc:backup.target,
              else disk:backups); S3 credentials in CDC_BACKUP_S3_ACCESS_KEY_ID / CDC_BACKUP_S3_SECRET_ACCESS_KEY
  --replay-timeout S (600)  how long restore waits for the sink to replay the gap;  --json  machine-readable output
  endpoints as npm run status (default: the stack's outputs): --stack NAME --timeout S --connect-url URL
              --kafka HOST:PORT --clickhouse-url URL --clickhouse-user U --database DB --source NAME --sink NAME
              --bronze-tables A,B --ca-file FILE --connect-user U --project-dir DIR
  passwords from the stack, or CDC_STATUS_CLICKHOUSE_PASSWORD / CDC_CONNECT_PASSWORD (never flags)
exit: 0 done, 2 refused or failed (the message says what was changed), 1 bad usage`;

const OWN_VALUES = new Set(["--target", "--base", "--replay-timeout"]);

/** Parses argv; throws a message naming the flag and what it takes. */
export function parseBackupFlags(argv: string[]): BackupFlags {
    const [command, ...rest] = argv;
    if (command === "--help" || command === "-h" || command === undefined) throw new Error(USAGE);
    if (command !== "list" && command !== "create" && command !== "restore")
        throw new Error(`unknown command ${JSON.stringify(command)}\n${USAGE}`);
    const f: Partial<BackupFlags> = { command, noReplay: false, json: false, replayTimeoutSeconds: 600 };
    const endpointArgs: string[] = [];
    for (let i = 0; i < rest.length; i++) {
        const [name, inline] = rest[i].split(/=(.*)/s, 2);
        if (!name.startsWith("--")) {
            if (f.name !== undefined || command === "list")
                throw new Error(`unexpected argument ${JSON.stringify(rest[i])}\n${USAGE}`);
            f.name = name;
            continue;
        }
        if (name === "--no-replay") {
            f.noReplay = true;
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
    if (command !== "list") {
        if (f.name === undefined) throw new Error(`${command} needs a backup NAME\n${USAGE}`);
        checkBackupName(f.name);
    }
    if (f.base !== undefined && command !== "create") throw new Error("--base is a flag of create only");
    if (f.noReplay && command !== "restore") throw new Error("--no-replay is a flag of restore only");
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
