/**
 * `npm run --silent backup -- list | create NAME | restore NAME [--no-replay] | prune --keep N` (flags: flags.ts).
 * Backups of bronze with the Kafka positions they cover; a restore that replays the gap
 * (restore.ts). Every secret is masked in what it prints.
 */
import * as path from "node:path";
import { createClient, ClickHouseLogLevel } from "@clickhouse/client";
import { resolveTarget, readStackOutputs, type Target } from "../status/flags";
import { DEFAULT_RETRY_POLICY } from "../../components/providers/shared/retry";
import { analyticsVars, DEFAULT_ANALYTICS_NAMES } from "../../components/analytics/vars";
import { parseBackupFlags, USAGE, type BackupFlags } from "./flags";
import { DEFAULT_TARGET, parseTarget, targetSecrets, type BackupTarget } from "../../components/backup/target";
import { listBackups, masker, type BackupContext } from "./context";
import { createBackup } from "./create";
import { restoreBackup, RestoreRefused } from "./restore";
import { describePositions } from "./positions";
import { formatEntries } from "./render";
import { describePrune, pruneBackups } from "./prune";
import { inBundle } from "../../components/backup/bundled";

const ROOT = path.resolve(__dirname, "..", "..");

/** The backup target: the flag, else the stack output `backup.target`, else the disk `backups`. */
function targetOf(f: BackupFlags, outputs: Record<string, unknown>): BackupTarget {
    if (f.target !== undefined) return parseTarget(f.target, "--target");
    const fromStack = (outputs.backup as { target?: unknown } | undefined)?.target;
    if (typeof fromStack === "string") return parseTarget(fromStack, "the stack output backup.target");
    return DEFAULT_TARGET;
}

/** The context of a run: clients on the resolved endpoints. */
export function contextOf(t: Target, target: BackupTarget, timeoutMs: number, log: (l: string) => void): BackupContext {
    const mask = masker([...t.secrets, ...targetSecrets(target)]);
    return {
        clickhouse: createClient({
            url: t.clickhouse.url,
            username: t.clickhouse.user,
            password: t.clickhouse.password,
            database: t.clickhouse.database,
            // BACKUP and RESTORE of a large bronze take minutes: no per-request limit below an hour.
            request_timeout: Math.max(timeoutMs, 3_600_000),
            log: { level: ClickHouseLogLevel.OFF },
            ...(t.caPem ? { tls: { ca_cert: Buffer.from(t.caPem) } } : {}),
        }),
        database: t.clickhouse.database,
        bronzeTables: t.bronzeTables,
        target,
        connect: {
            baseUrl: t.connectUrl,
            secretValues: t.secrets,
            ...(t.connectAuth ? { auth: t.connectAuth } : {}),
            ...(t.caPem ? { caPem: t.caPem } : {}),
            retry: DEFAULT_RETRY_POLICY,
            requestTimeoutMs: timeoutMs,
            log,
        },
        sink: t.sink,
        source: t.source,
        kafka: { bootstrap: t.kafka, timeoutMs, ...(t.kafkaSecurity ? { security: t.kafkaSecurity } : {}) },
        log,
        mask,
    };
}

async function main(): Promise<number> {
    let f: BackupFlags;
    try {
        f = parseBackupFlags(process.argv.slice(2));
    } catch (e) {
        process.stderr.write(`${(e as Error).message}\n`);
        return 1;
    }
    let outputs: Record<string, unknown> = {};
    let t: Target;
    let target: BackupTarget;
    try {
        t = resolveTarget(f.endpoints, ROOT, () => (outputs = readStackOutputs(ROOT, f.endpoints.stack)));
        target = targetOf(f, outputs);
    } catch (e) {
        process.stderr.write(`backup: ${(e as Error).message}\n`);
        return 1;
    }
    const log = (l: string) => process.stderr.write(`${ctx.mask(l)}\n`);
    const ctx = contextOf(t, target, f.endpoints.timeoutSeconds * 1000, log);
    const out = (text: string) => process.stdout.write(`${ctx.mask(text)}\n`);
    try {
        if (f.command === "list") {
            const entries = await listBackups(ctx);
            out(f.json ? JSON.stringify(entries, null, 2) : formatEntries(entries));
        } else if (f.command === "create") {
            const e = await createBackup(ctx, {
                name: f.name!,
                ...(f.base !== undefined ? { base: f.base } : {}),
                ...(f.fullEvery !== undefined ? { fullEvery: f.fullEvery } : {}),
            });
            out(f.json ? JSON.stringify(e, null, 2) : formatEntries([e]));
        } else if (f.command === "prune") {
            const r = await pruneBackups(ctx, {
                keep: f.keep!,
                dryRun: f.dryRun,
                ...(f.filesDir !== undefined ? { filesDir: f.filesDir } : {}),
            });
            out(f.json ? JSON.stringify(r, null, 2) : describePrune(r, f.dryRun));
        } else {
            const vars = {
                ...analyticsVars(DEFAULT_ANALYTICS_NAMES),
                ...((outputs.dbtVars as Record<string, string> | undefined) ?? {}),
            };
            const r = await restoreBackup(ctx, {
                name: f.name!,
                noReplay: f.noReplay,
                replayTimeoutMs: f.replayTimeoutSeconds * 1000,
                rebuild: async () => {
                    // Loaded here: the dbt provider reads its requirements.lock when loaded, which the bundled
                    // backup job (create and prune only) does not carry.
                    const { runDbt } = await import("../../components/providers/dbt/run");
                    await runDbt({
                        projectDir: f.endpoints.projectDir ?? path.join(ROOT, "ecom_analytics"),
                        clickhouse: { ...t.clickhouse, ...(t.caPem ? { caPem: t.caPem } : {}) },
                        command: "run",
                        fullRefresh: true,
                        vars,
                        log,
                    });
                },
            });
            if (f.json) out(JSON.stringify(r, null, 2));
            else if (f.noReplay)
                out(
                    `restored ${f.name} (ClickHouse only). A replay starts the sink ${t.sink} from: ` +
                        describePositions(r.replayFrom),
                );
            else
                out(
                    `restored ${f.name}; the sink replayed ${describePositions(r.replayFrom)} → ${describePositions(r.replayedTo)}`,
                );
        }
        return 0;
    } catch (e) {
        const prefix = e instanceof RestoreRefused ? "" : "backup: ";
        process.stderr.write(`${prefix}${ctx.mask((e as Error).message)}\n`);
        return 2;
    } finally {
        await ctx.clickhouse.close();
    }
}

/** Runs the CLI on `process.argv` and exits with its code (the bundled job calls this: backupBundle.ts). */
export function runCli(): void {
    main().then(
        (code) => process.exit(code),
        (e: unknown) => {
            process.stderr.write(`backup: ${(e as Error).message}\n${USAGE}\n`);
            process.exit(1);
        },
    );
}

if (require.main === module && !inBundle()) runCli();
