/**
 * Unit tier: a connector's declared state (running | paused | stopped) against a fake Kafka
 * Connect worker: applied through pause/resume/stop, waited for, previewed as an in-place
 * update naming `state`, and reported live by refresh.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KafkaConnectorOutputs } from "../../components/providers/kafkaConnector";
import { fakeConnect, fastProvider, inputs, rejection } from "../support/fake-connect";

const calls = (c: { requests: Array<{ method: string; path: string }> }, from = 0) =>
    c.requests
        .slice(from)
        .map((r) => `${r.method} ${r.path}`)
        .filter((r) => !r.includes("/status") && !r.includes("/validate"));

describe("KafkaConnector lifecycle: declared state", () => {
    it("goes running → paused → stopped → running through pause, stop and resume, waiting for each state", async () => {
        const connect = await fakeConnect();
        const p = fastProvider();
        const created = await p.create(inputs(connect.url));
        let outs = created.outs as KafkaConnectorOutputs;
        assert.equal(outs.desiredState, "running");

        let mark = connect.requests.length;
        outs = (await p.update!("ecom-source", outs, inputs(connect.url, { desiredState: "paused" })))
            .outs as KafkaConnectorOutputs;
        assert.deepEqual(calls(connect, mark), [
            "PUT /connectors/ecom-source/config",
            "PUT /connectors/ecom-source/pause",
        ]);
        assert.deepEqual([outs.state, outs.taskStates, outs.desiredState], ["PAUSED", ["PAUSED"], "paused"]);

        mark = connect.requests.length;
        outs = (await p.update!("ecom-source", outs, inputs(connect.url, { desiredState: "stopped" })))
            .outs as KafkaConnectorOutputs;
        assert.deepEqual(calls(connect, mark), [
            "PUT /connectors/ecom-source/config",
            "PUT /connectors/ecom-source/stop",
        ]);
        assert.deepEqual([outs.state, outs.taskStates], ["STOPPED", []]);

        mark = connect.requests.length;
        outs = (await p.update!("ecom-source", outs, inputs(connect.url))).outs as KafkaConnectorOutputs;
        assert.deepEqual(calls(connect, mark), [
            "PUT /connectors/ecom-source/config",
            "PUT /connectors/ecom-source/resume",
        ]);
        assert.deepEqual([outs.state, outs.taskStates, outs.desiredState], ["RUNNING", ["RUNNING"], "running"]);
    });

    it("creates a connector declared paused and reports it PAUSED", async () => {
        const connect = await fakeConnect();
        const res = await fastProvider().create(inputs(connect.url, { desiredState: "paused" }));
        assert.equal((res.outs as KafkaConnectorOutputs).state, "PAUSED");
        assert.equal(connect.count("PUT", "/connectors/ecom-source/pause"), 1);
    });

    it("sends no resume to a connector that is and stays running", async () => {
        const connect = await fakeConnect();
        const p = fastProvider();
        const created = await p.create(inputs(connect.url));
        await p.update!(
            "ecom-source",
            created.outs,
            inputs(connect.url, {
                config: { "connector.class": "io.debezium.connector.mongodb.MongoDbConnector", "topic.prefix": "m2" },
            }),
        );
        assert.equal(connect.count("PUT", "/connectors/ecom-source/resume"), 0);
    });

    it("fails when the connector does not reach the declared state in time, naming it", async () => {
        const connect = await fakeConnect();
        const p = fastProvider();
        const created = await p.create(inputs(connect.url));
        // A worker that accepts the pause but leaves the task running.
        connect.intercept = (r) => (r.path.endsWith("/pause") ? { status: 202 } : undefined);
        const err = await rejection(
            p.update!(
                "ecom-source",
                created.outs,
                inputs(connect.url, { desiredState: "paused", readyTimeoutSeconds: 0.3 }),
            ),
        );
        assert.match(err.message, /not PAUSED after/);
        assert.match(err.message, /connector RUNNING, tasks \[0:RUNNING\]/);
    });

    it("previews a new declared state as an in-place update naming desiredState and state", async () => {
        const connect = await fakeConnect();
        const p = fastProvider();
        const created = await p.create(inputs(connect.url));
        const d = await p.diff(
            "ecom-source",
            created.outs as KafkaConnectorOutputs,
            inputs(connect.url, { desiredState: "stopped" }) as never,
        );
        assert.equal(d.changes, true);
        assert.deepEqual(d.replaces, []);
        assert.deepEqual(d.detailedDiff.desiredState, { kind: "update" });
        assert.deepEqual(d.detailedDiff.state, { kind: "update" });
    });

    it("refresh reports a pause made outside Pulumi, and the diff brings it back to running", async () => {
        const connect = await fakeConnect();
        const p = fastProvider();
        const created = await p.create(inputs(connect.url));
        const c = connect.connectors.get("ecom-source")!;
        c.state = "PAUSED";
        c.tasks = [{ state: "PAUSED" }];
        const read = await p.read!("ecom-source", created.outs);
        const live = read.props as KafkaConnectorOutputs;
        assert.deepEqual([live.state, live.taskStates, live.desiredState], ["PAUSED", ["PAUSED"], "running"]);
        const d = await p.diff("ecom-source", live, inputs(connect.url) as never);
        assert.deepEqual(Object.keys(d.detailedDiff), ["state"]);
        const mark = connect.requests.length;
        const upd = await p.update!("ecom-source", live, inputs(connect.url));
        assert.ok(calls(connect, mark).includes("PUT /connectors/ecom-source/resume"));
        assert.equal((upd.outs as KafkaConnectorOutputs).state, "RUNNING");
    });

    it("reports no change for a paused connector that is PAUSED", async () => {
        const connect = await fakeConnect();
        const p = fastProvider();
        const created = await p.create(inputs(connect.url, { desiredState: "paused" }));
        const read = await p.read!("ecom-source", created.outs);
        const d = await p.diff(
            "ecom-source",
            read.props as KafkaConnectorOutputs,
            inputs(connect.url, { desiredState: "paused" }) as never,
        );
        assert.equal(d.changes, false, JSON.stringify(d.detailedDiff));
    });

    it("rejects an unknown state, naming the property and the config key", async () => {
        const { failures } = await fastProvider().check!(
            {},
            inputs("http://localhost:8083", { desiredState: "sleeping" }),
        );
        assert.equal(failures?.[0]?.property, "desiredState");
        assert.match(failures?.[0]?.reason ?? "", /running, paused, stopped.*cdc:connectors\.<source\|sink>\.state/);
    });

    it("says which Kafka version stop needs when the worker lacks it", async () => {
        const connect = await fakeConnect();
        const p = fastProvider();
        const created = await p.create(inputs(connect.url));
        connect.stopSupported = false;
        const err = await rejection(
            p.update!("ecom-source", created.outs, inputs(connect.url, { desiredState: "stopped" })),
        );
        assert.match(err.message, /needs Kafka 3\.5 or later/);
    });
});
