/**
 * The jars that the test Kafka and Connect run from, materialised by Maven from `pom.xml` beside this
 * file into `${XDG_CACHE_HOME:-~/.cache}/cdc-pipeline/kafka-<version>/` (`libs/` = class path,
 * `plugins/` = Connect `plugin.path`). A stamp holding the pom's hash marks a complete cache, so a
 * changed pom is materialised afresh; a half-written one is never used (written aside, then renamed).
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, promises as fs, readFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The pom that lists the jars. */
export const POM_PATH = path.join(__dirname, "pom.xml");

/** Root of this project's caches: `${XDG_CACHE_HOME:-$HOME/.cache}/cdc-pipeline`. */
export function cacheRoot(): string {
    const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
    return path.join(base, "cdc-pipeline");
}

/** The Kafka version the pom pins (`kafka.version`). */
export function kafkaVersion(): string {
    const m = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(readFileSync(POM_PATH, "utf8"));
    if (!m) throw new Error(`${POM_PATH} has no <kafka.version> property`);
    return m[1].trim();
}

/** Where the jars of the pinned Kafka version live. */
export function kafkaCacheDir(): string {
    return path.join(cacheRoot(), `kafka-${kafkaVersion()}`);
}

function pomHash(): string {
    return createHash("sha256").update(readFileSync(POM_PATH)).digest("hex");
}

const STAMP = ".complete";

/** True when the cache holds every jar of the current pom. */
export function kafkaCacheComplete(dir = kafkaCacheDir()): boolean {
    try {
        return readFileSync(path.join(dir, STAMP), "utf8").trim() === pomHash();
    } catch {
        return false;
    }
}

/** Path of the `java` to run: `$JAVA_HOME/bin/java` when JAVA_HOME is set, else the one on PATH. */
export function javaBin(): string {
    return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, "bin", "java") : "java";
}

/** Major version of `java` (e.g. 17), or undefined when it cannot be run. */
export async function javaMajorVersion(): Promise<number | undefined> {
    try {
        const { stderr, stdout } = await run(javaBin(), ["-version"], { timeout: 30_000 });
        const m = /version "(\d+)(?:\.(\d+))?/.exec(stderr + stdout);
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

/**
 * Makes sure the cache holds the pom's jars, running Maven (`dependency:copy-dependencies` into
 * `libs/`, `dependency:unpack-dependencies` of the plugin archives into `plugins/`) when it does not.
 * Returns the cache directory.
 */
export async function ensureKafkaJars(log: (l: string) => void = () => {}): Promise<string> {
    const dir = kafkaCacheDir();
    if (kafkaCacheComplete(dir)) return dir;
    await fs.mkdir(path.dirname(dir), { recursive: true });
    const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
    const mvn = async (...args: string[]) => {
        log(`mvn ${args.join(" ")}`);
        try {
            await run("mvn", ["-q", "-B", "-f", POM_PATH, ...args], { timeout: 30 * 60_000, maxBuffer: 64 << 20 });
        } catch (e) {
            const err = e as { stdout?: string; stderr?: string; message: string };
            throw new Error(`Maven failed to fetch the Kafka jars (${args[0]}): ${err.message}\n${err.stdout ?? ""}${err.stderr ?? ""}`);
        }
    };
    try {
        await mvn("dependency:copy-dependencies", `-DoutputDirectory=${path.join(tmp, "libs")}`,
            "-DincludeScope=runtime", "-DexcludeTypes=tar.gz");
        await mvn("dependency:unpack-dependencies", `-DoutputDirectory=${path.join(tmp, "plugins")}`,
            "-DincludeTypes=tar.gz", `-DmarkersDirectory=${path.join(tmp, "markers")}`);
        await fs.rm(path.join(tmp, "markers"), { recursive: true, force: true });
        await fs.writeFile(path.join(tmp, STAMP), pomHash() + "\n");
        await fs.rm(dir, { recursive: true, force: true });
        await fs.rename(tmp, dir);
    } catch (e) {
        await fs.rm(tmp, { recursive: true, force: true });
        if (kafkaCacheComplete(dir)) return dir; // another process won the race
        throw e;
    }
    return dir;
}

/** undefined when Kafka can be started here, else what is missing and how to get it. */
export async function kafkaToolchainProblem(): Promise<string | undefined> {
    const major = await javaMajorVersion();
    if (major === undefined) return `no runnable java (${javaBin()}); install a JDK 17+ (apt-get install openjdk-17-jre-headless) or set JAVA_HOME`;
    if (major < 17) return `java ${major} is too old for Kafka ${kafkaVersion()}; Java 17+ is needed (set JAVA_HOME)`;
    if (kafkaCacheComplete()) return undefined;
    if (!existsSync(POM_PATH)) return `missing ${POM_PATH}`;
    if (!(await mavenAvailable())) {
        return `the Kafka jars are not cached in ${kafkaCacheDir()} and mvn is missing; install Maven (apt-get install maven) and run scripts/warm-caches.sh`;
    }
    return undefined;
}
