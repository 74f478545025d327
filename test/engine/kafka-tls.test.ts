/**
 * Engine tier: Kafka and Kafka Connect with every hop encrypted and authenticated, configured by the
 * product's renderers (components/platform/shared/kafkaSecurity.ts) and run from the Maven jars:
 * SASL_SSL + SCRAM-SHA-512 for clients, mutual TLS between controller and broker, two Connect
 * workers with HTTPS + basic auth. Each refusal the design promises is tried with a real client.
 */
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import * as https from "node:https";
import * as os from "node:os";
import * as path from "node:path";
import * as tls from "node:tls";
import { after, describe, it, type TestContext } from "node:test";
import {
    Admin,
    Consumer,
    MessagesStreamModes,
    Producer,
    stringDeserializers,
    stringSerializers,
} from "@platformatic/kafka";
import { nodeClientProperties, propertiesText } from "../../components/platform/shared/kafkaSecurity";
import { kafkaToolchainProblem, startKafkaConnect, type KafkaConnectCluster } from "../support/kafka";
import { ensureKafkaJars, javaBin } from "../support/kafka/cache";
import { startJvm } from "../support/kafka/jvm";
import { requireTier } from "../support/tier";
import { makeTestCa, makeTestCert } from "../support/tls-pki";
import { readKafka } from "../../tools/status/kafka";

let cluster: Promise<KafkaConnectCluster> | undefined;

async function secure(t: TestContext): Promise<KafkaConnectCluster | undefined> {
    if (!requireTier(t, "kafka", await kafkaToolchainProblem())) return undefined;
    cluster ??= startKafkaConnect({
        secure: true,
        workers: 2,
        log: process.env.CDC_TEST_VERBOSE ? (l) => process.stderr.write(`${l}\n`) : undefined,
    });
    return cluster;
}

type Conn = { sasl?: { mechanism: "SCRAM-SHA-512"; username: string; password: string }; tls?: tls.ConnectionOptions };

const client = (c: KafkaConnectCluster, conn: Conn) => ({
    clientId: "kafka-tls-test",
    bootstrapBrokers: [c.bootstrap],
    connectTimeout: 5_000,
    requestTimeout: 5_000,
    timeout: 5_000,
    retries: 0,
    ...conn,
});

const scram = (username: string, password: string) => ({ mechanism: "SCRAM-SHA-512" as const, username, password });

/** An error with its nested `errors` and `cause`s, one line (what a failed connection reports). */
function errorText(e: unknown): string {
    const err = e as Error & { errors?: unknown[]; cause?: unknown };
    const nested = [...(err.errors ?? []), ...(err.cause ? [err.cause] : [])].map(errorText);
    return [`${err.name}: ${err.message}`, ...nested].join(" | ");
}

/** Lists topics with `conn`; resolves with the error message, or undefined when it worked. */
async function listTopicsError(c: KafkaConnectCluster, conn: Conn): Promise<string | undefined> {
    const admin = new Admin(client(c, conn));
    try {
        await admin.listTopics({ includeInternals: true });
        return undefined;
    } catch (e) {
        return errorText(e);
    } finally {
        await admin.close().catch(() => undefined);
    }
}

async function rest(
    url: string,
    ca: string,
    method: string,
    auth?: { user: string; password: string },
    body?: unknown,
): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
        const headers: Record<string, string> = body === undefined ? {} : { "content-type": "application/json" };
        if (auth) headers.authorization = `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString("base64")}`;
        const req = https.request(url, { method, ca, headers, timeout: 60_000 }, (res) => {
            let text = "";
            res.setEncoding("utf8");
            res.on("data", (d: string) => (text += d));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
        });
        req.on("error", reject);
        req.end(body === undefined ? undefined : JSON.stringify(body));
    });
}

async function eventually<T>(ms: number, what: string, probe: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
        const r = await probe();
        if (r !== undefined) return r;
        if (Date.now() > deadline) assert.fail(`${what} within ${ms} ms`);
        await new Promise((res) => setTimeout(res, 500));
    }
}

describe("Kafka over SASL_SSL + SCRAM and Connect over HTTPS + basic auth", { timeout: 600_000 }, () => {
    after(async () => {
        if (cluster) await (await cluster.catch(() => undefined))?.stop();
    });

    it("has no PLAINTEXT listener and mutual TLS between controller and broker", async (t) => {
        const c = await secure(t);
        if (!c) return;
        const props = await fs.readFile(path.join(c.logDir, "..", "server.properties"), "utf8");
        assert.doesNotMatch(props, /PLAINTEXT/);
        assert.match(props, /^listener\.name\.controller\.ssl\.client\.auth=required$/m);
        assert.match(props, /^inter\.broker\.listener\.name=BROKER$/m);
        // The broker listener asks for a client certificate: a client without one is refused in the
        // handshake, one with a certificate of the stack's CA is let in.
        const [host, port] = c.brokerListener!.split(":");
        const handshake = (cert?: { certPem: string; keyPem: string }) =>
            new Promise<string>((resolve) => {
                const s = tls.connect({
                    host,
                    port: Number(port),
                    ca: c.security!.ca.certPem,
                    servername: "localhost",
                    ...(cert ? { cert: cert.certPem, key: cert.keyPem } : {}),
                });
                // The server's verdict on the client certificate arrives after the client's handshake ends.
                s.on("secureConnect", () => setTimeout(() => (s.destroy(), resolve("accepted")), 1_000));
                s.on("error", (e) => resolve(e.message));
                s.setTimeout(10_000, () => s.destroy(new Error("timeout")));
            });
        assert.match(await handshake(), /certificate/i);
        const member = makeTestCert(c.security!.ca, { commonName: "another-node", hosts: ["127.0.0.1"] });
        assert.equal(await handshake(member), "accepted");
    });

    it("lets the connect user produce and consume with the right password over TLS", async (t) => {
        const c = await secure(t);
        if (!c) return;
        const sec = c.security!;
        const conn = { sasl: scram(sec.users.connect.user, sec.users.connect.password), tls: { ca: sec.ca.certPem } };
        const topic = `tls-${process.pid}`;
        const admin = new Admin(client(c, conn));
        try {
            await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
        } finally {
            await admin.close();
        }
        const producer = new Producer({ ...client(c, conn), serializers: stringSerializers });
        try {
            await producer.send({ messages: [{ topic, key: "k", value: "over SASL_SSL" }] });
        } finally {
            await producer.close();
        }
        const consumer = new Consumer({
            ...client(c, conn),
            groupId: `tls-${process.pid}`,
            deserializers: stringDeserializers,
        });
        try {
            const stream = await consumer.consume({ topics: [topic], mode: MessagesStreamModes.EARLIEST });
            let value: string | undefined;
            for await (const m of stream) {
                value = m.value;
                break;
            }
            await stream.close();
            assert.equal(value, "over SASL_SSL");
        } finally {
            await consumer.close();
        }
        // The status user exists too.
        const asStatus = { sasl: scram(sec.users.status.user, sec.users.status.password), tls: { ca: sec.ca.certPem } };
        assert.equal(await listTopicsError(c, asStatus), undefined);
    });

    it("refuses a plaintext client, a wrong password and a client that does not trust the CA", async (t) => {
        const c = await secure(t);
        if (!c) return;
        const sec = c.security!;
        const user = sec.users.connect.user;
        assert.ok(await listTopicsError(c, {}), "a plaintext client without SASL was let in");
        assert.ok(await listTopicsError(c, { sasl: scram(user, sec.users.connect.password) }), "SASL_PLAINTEXT let in");
        const wrong = await listTopicsError(c, { sasl: scram(user, "not-the-password"), tls: { ca: sec.ca.certPem } });
        assert.match(wrong ?? "", /AuthenticationError|authentication failed/i);
        const untrusted = await listTopicsError(c, { sasl: scram(user, sec.users.connect.password), tls: {} });
        assert.ok(untrusted, "a client that does not trust the CA connected");
    });

    it("creates or updates a SCRAM user through a running broker (what a formatted volume needs)", async (t) => {
        const c = await secure(t);
        if (!c) return;
        const sec = c.security!;
        const adminConfig = path.join(c.logDir, "node-client.properties");
        await fs.writeFile(adminConfig, propertiesText(nodeClientProperties(sec.broker)));
        const cache = await ensureKafkaJars();
        const run = (password: string) =>
            startJvm(
                javaBin(),
                [
                    "-Xmx128m",
                    "-cp",
                    path.join(cache, "libs", "*"),
                    "kafka.admin.ConfigCommand",
                    "--bootstrap-server",
                    c.brokerListener!,
                    "--command-config",
                    adminConfig,
                    "--alter",
                    "--entity-type",
                    "users",
                    "--entity-name",
                    "late",
                    "--add-config",
                    `SCRAM-SHA-512=[iterations=8192,password=${password}]`,
                ],
                path.join(c.logDir, "config-command.out"),
                undefined,
                sec.brokerEnv,
            ).exited;
        assert.equal(await run("first-password"), 0);
        assert.equal(await run("second-password"), 0, "a second upsert (a restart) fails");
        const conn = (pw: string) => ({ sasl: scram("late", pw), tls: { ca: sec.ca.certPem } });
        await eventually(30_000, "the upserted user authenticates", async () =>
            (await listTopicsError(c, conn("second-password"))) === undefined ? true : undefined,
        );
        assert.ok(await listTopicsError(c, conn("first-password")), "the replaced password still works");
    });

    it("answers Connect's REST API 401 without or with wrong credentials, 200 with the right ones", async (t) => {
        const c = await secure(t);
        if (!c) return;
        const sec = c.security!;
        for (const url of c.connectUrls) {
            assert.match(url, /^https:/);
            assert.equal((await rest(`${url}/connectors`, sec.ca.certPem, "GET")).status, 401);
            const wrong = { user: sec.rest.user, password: "wrong" };
            assert.equal((await rest(`${url}/connectors`, sec.ca.certPem, "GET", wrong)).status, 401);
            assert.equal((await rest(`${url}/connectors`, sec.ca.certPem, "GET", sec.rest)).status, 200);
        }
        // A verifying client refuses the certificate for a name it was not issued for.
        await assert.rejects(
            new Promise((resolve, reject) => {
                const req = https.get(
                    `${c.connectUrl}/`,
                    {
                        ca: sec.ca.certPem,
                        servername: "connect.elsewhere.example",
                    },
                    resolve,
                );
                req.on("error", reject);
            }),
            /altnames|ERR_TLS_CERT_ALTNAME_INVALID/i,
        );
        // And one without the CA refuses it outright.
        await assert.rejects(
            new Promise((resolve, reject) => https.get(`${c.connectUrl}/`, resolve).on("error", reject)),
            /self.signed|unable to verify|issuer/i,
        );
    });

    it("runs connectors created through either of two workers (requests forwarded to the leader)", async (t) => {
        const c = await secure(t);
        if (!c) return;
        const sec = c.security!;
        assert.equal(c.connectUrls.length, 2);
        const dir = await fs.mkdtemp(path.join(os.tmpdir(), "cdc-tls-filesource-"));
        t.after(() => fs.rm(dir, { recursive: true, force: true }));
        const input = path.join(dir, "input.txt");
        await fs.writeFile(input, "one\ntwo\n");
        // One of the two workers is not the leader: its creation is forwarded over HTTPS.
        for (const [i, url] of c.connectUrls.entries()) {
            const name = `tls-file-${i}`;
            const created = await rest(`${url}/connectors/${name}/config`, sec.ca.certPem, "PUT", sec.rest, {
                "connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector",
                "tasks.max": "1",
                file: input,
                topic: `tls-file-${i}`,
            });
            assert.equal(created.status, 201, created.text);
        }
        for (const i of c.connectUrls.keys()) {
            for (const url of c.connectUrls) {
                await eventually(120_000, `tls-file-${i} RUNNING seen from ${url}`, async () => {
                    const s = await rest(`${url}/connectors/tls-file-${i}/status`, sec.ca.certPem, "GET", sec.rest);
                    if (s.status !== 200) return undefined;
                    const b = JSON.parse(s.text) as { connector: { state: string }; tasks: { state: string }[] };
                    return b.connector.state === "RUNNING" && b.tasks.length === 1 && b.tasks[0].state === "RUNNING"
                        ? true
                        : undefined;
                });
            }
        }
        const list = await rest(`${c.connectUrls[1]}/connectors`, sec.ca.certPem, "GET", sec.rest);
        assert.deepEqual((JSON.parse(list.text) as string[]).sort(), ["tls-file-0", "tls-file-1"]);
    });

    it("reads offsets over SASL_SSL as the status user and names a wrong password or CA in one line", async (t) => {
        const c = await secure(t);
        if (!c) return;
        const sec = c.security!;
        const query = { sourceTopics: ["tls-file-0"], sinkTopics: [], group: "none" };
        const read = (security: Parameters<typeof readKafka>[0]["security"]) =>
            readKafka({ bootstrap: c.bootstrap, timeoutMs: 10_000, secrets: [], security }, query);
        const status = { user: sec.users.status.user, password: sec.users.status.password };

        const ok = await read({ caPem: sec.ca.certPem, sasl: status });
        assert.equal(ok.source.kafkaError, undefined);
        assert.equal(ok.source.topics.length, 1);

        const wrong = await read({ caPem: sec.ca.certPem, sasl: { user: status.user, password: "wrong-pw-123" } });
        assert.match(wrong.source.kafkaError ?? "", /SASL authentication failed for user "status"/);
        assert.doesNotMatch(wrong.source.kafkaError ?? "", /wrong-pw-123|\n/);

        const otherCa = makeTestCa("not-the-stack-ca");
        const untrusted = await read({ caPem: otherCa.certPem, sasl: status });
        assert.match(untrusted.source.kafkaError ?? "", /not signed by the CA in CDC_TLS_CA_FILE/);

        const plaintext = await read(undefined);
        assert.ok(plaintext.source.kafkaError, "a PLAINTEXT status read a SASL_SSL listener");
    });
});
