/**
 * Unit tier: the KafkaConnector provider's update, read (refresh) and delete against a fake Kafka
 * Connect worker.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConnectHttpError, type KafkaConnectorOutputs } from "../../components/providers/kafkaConnector";
import { CLASS, fakeConnect, fastProvider, inputs, rejection } from "../support/fake-connect";

describe("KafkaConnector provider: update", () => {
    it("PUTs the new config and waits for RUNNING", async () => {
        const connect = await fakeConnect();
        const p = fastProvider();
        const created = await p.create(inputs(connect.url));
        const res = await p.update!(
            "ecom-source",
            created.outs,
            inputs(connect.url, {
                config: {
                    "connector.class": CLASS,
                    "topic.prefix": "mongo",
                    "tasks.max": "1",
                    "snapshot.mode": "no_data",
                },
            }),
        );
        assert.equal(connect.connectors.get("ecom-source")!.config["snapshot.mode"], "no_data");
        assert.equal((res.outs as KafkaConnectorOutputs).config["snapshot.mode"], "no_data");
        assert.equal(connect.count("PUT", "/connector-plugins/"), 2, "update validates too");
    });

    it("restarts failed tasks when the stored state was not RUNNING", async () => {
        const connect = await fakeConnect();
        const p = fastProvider();
        const created = await p.create(inputs(connect.url));
        connect.stateOnPut = () => ({ state: "RUNNING", tasks: [{ state: "FAILED", trace: "boom" }] });
        const res = await p.update!(
            "ecom-source",
            { ...(created.outs as KafkaConnectorOutputs), taskStates: ["FAILED"] },
            inputs(connect.url),
        );
        assert.equal(connect.count("POST", "/connectors/ecom-source/restart"), 1);
        assert.deepEqual((res.outs as KafkaConnectorOutputs).taskStates, ["RUNNING"]);
    });
});

describe("KafkaConnector provider: read", () => {
    /**
     * Creates the connector, sets `key` to `value` on the worker behind Pulumi's back, then refreshes: what read
     * returned and its diff against the unchanged inputs.
     */
    async function refreshAfterDrift(key: string, value: string) {
        const connect = await fakeConnect();
        const p = fastProvider();
        const created = await p.create(inputs(connect.url));
        connect.connectors.get("ecom-source")!.config[key] = value;
        const read = await p.read!("ecom-source", created.outs);
        const diff = await p.diff("ecom-source", read.props as KafkaConnectorOutputs, inputs(connect.url) as never);
        return { read, diff };
    }

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
        const { read, diff } = await refreshAfterDrift("topic.prefix", "hacked");
        assert.equal((read.props as KafkaConnectorOutputs).config["topic.prefix"], "hacked");
        assert.deepEqual(diff.changedKeys, ["topic.prefix"]);
    });

    it("detects a secret changed outside Pulumi without exposing it", async () => {
        const { read, diff } = await refreshAfterDrift("mongodb.connection.string", "mongodb://other:pw-other-123@x/");
        assert.ok(!JSON.stringify(read.props).includes("pw-other-123"));
        assert.deepEqual(diff.changedKeys, ["mongodb.connection.string"]);
    });

    it("detects a connector that failed outside Pulumi (automatic restarts off)", async () => {
        const connect = await fakeConnect();
        const p = fastProvider();
        const created = await p.create(inputs(connect.url, { maxRestarts: 0 }));
        connect.connectors.get("ecom-source")!.tasks = [{ state: "FAILED", trace: "x" }];
        const read = await p.read!("ecom-source", created.outs);
        assert.deepEqual((read.props as KafkaConnectorOutputs).taskStates, ["FAILED"]);
        assert.equal(connect.count("POST", "/connectors/ecom-source/restart"), 0);
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
        await fastProvider().delete!("ecom-source", {
            connectUrl: connect.url,
            connectorName: "ecom-source",
        } as KafkaConnectorOutputs);
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
        connect.intercept = (r) =>
            r.method === "DELETE"
                ? { status: 500, body: { error_code: 500, message: "Request timed out" } }
                : undefined;
        const err = await rejection(p.delete!("ecom-source", created.outs));
        assert.equal((err as ConnectHttpError).status, 500);
        assert.match(err.message, /Request timed out/);
    });
});
