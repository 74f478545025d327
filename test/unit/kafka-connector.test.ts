/**
 * Unit tier: the KafkaConnector dynamic provider's methods, called directly against a fake Kafka
 * Connect REST server (node:http on 127.0.0.1, one per test) that records every request.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import {
    ConnectHttpError,
    createKafkaConnectorProvider,
    diffConnector,
    summariseTrace,
    type KafkaConnectorOutputs,
} from "../../components/providers/kafkaConnector";
import { UNKNOWN_VALUE } from "../../components/providers/shared/unknown";
import { fakeConnect, type FakeConnect } from "../support/fake-connect";

const CLASS = "io.debezium.connector.mongodb.MongoDbConnector";
const PASSWORD = "s3cr3t-Pa55word";
const CONN_STRING = `mongodb://debezium:${PASSWORD}@mongo:27017/?replicaSet=rs0`;

/** Fast retries and polls, so error paths take milliseconds. */
const fastProvider = () => createKafkaConnectorProvider({ retry: { retries: 3, baseDelayMs: 1, maxDelayMs: 4 }, pollIntervalMs: 5 });

function inputs(url: string, over: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        connectUrl: url,
        connectorName: "ecom-source",
        config: { "connector.class": CLASS, "topic.prefix": "mongo", "tasks.max": "1" },
        secretConfig: { "mongodb.connection.string": CONN_STRING },
        readyTimeoutSeconds: 2,
        ...over,
    };
}

async function rejection(p: Promise<unknown>): Promise<Error> {
    try {
        await p;
    } catch (e) {
        return e as Error;
    }
    assert.fail("expected the operation to fail");
}

describe("KafkaConnector provider: create", () => {
    it("validates the config, then PUTs it, then waits until connector and tasks are RUNNING", async () => {
        const connect = await fakeConnect();
        let polls = 0;
        connect.stateOnPut = () => ({ state: "UNASSIGNED", tasks: [] });
        connect.intercept = (r) => {
            if (r.method === "GET" && r.path.endsWith("/status") && ++polls === 3) {
                const c = connect.connectors.get("ecom-source")!;
                c.state = "RUNNING";
                c.tasks = [{ state: "RUNNING" }];
            }
            return undefined;
        };
        const res = await fastProvider().create(inputs(connect.url));
        assert.equal(res.id, "ecom-source");
        const kinds = connect.requests.map((r) => `${r.method} ${r.path}`);
        assert.equal(kinds[0], `PUT /connector-plugins/${CLASS}/config/validate`);
        assert.equal(kinds[1], "PUT /connectors/ecom-source/config");
        assert.ok(polls >= 3, "status was polled until RUNNING");
        const outs = res.outs as KafkaConnectorOutputs;
        assert.equal(outs.state, "RUNNING");
        assert.deepEqual(outs.taskStates, ["RUNNING"]);
        assert.equal(outs.connectorClass, CLASS);
        assert.deepEqual(outs.secretKeys, ["mongodb.connection.string"]);
    });

    it("sends config and secret config merged to Connect, without __provider", async () => {
        const connect = await fakeConnect();
        await fastProvider().create({ ...inputs(connect.url), __provider: "serialised-provider-text" });
        const put = connect.requests.find((r) => r.method === "PUT" && r.path === "/connectors/ecom-source/config")!;
        const body = JSON.parse(put.body);
        assert.equal(body["mongodb.connection.string"], CONN_STRING);
        assert.equal(body["topic.prefix"], "mongo");
        for (const r of connect.requests) assert.ok(!r.body.includes("__provider") && !r.body.includes("serialised-provider-text"), `${r.method} ${r.path} carried __provider`);
    });

    it("keeps secret values out of its outputs", async () => {
        const connect = await fakeConnect();
        const res = await fastProvider().create(inputs(connect.url));
        const text = JSON.stringify(res.outs);
        assert.ok(!text.includes(PASSWORD) && !text.includes(CONN_STRING), text);
        assert.match((res.outs as KafkaConnectorOutputs).secretDigests["mongodb.connection.string"], /^sha256:[0-9a-f]{64}$/);
    });

    it("retries a 409 (rebalance in progress) and then succeeds", async () => {
        const connect = await fakeConnect();
        let conflicts = 0;
        connect.intercept = (r) =>
            r.method === "PUT" && r.path === "/connectors/ecom-source/config" && conflicts++ < 2
                ? { status: 409, body: { error_code: 409, message: "Cannot complete request momentarily due to stale configuration (typically caused by a concurrent config change)" } }
                : undefined;
        const res = await fastProvider().create(inputs(connect.url));
        assert.equal((res.outs as KafkaConnectorOutputs).state, "RUNNING");
        assert.equal(connect.count("PUT", "/connectors/ecom-source/config"), 3);
    });

    it("gives up on a persistent 5xx after the configured retries, with status and masked server message", async () => {
        const connect = await fakeConnect();
        connect.intercept = (r) =>
            r.path.includes("/validate") ? { status: 503, body: { error_code: 503, message: `worker busy; config was ${CONN_STRING}` } } : undefined;
        const err = await rejection(fastProvider().create(inputs(connect.url)));
        assert.ok(err instanceof Error && !(err instanceof ConnectHttpError), "a native Error: it must survive Pulumi's serialization of the provider");
        assert.equal((err as ConnectHttpError).status, 503);
        assert.equal(connect.count("PUT", "/connector-plugins/"), 4, "1 attempt + 3 retries");
        assert.match(err.message, /HTTP 503: worker busy/);
        assert.ok(!err.message.includes(PASSWORD), err.message);
        assert.equal(connect.count("PUT", "/connectors/"), 0, "nothing applied after validation failed");
    });

    it("does not retry a 400", async () => {
        const connect = await fakeConnect();
        connect.intercept = (r) => (r.path.endsWith("/config") && r.method === "PUT" ? { status: 400, body: { error_code: 400, message: "Connector configuration is invalid" } } : undefined);
        const err = await rejection(fastProvider().create(inputs(connect.url)));
        assert.equal((err as ConnectHttpError).status, 400);
        assert.equal(connect.count("PUT", "/connectors/ecom-source/config"), 1);
    });

    it("reports each invalid field with its message and applies nothing", async () => {
        const connect = await fakeConnect();
        connect.validationErrors = {
            "topic.prefix": ["Invalid value mongo!: must match [A-Za-z0-9._-]+"],
            "mongodb.connection.string": [`Unable to connect: ${CONN_STRING} timed out`],
        };
        const err = await rejection(fastProvider().create(inputs(connect.url)));
        assert.match(err.message, /2 invalid field/);
        assert.match(err.message, /- topic\.prefix: Invalid value mongo!: must match/);
        assert.match(err.message, /- mongodb\.connection\.string: Unable to connect: /);
        assert.ok(!err.message.includes(PASSWORD), err.message);
        assert.equal(connect.count("PUT", "/connectors/"), 0);
    });

    it("fails when a task is FAILED, with the task's trace summarised and secrets masked", async () => {
        const connect = await fakeConnect();
        const trace = [
            "org.apache.kafka.connect.errors.ConnectException: Error while attempting to connect",
            "\tat io.debezium.connector.mongodb.MongoDbConnectorTask.start(MongoDbConnectorTask.java:101)",
            "\tat org.apache.kafka.connect.runtime.WorkerTask.run(WorkerTask.java:237)",
            `Caused by: com.mongodb.MongoSecurityException: Exception authenticating MongoCredential{user=debezium, password=${PASSWORD}}`,
            "\tat com.mongodb.internal.connection.SaslAuthenticator.wrapException(SaslAuthenticator.java:262)",
        ].join("\n");
        connect.stateOnPut = () => ({ state: "RUNNING", tasks: [{ state: "FAILED", trace }] });
        const err = await rejection(fastProvider().create(inputs(connect.url)));
        assert.match(err.message, /task 0 FAILED: org\.apache\.kafka\.connect\.errors\.ConnectException: Error while attempting to connect/);
        assert.match(err.message, /Caused by: com\.mongodb\.MongoSecurityException/);
        assert.ok(!err.message.includes("WorkerTask.run"), "stack frames are summarised away");
        assert.ok(!err.message.includes(PASSWORD), err.message);
    });

    it("fails after readyTimeoutSeconds when the connector never reaches RUNNING", async () => {
        const connect = await fakeConnect();
        connect.stateOnPut = () => ({ state: "UNASSIGNED", tasks: [] });
        const err = await rejection(fastProvider().create(inputs(connect.url, { readyTimeoutSeconds: 0.2 })));
        assert.match(err.message, /not RUNNING after/);
        assert.match(err.message, /UNASSIGNED/);
    });

    it("does not wait for RUNNING when requireRunning is false", async () => {
        const connect = await fakeConnect();
        connect.stateOnPut = () => ({ state: "UNASSIGNED", tasks: [] });
        const res = await fastProvider().create(inputs(connect.url, { requireRunning: false }));
        assert.equal((res.outs as KafkaConnectorOutputs).state, "UNASSIGNED");
    });

    it("rejects inputs without connector.class before calling Connect", async () => {
        const connect = await fakeConnect();
        const err = await rejection(fastProvider().create(inputs(connect.url, { config: { "topic.prefix": "mongo" } })));
        assert.match(err.message, /connector\.class/);
        assert.equal(connect.requests.length, 0);
    });

    it("masks secrets in connection errors", async () => {
        const err = await rejection(
            createKafkaConnectorProvider({ retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 1 } }).create(inputs("http://127.0.0.1:1")),
        );
        assert.match(err.message, /no response/);
        assert.equal((err as ConnectHttpError).status, undefined);
        assert.ok(!err.message.includes(PASSWORD));
    });
});

describe("KafkaConnector provider: check", () => {
    it("names the property and the fix for each bad input", async () => {
        const { failures } = await fastProvider().check!({}, {
            connectUrl: "localhost:8083",
            connectorName: "bad name",
            config: { "topic.prefix": "mongo", "mongodb.connection.string": "x" },
            secretConfig: { "mongodb.connection.string": "y" },
        });
        const byProperty = Object.fromEntries((failures ?? []).map((f) => [f.property, f.reason]));
        assert.match(byProperty.connectUrl, /http\(s\) URL/);
        assert.match(byProperty.connectorName, /letters, digits/);
        assert.ok((failures ?? []).some((f) => f.property === "config" && /connector\.class/.test(f.reason)));
        assert.match(byProperty.secretConfig, /also in config/);
    });

    it("accepts good inputs", async () => {
        const { failures } = await fastProvider().check!({}, inputs("http://localhost:8083"));
        assert.deepEqual(failures, []);
    });

    it("leaves values not known yet (preview) to apply time", async () => {
        const { failures } = await fastProvider().check!({}, inputs(UNKNOWN_VALUE, { config: UNKNOWN_VALUE, readyTimeoutSeconds: UNKNOWN_VALUE }));
        assert.deepEqual(failures, []);
    });
});

/** Outputs of a connector created against a fake worker, as if stored for `url`. */
async function storedOutputs(url: string): Promise<KafkaConnectorOutputs> {
    const connect = await fakeConnect();
    const res = await fastProvider().create(inputs(connect.url));
    return { ...(res.outs as KafkaConnectorOutputs), connectUrl: url };
}

describe("KafkaConnector provider: diff", () => {
    const base = async () => storedOutputs("http://connect:8083");
    const news = (over: Record<string, unknown> = {}) => inputs("http://connect:8083", over);

    it("reports no change when nothing changed", async () => {
        const d = await fastProvider().diff("ecom-source", await base(), news() as never);
        assert.equal(d.changes, false);
        assert.deepEqual(d.replaces, []);
    });

    it("replaces the connector, deleting first, when its name changes", async () => {
        const d = await fastProvider().diff("ecom-source", await base(), news({ connectorName: "ecom-source-v2" }) as never);
        assert.equal(d.changes, true);
        assert.deepEqual(d.replaces, ["connectorName"]);
        assert.equal(d.deleteBeforeReplace, true);
    });

    it("replaces the connector when its class changes", async () => {
        const d = await fastProvider().diff("ecom-source", await base(), news({ config: { "connector.class": "other.Connector", "topic.prefix": "mongo", "tasks.max": "1" } }) as never);
        assert.ok(d.replaces!.length > 0);
        assert.deepEqual(d.detailedDiff['config["connector.class"]'], { kind: "update-replace" });
    });

    it("updates in place naming the changed, added and removed config keys", async () => {
        const d = await fastProvider().diff("ecom-source", await base(), news({ config: { "connector.class": CLASS, "topic.prefix": "mongo2", "snapshot.mode": "initial" } }) as never);
        assert.equal(d.changes, true);
        assert.deepEqual(d.replaces, []);
        assert.deepEqual(d.changedKeys, ["snapshot.mode", "tasks.max", "topic.prefix"]);
        assert.deepEqual(d.detailedDiff['config["topic.prefix"]'], { kind: "update" });
        assert.deepEqual(d.detailedDiff['config["snapshot.mode"]'], { kind: "add" });
        assert.deepEqual(d.detailedDiff['config["tasks.max"]'], { kind: "delete" });
    });

    it("reports a changed secret by key only, never its old or new value", async () => {
        const newPassword = "n3w-Pa55word-xyz";
        const d = await fastProvider().diff(
            "ecom-source",
            await base(),
            news({ secretConfig: { "mongodb.connection.string": CONN_STRING.replace(PASSWORD, newPassword) } }) as never,
        );
        assert.equal(d.changes, true);
        assert.deepEqual(d.replaces, []);
        assert.deepEqual(d.detailedDiff['secretConfig["mongodb.connection.string"]'], { kind: "update" });
        const text = JSON.stringify(d);
        assert.ok(!text.includes(PASSWORD) && !text.includes(newPassword), text);
    });

    it("previews an unknown config as an update, not a replacement", async () => {
        const d = await fastProvider().diff("ecom-source", await base(), news({ config: UNKNOWN_VALUE, secretConfig: { "mongodb.connection.string": UNKNOWN_VALUE } }) as never);
        assert.equal(d.changes, true);
        assert.deepEqual(d.replaces, []);
        assert.deepEqual(d.detailedDiff.config, { kind: "update" });
        assert.deepEqual(d.detailedDiff.secretConfig, { kind: "update" });
    });

    it("previews an unknown connector name as a possible replacement", async () => {
        const d = await fastProvider().diff("ecom-source", await base(), news({ connectorName: UNKNOWN_VALUE }) as never);
        assert.deepEqual(d.replaces, ["connectorName"]);
    });

    it("asks for an update when refresh saw the connector not RUNNING", async () => {
        const d = diffConnector({ ...(await base()), state: "RUNNING", taskStates: ["FAILED"] }, news() as never);
        assert.equal(d.changes, true);
        assert.deepEqual(d.detailedDiff.state, { kind: "update" });
    });
});

describe("KafkaConnector provider: update", () => {
    it("PUTs the new config and waits for RUNNING", async () => {
        const connect = await fakeConnect();
        const p = fastProvider();
        const created = await p.create(inputs(connect.url));
        const res = await p.update!("ecom-source", created.outs, inputs(connect.url, { config: { "connector.class": CLASS, "topic.prefix": "mongo", "tasks.max": "1", "snapshot.mode": "no_data" } }));
        assert.equal(connect.connectors.get("ecom-source")!.config["snapshot.mode"], "no_data");
        assert.equal((res.outs as KafkaConnectorOutputs).config["snapshot.mode"], "no_data");
        assert.equal(connect.count("PUT", "/connector-plugins/"), 2, "update validates too");
    });

    it("restarts failed tasks when the stored state was not RUNNING", async () => {
        const connect = await fakeConnect();
        const p = fastProvider();
        const created = await p.create(inputs(connect.url));
        connect.stateOnPut = () => ({ state: "RUNNING", tasks: [{ state: "FAILED", trace: "boom" }] });
        const res = await p.update!("ecom-source", { ...(created.outs as KafkaConnectorOutputs), taskStates: ["FAILED"] }, inputs(connect.url));
        assert.equal(connect.count("POST", "/connectors/ecom-source/restart"), 1);
        assert.deepEqual((res.outs as KafkaConnectorOutputs).taskStates, ["RUNNING"]);
    });
});

describe("KafkaConnector provider: read", () => {
    it("returns the live config and state when nothing drifted, so refresh changes nothing", async () => {
        const connect = await fakeConnect();
        const p = fastProvider();
        const created = await p.create(inputs(connect.url));
        const read = await p.read!("ecom-source", created.outs);
        assert.equal(read.id, "ecom-source");
        assert.deepEqual(read.props, created.outs);
        const d = await p.diff("ecom-source", read.props as KafkaConnectorOutputs, inputs(connect.url) as never);
        assert.equal(d.changes, false);
    });

    it("detects a config changed outside Pulumi", async () => {
        const connect = await fakeConnect();
        const p = fastProvider();
        const created = await p.create(inputs(connect.url));
        connect.connectors.get("ecom-source")!.config["topic.prefix"] = "hacked";
        const read = await p.read!("ecom-source", created.outs);
        assert.equal((read.props as KafkaConnectorOutputs).config["topic.prefix"], "hacked");
        const d = await p.diff("ecom-source", read.props as KafkaConnectorOutputs, inputs(connect.url) as never);
        assert.deepEqual(d.changedKeys, ["topic.prefix"]);
    });

    it("detects a secret changed outside Pulumi without exposing it", async () => {
        const connect = await fakeConnect();
        const p = fastProvider();
        const created = await p.create(inputs(connect.url));
        connect.connectors.get("ecom-source")!.config["mongodb.connection.string"] = "mongodb://other:pw-other-123@x/";
        const read = await p.read!("ecom-source", created.outs);
        assert.ok(!JSON.stringify(read.props).includes("pw-other-123"));
        const d = await p.diff("ecom-source", read.props as KafkaConnectorOutputs, inputs(connect.url) as never);
        assert.deepEqual(d.changedKeys, ["mongodb.connection.string"]);
    });

    it("detects a connector that failed outside Pulumi", async () => {
        const connect = await fakeConnect();
        const p = fastProvider();
        const created = await p.create(inputs(connect.url));
        connect.connectors.get("ecom-source")!.tasks = [{ state: "FAILED", trace: "x" }];
        const read = await p.read!("ecom-source", created.outs);
        assert.deepEqual((read.props as KafkaConnectorOutputs).taskStates, ["FAILED"]);
    });

    it("returns an empty id when the connector was deleted outside Pulumi", async () => {
        const connect = await fakeConnect();
        const p = fastProvider();
        const created = await p.create(inputs(connect.url));
        connect.connectors.delete("ecom-source");
        const read = await p.read!("ecom-source", created.outs);
        assert.equal(read.id, "");
    });
});

describe("KafkaConnector provider: delete", () => {
    it("stops, then deletes the connector", async () => {
        const connect = await fakeConnect();
        const p = fastProvider();
        const created = await p.create(inputs(connect.url));
        await p.delete!("ecom-source", created.outs);
        const tail = connect.requests.slice(-2).map((r) => `${r.method} ${r.path}`);
        assert.deepEqual(tail, ["PUT /connectors/ecom-source/stop", "DELETE /connectors/ecom-source"]);
        assert.equal(connect.connectors.size, 0);
    });

    it("tolerates a connector that is already gone (404)", async () => {
        const connect = await fakeConnect();
        await fastProvider().delete!("ecom-source", { connectUrl: connect.url, connectorName: "ecom-source" } as KafkaConnectorOutputs);
        assert.equal(connect.count("DELETE", "/connectors/ecom-source"), 1);
    });

    it("still deletes on a worker without the stop endpoint", async () => {
        const connect = await fakeConnect();
        const p = fastProvider();
        const created = await p.create(inputs(connect.url));
        connect.stopSupported = false;
        await p.delete!("ecom-source", created.outs);
        assert.equal(connect.connectors.size, 0);
    });

    it("fails with the status when the worker refuses the delete", async () => {
        const connect = await fakeConnect();
        const p = fastProvider();
        const created = await p.create(inputs(connect.url));
        connect.intercept = (r) => (r.method === "DELETE" ? { status: 500, body: { error_code: 500, message: "Request timed out" } } : undefined);
        const err = await rejection(p.delete!("ecom-source", created.outs));
        assert.equal((err as ConnectHttpError).status, 500);
        assert.match(err.message, /Request timed out/);
    });
});

describe("summariseTrace", () => {
    it("keeps the first line and the Caused-by lines, at most four", () => {
        const t = ["A: top", "\tat x", "Caused by: B", "\tat y", "Caused by: C", "Caused by: D", "Caused by: E"].join("\n");
        assert.equal(summariseTrace(t, []), "A: top\n  Caused by: B\n  Caused by: C\n  Caused by: D");
    });
});

/** Loads serialised closure text the way Pulumi's dynamic-provider host does (a module resolved from the project). */
function loadSerialised(text: string, exportName: string): unknown {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const Module = require("module") as { new (id: string): { paths: string[]; _compile(src: string, file: string): void; exports: Record<string, unknown> }; _nodeModulePaths(dir: string): string[] };
    const file = `${process.cwd()}/__serialised_provider__.js`;
    const m = new Module(file);
    m.paths = Module._nodeModulePaths(process.cwd());
    m._compile(text, file);
    return (m.exports[exportName] as () => unknown)();
}

describe("KafkaConnector provider: serialisation", () => {
    it("survives pulumi.runtime.serializeFunction and works after deserialisation", async () => {
        const provider = fastProvider();
        const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: false });
        assert.ok(!sf.text.includes(PASSWORD));
        const revived = loadSerialised(sf.text, sf.exportName) as ReturnType<typeof fastProvider>;
        const connect = await fakeConnect();
        const res = await revived.create({ ...inputs(connect.url), __provider: sf.text });
        assert.equal((res.outs as KafkaConnectorOutputs).state, "RUNNING");
        for (const r of connect.requests) assert.ok(!r.body.includes("__provider") && !r.body.includes("exports.handler"), `${r.method} ${r.path} carried the provider`);
        const d = await revived.diff("ecom-source", res.outs as KafkaConnectorOutputs, inputs(connect.url, { config: { "connector.class": CLASS, "topic.prefix": "x" } }) as never);
        assert.equal(d.changes, true);
        await revived.delete!("ecom-source", res.outs);
        assert.equal(connect.connectors.size, 0);
    });

    it("keeps its error messages after deserialisation (status, field errors, secrets masked)", async () => {
        const provider = fastProvider();
        const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: false });
        const revived = loadSerialised(sf.text, sf.exportName) as ReturnType<typeof fastProvider>;
        const connect = await fakeConnect();
        connect.validationErrors = { "topic.prefix": [`bad prefix near ${CONN_STRING}`] };
        await assert.rejects(
            () => revived.create(inputs(connect.url) as never),
            (e: Error) => {
                assert.match(e.message, /topic\.prefix/);
                assert.match(e.message, /bad prefix/);
                assert.ok(!e.message.includes(CONN_STRING), "secret masked");
                return true;
            },
        );
    });
});
