/**
 * Certificate renewal end to end (#21): the certificates provider, through the real Pulumi engine
 * (inline program, file:// backend), issues the CA and the `kafka` and `connect` certificates with
 * a 1-day validity and a 1-day renewal window, so that they are due at the NEXT `up`. A secure
 * Kafka + Connect (test/support/kafka, the product's security renderers) runs on those files and
 * data flows: produced as the `connect` user, consumed, and written out by a FileStreamSink
 * connector. The second `up` replaces both service certificates and keeps the CA; the test writes
 * the new files and restarts the broker and the worker in place (same ports, same data directory):
 * the rolling restart a platform does. On kubernetes the certificate's fingerprint in the pod
 * template rolls the pods (see test/unit/stack-kubernetes-mongo-tls.test.ts and the ClickHouse pod
 * annotation); on docker the uploaded files change and the container is replaced. Afterwards both
 * serve the new certificate (its serial read in the TLS handshake), clients trusting the CA still
 * connect, and data still flows through the broker and the connector.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as https from "node:https";
import * as os from "node:os";
import * as path from "node:path";
import * as tls from "node:tls";
import { X509Certificate } from "node:crypto";
import { after, before, describe, type TestContext } from "node:test";
import {
    Admin,
    Consumer,
    MessagesStreamModes,
    Producer,
    stringDeserializers,
    stringSerializers,
} from "@platformatic/kafka";
import { type EngineEvent, LocalWorkspace, PulumiCommand, type Stack } from "@pulumi/pulumi/automation";
import { CertificateAuthority, ServiceCertificate } from "../../components/providers/certificates";
import { ensurePulumiCli, isolatedPulumiEnv, pulumiCliProblem, pulumiCliRoot } from "../support/pulumi-cli";
import {
    kafkaToolchainProblem,
    startKafkaConnect,
    type IssuedKafkaTls,
    type KafkaConnectCluster,
} from "../support/kafka";
import { changed, connectorOnConnect, restAccessOf, sequentialSteps, type RestAccess } from "../support/stack-checks";
import { FILE_SINK, STRINGS } from "../support/stand-in-connectors";
import { requireTier } from "../support/tier";

const CA_URN = "pulumi-nodejs:dynamic/cdc:CertificateAuthority::ca";
const certUrn = (service: string) => `pulumi-nodejs:dynamic/cdc:ServiceCertificate::${service}`;
const SERVICES = ["kafka", "connect"] as const;
const TOPIC = "renewal";
const SINK = "renewal-sink";

type Outputs = Record<string, string>;

/** The stack's outputs as the secure test Kafka takes them. */
const issued = (o: Outputs): IssuedKafkaTls => ({
    caPem: o.caPem,
    truststoreP12Base64: o.truststore,
    storePassword: o.storePassword,
    keystores: { kafka: o["kafka.keystore"], connect: o["connect.keystore"] },
});

/** The serial number (hex, as node prints it) of the certificate a TLS server at `host:port` presents. */
function servedSerial(hostPort: string, ca: string): Promise<string> {
    const [host, port] = hostPort.split(":");
    return new Promise((resolve, reject) => {
        const socket = tls.connect({ host, port: Number(port), ca }, () => {
            const serial = socket.getPeerCertificate().serialNumber;
            socket.end();
            resolve(serial);
        });
        socket.setTimeout(10_000, () => socket.destroy(new Error(`no TLS handshake with ${hostPort} within 10 s`)));
        socket.on("error", reject);
    });
}

/** PUT `body` as JSON over https with the REST access; resolves with the status code. */
function put(url: string, access: RestAccess, body: unknown): Promise<number> {
    const auth = Buffer.from(`${access.auth!.user}:${access.auth!.password}`).toString("base64");
    return new Promise((resolve, reject) => {
        const req = https.request(
            url,
            {
                method: "PUT",
                ca: access.ca,
                headers: { "content-type": "application/json", authorization: `Basic ${auth}` },
                timeout: 60_000,
            },
            (res) => {
                res.resume();
                res.on("end", () => resolve(res.statusCode ?? 0));
            },
        );
        req.on("error", reject);
        req.end(JSON.stringify(body));
    });
}

const serialOf = (pem: string) => new X509Certificate(pem).serialNumber;

async function eventually<T>(ms: number, what: string, probe: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
        const r = await probe().catch(() => undefined);
        if (r !== undefined) return r;
        if (Date.now() > deadline) assert.fail(`${what} within ${ms} ms`);
        await new Promise((res) => setTimeout(res, 500));
    }
}

describe(
    "certificate renewal: pulumi up replaces the certificates, Kafka and Connect pick them up",
    { timeout: 10 * 60_000 },
    () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "certificate-renewal-"));
        const sinkFile = path.join(dir, "sink.txt");
        let stack: Stack | undefined;
        let cluster: KafkaConnectCluster | undefined;
        let first: Outputs = {};
        let renewed: Outputs = {};

        before(async () => {
            if ((await pulumiCliProblem()) !== undefined) return;
            const bin = await ensurePulumiCli();
            fs.mkdirSync(path.join(dir, "state"));
            fs.mkdirSync(path.join(dir, "home"));
            stack = await LocalWorkspace.createOrSelectStack(
                {
                    stackName: "renewal",
                    projectName: "cdc",
                    program: async () => {
                        const ca = new CertificateAuthority("ca", {
                            commonName: "renewal test CA",
                            validityDays: 3650,
                            renewBeforeDays: 1,
                        });
                        const out: Record<string, unknown> = {
                            caPem: ca.certPem,
                            truststore: ca.truststoreP12Base64,
                            storePassword: ca.storePassword,
                        };
                        for (const service of SERVICES) {
                            // A 1-day certificate with a 1-day renewal window: due at the next up.
                            const cert = new ServiceCertificate(service, {
                                commonName: service,
                                dnsNames: [service, "localhost"],
                                ipAddresses: ["127.0.0.1"],
                                validityDays: 1,
                                renewBeforeDays: 1,
                                ca,
                            });
                            out[`${service}.certPem`] = cert.certPem;
                            out[`${service}.keystore`] = cert.keystoreP12Base64;
                            out[`${service}.serial`] = cert.serialNumber;
                            out[`${service}.notAfter`] = cert.notAfter;
                        }
                        return out;
                    },
                },
                {
                    pulumiCommand: await PulumiCommand.get({ root: pulumiCliRoot(bin) }),
                    envVars: isolatedPulumiEnv(dir),
                },
            );
        });

        after(async () => {
            await cluster?.stop();
            fs.rmSync(dir, { recursive: true, force: true });
        });

        const outputs = async (): Promise<Outputs> =>
            Object.fromEntries(Object.entries(await stack!.outputs()).map(([k, v]) => [k, String(v.value)]));

        const ready = async (t: TestContext) =>
            requireTier(t, "pulumi", await pulumiCliProblem()) &&
            requireTier(t, "kafka", await kafkaToolchainProblem());
        const step = sequentialSteps(ready);

        /** A client of the broker as the `connect` user, trusting only the stack's CA. */
        const client = (caPem: string) => {
            const sec = cluster!.security!;
            return {
                clientId: "certificate-renewal-test",
                bootstrapBrokers: [cluster!.bootstrap],
                connectTimeout: 10_000,
                requestTimeout: 10_000,
                retries: 3,
                sasl: {
                    mechanism: "SCRAM-SHA-512" as const,
                    username: sec.users.connect.user,
                    password: sec.users.connect.password,
                },
                tls: { ca: caPem },
            };
        };

        /** Produces `value`, consumes it back (new group, from the start), and waits for the sink to write it. */
        async function flows(caPem: string, value: string): Promise<void> {
            const producer = new Producer({ ...client(caPem), serializers: stringSerializers });
            try {
                await producer.send({ messages: [{ topic: TOPIC, key: "k", value }] });
            } finally {
                await producer.close();
            }
            const consumer = new Consumer({
                ...client(caPem),
                groupId: `renewal-${value}`,
                deserializers: stringDeserializers,
            });
            try {
                const stream = await consumer.consume({ topics: [TOPIC], mode: MessagesStreamModes.EARLIEST });
                const seen: string[] = [];
                for await (const m of stream) {
                    seen.push(m.value);
                    if (m.value === value) break;
                }
                await stream.close();
                assert.ok(seen.includes(value), `consumed ${seen.join(", ")}`);
            } finally {
                await consumer.close();
            }
            await eventually(60_000, `the sink connector writing "${value}"`, async () =>
                fs.readFileSync(sinkFile, "utf8").split("\n").includes(value) ? true : undefined,
            );
            const sink = await connectorOnConnect(cluster!.connectUrl, SINK, restAccessOf(cluster!));
            assert.equal(sink.state, "RUNNING");
            assert.deepEqual(sink.tasks, ["RUNNING"]);
        }

        /** The serials the broker's SASL_SSL port and Connect's HTTPS port present, trusting the CA. */
        const served = async (caPem: string) => ({
            kafka: await servedSerial(cluster!.bootstrap, caPem),
            connect: await servedSerial(new URL(cluster!.connectUrl).host, caPem),
        });

        step("issues the CA and 1-day kafka and connect certificates", async () => {
            const up = await stack!.up({ onOutput: () => {} });
            assert.equal(up.summary.resourceChanges?.create, 4, "the stack, the CA and two certificates");
            first = await outputs();
            for (const service of SERVICES) {
                const cert = new X509Certificate(first[`${service}.certPem`]);
                assert.ok(cert.checkIssued(new X509Certificate(first.caPem)), service);
                assert.ok(new Date(cert.validTo).getTime() - Date.now() <= 86_400_000 + 60_000, `${service}: 1 day`);
            }
        });

        step("runs a secure Kafka + Connect on them, serving them, with data flowing", async () => {
            cluster = await startKafkaConnect({
                issuedTls: issued(first),
                // The killed worker's sink consumer stays in its group until its session times out (45 s
                // by default): a shorter session lets the restarted worker take the partition sooner.
                workerProperties: { "consumer.session.timeout.ms": "10000" },
                log: process.env.CDC_TEST_VERBOSE ? (l) => process.stderr.write(`${l}\n`) : undefined,
            });
            assert.deepEqual(await served(first.caPem), {
                kafka: serialOf(first["kafka.certPem"]),
                connect: serialOf(first["connect.certPem"]),
            });
            const admin = new Admin(client(first.caPem));
            try {
                await admin.createTopics({ topics: [TOPIC], partitions: 1, replicas: 1 });
            } finally {
                await admin.close();
            }
            fs.writeFileSync(sinkFile, "");
            const access = restAccessOf(cluster)!;
            const created = await put(`${cluster.connectUrl}/connectors/${SINK}/config`, access, {
                ...STRINGS,
                "connector.class": FILE_SINK,
                "tasks.max": "1",
                topics: TOPIC,
                file: sinkFile,
            });
            assert.equal(created, 201);
            await eventually(120_000, `${SINK} RUNNING`, async () => {
                const s = await connectorOnConnect(cluster!.connectUrl, SINK, access);
                return s.state === "RUNNING" && s.tasks?.[0] === "RUNNING" ? true : undefined;
            });
            await flows(first.caPem, "before-renewal");
        });

        step("the next up replaces the kafka and connect certificates (saying why) and keeps the CA", async () => {
            let previewText = "";
            const preview = await stack!.preview({ onOutput: (o) => (previewText += o) });
            assert.equal(preview.changeSummary.replace, 2, previewText);
            assert.equal(preview.changeSummary.same, 2, `the stack and the CA: ${previewText}`);

            const events: EngineEvent[] = [];
            let output = "";
            await stack!.up({ onOutput: (o) => (output += o), onEvent: (e) => events.push(e) });
            const ops = changed(events).map(([urn, op]) => [urn.slice(urn.indexOf("pulumi-nodejs:")), op]);
            assert.deepEqual(ops.map(([urn]) => urn).sort(), SERVICES.map(certUrn).sort(), output);
            assert.ok(!ops.some(([urn]) => urn === CA_URN), "the CA is kept");
            for (const service of SERVICES) {
                const day = first[`${service}.notAfter`].slice(0, 10);
                assert.ok(
                    output.includes(
                        `certificate ${service}: replacing it: expires ${day}, inside the 1-day renewal window`,
                    ),
                    output,
                );
            }
            renewed = await outputs();
            assert.equal(renewed.caPem, first.caPem, "the CA is unchanged");
            for (const service of SERVICES) {
                assert.notEqual(renewed[`${service}.serial`], first[`${service}.serial`], service);
                assert.notEqual(renewed[`${service}.certPem`], first[`${service}.certPem`], service);
                assert.ok(
                    new Date(renewed[`${service}.notAfter`]).getTime() >
                        new Date(first[`${service}.notAfter`]).getTime(),
                    `${service}: a later notAfter`,
                );
            }
        });

        step("after a restart Kafka and Connect serve the new certificates and data still flows", async () => {
            // Still the old certificates until the services restart on the new files.
            assert.equal((await served(first.caPem)).kafka, serialOf(first["kafka.certPem"]));
            await cluster!.restart(issued(renewed));
            const now = await served(renewed.caPem);
            assert.deepEqual(now, {
                kafka: serialOf(renewed["kafka.certPem"]),
                connect: serialOf(renewed["connect.certPem"]),
            });
            assert.notEqual(now.kafka, serialOf(first["kafka.certPem"]));
            assert.notEqual(now.connect, serialOf(first["connect.certPem"]));
            // A client that trusts only the (unchanged) CA connects, the connector survived the restart.
            await eventually(120_000, `${SINK} RUNNING after the restart`, async () => {
                const s = await connectorOnConnect(cluster!.connectUrl, SINK, restAccessOf(cluster!));
                return s.state === "RUNNING" && s.tasks?.[0] === "RUNNING" ? true : undefined;
            });
            await flows(first.caPem, "after-renewal");
        });
    },
);
