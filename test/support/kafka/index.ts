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
import * as https from "node:https";
import { brokerPropertyMap, connectPropertyMap, log4j2Properties, renderProperties } from "./config";
import { ensureKafkaJars, ensureRestAuthJar, javaBin } from "./cache";
import { makeKafkaTestSecurity, writeIssuedTls, type IssuedKafkaTls, type KafkaTestSecurity } from "./security";
import {
    brokerSecurityProperties,
    connectRestJaas,
    KAFKA_SASL_MECHANISM,
    workerSecurityProperties,
} from "../../../components/platform/shared/kafkaSecurity";
import { startJvm, type JvmProcess } from "./jvm";
import { freeLoopbackPorts } from "./ports";
import { pidAlive } from "../../../components/providers/shared/lock";

export { kafkaToolchainProblem, kafkaCacheDir, kafkaVersion, ensureKafkaJars } from "./cache";
export type { IssuedKafkaTls, KafkaTestSecurity } from "./security";

/** A running Kafka + Kafka Connect pair. */
export interface KafkaConnectCluster {
    /** Kafka bootstrap address, `127.0.0.1:<port>` (SASL_SSL when `secure`). */
    bootstrap: string;
    /** Base URL of the first worker's REST API, `http(s)://127.0.0.1:<port>` (no trailing slash). */
    connectUrl: string;
    /** Every worker's REST URL (the first is `connectUrl`). */
    connectUrls: string[];
    /** With `secure`: the CA, the stores, the users and passwords. */
    security?: KafkaTestSecurity;
    /** With `secure`: the broker's mutual-TLS inter-broker listener (`127.0.0.1:<port>`). */
    brokerListener?: string;
    /** The worker's `plugin.path` (holds `debezium-connector-mongodb/`). */
    pluginPath: string;
    /** Directory with `kafka.log`, `connect.log` and the JVMs' own output (removed by `stop()`). */
    logDir: string;
    /** The broker's log directory: one sub-directory per topic partition (e.g. `cdc-test-connect-configs-0`). */
    dataDir: string;
    /** Kills both JVMs and removes the temporary directories. Safe to call twice. */
    stop(): Promise<void>;
    /**
     * Stops the broker and the workers, writes `issued` over their TLS files (same paths) when
     * given, and starts them again on the same ports and data directory; resolves once Connect
     * answers again (a rolling restart after a certificate renewal).
     */
    restart(issued?: IssuedKafkaTls): Promise<void>;
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
    /**
     * Every hop encrypted and authenticated, configured by the product's renderers
     * (components/platform/shared/kafkaSecurity.ts): SASL_SSL + SCRAM-SHA-512 clients, mutual TLS
     * between controller and broker, Connect's REST on HTTPS with basic auth.
     */
    secure?: boolean;
    /**
     * With `secure`: the CA, stores and store password a stack issued (e.g. `stackTls` outputs)
     * instead of the test's own throw-away PKI.
     */
    issuedTls?: IssuedKafkaTls;
    /** Number of Connect workers in the group (default 1). */
    workers?: number;
    /**
     * Extra JVM options of the broker (`kafka`, not its storage formatter) and of each worker
     * (`connect`, `connect-1`, …), e.g. a `-javaagent:`; called once the TLS files exist.
     */
    jvmOpts?: (name: string, security?: KafkaTestSecurity) => string[];
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

/** GET over https trusting `ca`, with basic auth; resolves with the status code (0 when unreachable). */
export function httpsGet(url: string, ca: string, auth?: { user: string; password: string }): Promise<number> {
    return new Promise((resolve) => {
        const headers: Record<string, string> = auth
            ? { authorization: `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString("base64")}` }
            : {};
        const req = https.get(url, { ca, headers, timeout: 5_000 }, (res) => {
            res.resume();
            res.on("end", () => resolve(res.statusCode ?? 0));
        });
        req.on("timeout", () => req.destroy());
        req.on("error", () => resolve(0));
    });
}

async function httpOk(url: string, sec?: KafkaTestSecurity): Promise<boolean> {
    if (sec) return (await httpsGet(url, sec.ca.certPem, sec.rest)) === 200;
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
    const secure = opts.secure || opts.issuedTls !== undefined;
    const restAuthLibs = secure ? await ensureRestAuthJar(log) : undefined;
    const pluginPath = path.join(cache, "plugins");

    await sweepStaleRoots();
    const root = await fs.mkdtemp(path.join(os.tmpdir(), TMP_PREFIX));
    await fs.writeFile(path.join(root, "owner.pid"), String(process.pid));
    const logDir = path.join(root, "logs");
    const dataDir = path.join(root, "data");
    await fs.mkdir(logDir);
    await fs.mkdir(dataDir);
    const workers = opts.workers ?? 1;
    const [brokerPort, controllerPort, interPort, ...restPorts] = await freeLoopbackPorts(3 + workers);
    const bootstrap = `127.0.0.1:${brokerPort}`;
    const scheme = secure ? "https" : "http";
    const connectUrls = restPorts.map((p) => `${scheme}://127.0.0.1:${p}`);
    const connectUrl = connectUrls[0];

    const file = (name: string) => path.join(root, name);
    const java = javaBin();
    const security = secure
        ? makeKafkaTestSecurity(path.join(root, "tls"), path.join(path.dirname(java), "keytool"), opts.issuedTls)
        : undefined;
    await fs.writeFile(
        file("server.properties"),
        renderProperties({
            ...brokerPropertyMap({ brokerPort, controllerPort, dataDir }),
            ...(security
                ? brokerSecurityProperties({
                      bindHost: "127.0.0.1",
                      advertisedHost: "127.0.0.1",
                      quorumVoters: `1@127.0.0.1:${controllerPort}`,
                      ports: { internal: brokerPort, controller: controllerPort, broker: interPort },
                      tls: security.broker,
                  })
                : {}),
        }),
    );
    const workerName = (i: number) => (i === 0 ? "connect" : `connect-${i}`);
    for (const [i, restPort] of restPorts.entries()) {
        const base = connectPropertyMap({ bootstrap, restPort, pluginPath, groupId: "cdc-test-connect" });
        const secureProps = security
            ? workerSecurityProperties({ restPort, restBindHost: "127.0.0.1", tls: security.connect })
            : {};
        // The test's extra providers (e.g. `config.providers=env,file`) win over the security's `env`.
        await fs.writeFile(
            file(`${workerName(i)}.properties`),
            renderProperties({ ...base, ...secureProps, ...(opts.workerProperties ?? {}) }),
        );
        await fs.writeFile(
            file(`log4j2-${workerName(i)}.properties`),
            log4j2Properties(path.join(logDir, `${workerName(i)}.log`)),
        );
    }
    if (security) {
        const users = file("connect-rest-users.properties");
        await fs.writeFile(users, `${security.rest.user}: ${security.rest.password}\n`, { mode: 0o600 });
        await fs.writeFile(file("connect-jaas.conf"), connectRestJaas(users));
    }
    await fs.writeFile(file("log4j2-kafka.properties"), log4j2Properties(path.join(logDir, "kafka.log")));

    const jvm = (
        name: string,
        mainAndArgs: string[],
        env?: Record<string, string>,
        extra: { cp?: string[]; opts?: string[]; log4j?: string } = {},
    ): JvmProcess =>
        startJvm(
            java,
            [
                ...JVM_OPTS,
                ...(extra.opts ?? []),
                `-Dlog4j2.configurationFile=${file(`log4j2-${extra.log4j ?? name}.properties`)}`,
                `-Dkafka.logs.dir=${logDir}`,
                "-cp",
                [classpath, ...(extra.cp ?? [])].join(path.delimiter),
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
        const format = jvm(
            "kafka",
            [
                "kafka.tools.StorageTool",
                "format",
                "--ignore-formatted",
                "-t",
                randomClusterId(),
                "-c",
                file("server.properties"),
                ...(security
                    ? Object.values(security.users).flatMap((u) => [
                          "--add-scram",
                          `${KAFKA_SASL_MECHANISM}=[name=${u.user},password=${u.password}]`,
                      ])
                    : []),
            ],
            security?.brokerEnv,
        );
        const code = await format.exited;
        if (code !== 0)
            throw new Error(
                `formatting the KRaft storage failed (${code}):\n${await tail(path.join(logDir, "kafka.out"))}`,
            );
        log(`storage formatted in ${Date.now() - t0} ms`);
        await launch();
    } catch (e) {
        await stop();
        throw e;
    }
    const restart = async (issued?: IssuedKafkaTls) => {
        const t1 = Date.now();
        await Promise.all(procs.splice(0).map((p) => p.stop()));
        if (issued && security) writeIssuedTls(security, issued);
        try {
            await launch(t1);
        } catch (e) {
            await stop();
            throw e;
        }
    };
    return {
        bootstrap,
        connectUrl,
        connectUrls,
        pluginPath,
        logDir,
        dataDir,
        stop,
        restart,
        ...(security ? { security, brokerListener: `127.0.0.1:${interPort}` } : {}),
    };

    /** Starts the broker and the workers on the formatted storage; resolves once Connect answers. */
    async function launch(since = t0): Promise<void> {
        // Connect starts alongside the broker: it scans its plugins first and retries the broker meanwhile.
        const broker = jvm("kafka", ["kafka.Kafka", file("server.properties")], security?.brokerEnv, {
            opts: opts.jvmOpts?.("kafka", security),
        });
        procs.push(broker);
        const running: [string, JvmProcess][] = [["kafka", broker]];
        for (const i of restPorts.keys()) {
            const name = workerName(i);
            const worker = jvm(
                name,
                ["org.apache.kafka.connect.cli.ConnectDistributed", file(`${name}.properties`)],
                { ...(security?.workerEnv ?? {}), ...(opts.workerEnv ?? {}) },
                security
                    ? {
                          cp: [path.join(restAuthLibs!, "*")],
                          opts: [
                              `-Djava.security.auth.login.config=${file("connect-jaas.conf")}`,
                              ...(opts.jvmOpts?.(name, security) ?? []),
                          ],
                      }
                    : { opts: opts.jvmOpts?.(name, security) },
            );
            procs.push(worker);
            running.push([name, worker]);
        }

        const deadline = Date.now() + (opts.timeoutMs ?? 180_000);
        for (;;) {
            for (const [name, p] of running) {
                if (p.hasExited()) {
                    throw new Error(
                        `${name} exited during startup (${await p.exited}):\n` +
                            `${await tail(path.join(logDir, `${name}.out`))}\n${await tail(path.join(logDir, `${name}.log`))}`,
                    );
                }
            }
            let ready = true;
            for (const url of connectUrls) {
                ready &&=
                    (await httpOk(`${url}/`, security)) &&
                    (await httpOk(`${url}/connector-plugins`, security)) &&
                    (await httpOk(`${url}/connectors`, security));
            }
            if (ready) break;
            if (Date.now() > deadline) {
                throw new Error(
                    `Kafka Connect did not answer on ${connectUrl} within ${opts.timeoutMs ?? 180_000} ms:\n` +
                        (await tail(path.join(logDir, "connect.log"))),
                );
            }
            await new Promise((r) => setTimeout(r, 250));
        }
        log(`Kafka ${bootstrap} + Connect ${connectUrl} ready in ${Date.now() - since} ms`);
    }
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
