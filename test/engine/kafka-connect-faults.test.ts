/**
 * Engine tier: the KafkaConnector provider against Connect faults, injected by a small proxy in
 * front of a real Kafka Connect worker (test/support/fault-proxy.ts, test/support/kafka): a task
 * that fails right after create, a worker that accepts requests and never answers, 409 storms
 * (rebalance in progress), and Connect gone at destroy. Each asserts what the user sees, how long
 * it takes at most, and what is left on Connect (docs/operations.md, "Faults").
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it, type TestContext } from "node:test";
import {
    CONNECT_GONE_ENV,
    createKafkaConnectorProvider,
    type KafkaConnectorOutputs,
} from "../../components/providers/kafkaConnector";
import { startFaultProxy, type FaultProxy } from "../support/fault-proxy";
import { ENV_CONFIG_PROVIDER_CLASS, envRef } from "../../connectors";
import { configTopicText, kafkaToolchainProblem, startKafkaConnect, type KafkaConnectCluster } from "../support/kafka";
import { requireTier } from "../support/tier";

const FILE_SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector";
const FILE_SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector";

let cluster: Promise<KafkaConnectCluster> | undefined;
const proxies: FaultProxy[] = [];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kafka-connect-faults-"));
/** A value only the worker's environment holds, read through Kafka's EnvVarConfigProvider. */
const WORKER_SECRET = "Worker-env-Pa55-3141";
const SECRET_FILE = path.join(tmp, `out-${WORKER_SECRET}.txt`);

async function connect(t: TestContext): Promise<KafkaConnectCluster | undefined> {
    if (!requireTier(t, "kafka", await kafkaToolchainProblem())) return undefined;
    cluster ??= startKafkaConnect({
        log: process.env.CDC_TEST_VERBOSE ? (l) => process.stderr.write(`${l}\n`) : undefined,
        // As the docker and kubernetes platforms configure their workers (connectors/secretRefs.ts).
        workerProperties: { "config.providers": "env", "config.providers.env.class": ENV_CONFIG_PROVIDER_CLASS },
        workerEnv: { CDC_TEST_SINK_FILE: SECRET_FILE },
    });
    return cluster;
}
async function proxyFor(c: KafkaConnectCluster): Promise<FaultProxy> {
    const p = await startFaultProxy(c.connectUrl);
    proxies.push(p);
    return p;
}
/** Straight to the worker, around the proxy: is the connector there? */
async function exists(c: KafkaConnectCluster, name: string): Promise<boolean> {
    const r = await fetch(`${c.connectUrl}/connectors/${name}`, { signal: AbortSignal.timeout(30_000) });
    return r.status === 200;
}
function fileSource(url: string, name: string, over: Record<string, unknown> = {}): Record<string, unknown> {
    const file = path.join(tmp, `${name}.txt`);
    fs.writeFileSync(file, "one\ntwo\n");
    return {
        connectUrl: url,
        connectorName: name,
        config: { "connector.class": FILE_SOURCE, "tasks.max": "1", file, topic: `t-${name}` },
        readyTimeoutSeconds: 90,
        ...over,
    };
}
async function timed<T>(p: Promise<T>): Promise<{ ms: number; error?: Error; value?: T }> {
    const t0 = Date.now();
    try {
        return { ms: Date.now() - t0, value: await p };
    } catch (e) {
        return { ms: Date.now() - t0, error: e as Error };
    }
}

describe("KafkaConnector against Connect faults (real worker behind a fault proxy)", { timeout: 600_000 }, () => {
    after(async () => {
        await Promise.all(proxies.map((p) => p.close()));
        if (cluster) await (await cluster.catch(() => undefined))?.stop();
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    it("a task that fails right after create: create fails and leaves nothing on Connect", async (t) => {
        const c = await connect(t);
        if (!c) return;
        const logs: string[] = [];
        const provider = createKafkaConnectorProvider({ pollIntervalMs: 250, log: (l) => logs.push(l) });
        // FileStreamSink opens its file when the task starts: a missing directory fails the task.
        const args = {
            connectUrl: c.connectUrl,
            connectorName: "fault-failing-sink",
            config: {
                "connector.class": FILE_SINK,
                "tasks.max": "1",
                file: path.join(tmp, "no-such-dir", "out.txt"),
                topics: "t-failing",
            },
            readyTimeoutSeconds: 60,
        };
        const r = await timed(provider.create(args));
        assert.ok(r.error, "create must fail");
        assert.match(r.error.message, /task 0 FAILED/);
        assert.match(r.error.message, /deleted again, so nothing is left on Kafka Connect/);
        assert.equal(await exists(c, "fault-failing-sink"), false, "no connector running outside Pulumi's state");
    });

    it("a worker that accepts but never answers: create and destroy fail within the per-request timeout, saying so", async (t) => {
        const c = await connect(t);
        if (!c) return;
        const proxy = await proxyFor(c);
        proxy.fault = () => "hang";
        const provider = createKafkaConnectorProvider({ pollIntervalMs: 250, log: () => undefined });
        const args = fileSource(proxy.url, "fault-hung", { requestTimeoutSeconds: 2, readyTimeoutSeconds: 60 });
        const created = await timed(provider.create(args));
        assert.ok(created.error);
        assert.ok(created.ms < 10_000, `create gave up after ${created.ms} ms (2 attempts × 2 s + backoff)`);
        assert.match(created.error.message, /no answer within 2\.0 s \(requestTimeoutSeconds/);
        assert.equal(proxy.count("PUT", "/connector-plugins/"), 2, "one retry of an unanswered request");
        assert.equal(await exists(c, "fault-hung"), false);

        const deleted = await timed(
            provider.delete!("fault-hung", {
                connectUrl: proxy.url,
                connectorName: "fault-hung",
                requestTimeoutSeconds: 2,
                readyTimeoutSeconds: 60,
            }),
        );
        assert.ok(deleted.error);
        assert.ok(deleted.ms < 10_000, `destroy gave up after ${deleted.ms} ms`);
        assert.match(deleted.error.message, new RegExp(`${CONNECT_GONE_ENV}=1 npm run destroy`));
    });

    it("a 409 storm (rebalance): create rides it out, and a storm that never ends stops at readyTimeoutSeconds", async (t) => {
        const c = await connect(t);
        if (!c) return;
        const proxy = await proxyFor(c);
        let conflicts = 0;
        const rebalance = {
            status: 409,
            body: { error_code: 409, message: "Cannot complete request momentarily due to stale configuration" },
        };
        proxy.fault = (method, p) =>
            method === "PUT" && p === "/connectors/fault-storm/config" && conflicts++ < 3 ? rebalance : "forward";
        const provider = createKafkaConnectorProvider({ pollIntervalMs: 250, log: () => undefined });
        const ok = await provider.create(fileSource(proxy.url, "fault-storm"));
        assert.equal((ok.outs as KafkaConnectorOutputs).state, "RUNNING");
        assert.equal(proxy.count("PUT", "/connectors/fault-storm/config"), 4);
        await provider.delete!(ok.id, ok.outs);

        proxy.fault = (method, p) => (method === "PUT" && p.startsWith("/connectors/") ? rebalance : "forward");
        const endless = createKafkaConnectorProvider({
            retry: { retries: 100, baseDelayMs: 500, maxDelayMs: 1000 },
            pollIntervalMs: 250,
            log: () => undefined,
        });
        const r = await timed(endless.create(fileSource(proxy.url, "fault-endless", { readyTimeoutSeconds: 6 })));
        assert.ok(r.error);
        assert.match(r.error.message, /HTTP 409/);
        assert.ok(r.ms < 12_000, `gave up after ${r.ms} ms for a 6 s readyTimeoutSeconds`);
        assert.equal(await exists(c, "fault-endless"), false);
    });

    it("a secret sent by reference: the task resolves it, Connect's REST answers and config topic hold only the reference", async (t) => {
        const c = await connect(t);
        if (!c) return;
        const provider = createKafkaConnectorProvider({ pollIntervalMs: 250, log: () => undefined });
        const topic = "t-secret-ref";
        const source = await provider.create(
            fileSource(c.connectUrl, "secret-ref-source", {
                config: {
                    "connector.class": FILE_SOURCE,
                    "tasks.max": "1",
                    file: path.join(tmp, "secret-ref-in.txt"),
                    topic,
                },
            }),
        );
        fs.writeFileSync(path.join(tmp, "secret-ref-in.txt"), "through-the-env-file\n");
        // FileStreamSink's `file` stands in for a password: only the worker's env knows its value.
        const sink = await provider.create({
            connectUrl: c.connectUrl,
            connectorName: "secret-ref-sink",
            config: { "connector.class": FILE_SINK, "tasks.max": "1", topics: topic },
            secretConfig: { file: SECRET_FILE },
            secretRefs: { file: envRef("CDC_TEST_SINK_FILE") },
            readyTimeoutSeconds: 90,
        });
        assert.equal((sink.outs as KafkaConnectorOutputs).state, "RUNNING");
        const deadline = Date.now() + 60_000;
        while (
            Date.now() < deadline &&
            !(fs.existsSync(SECRET_FILE) && fs.readFileSync(SECRET_FILE, "utf8").includes("through-the-env-file"))
        )
            await new Promise((r) => setTimeout(r, 250));
        assert.match(
            fs.readFileSync(SECRET_FILE, "utf8"),
            /through-the-env-file/,
            "the task resolved the reference from the worker's env",
        );

        for (const p of [
            "/connectors/secret-ref-sink/config",
            "/connectors/secret-ref-sink/tasks",
            "/connectors/secret-ref-sink",
            "/connectors?expand=info&expand=status",
        ]) {
            const body = await (await fetch(`${c.connectUrl}${p}`, { signal: AbortSignal.timeout(30_000) })).text();
            assert.ok(!body.includes(WORKER_SECRET), `Connect's ${p} shows the secret: ${body}`);
            if (p.endsWith("/config"))
                assert.equal((JSON.parse(body) as Record<string, string>).file, "${env:CDC_TEST_SINK_FILE}");
        }
        const topicText = await configTopicText(c);
        assert.ok(
            topicText.includes("${env:CDC_TEST_SINK_FILE}"),
            "the config topic was read (it holds the reference)",
        );
        assert.ok(!topicText.includes(WORKER_SECRET), "the config topic holds no secret");
        await provider.delete!(sink.id, sink.outs);
        await provider.delete!(source.id, source.outs);
    });

    it("Connect gone at destroy: the way forward drops the connector from the state", async (t) => {
        const c = await connect(t);
        if (!c) return;
        const proxy = await proxyFor(c);
        const provider = createKafkaConnectorProvider({
            pollIntervalMs: 250,
            retry: { retries: 2, baseDelayMs: 100, maxDelayMs: 200 },
            log: () => undefined,
        });
        const made = await provider.create(fileSource(proxy.url, "fault-orphan"));
        await proxy.close(); // Connect's address answers no more: connection refused
        const refused = await timed(provider.delete!(made.id, made.outs));
        assert.ok(refused.error);
        assert.match(refused.error.message, /does not answer.*\n?.*CDC_CONNECT_GONE=1/s);
        process.env[CONNECT_GONE_ENV] = "1";
        try {
            await provider.delete!(made.id, made.outs);
        } finally {
            delete process.env[CONNECT_GONE_ENV];
        }
        // The worker itself still holds it (it was only unreachable): clean up for the next test.
        await fetch(`${c.connectUrl}/connectors/fault-orphan`, { method: "DELETE" });
    });
});
