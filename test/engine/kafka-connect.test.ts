/**
 * Engine tier: real Kafka (KRaft) + Kafka Connect (distributed) from Maven Central jars, with the
 * Debezium MongoDB plugin on plugin.path (test/support/kafka). No MongoDB server can run here, so
 * the Debezium connector is exercised through plugin discovery and config validation, and a
 * connector shipped with Kafka proves that connectors and tasks really run on this worker.
 */
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it, type TestContext } from "node:test";
import { debeziumMongoSourceConfig, mongoConnectionString } from "../../connectors";
import { kafkaToolchainProblem, startKafkaConnect, type KafkaConnectCluster } from "../support/kafka";
import { freeLoopbackPorts } from "../support/kafka/ports";
import { requireTier } from "../support/tier";

const DEBEZIUM_MONGODB = "io.debezium.connector.mongodb.MongoDbConnector";

let cluster: Promise<KafkaConnectCluster> | undefined;

/** Starts the cluster once for the whole file, or skips `t` (out loud) when Kafka cannot run here. */
async function connect(t: TestContext): Promise<KafkaConnectCluster | undefined> {
    if (!requireTier(t, "kafka", await kafkaToolchainProblem())) return undefined;
    cluster ??= startKafkaConnect({
        log: process.env.CDC_TEST_VERBOSE ? (l) => process.stderr.write(`${l}\n`) : undefined,
    });
    return cluster;
}

async function rest<T = unknown>(
    c: KafkaConnectCluster,
    method: string,
    route: string,
    body?: unknown,
): Promise<{ status: number; body: T }> {
    const r = await fetch(`${c.connectUrl}${route}`, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(60_000),
    });
    const text = await r.text();
    return { status: r.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** Polls `probe` every 250 ms until it returns a value, or fails after `ms` with the last observation. */
async function eventually<T>(
    ms: number,
    what: string,
    probe: () => Promise<{ done: T | undefined; seen: unknown }>,
): Promise<T> {
    const deadline = Date.now() + ms;
    let seen: unknown;
    for (;;) {
        const r = await probe();
        if (r.done !== undefined) return r.done;
        seen = r.seen;
        if (Date.now() > deadline) assert.fail(`${what} within ${ms} ms; last seen: ${JSON.stringify(seen)}`);
        await new Promise((res) => setTimeout(res, 250));
    }
}

interface PluginInfo {
    class: string;
    type: string;
    version: string;
}
interface ConnectorStatus {
    connector: { state: string };
    tasks: { id: number; state: string; trace?: string }[];
}
interface Validation {
    name: string;
    error_count: number;
    configs: { definition: { name: string; required: boolean }; value: { name: string; errors: string[] } }[];
}

describe("Kafka Connect started from Maven Central jars", { timeout: 600_000 }, () => {
    after(async () => {
        if (cluster) await (await cluster.catch(() => undefined))?.stop();
    });

    it("lists the Debezium MongoDB source connector when its plugin is on plugin.path", async (t) => {
        const c = await connect(t);
        if (!c) return;
        const { status, body } = await rest<PluginInfo[]>(c, "GET", "/connector-plugins");
        assert.equal(status, 200);
        const debezium = body.find((p) => p.class === DEBEZIUM_MONGODB);
        assert.ok(debezium, `no ${DEBEZIUM_MONGODB} in ${JSON.stringify(body.map((p) => p.class))}`);
        assert.equal(debezium.type, "source");
        assert.match(debezium.version, /^3\.\d+\.\d+\.Final$/);
        const root = await rest<{ version: string; kafka_cluster_id: string }>(c, "GET", "/");
        assert.match(root.body.version, /^4\./, "the worker is a Kafka 4.x Connect");
        assert.ok(root.body.kafka_cluster_id, "the worker is attached to the KRaft cluster");
    });

    it("runs a FileStreamSource connector created through the REST API, task RUNNING and offsets committed", async (t) => {
        const c = await connect(t);
        if (!c) return;
        const dir = await fs.mkdtemp(path.join(os.tmpdir(), "cdc-filesource-"));
        t.after(() => fs.rm(dir, { recursive: true, force: true }));
        const input = path.join(dir, "input.txt");
        const lines = ["first change event", "second change event", "third change event"];
        await fs.writeFile(input, lines.join("\n") + "\n");

        const name = `file-source-${process.pid}`;
        const created = await rest(c, "POST", "/connectors", {
            name,
            config: {
                "connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector",
                "tasks.max": "1",
                file: input,
                topic: "cdc-test-file-lines",
            },
        });
        assert.equal(created.status, 201, JSON.stringify(created.body));

        const status = await eventually(120_000, "connector and task RUNNING", async () => {
            const s = await rest<ConnectorStatus>(c, "GET", `/connectors/${name}/status`);
            const running =
                s.status === 200 &&
                s.body.connector.state === "RUNNING" &&
                s.body.tasks.length === 1 &&
                s.body.tasks[0].state === "RUNNING";
            return { done: running ? s.body : undefined, seen: s.body };
        });
        assert.equal(status.tasks[0].id, 0);

        // The task read the whole file and Connect committed its position to the offsets topic:
        // the records went through the broker.
        const bytes = Buffer.byteLength(lines.join("\n") + "\n");
        await eventually(60_000, `source offset at byte ${bytes}`, async () => {
            const o = await rest<{ offsets: { offset: { position?: number } }[] }>(
                c,
                "GET",
                `/connectors/${name}/offsets`,
            );
            const position = o.body?.offsets?.[0]?.offset?.position;
            return { done: position === bytes ? true : undefined, seen: o.body };
        });

        assert.equal((await rest(c, "DELETE", `/connectors/${name}`)).status, 204);
    });

    it("validates a Debezium MongoDB config field by field when fields are missing", async (t) => {
        const c = await connect(t);
        if (!c) return;
        const route = `/connector-plugins/${DEBEZIUM_MONGODB}/config/validate`;
        const bare = await rest<Validation>(c, "PUT", route, { "connector.class": DEBEZIUM_MONGODB });
        assert.equal(bare.status, 200, JSON.stringify(bare.body));
        assert.equal(bare.body.name, DEBEZIUM_MONGODB);
        const field = (v: Validation, n: string) => {
            const f = v.configs.find((x) => x.value.name === n);
            assert.ok(f, `no field ${n} in the validation result`);
            return f;
        };
        assert.ok(bare.body.error_count >= 1);
        assert.ok(field(bare.body, "topic.prefix").value.errors.length > 0, "topic.prefix is required");
        assert.ok(
            field(bare.body, "mongodb.connection.string").definition,
            "the MongoDB connection string is a known field",
        );

        const withPrefix = await rest<Validation>(c, "PUT", route, {
            "connector.class": DEBEZIUM_MONGODB,
            "topic.prefix": "cdc",
        });
        assert.equal(withPrefix.status, 200);
        assert.deepEqual(field(withPrefix.body, "topic.prefix").value.errors, []);
        assert.ok(withPrefix.body.error_count < bare.body.error_count, "supplying a field removes its error");
    });

    it("accepts the project's Debezium source config: no field error but the unreachable MongoDB", async (t) => {
        const c = await connect(t);
        if (!c) return;
        const [closedPort] = await freeLoopbackPorts(1); // nothing listens there: no MongoDB can run here
        const config = {
            name: "mongo-source",
            ...debeziumMongoSourceConfig({
                topicPrefix: "mongo",
                database: "ecom",
                collections: ["customers", "products", "orders"],
            }),
            "mongodb.connection.string": mongoConnectionString({
                hosts: [`127.0.0.1:${closedPort}`],
                user: "debezium",
                password: "p@ss:w/rd",
                replicaSet: "rs0",
                options: { serverSelectionTimeoutMS: "1500" },
            }),
        };
        const v = await rest<Validation>(c, "PUT", `/connector-plugins/${DEBEZIUM_MONGODB}/config/validate`, config);
        assert.equal(v.status, 200, JSON.stringify(v.body));

        const known = new Set(v.body.configs.map((f) => f.value.name));
        // topic.creation.default.* belong to the worker's topic-creation feature, not to the plugin's
        // definitions. capture.scope/capture.target are read by MongoDbConnectorConfig (3.3.2 declares
        // them as fields) but are left out of the field list the validate endpoint returns.
        const readButNotListed = new Set(["capture.scope", "capture.target"]);
        const unknown = Object.keys(config).filter(
            (k) => !known.has(k) && !k.startsWith("topic.creation.default.") && !readButNotListed.has(k),
        );
        assert.deepEqual(unknown, [], "every key the builder sets is a field Debezium or Connect defines");

        const withErrors = v.body.configs.filter((f) => f.value.errors.length > 0);
        assert.deepEqual(
            withErrors.map((f) => f.value.name),
            ["mongodb.connection.string"],
            `only the connection fails; errors: ${JSON.stringify(withErrors.map((f) => f.value))}`,
        );
        assert.match(
            withErrors[0].value.errors.join(" "),
            /connect/i,
            "Debezium parsed the connection string and tried to connect",
        );
    });
});
