/**
 * The project-managed Python venv that holds dbt-core and dbt-clickhouse.
 *
 * - Pinned: the direct pins are {@link DBT_PINS}; every transitive dependency is pinned by
 *   `requirements.lock` beside this file (a `pip freeze` of a clean install, used as a pip
 *   constraints file so platform-specific extras that are not needed are simply ignored).
 * - Cached: `${XDG_CACHE_HOME:-$HOME/.cache}/cdc-pipeline/dbt-venv-<key>`, where the key hashes
 *   the pins, the lock and the Python interpreter; changing any of them builds a new venv.
 * - Atomic: built in a sibling temp directory, verified (`dbt --version` must list the
 *   clickhouse plugin), marked complete, then renamed into place. A crashed half-install is a
 *   temp directory that is never used and is swept by the next build.
 * - Concurrency-safe: builders take a lock directory (`mkdir` is atomic); waiters re-check after
 *   acquiring it; a lock whose owner process is gone is broken.
 *
 * The interpreter is `$CDC_PYTHON` when set, else `python3` on PATH (it must be >= 3.10 and have
 * the `venv` and `ensurepip` modules; on Debian: `apt-get install python3-venv`).
 */
import { execFile, execFileSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { withDirLock } from "../shared/lock";

/** Exact versions of the Python packages dbt runs with (must agree with `requirements.lock`). */
export const DBT_PINS = {
    "dbt-core": "1.11.16",
    "dbt-clickhouse": "1.10.3",
    "dbt-adapters": "1.24.5",
    "clickhouse-connect": "1.12.0",
} as const;

/**
 * The full transitive lock, read once when this module loads (so a serialized dynamic provider
 * carries it as a plain string rather than a file path).
 */
export const DBT_LOCK: string = fs.readFileSync(path.join(__dirname, "requirements.lock"), "utf8");

/** Marker written last inside a finished venv; a directory without it is never trusted. */
const READY_MARKER = ".cdc-dbt-venv-ready";
/** How long a builder may hold the lock before waiters consider it abandoned. */
const LOCK_STALE_MS = 20 * 60_000;

/** The interpreter used to create the venv. */
export function basePython(): string {
    return process.env.CDC_PYTHON || "python3";
}

interface PythonInfo {
    version: [number, number, number];
    basePrefix: string;
    hasVenv: boolean;
}

let pythonInfoCache: { python: string; info: PythonInfo | string } | undefined;

/** Probes the base interpreter; returns a problem sentence when it is unusable. */
function pythonInfo(): PythonInfo | string {
    const python = basePython();
    if (pythonInfoCache && pythonInfoCache.python === python) return pythonInfoCache.info;
    let info: PythonInfo | string;
    try {
        const out = execFileSync(
            python,
            [
                "-c",
                "import sys, json\n" +
                    "try:\n import venv, ensurepip; ok = True\nexcept Exception:\n ok = False\n" +
                    "print(json.dumps({'v': list(sys.version_info[:3]), 'p': sys.base_prefix, 'venv': ok}))",
            ],
            { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 30_000 },
        );
        const j = JSON.parse(out.trim().split("\n").pop() ?? "{}") as {
            v: [number, number, number];
            p: string;
            venv: boolean;
        };
        info = { version: j.v, basePrefix: j.p, hasVenv: j.venv };
    } catch (e) {
        info = `cannot run "${python}" (${(e as Error).message.split("\n")[0]}); install Python >= 3.10 or set CDC_PYTHON`;
    }
    pythonInfoCache = { python, info };
    return info;
}

/** The cache key of the venv: pins + lock + interpreter version and location. */
export function dbtVenvKey(): string {
    const info = pythonInfo();
    const py = typeof info === "string" ? "unknown" : `${info.version.join(".")}@${info.basePrefix}`;
    return crypto
        .createHash("sha256")
        .update(JSON.stringify({ pins: DBT_PINS, lock: DBT_LOCK, python: py }))
        .digest("hex")
        .slice(0, 16);
}

/** The cache root of this project: `${XDG_CACHE_HOME:-$HOME/.cache}/cdc-pipeline`. */
export function cacheRoot(): string {
    const xdg = process.env.XDG_CACHE_HOME;
    return path.join(xdg && xdg.length > 0 ? xdg : path.join(os.homedir(), ".cache"), "cdc-pipeline");
}

/** Where the venv lives (whether or not it exists yet). */
export function dbtVenvDir(): string {
    return path.join(cacheRoot(), `dbt-venv-${dbtVenvKey()}`);
}

function isReady(dir: string): boolean {
    return fs.existsSync(path.join(dir, READY_MARKER)) && fs.existsSync(path.join(dir, "bin", "python"));
}

/**
 * Undefined when dbt can run here (the venv is already built, or Python >= 3.10 with venv and
 * ensurepip is available to build it); otherwise a sentence saying what is missing.
 */
export async function dbtVenvProblem(): Promise<string | undefined> {
    const info = pythonInfo();
    if (typeof info === "string") return info;
    if (isReady(dbtVenvDir())) return undefined;
    const [major, minor] = info.version;
    if (major < 3 || (major === 3 && minor < 10)) {
        return `${basePython()} is Python ${info.version.join(".")}; dbt-clickhouse ${DBT_PINS["dbt-clickhouse"]} needs >= 3.10 (set CDC_PYTHON)`;
    }
    if (!info.hasVenv) return `${basePython()} lacks the venv/ensurepip modules (Debian: apt-get install python3-venv)`;
    return undefined;
}

/** What {@link ensureDbtVenv} returns. */
export interface DbtVenv {
    /** The venv's interpreter. */
    python: string;
    /** The venv's `dbt` executable. */
    dbt: string;
    /** The venv directory. */
    dir: string;
}

function venvPaths(dir: string): DbtVenv {
    return { python: path.join(dir, "bin", "python"), dbt: path.join(dir, "bin", "dbt"), dir };
}

function run(cmd: string, args: string[], log: (l: string) => void, env?: NodeJS.ProcessEnv): Promise<string> {
    return new Promise((resolve, reject) => {
        const child = execFile(
            cmd,
            args,
            { env: env ?? process.env, maxBuffer: 64 * 1024 * 1024, timeout: 30 * 60_000 },
            (err, stdout, stderr) => {
                if (err) {
                    const tail = `${stdout}\n${stderr}`.trim().split("\n").slice(-30).join("\n");
                    reject(
                        new Error(
                            `${path.basename(cmd)} ${args.join(" ")} failed: ${err.message.split("\n")[0]}\n${tail}`,
                        ),
                    );
                } else resolve(stdout);
            },
        );
        child.stdout?.on("data", (d: Buffer) =>
            d
                .toString()
                .split("\n")
                .filter(Boolean)
                .forEach((l) => log(l)),
        );
    });
}

/** Rewrites the temp path baked into the venv's scripts (shebangs, activate) to the final path. */
function relocateScripts(binDir: string, from: string, to: string): void {
    for (const name of fs.readdirSync(binDir)) {
        const file = path.join(binDir, name);
        const st = fs.lstatSync(file);
        if (!st.isFile() || st.size > 1024 * 1024) continue;
        const buf = fs.readFileSync(file);
        if (buf.includes(0)) continue; // binary
        const text = buf.toString("utf8");
        if (text.includes(from)) fs.writeFileSync(file, text.split(from).join(to), { mode: st.mode });
    }
}

async function buildVenv(dir: string, log: (l: string) => void): Promise<void> {
    const parent = path.dirname(dir);
    const base = path.basename(dir);
    // Sweep half-installs left by crashed builders (we hold the lock, so none is in progress).
    for (const name of fs.readdirSync(parent)) {
        if (name.startsWith(`${base}.tmp-`)) fs.rmSync(path.join(parent, name), { recursive: true, force: true });
    }
    const tmp = path.join(parent, `${base}.tmp-${process.pid}-${crypto.randomBytes(4).toString("hex")}`);
    try {
        log(
            `creating dbt venv in ${dir} (dbt-core ${DBT_PINS["dbt-core"]}, dbt-clickhouse ${DBT_PINS["dbt-clickhouse"]})`,
        );
        await run(basePython(), ["-m", "venv", tmp], log);
        const lockFile = path.join(tmp, "requirements.lock");
        fs.writeFileSync(lockFile, DBT_LOCK);
        const pip = [path.join(tmp, "bin", "python"), "-m", "pip"];
        const env = { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: "1", PIP_NO_INPUT: "1", PYTHONNOUSERSITE: "1" };
        await run(
            pip[0],
            [
                ...pip.slice(1),
                "install",
                "--quiet",
                "-c",
                lockFile,
                ...Object.entries(DBT_PINS).map(([n, v]) => `${n}==${v}`),
            ],
            log,
            env,
        );
        const version = await run(path.join(tmp, "bin", "python"), ["-m", "dbt.cli.main", "--version"], () => {}, {
            ...env,
            DBT_SEND_ANONYMOUS_USAGE_STATS: "false",
        });
        if (!/clickhouse:\s*\d/.test(version))
            throw new Error(`dbt --version does not list the clickhouse plugin:\n${version}`);
        relocateScripts(path.join(tmp, "bin"), tmp, dir);
        fs.writeFileSync(
            path.join(tmp, READY_MARKER),
            JSON.stringify({ pins: DBT_PINS, builtAt: new Date().toISOString() }),
        );
        fs.rmSync(dir, { recursive: true, force: true }); // an unmarked leftover, never a ready venv
        fs.renameSync(tmp, dir);
        log(`dbt venv ready: ${dir}`);
    } catch (e) {
        fs.rmSync(tmp, { recursive: true, force: true });
        throw e;
    }
}

const inProcess: Map<string, Promise<DbtVenv>> = new Map();

/**
 * Returns the dbt venv, creating it on first use (a `python3 -m venv` plus a pip install of the
 * exact pins constrained by the lock; about a minute with a warm pip cache). A fast no-op when it
 * already exists. Safe to call concurrently from many processes.
 */
export async function ensureDbtVenv(opts?: { log?: (l: string) => void }): Promise<DbtVenv> {
    const log = opts?.log ?? (() => {});
    const dir = dbtVenvDir();
    if (isReady(dir)) return venvPaths(dir);
    const problem = await dbtVenvProblem();
    if (problem) throw new Error(`cannot create the dbt venv: ${problem}`);
    const pending = inProcess.get(dir);
    if (pending) return pending;
    const p = (async () => {
        fs.mkdirSync(path.dirname(dir), { recursive: true });
        await withDirLock(
            `${dir}.lock`,
            { staleMs: LOCK_STALE_MS, onWait: (l) => log(`waiting for another process building the dbt venv (${l})`) },
            async () => {
                if (!isReady(dir)) await buildVenv(dir, log);
            },
        );
        return venvPaths(dir);
    })();
    inProcess.set(dir, p);
    try {
        return await p;
    } finally {
        inProcess.delete(dir);
    }
}
