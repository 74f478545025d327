/**
 * The ClickHouse Java clients of the Kafka Connect sink (V1 `clickhouse-http-client` and
 * `client-v2`, at the version the pinned sink release builds with: `pom.xml` beside this file), and
 * `GatewayProbe.java`, a small program that drives a ClickHouse HTTP endpoint with them the way the
 * sink does. Jars: Maven Central → `${XDG_CACHE_HOME:-~/.cache}/cdc-pipeline/clickhouse-java-<ver>/libs`
 * (../maven-cache.ts). The program is compiled with `javac` into `classes-<hash of its source>/`
 * beside them on first use, so a changed program is recompiled and an unchanged one never is.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, promises as fs, readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import {
    cacheRoot,
    ensureMavenCache,
    javaBin,
    javaMajorVersion,
    javacBin,
    mavenAvailable,
    mavenCacheComplete,
    pomProperty,
} from "../maven-cache";

const run = promisify(execFile);

/** The pom that lists the client jars. */
export const CLICKHOUSE_JAVA_POM = path.join(__dirname, "pom.xml");
const PROBE_SOURCE = path.join(__dirname, "GatewayProbe.java");
/** Every source of the probe program (its main class first), compiled together. */
const PROBE_SOURCES = [PROBE_SOURCE, path.join(__dirname, "ProbeRowBinary.java")];

/** The clickhouse-java version the pom pins (`clickhouse-java.version`). */
export function clickhouseJavaVersion(): string {
    return pomProperty(CLICKHOUSE_JAVA_POM, "clickhouse-java.version");
}

/** The sink release whose client versions the pom pins (`clickhouse-sink.version`). */
export function clickhouseJavaSinkVersion(): string {
    return pomProperty(CLICKHOUSE_JAVA_POM, "clickhouse-sink.version");
}

/** Where the client jars (`libs/`) and the compiled probe (`classes-*`) live. */
export function clickhouseJavaCacheDir(): string {
    return path.join(cacheRoot(), `clickhouse-java-${clickhouseJavaVersion()}`);
}

/** Makes sure the client jars are cached (Maven on first use); returns the cache directory. */
export function ensureClickhouseJavaJars(log: (l: string) => void = () => {}): Promise<string> {
    return ensureMavenCache({
        pom: CLICKHOUSE_JAVA_POM,
        dir: clickhouseJavaCacheDir(),
        what: "ClickHouse Java client",
        log,
        steps: [["dependency:copy-dependencies", "-DoutputDirectory={out}/libs", "-DincludeScope=runtime"]],
    });
}

/** undefined when the JVM-client tier can run here, else what is missing and how to get it. */
export async function clickhouseJavaProblem(): Promise<string | undefined> {
    const major = await javaMajorVersion();
    if (major === undefined)
        return `no runnable java (${javaBin()}); install a JDK 11+ (apt-get install openjdk-17-jdk-headless) or set JAVA_HOME`;
    if (major < 11)
        return `java ${major} is too old for clickhouse-java ${clickhouseJavaVersion()}; Java 11+ is needed (set JAVA_HOME)`;
    if ((await javaMajorVersion(javacBin())) === undefined) {
        return `no javac (${javacBin()}) to compile ${path.basename(PROBE_SOURCE)}; install a JDK, not only a JRE (apt-get install openjdk-17-jdk-headless)`;
    }
    if (mavenCacheComplete(CLICKHOUSE_JAVA_POM, clickhouseJavaCacheDir())) return undefined;
    if (!(await mavenAvailable())) {
        return `the ClickHouse Java client jars are not cached in ${clickhouseJavaCacheDir()} and mvn is missing; install Maven (apt-get install maven) and run scripts/warm-caches.sh`;
    }
    return undefined;
}

/**
 * Fetches the jars if needed and compiles GatewayProbe.java (with ProbeRowBinary.java) if these
 * sources have not been compiled yet; returns the class path to run it with.
 */
export async function ensureGatewayProbe(log: (l: string) => void = () => {}): Promise<string> {
    const dir = await ensureClickhouseJavaJars(log);
    const libs = path.join(dir, "libs");
    const jars = readdirSync(libs)
        .filter((f) => f.endsWith(".jar"))
        .sort()
        .map((f) => path.join(libs, f));
    const h = createHash("sha256");
    for (const src of PROBE_SOURCES) h.update(`${path.basename(src)}\n`).update(readFileSync(src));
    const hash = h.digest("hex").slice(0, 16);
    const classes = path.join(dir, `classes-${hash}`);
    if (!existsSync(path.join(classes, "GatewayProbe.class"))) {
        const tmp = `${classes}.tmp-${process.pid}`;
        await fs.mkdir(tmp, { recursive: true });
        log(`javac ${PROBE_SOURCE}`);
        try {
            await run(
                javacBin(),
                [
                    "-nowarn",
                    "-Xlint:-deprecation",
                    "-encoding",
                    "UTF-8",
                    "-d",
                    tmp,
                    "-cp",
                    jars.join(path.delimiter),
                    ...PROBE_SOURCES,
                ],
                { timeout: 5 * 60_000 },
            );
            await fs.rm(classes, { recursive: true, force: true });
            await fs.rename(tmp, classes);
        } catch (e) {
            await fs.rm(tmp, { recursive: true, force: true });
            if (!existsSync(path.join(classes, "GatewayProbe.class"))) {
                const err = e as { stderr?: string; message: string };
                throw new Error(`javac could not compile ${PROBE_SOURCE}: ${err.message}\n${err.stderr ?? ""}`);
            }
        }
    }
    return [...jars, classes].join(path.delimiter);
}

/**
 * The endpoint URL the sink builds from its config (ClickHouseHelperClient.createClientV1/V2 in
 * clickhouse-kafka-connect v1.5.0): `http[s]://<hostname>:<port>/<database>?<jdbcConnectionProperties>`,
 * the properties being an empty string when unset (so the URL ends in `?`).
 */
export function sinkEndpointUrl(config: Record<string, string>): string {
    const props = (config.jdbcConnectionProperties ?? "").trim();
    const query = props.startsWith("?") ? props : `?${props}`;
    return `${config.ssl === "true" ? "https" : "http"}://${config.hostname}:${config.port}/${config.database}${query}`;
}

/** One row for the probe to insert: the bronze columns; a missing `_key` means "use its DEFAULT". */
export interface ProbeRow {
    raw_data: string;
    _topic: string;
    _partition: number;
    _offset: number;
    _key?: string | null;
}

/** What the probe is asked to do. */
export interface ProbeSpec {
    /** `v1` = clickhouse-http-client, `v2` = client-v2. */
    client: "v1" | "v2";
    /** The endpoint as the sink builds it: `http[s]://host:port/<database>[?<options>]` ({@link sinkEndpointUrl}). */
    url: string;
    user: string;
    password: string;
    database: string;
    /** A bronze table in `database` to DESCRIBE, insert into and read back. */
    table: string;
    /** Also compress request bodies (`decompress=1`); the sink's default is false. */
    compressRequest: boolean;
    rows: ProbeRow[];
    /** Input lengths to hash with clickhouse-java's CityHash128 (bytes `(i*131 + n*7 + 13) & 0xff`). */
    hashLengths: number[];
}

/** What the probe reports (fields absent when it failed before reaching them). */
export interface ProbeResult {
    ping?: boolean;
    version?: string;
    tables?: { database: string; table: string; col_count: number }[];
    describe?: {
        name: string;
        type: string;
        default_type: string;
        default_expression: string;
        is_subcolumn?: number;
    }[];
    written_rows?: number;
    /** raw_data, _topic, _partition, _offset, _key, _ingested_at in epoch ms; ordered by _offset. */
    readback?: [string, string, number, number, string | null, number][];
    error_code?: number;
    error_message?: string;
    /** [length, low 64 bits hex, high 64 bits hex] */
    cityhash: [number, string, string][];
    /** A stack trace, when a step threw. */
    exception?: string;
}

/** Runs the probe (class path from {@link ensureGatewayProbe}) and parses its report. */
export async function runGatewayProbe(
    classPath: string,
    spec: ProbeSpec,
): Promise<{ result: ProbeResult; stderr: string }> {
    return new Promise((resolve, reject) => {
        const child = execFile(
            javaBin(),
            ["-cp", classPath, "GatewayProbe"],
            { timeout: 180_000, maxBuffer: 16 << 20 },
            (err, stdout, stderr) => {
                const line = stdout.trim().split("\n").pop() ?? "";
                try {
                    resolve({ result: JSON.parse(line) as ProbeResult, stderr });
                } catch {
                    reject(
                        new Error(
                            `GatewayProbe (${spec.client}) gave no report${err ? `: ${err.message}` : ""}\n${stdout}\n${stderr}`,
                        ),
                    );
                }
            },
        );
        child.stdin!.end(JSON.stringify(spec));
    });
}
