/**
 * Engine tier: the KafkaConnector provider against a real Kafka Connect worker (KRaft broker +
 * distributed Connect from Maven Central jars, Debezium MongoDB plugin on plugin.path; see
 * test/support/kafka). A FileStreamSource connector (shipped with Kafka) goes through create,
 * update, refresh and delete; the project's Debezium config is checked by the real plugin's
 * validate endpoint (no MongoDB server exists here, so only the connection check may fail).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it, type TestContext } from "node:test";
import {
    clickhouseSinkConfig,
    DEBEZIUM_SECRET_KEYS,
    debeziumMongoSourceConfig,
    mongoConnectionString,
} from "../../connectors";
import { createKafkaConnectorProvider, type KafkaConnectorOutputs } from "../../components/providers/kafkaConnector";
import { validateConnectorConfig } from "../../components/providers/kafkaConnector/connectClient";
import { resolveRetryPolicy } from "../../components/providers/shared/retry";
import { secretValuesOf } from "../../components/providers/shared/mask";
import { kafkaToolchainProblem, startKafkaConnect, type KafkaConnectCluster } from "../support/kafka";
import { requireTier } from "../support/tier";

const FILE_SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector";
const SECRET = "file-secret-Pa55-42";

let cluster: Promise<KafkaConnectCluster> | undefined;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kafka-connector-engine-"));

/** Starts the cluster once for the whole file, or skips `t` (out loud) when Kafka cannot run here. */
async function connect(t: TestContext): Promise<KafkaConnectCluster | undefined> {
    if (!requireTier(t, "kafka", await kafkaToolchainProblem())) return undefined;
    cluster ??= startKafkaConnect({
        log: process.env.CDC_TEST_VERBOSE ? (l) => process.stderr.write(`${l}\n`) : undefined,
    });
    return cluster;
}

const provider = () =>
    createKafkaConnectorProvider({ retry: { retries: 8, baseDelayMs: 200, maxDelayMs: 2000 }, pollIntervalMs: 250 });

function fileSource(c: KafkaConnectCluster, name: string, topic: string): Record<string, unknown> {
    const file = path.join(tmp, `${name}.txt`);
    fs.writeFileSync(file, "line one\nline two\n");
    return {
        connectUrl: c.connectUrl,
        connectorName: name,
        config: { "connector.class": FILE_SOURCE, "tasks.max": "1", file, topic },
        // FileStreamSource ignores unknown keys; this one stands in for a password.
        secretConfig: { "x.secret.token": SECRET },
        readyTimeoutSeconds: 90,
    };
}

/**
 * The connector's config as the worker reports it. Right after a config change the worker can
 * answer 409 (or a 5xx) while its group rebalances: asked again (bounded) until it answers otherwise.
 */
async function liveConfig(
    c: KafkaConnectCluster,
    name: string,
): Promise<{ status: number; body: Record<string, string> }> {
    for (let attempt = 0; ; attempt++) {
        const r = await fetch(`${c.connectUrl}/connectors/${name}/config`, { signal: AbortSignal.timeout(30_000) });
        const body = (await r.json()) as Record<string, string>;
        if ((r.status !== 409 && r.status < 500) || attempt >= 40) return { status: r.status, body };
        await new Promise((res) => setTimeout(res, 250));
    }
}

describe("KafkaConnector on a real Kafka Connect worker", { timeout: 600_000 }, () => {
    after(async () => {
        if (cluster) await (await cluster.catch(() => undefined))?.stop();
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    it("creates, updates, refreshes and deletes a connector that reaches RUNNING", async (t) => {
        const c = await connect(t);
        if (!c) return;
        const p = provider();
        const args = fileSource(c, "engine-file-source", "lines-a");

        const created = await p.create(args);
        const outs = created.outs as KafkaConnectorOutputs;
        assert.equal(created.id, "engine-file-source");
        assert.equal(outs.state, "RUNNING");
        assert.deepEqual(outs.taskStates, ["RUNNING"]);
        assert.ok(!JSON.stringify(outs).includes(SECRET));
        assert.equal(
            (await liveConfig(c, "engine-file-source")).body["x.secret.token"],
            SECRET,
            "the secret part reached Connect",
        );

        // Refresh with nothing changed: no diff.
        const read = await p.read!(created.id, outs);
        assert.equal(read.id, created.id);
        assert.equal((await p.diff(created.id, read.props as KafkaConnectorOutputs, args as never)).changes, false);

        // Update in place: a changed key, named in the diff, applied and RUNNING again.
        const next = { ...args, config: { ...(args.config as Record<string, string>), topic: "lines-b" } };
        const d = await p.diff(created.id, outs, next as never);
        assert.deepEqual([d.changes, d.replaces, d.changedKeys], [true, [], ["topic"]]);
        const updated = await p.update!(created.id, outs, next);
        assert.equal((updated.outs as KafkaConnectorOutputs).state, "RUNNING");
        const live = await liveConfig(c, "engine-file-source");
        assert.equal(
            live.body.topic,
            "lines-b",
            `the worker's config after the update (HTTP ${live.status}): ${JSON.stringify(live.body)}`,
        );

        // Out-of-band change: refresh sees it and the diff names it.
        const put = await fetch(`${c.connectUrl}/connectors/engine-file-source/config`, {
            method: "PUT",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({
                ...(next.config as Record<string, string>),
                "x.secret.token": SECRET,
                topic: "lines-tampered",
            }),
        });
        assert.ok(put.ok, `out-of-band PUT failed: ${put.status}`);
        const drifted = await p.read!(created.id, updated.outs);
        assert.equal((drifted.props as KafkaConnectorOutputs).config.topic, "lines-tampered");
        assert.deepEqual(
            (await p.diff(created.id, drifted.props as KafkaConnectorOutputs, next as never)).changedKeys,
            ["topic"],
        );

        // Delete: stopped and removed; a second delete tolerates the 404; refresh sees it gone.
        await p.delete!(created.id, updated.outs);
        assert.equal((await liveConfig(c, "engine-file-source")).status, 404);
        await p.delete!(created.id, updated.outs);
        assert.equal((await p.read!(created.id, updated.outs)).id, "");
    });

    it("fails on a config the plugin rejects, naming the field, and creates nothing", async (t) => {
        const c = await connect(t);
        if (!c) return;
        const args = fileSource(c, "engine-bad-source", "lines-c");
        (args.config as Record<string, string>)["tasks.max"] = "several";
        await assert.rejects(provider().create(args), (e: Error) => {
            assert.match(e.message, /rejected the config/);
            assert.match(e.message, /- tasks\.max: /);
            assert.ok(!e.message.includes(SECRET));
            return true;
        });
        assert.equal((await liveConfig(c, "engine-bad-source")).status, 404);
    });

    it("has the project's Debezium MongoDB config accepted by the real plugin, but for the MongoDB connection itself", async (t) => {
        const c = await connect(t);
        if (!c) return;
        const config = debeziumMongoSourceConfig({
            topicPrefix: "mongo",
            database: "ecom",
            collections: ["customers", "products", "orders"],
        });
        const password = "dbz-Pa55-no-server";
        const secret = {
            [DEBEZIUM_SECRET_KEYS[0]]: mongoConnectionString({
                hosts: ["127.0.0.1:1"],
                user: "debezium",
                password,
                replicaSet: "rs0",
                options: { serverSelectionTimeoutMS: "3000" },
            }),
        };
        const problems = await validateConnectorConfig(
            {
                baseUrl: c.connectUrl,
                secretValues: secretValuesOf(secret),
                retry: resolveRetryPolicy({ retries: 4, baseDelayMs: 200, maxDelayMs: 1000 }),
                requestTimeoutMs: 120_000,
            },
            config["connector.class"],
            { ...config, ...secret, name: "ecom-source" },
        );
        const fields = problems.map((p) => p.field);
        const connectionFields = new Set([
            "mongodb.connection.string",
            "mongodb.hosts",
            "mongodb.members.auto.discover",
        ]);
        const others = problems.filter((p) => !connectionFields.has(p.field));
        assert.deepEqual(
            others,
            [],
            `fields other than the MongoDB connection were rejected: ${JSON.stringify(others)}`,
        );
        for (const p of problems) for (const m of p.errors) assert.ok(!m.includes(password), `secret leaked in: ${m}`);
        t.diagnostic(`connection-only problems reported by Debezium: ${fields.join(", ") || "none"}`);
    });

    it("turns each record value into raw_data plus its Kafka coordinates with the sink's transform chain", async (t) => {
        const c = await connect(t);
        if (!c) return;
        // The ClickHouse sink plugin is not on this worker, so its chain runs on a FileStreamSink,
        // which prints each transformed value. KeyToValue (shipped with the ClickHouse plugin) is left out.
        const sink = clickhouseSinkConfig({
            topicPrefix: "mongo",
            database: "ecom",
            collections: ["orders"],
            clickhouse: { host: "unused", port: 8123, ssl: false, database: "default", user: "u" },
        });
        const steps = sink.transforms
            .split(",")
            .filter((s) => sink[`transforms.${s}.type`] !== "com.clickhouse.kafka.connect.transforms.KeyToValue");
        const chain: Record<string, string> = { transforms: steps.join(",") };
        for (const [k, v] of Object.entries(sink)) {
            if (k.startsWith("predicates") || steps.some((s) => k.startsWith(`transforms.${s}.`))) chain[k] = v;
        }
        const topic = "mongo.ecom.orders";
        const envelopes = [
            '{"before":null,"after":"{\\"_id\\": {\\"$oid\\": \\"65f0c3000000000000000001\\"},\\"status\\": \\"paid\\"}","op":"c","ts_ms":1}',
            '{"before":null,"after":null,"op":"d","ts_ms":2}',
        ];
        const input = path.join(tmp, "envelopes.txt");
        const output = path.join(tmp, "bronze-rows.txt");
        fs.writeFileSync(input, `${envelopes.join("\n")}\n`);
        const p = provider();
        const strings = {
            "key.converter": "org.apache.kafka.connect.storage.StringConverter",
            "value.converter": "org.apache.kafka.connect.storage.StringConverter",
        };
        const source = await p.create({
            connectUrl: c.connectUrl,
            connectorName: "engine-envelopes",
            config: { "connector.class": FILE_SOURCE, "tasks.max": "1", file: input, topic, ...strings },
            readyTimeoutSeconds: 90,
        });
        const sinkRes = await p.create({
            connectUrl: c.connectUrl,
            connectorName: "engine-bronze-chain",
            config: {
                "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
                "tasks.max": "1",
                file: output,
                topics: topic,
                ...strings,
                ...chain,
            },
            readyTimeoutSeconds: 90,
        });
        const deadline = Date.now() + 90_000;
        let lines: string[] = [];
        while (Date.now() < deadline) {
            lines = fs.existsSync(output)
                ? fs
                      .readFileSync(output, "utf8")
                      .split("\n")
                      .filter((l) => l.length > 0)
                : [];
            if (lines.length >= envelopes.length) break;
            await new Promise((r) => setTimeout(r, 250));
        }
        assert.deepEqual(
            lines,
            envelopes.map((e, offset) => `Struct{raw_data=${e},_topic=${topic},_partition=0,_offset=${offset}}`),
        );
        await p.delete!(sinkRes.id, sinkRes.outs);
        await p.delete!(source.id, source.outs);
    });
});
