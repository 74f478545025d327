/**
 * Jars from Maven Central, materialised by Maven from a pom (a list of dependencies, not a build)
 * into a directory under `${XDG_CACHE_HOME:-~/.cache}/cdc-pipeline/`. A stamp holding the pom's
 * hash marks a complete cache, so a changed pom is materialised afresh; a half-written one is never
 * used (written aside, then renamed). Used by the Kafka/Connect runtime (kafka/cache.ts) and the
 * ClickHouse Java clients (clickhouse-java/index.ts).
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { promises as fs, readFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const STAMP = ".complete";

/** Root of this project's caches: `${XDG_CACHE_HOME:-$HOME/.cache}/cdc-pipeline`. */
export function cacheRoot(): string {
    const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
    return path.join(base, "cdc-pipeline");
}

/** A `<name>` property of a pom, e.g. `kafka.version`; throws naming the pom when absent. */
export function pomProperty(pom: string, name: string): string {
    const m = new RegExp(`<${name.replace(/\./g, "\\.")}>([^<]+)</${name.replace(/\./g, "\\.")}>`).exec(
        readFileSync(pom, "utf8"),
    );
    if (!m) throw new Error(`${pom} has no <${name}> property`);
    return m[1].trim();
}

function pomHash(pom: string): string {
    return createHash("sha256").update(readFileSync(pom)).digest("hex");
}

/** True when `dir` holds every jar of the current `pom`. */
export function mavenCacheComplete(pom: string, dir: string): boolean {
    try {
        return readFileSync(path.join(dir, STAMP), "utf8").trim() === pomHash(pom);
    } catch {
        return false;
    }
}

/** Path of the `java` to run: `$JAVA_HOME/bin/java` when JAVA_HOME is set, else the one on PATH. */
export function javaBin(): string {
    return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, "bin", "java") : "java";
}

/** Path of `javac`, beside {@link javaBin}. */
export function javacBin(): string {
    return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, "bin", "javac") : "javac";
}

/** Major version of `java` (e.g. 17), or undefined when it cannot be run. */
export async function javaMajorVersion(bin = javaBin()): Promise<number | undefined> {
    try {
        const { stderr, stdout } = await run(bin, ["-version"], { timeout: 30_000 });
        const m = /(?:version "|javac )(\d+)(?:\.(\d+))?/.exec(stderr + stdout);
        if (!m) return undefined;
        const major = Number(m[1]);
        return major === 1 ? Number(m[2]) : major;
    } catch {
        return undefined;
    }
}

/** True when `mvn -v` runs. */
export async function mavenAvailable(): Promise<boolean> {
    try {
        await run("mvn", ["-v"], { timeout: 60_000 });
        return true;
    } catch {
        return false;
    }
}

/** One Maven invocation: its goal and arguments, with `{out}` standing for the directory being filled. */
export type MavenStep = string[];

/**
 * Makes sure `dir` holds the jars of `pom`, running each step (`mvn -q -B -f <pom> <step...>`, `{out}`
 * replaced by a temporary sibling of `dir`) when it does not. `what` names the jars in errors.
 * Returns `dir`.
 */
export async function ensureMavenCache(opts: {
    /** The pom listing the jars. */
    pom: string;
    /** The cache directory to fill. */
    dir: string;
    /** Maven invocations, `{out}` standing for the directory being filled. */
    steps: MavenStep[];
    /** What the jars are, for errors (e.g. "Kafka"). */
    what: string;
    /** Subdirectories the steps leave that are not part of the cache (Maven bookkeeping). */
    drop?: string[];
    /** Receives progress lines. */
    log?: (l: string) => void;
}): Promise<string> {
    const { pom, dir, steps, what } = opts;
    const log = opts.log ?? (() => undefined);
    if (mavenCacheComplete(pom, dir)) return dir;
    await fs.mkdir(path.dirname(dir), { recursive: true });
    const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
    try {
        for (const step of steps) {
            const args = step.map((a) => a.split("{out}").join(tmp));
            log(`mvn ${args.join(" ")}`);
            try {
                await run("mvn", ["-q", "-B", "-f", pom, ...args], { timeout: 30 * 60_000, maxBuffer: 64 << 20 });
            } catch (e) {
                const err = e as { stdout?: string; stderr?: string; message: string };
                throw new Error(
                    `Maven failed to fetch the ${what} jars (${args[0]}): ${err.message}\n${err.stdout ?? ""}${err.stderr ?? ""}`,
                );
            }
        }
        for (const d of opts.drop ?? []) await fs.rm(path.join(tmp, d), { recursive: true, force: true });
        await fs.writeFile(path.join(tmp, STAMP), pomHash(pom) + "\n");
        await fs.rm(dir, { recursive: true, force: true });
        await fs.rename(tmp, dir);
    } catch (e) {
        await fs.rm(tmp, { recursive: true, force: true });
        if (mavenCacheComplete(pom, dir)) return dir; // another process won the race
        throw e;
    }
    return dir;
}
