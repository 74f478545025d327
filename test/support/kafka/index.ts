/**
 * Real Kafka for the engine tests: a single KRaft node (combined broker + controller) and a
 * distributed Kafka Connect worker with the Debezium MongoDB plugin on its `plugin.path`, both run
 * from Maven Central jars (see `pom.xml`, cached by `cache.ts`), on ephemeral 127.0.0.1 ports, in a
 * temporary directory that `stop()` removes. The JVMs die with the test process (see `jvm.ts`).
 */
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { brokerProperties, connectProperties, log4j2Properties, renderProperties } from "./config";
import { ensureKafkaJars, javaBin } from "./cache";
import { startJvm, type JvmProcess } from "./jvm";
import { freeLoopbackPorts } from "./ports";
import { pidAlive } from "../../../components/providers/shared/lock";

export { kafkaToolchainProblem, kafkaCacheDir, kafkaVersion, ensureKafkaJars } from "./cache";

/** A running Kafka + Kafka Connect pair. */
export interface KafkaConnectCluster {
    /** Kafka bootstrap address, `127.0.0.1:<port>`. */
    bootstrap: string;
    /** Base URL of the Connect REST API, `http://127.0.0.1:<port>` (no trailing slash). */
    connectUrl: string;
    /** The worker's `plugin.path` (holds `debezium-connector-mongodb/`). */
    pluginPath: string;
    /** Directory with `kafka.log`, `connect.log` and the JVMs' own output (removed by `stop()`). */
    logDir: string;
    /** The broker's log directory: one sub-directory per topic partition (e.g. `cdc-test-connect-configs-0`). */
    dataDir: string;
    /** Kills both JVMs and removes the temporary directories. Safe to call twice. */
    stop(): Promise<void>;
}

/** Options of {@link startKafkaConnect}. */
export interface StartKafkaConnectOptions {
    /** Receives progress lines and the JVMs' console output. */
    log?: (l: string) => void;
    /** How long to wait for Connect's REST API, in ms. Default 180 000. */
    timeoutMs?: number;
    /** Extra worker properties (e.g. `config.providers`), added to connect.properties. */
    workerProperties?: Record<string, string>;
    /** Extra environment of the Connect worker's JVM (what `${env:NAME}` config references read). */
    workerEnv?: Record<string, string>;
}

const JVM_OPTS = [
    "-Xms64m",
    "-Xmx512m",
    "-XX:+UseSerialGC",
    "-XX:TieredStopAtLevel=1",
    "-XX:-UsePerfData",
    "-Djava.awt.headless=true",
    "-Djava.net.preferIPv4Stack=true",
];

/**
 * A KRaft cluster id: 16 random bytes, base64url without padding (what `kafka-storage random-uuid`
 * prints). Never starting with "-", as Kafka's own generator ensures: the storage tool's argument
 * parser would take such an id for an option ("--cluster-id: expected one argument"), 1 run in 64.
 */
function randomClusterId(): string {
    for (;;) {
        const id = randomBytes(16).toString("base64url");
        if (!id.startsWith("-")) return id;
    }
}

const TMP_PREFIX = "cdc-kafka-";

/**
 * Removes the temporary directories of earlier runs whose process is gone (a test process killed
 * by SIGKILL cannot clean up; its JVMs die with it, see jvm.ts, but its directory stays).
 */
async function sweepStaleRoots(): Promise<void> {
    const tmp = os.tmpdir();
    for (const name of await fs.readdir(tmp).catch(() => [] as string[])) {
        if (!name.startsWith(TMP_PREFIX)) continue;
        const owner = Number(await fs.readFile(path.join(tmp, name, "owner.pid"), "utf8").catch(() => ""));
        if (!owner) continue;
        if (!pidAlive(owner)) await fs.rm(path.join(tmp, name), { recursive: true, force: true });
    }
}

async function tail(file: string, lines = 40): Promise<string> {
    try {
        return (await fs.readFile(file, "utf8")).split("\n").slice(-lines).join("\n");
    } catch {
        return "(no output)";
    }
}

async function httpOk(url: string): Promise<boolean> {
    try {
        const r = await fetch(url, { signal: AbortSignal.timeout(5_000) });
        await r.arrayBuffer();
        return r.ok;
    } catch {
        return false;
    }
}

/**
 * Starts Kafka and Kafka Connect (fetching the jars into the cache first if needed) and resolves
 * once Connect answers `GET /`, `GET /connector-plugins` and `GET /connectors`.
 */
export async function startKafkaConnect(opts: StartKafkaConnectOptions = {}): Promise<KafkaConnectCluster> {
    const log = opts.log ?? (() => {});
    const t0 = Date.now();
    const cache = await ensureKafkaJars(log);
    const classpath = path.join(cache, "libs", "*");
    const pluginPath = path.join(cache, "plugins");

    await sweepStaleRoots();
    const root = await fs.mkdtemp(path.join(os.tmpdir(), TMP_PREFIX));
    await fs.writeFile(path.join(root, "owner.pid"), String(process.pid));
    const logDir = path.join(root, "logs");
    const dataDir = path.join(root, "data");
    await fs.mkdir(logDir);
    await fs.mkdir(dataDir);
    const [brokerPort, controllerPort, restPort] = await freeLoopbackPorts(3);
    const bootstrap = `127.0.0.1:${brokerPort}`;
    const connectUrl = `http://127.0.0.1:${restPort}`;

    const file = (name: string) => path.join(root, name);
    await fs.writeFile(file("server.properties"), brokerProperties({ brokerPort, controllerPort, dataDir }));
    await fs.writeFile(
        file("connect.properties"),
        connectProperties({ bootstrap, restPort, pluginPath, groupId: "cdc-test-connect" }) +
            renderProperties(opts.workerProperties ?? {}),
    );
    await fs.writeFile(file("log4j2-kafka.properties"), log4j2Properties(path.join(logDir, "kafka.log")));
    await fs.writeFile(file("log4j2-connect.properties"), log4j2Properties(path.join(logDir, "connect.log")));

    const java = javaBin();
    const jvm = (name: string, mainAndArgs: string[], env?: Record<string, string>): JvmProcess =>
        startJvm(
            java,
            [
                ...JVM_OPTS,
                `-Dlog4j2.configurationFile=${file(`log4j2-${name}.properties`)}`,
                `-Dkafka.logs.dir=${logDir}`,
                "-cp",
                classpath,
                ...mainAndArgs,
            ],
            path.join(logDir, `${name}.out`),
            (l) => log(`[${name}] ${l}`),
            env,
        );

    const procs: JvmProcess[] = [];
    let stopped = false;
    const stop = async () => {
        if (stopped) return;
        stopped = true;
        await Promise.all(procs.map((p) => p.stop()));
        await fs.rm(root, { recursive: true, force: true });
    };

    try {
        const format = jvm("kafka", [
            "kafka.tools.StorageTool",
            "format",
            "--ignore-formatted",
            "-t",
            randomClusterId(),
            "-c",
            file("server.properties"),
        ]);
        const code = await format.exited;
        if (code !== 0)
            throw new Error(
                `formatting the KRaft storage failed (${code}):\n${await tail(path.join(logDir, "kafka.out"))}`,
            );
        log(`storage formatted in ${Date.now() - t0} ms`);

        // Connect starts alongside the broker: it scans its plugins first and retries the broker meanwhile.
        const broker = jvm("kafka", ["kafka.Kafka", file("server.properties")]);
        procs.push(broker);
        const connect = jvm(
            "connect",
            ["org.apache.kafka.connect.cli.ConnectDistributed", file("connect.properties")],
            opts.workerEnv,
        );
        procs.push(connect);

        const deadline = Date.now() + (opts.timeoutMs ?? 180_000);
        for (;;) {
            for (const [name, p] of [
                ["kafka", broker],
                ["connect", connect],
            ] as const) {
                if (p.hasExited()) {
                    throw new Error(
                        `${name} exited during startup (${await p.exited}):\n` +
                            `${await tail(path.join(logDir, `${name}.out`))}\n${await tail(path.join(logDir, `${name}.log`))}`,
                    );
                }
            }
            if (
                (await httpOk(`${connectUrl}/`)) &&
                (await httpOk(`${connectUrl}/connector-plugins`)) &&
                (await httpOk(`${connectUrl}/connectors`))
            )
                break;
            if (Date.now() > deadline) {
                throw new Error(
                    `Kafka Connect did not answer on ${connectUrl} within ${opts.timeoutMs ?? 180_000} ms:\n` +
                        (await tail(path.join(logDir, "connect.log"))),
                );
            }
            await new Promise((r) => setTimeout(r, 250));
        }
        log(`Kafka ${bootstrap} + Connect ${connectUrl} ready in ${Date.now() - t0} ms`);
    } catch (e) {
        await stop();
        throw e;
    }
    return { bootstrap, connectUrl, pluginPath, logDir, dataDir, stop };
}

/**
 * The raw bytes of the Connect worker's config topic (its log segments on the broker's disk), as
 * text: what a reader of `cdc-test-connect-configs` would see. Connect writes it uncompressed.
 */
export async function configTopicText(c: KafkaConnectCluster): Promise<string> {
    const dir = path.join(c.dataDir, "cdc-test-connect-configs-0");
    const files = (await fs.readdir(dir)).filter((f) => f.endsWith(".log"));
    const parts = await Promise.all(files.map((f) => fs.readFile(path.join(dir, f), "latin1")));
    return parts.join("\n");
}
