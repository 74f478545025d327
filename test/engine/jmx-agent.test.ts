/**
 * Engine tier: the pinned Prometheus JMX exporter agent (Maven Central, checked against
 * versions.ts) in a real Kafka broker and a real Kafka Connect worker, configured by
 * `renderJmxExporterConfig`: the broker's agent on plain HTTP, the worker's on HTTPS with a
 * PKCS12 keystore and basic auth (salted SHA-256), as the platforms run it with TLS on. Kafka's
 * file connectors run as a source/sink pair; both agents are scraped and every metric name of the
 * design that can exist without MongoDB and the ClickHouse sink is asserted with its labels: status
 * series (running, then failed after an induced sink failure), counters that grow with the records.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as https from "node:https";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import forge from "node-forge";
import {
    jmxMetricNames,
    jmxPasswordHash,
    JMX_METRICS_USER,
    renderJmxExporterConfig,
} from "../../components/monitoring/jmx";
import { kafkaToolchainProblem, startKafkaConnect, type KafkaConnectCluster } from "../support/kafka";
import { ensureJmxAgentJar } from "../support/kafka/cache";
import { freeLoopbackPorts } from "../support/kafka/ports";
import { eventually, failSinkTask } from "../support/connector-lifecycle";
import { FILE_SINK, FILE_SOURCE, STRINGS } from "../support/stand-in-connectors";
import { makeTestCa, makeTestCert } from "../support/tls-pki";
import { requireTier } from "../support/tier";

const verbose = process.env.CDC_TEST_VERBOSE ? (l: string) => process.stderr.write(`${l}\n`) : undefined;

/** One sample of the Prometheus text format. */
interface Sample {
    name: string;
    labels: Record<string, string>;
    value: number;
}

function parseMetrics(text: string): Sample[] {
    const out: Sample[] = [];
    for (const line of text.split("\n")) {
        if (!line || line.startsWith("#")) continue;
        const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
        if (!m) continue;
        const labels: Record<string, string> = {};
        for (const l of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
        out.push({ name: m[1], labels, value: Number(m[3]) });
    }
    return out;
}

/** GET over HTTPS trusting `ca`, optionally with basic auth: status and body. */
function httpsGet(url: string, ca: string, auth?: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
        const headers: Record<string, string> = auth
            ? { authorization: `Basic ${Buffer.from(auth).toString("base64")}` }
            : {};
        const req = https.get(url, { ca, headers, timeout: 10_000 }, (res) => {
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (d: string) => (body += d));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on("timeout", () => req.destroy(new Error(`timeout on ${url}`)));
        req.on("error", reject);
    });
}

const find = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
    samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

describe("JMX exporter agent in Kafka and Kafka Connect (real JVMs)", { timeout: 6 * 60_000 }, () => {
    let problem: string | undefined;
    let cluster: KafkaConnectCluster | undefined;
    let dir = "";
    let ca = "";
    let brokerUrl = "";
    let workerUrl = "";
    const password = "metrics-pw-" + Math.random().toString(36).slice(2);
    const salt = "0123456789abcdef";

    before(async () => {
        problem = await kafkaToolchainProblem();
        if (problem) return;
        const jar = await ensureJmxAgentJar(verbose);
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "cdc-jmx-"));
        const [brokerPort, workerPort] = await freeLoopbackPorts(2);
        brokerUrl = `http://127.0.0.1:${brokerPort}/metrics`;
        workerUrl = `https://127.0.0.1:${workerPort}/metrics`;
        // The worker agent's keystore: a certificate for 127.0.0.1 under alias "connect".
        const testCa = makeTestCa("cdc-jmx-test-ca");
        ca = testCa.certPem;
        const pair = makeTestCert(testCa, { commonName: "connect", hosts: ["127.0.0.1", "localhost"] });
        const storePassword = "store'pw&1";
        const p12 = forge.pkcs12.toPkcs12Asn1(
            forge.pki.privateKeyFromPem(pair.keyPem),
            [forge.pki.certificateFromPem(pair.certPem), forge.pki.certificateFromPem(testCa.certPem)],
            storePassword,
            { algorithm: "3des", friendlyName: "connect" },
        );
        const keyStore = path.join(dir, "connect.p12");
        fs.writeFileSync(keyStore, Buffer.from(forge.asn1.toDer(p12).getBytes(), "binary"));
        const brokerConfig = path.join(dir, "kafka.yml");
        fs.writeFileSync(brokerConfig, renderJmxExporterConfig("kafka", {}));
        const workerConfig = path.join(dir, "connect.yml");
        fs.writeFileSync(
            workerConfig,
            renderJmxExporterConfig("connect", {
                tls: { keyStore, keyStorePassword: storePassword, alias: "connect" },
                basicAuth: { user: JMX_METRICS_USER, passwordHash: jmxPasswordHash(password, salt), salt },
            }),
        );
        cluster = await startKafkaConnect({
            log: verbose,
            jvmOpts: (name) =>
                name === "kafka"
                    ? [`-javaagent:${jar}=127.0.0.1:${brokerPort}:${brokerConfig}`]
                    : [`-javaagent:${jar}=127.0.0.1:${workerPort}:${workerConfig}`],
        });
    });
    after(async () => {
        await cluster?.stop();
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    const scrapeBroker = async () => parseMetrics(await (await fetch(brokerUrl)).text());
    const scrapeWorker = async () => {
        const r = await httpsGet(workerUrl, ca, `${JMX_METRICS_USER}:${password}`);
        assert.equal(r.status, 200, `worker agent: HTTP ${r.status}`);
        return parseMetrics(r.body);
    };

    it("serves the worker's metrics on HTTPS with basic auth only", async (t) => {
        if (!requireTier(t, "kafka", problem)) return;
        assert.equal((await httpsGet(workerUrl, ca)).status, 401, "no credentials");
        assert.equal((await httpsGet(workerUrl, ca, `${JMX_METRICS_USER}:wrong`)).status, 401, "wrong password");
        await assert.rejects(fetch(workerUrl.replace("https:", "http:")), "plain HTTP on the TLS port");
        await scrapeWorker();
    });

    it("gives every broker, Connect and JVM metric of the design, with its labels", async (t) => {
        if (!requireTier(t, "kafka", problem)) return;
        const c = cluster!;
        const input = path.join(dir, "in.txt");
        const outDir = path.join(dir, "out");
        fs.mkdirSync(outDir);
        fs.writeFileSync(input, "a\nb\nc\n");
        const topic = "jmx-lines";
        const put = async (name: string, config: Record<string, string>) => {
            const r = await fetch(`${c.connectUrl}/connectors/${name}/config`, {
                method: "PUT",
                headers: { "content-type": "application/json" },
                body: JSON.stringify(config),
            });
            assert.ok(r.status < 300, `PUT ${name}: HTTP ${r.status} ${await r.text()}`);
        };
        await put("jmx-source", { "connector.class": FILE_SOURCE, "tasks.max": "1", file: input, topic, ...STRINGS });
        await put("jmx-sink", {
            "connector.class": FILE_SINK,
            "tasks.max": "1",
            file: path.join(outDir, "out.txt"),
            topics: topic,
            ...STRINGS,
        });

        let worker: Sample[] = [];
        await eventually(90_000, "both connectors and tasks running, records read and sent", async () => {
            worker = await scrapeWorker();
            const ok = ["jmx-source", "jmx-sink"].every(
                (connector) =>
                    find(worker, "kafka_connect_connector_status", { connector, status: "running" })[0]?.value === 1 &&
                    find(worker, "kafka_connect_connector_task_status", { connector, task: "0", status: "running" })[0]
                        ?.value === 1,
            );
            const polled = find(worker, "kafka_connect_source_task_source_record_poll_total", {
                connector: "jmx-source",
            })[0]?.value;
            const sent = find(worker, "kafka_connect_sink_task_sink_record_send_total", { connector: "jmx-sink" })[0]
                ?.value;
            return [ok && polled === 3 && sent === 3, worker.filter((s) => s.name.startsWith("kafka_connect"))];
        });
        // Every Connect name the rules can give without MongoDB and the ClickHouse sink, per task.
        const connectNames = jmxMetricNames("connect").filter(
            (n) => n.startsWith("kafka_connect_") && !n.includes("source_task") && !n.includes("sink_task_"),
        );
        for (const name of connectNames) {
            for (const connector of ["jmx-source", "jmx-sink"]) {
                const hit = find(worker, name, { connector });
                const seen = worker.filter((s) => s.name.startsWith("kafka_connect")).map((s) => s.name);
                assert.ok(
                    hit.length > 0,
                    `${name}{connector="${connector}"} missing; seen: ${[...new Set(seen)].join(" ")}`,
                );
                if (name !== "kafka_connect_connector_status") assert.equal(hit[0].labels.task, "0", name);
            }
        }
        assert.equal(
            find(worker, "kafka_connect_sink_task_sink_record_read_total", { connector: "jmx-sink" })[0]?.value,
            3,
        );
        assert.equal(
            find(worker, "kafka_connect_task_error_total_record_failures", { connector: "jmx-sink" })[0]?.value,
            0,
        );
        for (const name of ["jvm_memory_used_bytes", "jvm_memory_max_bytes"])
            assert.ok(find(worker, name, { area: "heap" })[0]?.value > 0, `${name}{area="heap"} on the worker`);
        // No status series other than the current one.
        assert.deepEqual(
            find(worker, "kafka_connect_connector_task_status", { connector: "jmx-sink" }).map((s) => s.labels.status),
            ["running"],
        );

        // The broker.
        let broker: Sample[] = [];
        await eventually(30_000, "the broker counted the topic's messages", async () => {
            broker = await scrapeBroker();
            const v = find(broker, "kafka_server_brokertopicmetrics_messagesin_total", { topic })[0]?.value;
            return [v !== undefined && v >= 3, broker.filter((s) => s.name.startsWith("kafka_"))];
        });
        for (const name of jmxMetricNames("kafka")) assert.ok(find(broker, name).length > 0, `${name} missing`);
        assert.ok(find(broker, "kafka_server_brokertopicmetrics_bytesin_total", { topic })[0]?.value > 0);
        assert.equal(find(broker, "kafka_controller_kafkacontroller_activecontrollercount")[0]?.value, 1);
        assert.equal(find(broker, "kafka_controller_kafkacontroller_offlinepartitionscount")[0]?.value, 0);
        assert.equal(find(broker, "kafka_server_replicamanager_underreplicatedpartitions")[0]?.value, 0);
        assert.ok(find(broker, "jvm_memory_used_bytes", { area: "heap" })[0]?.value > 0);
        // Only what the rules name (plus the agent's own JVM and scrape metrics).
        const stray = broker.filter((s) => !/^(kafka_|jvm_|jmx_|process_)/.test(s.name)).map((s) => s.name);
        assert.deepEqual([...new Set(stray)], []);

        // Counters grow with the records.
        fs.appendFileSync(input, "d\ne\n");
        await eventually(60_000, "five records polled and sent", async () => {
            worker = await scrapeWorker();
            const polled = find(worker, "kafka_connect_source_task_source_record_poll_total", {
                connector: "jmx-source",
            })[0]?.value;
            const sent = find(worker, "kafka_connect_sink_task_sink_record_send_total", { connector: "jmx-sink" })[0]
                ?.value;
            return [polled === 5 && sent === 5, { polled, sent }];
        });

        // A failed task: its status series says so, and no longer "running".
        await failSinkTask(c, "jmx-sink", outDir);
        await eventually(30_000, "the sink task's status series is failed", async () => {
            worker = await scrapeWorker();
            const states = find(worker, "kafka_connect_connector_task_status", { connector: "jmx-sink", task: "0" });
            return [states.length === 1 && states[0].labels.status === "failed" && states[0].value === 1, states];
        });
    });
});
