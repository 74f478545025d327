/**
 * One dbt invocation against ClickHouse: `dbt deps` (when the project declares packages) then
 * `dbt build` or `dbt run`, in the project-managed venv, with a generated profile.
 *
 * Nothing is written into the project except what `dbt deps` installs (`dbt_packages/`,
 * `package-lock.yml`): the profile, `target/` and `logs/` go to a private temp directory that is
 * deleted afterwards, so the repository stays clean and concurrent runs never clash. The
 * credentials reach dbt only through environment variables (see `profile.ts`).
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { secretValuesOf, maskSecrets } from "../shared/mask";
import { caEnv, credentialEnv, DBT_CA_FILE, renderProfile } from "./profile";
import {
    CLICKHOUSE_CREDENTIALS_FIX,
    describeAuthFailure,
    describeTlsProblem,
    STACK_CA_FIX,
    tlsProblemInText,
} from "../shared/tlsErrors";
import { dbtProjectHash } from "./hash";
import { dbtFailureMessage, summariseRunResults, type DbtRunSummary } from "./summary";
import { ensureDbtVenv } from "./venv";

/** ClickHouse as dbt reaches it. */
export interface DbtClickHouse {
    /** `http(s)://host:port` as seen from the machine running dbt. */
    url: string;
    user: string;
    password: string;
    /** Database dbt builds into (the profile's `schema`). */
    database: string;
    /** PEM of the CA that signed ClickHouse's certificate (https); the system's CAs when absent. */
    caPem?: string;
    /** The database is a `Replicated` database: the profile gets the replicated settings and no `cluster`. */
    replicated?: boolean;
}

/** What {@link runDbt} runs. */
export interface RunDbtOptions {
    /** Directory holding `dbt_project.yml`. */
    projectDir: string;
    clickhouse: DbtClickHouse;
    /** Profile target name. Default `dev`. */
    target?: string;
    /** dbt command. Default `build` (models, tests, seeds, snapshots). */
    command?: "build" | "run";
    threads?: number;
    /** Project variables, passed as `--vars`. */
    vars?: Record<string, string>;
    /** Rebuild incremental models from scratch. */
    fullRefresh?: boolean;
    /** Only these nodes (dbt `--select`), e.g. `["base_orders"]`. Default: the whole project. */
    select?: string[];
    /** Kill dbt after this many seconds. Default 3600. */
    timeoutSeconds?: number;
    /** Receives every output line (secrets masked). */
    log?: (line: string) => void;
}

/** An error of a failed dbt run; `message` holds dbt's error lines with secrets masked. */
export interface DbtRunError extends Error {
    name: "DbtRunError";
    /** The summary, when dbt got far enough to write `run_results.json`. */
    summary?: DbtRunSummary;
}

/**
 * Makes a {@link DbtRunError}. A factory rather than an `Error` subclass: Pulumi's function
 * serializer rewrites classes so that `super(message)` no longer sets the message of an
 * `Error` subclass, and this code must work after serialization.
 */
export function dbtRunError(message: string, summary?: DbtRunSummary): DbtRunError {
    const e = new Error(message) as DbtRunError;
    e.name = "DbtRunError";
    if (summary) e.summary = summary;
    return e;
}

interface Invocation {
    exitCode: number | null;
    stdout: string;
}

function invoke(
    cmd: string,
    args: string[],
    env: NodeJS.ProcessEnv,
    cwd: string,
    timeoutMs: number,
    onLine: (l: string) => void,
): Promise<Invocation> {
    return new Promise((resolve, reject) => {
        const child = spawn(cmd, args, { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let pending = "";
        const onData = (d: Buffer): void => {
            const text = d.toString("utf8");
            stdout += text;
            pending += text;
            const lines = pending.split("\n");
            pending = lines.pop() ?? "";
            lines.forEach(onLine);
        };
        child.stdout.on("data", onData);
        child.stderr.on("data", onData);
        const timer = setTimeout(() => child.kill("SIGTERM"), timeoutMs);
        child.on("error", (e) => {
            clearTimeout(timer);
            reject(e);
        });
        child.on("close", (code) => {
            clearTimeout(timer);
            if (pending) onLine(pending);
            resolve({ exitCode: code, stdout });
        });
    });
}

function readJson(file: string): unknown {
    try {
        return JSON.parse(fs.readFileSync(file, "utf8"));
    } catch {
        return undefined;
    }
}

/**
 * A TLS problem or refused login in dbt's output, named with its fix; undefined for any other
 * failure (dbt's own error lines then say what failed).
 */
export function namedConnectionFailure(output: string, ch: Pick<DbtClickHouse, "url" | "user">): string | undefined {
    const p = tlsProblemInText(output);
    if (p !== undefined) return describeTlsProblem(p, { service: "ClickHouse", url: ch.url, caFix: STACK_CA_FIX });
    const auth = /Code: (516|192|193|194)\b/.exec(output);
    if (auth)
        return describeAuthFailure({
            service: "ClickHouse",
            url: ch.url,
            status: `ClickHouse code ${auth[1]}`,
            user: ch.user,
            fix: CLICKHOUSE_CREDENTIALS_FIX,
        });
    return undefined;
}

/**
 * Runs dbt and returns the summary of `run_results.json`. A failing model or test (or any
 * other dbt error) rejects with a {@link DbtRunError} carrying dbt's error lines, masked.
 */
export async function runDbt(o: RunDbtOptions): Promise<DbtRunSummary> {
    const command = o.command ?? "build";
    const target = o.target ?? "dev";
    const projectDir = path.resolve(o.projectDir);
    const secrets = secretValuesOf({ password: o.clickhouse.password });
    const mask = (s: string): string => maskSecrets(s, secrets);
    const log = (l: string): void => o.log?.(mask(l));
    if (!fs.existsSync(path.join(projectDir, "dbt_project.yml"))) {
        throw dbtRunError(`${projectDir} is not a dbt project (no dbt_project.yml)`);
    }
    const venv = await ensureDbtVenv({ log });
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "cdc-dbt-"));
    try {
        const profilesDir = path.join(work, "profiles");
        const targetPath = path.join(work, "target");
        const logPath = path.join(work, "logs");
        fs.mkdirSync(profilesDir);
        fs.writeFileSync(
            path.join(profilesDir, "profiles.yml"),
            renderProfile({
                url: o.clickhouse.url,
                database: o.clickhouse.database,
                target,
                threads: o.threads,
                ...(o.clickhouse.replicated ? { replicated: true } : {}),
            }),
            { mode: 0o600 },
        );
        // The CA in the private temp directory, removed with it after the run.
        let tlsEnv: Record<string, string> = {};
        if (o.clickhouse.caPem) {
            const caFile = path.join(work, DBT_CA_FILE);
            fs.writeFileSync(caFile, o.clickhouse.caPem, { mode: 0o600 });
            tlsEnv = caEnv(caFile);
        }
        const env: NodeJS.ProcessEnv = {
            ...process.env,
            ...tlsEnv,
            ...credentialEnv(o.clickhouse.user, o.clickhouse.password),
            DBT_SEND_ANONYMOUS_USAGE_STATS: "false",
            DBT_USE_COLORS: "false",
            DBT_PRINTER_WIDTH: "120",
            PYTHONUNBUFFERED: "1",
            PYTHONNOUSERSITE: "1",
        };
        // Settings a developer's shell may carry that would point dbt elsewhere.
        for (const k of [
            "DBT_PROFILES_DIR",
            "DBT_TARGET_PATH",
            "DBT_LOG_PATH",
            "DBT_PROJECT_DIR",
            "DBT_TARGET",
            "DBT_PROFILE",
        ])
            delete env[k];
        const common = [
            "--project-dir",
            projectDir,
            "--profiles-dir",
            profilesDir,
            "--target-path",
            targetPath,
            "--log-path",
            logPath,
        ];
        const timeoutMs = (o.timeoutSeconds ?? 3600) * 1000;

        if (
            fs.existsSync(path.join(projectDir, "packages.yml")) ||
            fs.existsSync(path.join(projectDir, "dependencies.yml"))
        ) {
            log("dbt deps");
            const deps = await invoke(venv.dbt, ["deps", ...common], env, projectDir, timeoutMs, log);
            if (deps.exitCode !== 0) {
                throw dbtRunError(
                    dbtFailureMessage({ command: "deps", exitCode: deps.exitCode, stdout: deps.stdout, secrets }),
                );
            }
        }

        const args = [command, ...common, "--target", target];
        if (o.threads !== undefined) args.push("--threads", String(o.threads));
        // the project's content hash, recorded by the run in analytics_deployment (docs/analytics.md)
        args.push("--vars", JSON.stringify({ cdc_project_hash: dbtProjectHash(projectDir), ...o.vars }));
        if (o.fullRefresh) args.push("--full-refresh");
        if (o.select && o.select.length > 0) args.push("--select", ...o.select);
        log(
            `dbt ${command} --target ${target}${o.fullRefresh ? " --full-refresh" : ""}${o.select?.length ? ` --select ${o.select.join(" ")}` : ""}`,
        );
        const res = await invoke(venv.dbt, args, env, projectDir, timeoutMs, log);
        if (res.exitCode !== 0) {
            const named = namedConnectionFailure(res.stdout, o.clickhouse);
            if (named !== undefined) throw dbtRunError(mask(`dbt ${command} could not connect: ${named}`));
        }
        const runResults = readJson(path.join(targetPath, "run_results.json"));
        const summary = runResults === undefined ? undefined : summariseRunResults(runResults, command);
        if (res.exitCode !== 0) {
            throw dbtRunError(
                dbtFailureMessage({ command, exitCode: res.exitCode, runResults, stdout: res.stdout, secrets }),
                summary,
            );
        }
        if (!summary) throw dbtRunError(mask(`dbt ${command} succeeded but wrote no run_results.json`));
        return summary;
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
}
