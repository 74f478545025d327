/**
 * Unit tier: the KafkaConnector dynamic provider's create and check, called directly against a fake
 * Kafka Connect REST server (node:http on 127.0.0.1, one per test) that records every request.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConnectHttpError, type KafkaConnectorOutputs } from "../../components/providers/kafkaConnector";
import { UNKNOWN_VALUE } from "../../components/providers/shared/unknown";
import {
    CLASS,
    CONN_STRING,
    createKafkaConnectorProvider,
    fakeConnect,
    fastProvider,
    inputs,
    PASSWORD,
    rejection,
} from "../support/fake-connect";

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
        for (const r of connect.requests)
            assert.ok(
                !r.body.includes("__provider") && !r.body.includes("serialised-provider-text"),
                `${r.method} ${r.path} carried __provider`,
            );
    });

    it("keeps secret values out of its outputs", async () => {
        const connect = await fakeConnect();
        const res = await fastProvider().create(inputs(connect.url));
        const text = JSON.stringify(res.outs);
        assert.ok(!text.includes(PASSWORD) && !text.includes(CONN_STRING), text);
        assert.match(
            (res.outs as KafkaConnectorOutputs).secretDigests["mongodb.connection.string"],
            /^sha256:[0-9a-f]{64}$/,
        );
    });

    it("retries a 409 (rebalance in progress) and then succeeds", async () => {
        const connect = await fakeConnect();
        let conflicts = 0;
        connect.intercept = (r) =>
            r.method === "PUT" && r.path === "/connectors/ecom-source/config" && conflicts++ < 2
                ? {
                      status: 409,
                      body: {
                          error_code: 409,
                          message:
                              "Cannot complete request momentarily due to stale configuration (typically caused by a concurrent config change)",
                      },
                  }
                : undefined;
        const res = await fastProvider().create(inputs(connect.url));
        assert.equal((res.outs as KafkaConnectorOutputs).state, "RUNNING");
        assert.equal(connect.count("PUT", "/connectors/ecom-source/config"), 3);
    });

    it("gives up on a persistent 5xx after the configured retries, with status and masked server message", async () => {
        const connect = await fakeConnect();
        connect.intercept = (r) =>
            r.path.includes("/validate")
                ? { status: 503, body: { error_code: 503, message: `worker busy; config was ${CONN_STRING}` } }
                : undefined;
        const err = await rejection(fastProvider().create(inputs(connect.url)));
        assert.ok(
            err instanceof Error && !(err instanceof ConnectHttpError),
            "a native Error: it must survive Pulumi's serialization of the provider",
        );
        assert.equal((err as ConnectHttpError).status, 503);
        assert.equal(connect.count("PUT", "/connector-plugins/"), 4, "1 attempt + 3 retries");
        assert.match(err.message, /HTTP 503: worker busy/);
        assert.ok(!err.message.includes(PASSWORD), err.message);
        assert.equal(connect.count("PUT", "/connectors/"), 0, "nothing applied after validation failed");
    });

    it("does not retry a 400", async () => {
        const connect = await fakeConnect();
        connect.intercept = (r) =>
            r.path.endsWith("/config") && r.method === "PUT"
                ? { status: 400, body: { error_code: 400, message: "Connector configuration is invalid" } }
                : undefined;
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
        assert.match(
            err.message,
            /task 0 FAILED: org\.apache\.kafka\.connect\.errors\.ConnectException: Error while attempting to connect/,
        );
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
        const err = await rejection(
            fastProvider().create(inputs(connect.url, { config: { "topic.prefix": "mongo" } })),
        );
        assert.match(err.message, /connector\.class/);
        assert.equal(connect.requests.length, 0);
    });

    it("masks secrets in connection errors", async () => {
        const err = await rejection(
            createKafkaConnectorProvider({ retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 1 } }).create(
                inputs("http://127.0.0.1:1"),
            ),
        );
        assert.match(err.message, /no response/);
        assert.equal((err as ConnectHttpError).status, undefined);
        assert.ok(!err.message.includes(PASSWORD));
    });
});

describe("KafkaConnector provider: check", () => {
    it("names the property and the fix for each bad input", async () => {
        const { failures } = await fastProvider().check!(
            {},
            {
                connectUrl: "localhost:8083",
                connectorName: "bad name",
                config: { "topic.prefix": "mongo", "mongodb.connection.string": "x" },
                secretConfig: { "mongodb.connection.string": "y" },
            },
        );
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
        const { failures } = await fastProvider().check!(
            {},
            inputs(UNKNOWN_VALUE, { config: UNKNOWN_VALUE, readyTimeoutSeconds: UNKNOWN_VALUE }),
        );
        assert.deepEqual(failures, []);
    });
});
