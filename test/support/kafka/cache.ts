/**
 * The jars that the test Kafka and Connect run from, materialised by Maven from `pom.xml` beside this
 * file into `${XDG_CACHE_HOME:-~/.cache}/cdc-pipeline/kafka-<version>/` (`libs/` = class path,
 * `plugins/` = Connect `plugin.path`). A stamp holding the pom's hash marks a complete cache, so a
 * changed pom is materialised afresh; a half-written one is never used (../maven-cache.ts does the Maven part).
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import * as path from "node:path";
import {
    cacheRoot,
    ensureMavenCache,
    javaBin,
    javaMajorVersion,
    mavenAvailable,
    mavenCacheComplete,
    pomProperty,
} from "../maven-cache";
import { DEFAULT_JMX_EXPORTER_AGENT } from "../../../components/config/versions";

export { cacheRoot, javaBin, javaMajorVersion, mavenAvailable };

/** The pom that lists the jars. */
export const POM_PATH = path.join(__dirname, "pom.xml");

/** The Kafka version the pom pins (`kafka.version`). */
export function kafkaVersion(): string {
    return pomProperty(POM_PATH, "kafka.version");
}

/** Where the jars of the pinned Kafka version live. */
export function kafkaCacheDir(): string {
    return path.join(cacheRoot(), `kafka-${kafkaVersion()}`);
}

/** True when the cache holds every jar of the current pom. */
export function kafkaCacheComplete(dir = kafkaCacheDir()): boolean {
    return mavenCacheComplete(POM_PATH, dir);
}

/**
 * Makes sure the cache holds the pom's jars, running Maven (`dependency:copy-dependencies` into
 * `libs/`, `dependency:unpack-dependencies` of the plugin archives into `plugins/`) when it does not.
 * Returns the cache directory.
 */
export async function ensureKafkaJars(log: (l: string) => void = () => {}): Promise<string> {
    return ensureMavenCache({
        pom: POM_PATH,
        dir: kafkaCacheDir(),
        what: "Kafka",
        log,
        steps: [
            [
                "dependency:copy-dependencies",
                "-DoutputDirectory={out}/libs",
                "-DincludeScope=runtime",
                "-DexcludeTypes=tar.gz",
            ],
            [
                "dependency:unpack-dependencies",
                "-DoutputDirectory={out}/plugins",
                "-DincludeTypes=tar.gz",
                "-DmarkersDirectory={out}/markers",
            ],
        ],
        drop: ["markers"],
    });
}

/** undefined when Kafka can be started here, else what is missing and how to get it. */
export async function kafkaToolchainProblem(): Promise<string | undefined> {
    const major = await javaMajorVersion();
    if (major === undefined)
        return `no runnable java (${javaBin()}); install a JDK 17+ (apt-get install openjdk-17-jre-headless) or set JAVA_HOME`;
    if (major < 17) return `java ${major} is too old for Kafka ${kafkaVersion()}; Java 17+ is needed (set JAVA_HOME)`;
    if (kafkaCacheComplete()) return undefined;
    if (!existsSync(POM_PATH)) return `missing ${POM_PATH}`;
    if (!(await mavenAvailable())) {
        return `the Kafka jars are not cached in ${kafkaCacheDir()} and mvn is missing; install Maven (apt-get install maven) and run scripts/warm-caches.sh`;
    }
    return undefined;
}

/** The pom of Connect's basic auth REST extension (kept out of pom.xml, see its header). */
export const REST_AUTH_POM_PATH = path.join(__dirname, "rest-auth-pom.xml");

/** Makes sure the basic auth REST extension's jar is cached; returns its class-path directory (`libs/`). */
export async function ensureRestAuthJar(log: (l: string) => void = () => {}): Promise<string> {
    const dir = await ensureMavenCache({
        pom: REST_AUTH_POM_PATH,
        dir: path.join(cacheRoot(), `kafka-rest-auth-${pomProperty(REST_AUTH_POM_PATH, "kafka.version")}`),
        what: "Kafka Connect basic auth extension",
        log,
        steps: [["dependency:copy-dependencies", "-DoutputDirectory={out}/libs", "-DincludeScope=runtime"]],
    });
    return path.join(dir, "libs");
}

/** The pom of the Prometheus JMX exporter's agent (kept out of pom.xml, see its header). */
export const JMX_AGENT_POM_PATH = path.join(__dirname, "jmx-agent-pom.xml");

/**
 * Makes sure the JMX exporter agent's jar is cached and is the product's pin (its SHA-256, from
 * components/config/versions.ts); returns the jar's path. A cached jar that does not match is refused.
 */
export async function ensureJmxAgentJar(log: (l: string) => void = () => {}): Promise<string> {
    const version = pomProperty(JMX_AGENT_POM_PATH, "jmx.agent.version");
    if (version !== DEFAULT_JMX_EXPORTER_AGENT.version)
        throw new Error(
            `${JMX_AGENT_POM_PATH} pins jmx.agent.version ${version}, components/config/versions.ts ` +
                `${DEFAULT_JMX_EXPORTER_AGENT.version}: set both to the same version`,
        );
    const dir = await ensureMavenCache({
        pom: JMX_AGENT_POM_PATH,
        dir: path.join(cacheRoot(), `jmx-exporter-agent-${version}`),
        what: "JMX exporter agent",
        log,
        steps: [["dependency:copy-dependencies", "-DoutputDirectory={out}/libs", "-DincludeScope=runtime"]],
    });
    const jar = path.join(dir, "libs", `jmx_prometheus_javaagent-${version}.jar`);
    const sha256 = createHash("sha256")
        .update(await readFile(jar))
        .digest("hex");
    if (sha256 !== DEFAULT_JMX_EXPORTER_AGENT.sha256)
        throw new Error(
            `${jar} has SHA-256 ${sha256}, not the pinned ${DEFAULT_JMX_EXPORTER_AGENT.sha256}: refusing it ` +
                `(delete ${dir} to fetch it again)`,
        );
    return jar;
}
