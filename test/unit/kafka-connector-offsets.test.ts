/**
 * Unit tier: offsets reset as a declared operation (`resetOffsets: "<request id>"`) against a
 * fake Kafka Connect worker: a new id stops the connector, deletes its offsets (Kafka 3.6+, only
 * when STOPPED) and restores the declared state; the same id again does nothing; preview shows it.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KafkaConnectorOutputs } from "../../components/providers/kafkaConnector";
import { fakeConnect, fastProvider, inputs, rejection } from "../support/fake-connect";

const SINK = { "connector.class": "com.clickhouse.kafka.connect.ClickHouseSinkConnector", topics: "mongo.ecom.orders" };
const sink = (url: string, over: Record<string, unknown> = {}) =>
    inputs(url, { connectorName: "ecom-sink", config: SINK, secretConfig: { password: "pw-Sink-123" }, ...over });
const OFFSET = { partition: { kafka_topic: "mongo.ecom.orders", kafka_partition: 0 }, offset: { kafka_offset: 42 } };
const lifecycleCalls = (c: { requests: Array<{ method: string; path: string }> }, from: number) =>
    c.requests
        .slice(from)
        .map((r) => `${r.method} ${r.path}`)
        .filter((r) => /\/(stop|resume|pause|offsets)$/.test(r));

describe("KafkaConnector offsets reset", () => {
    it("a new request id stops the connector, deletes its offsets, then resumes it", async () => {
        const connect = await fakeConnect();
        const p = fastProvider();
        const created = await p.create(sink(connect.url));
        connect.connectors.get("ecom-sink")!.offsets = [OFFSET];
        const mark = connect.requests.length;
        const res = await p.update!("ecom-sink", created.outs, sink(connect.url, { resetOffsets: "restore-1" }));
        assert.deepEqual(lifecycleCalls(connect, mark), [
            "PUT /connectors/ecom-sink/stop",
            "DELETE /connectors/ecom-sink/offsets",
            "PUT /connectors/ecom-sink/resume",
        ]);
        assert.deepEqual(connect.connectors.get("ecom-sink")!.offsets, []);
        assert.equal(connect.count("PUT", "/connectors/ecom-sink/topics/reset"), 1, "active topics forgotten too");
        const o = res.outs as KafkaConnectorOutputs;
        assert.deepEqual([o.offsetsResetId, o.state], ["restore-1", "RUNNING"]);
    });

    it("the same id again does nothing, and is no change in preview", async () => {
        const connect = await fakeConnect();
        const p = fastProvider();
        const created = await p.create(sink(connect.url));
        const first = await p.update!("ecom-sink", created.outs, sink(connect.url, { resetOffsets: "restore-1" }));
        const d = await p.diff(
            "ecom-sink",
            first.outs as KafkaConnectorOutputs,
            sink(connect.url, { resetOffsets: "restore-1" }) as never,
        );
        assert.equal(d.changes, false);
        connect.connectors.get("ecom-sink")!.offsets = [OFFSET];
        const mark = connect.requests.length;
        await p.update!(
            "ecom-sink",
            first.outs,
            sink(connect.url, { resetOffsets: "restore-1", config: { ...SINK, "tasks.max": "2" } }),
        );
        assert.deepEqual(lifecycleCalls(connect, mark), []);
        assert.deepEqual(connect.connectors.get("ecom-sink")!.offsets, [OFFSET], "offsets kept");
    });

    it("removing the request keeps the id done: adding it back does nothing", async () => {
        const connect = await fakeConnect();
        const p = fastProvider();
        const created = await p.create(sink(connect.url));
        const first = await p.update!("ecom-sink", created.outs, sink(connect.url, { resetOffsets: "restore-1" }));
        const second = await p.update!(
            "ecom-sink",
            first.outs,
            sink(connect.url, { config: { ...SINK, "tasks.max": "2" } }),
        );
        assert.equal((second.outs as KafkaConnectorOutputs).offsetsResetId, "restore-1");
        const d = await p.diff(
            "ecom-sink",
            second.outs as KafkaConnectorOutputs,
            sink(connect.url, { resetOffsets: "restore-1", config: { ...SINK, "tasks.max": "2" } }) as never,
        );
        assert.equal(d.changes, false);
    });

    it("previews a new id as an in-place update naming resetOffsets", async () => {
        const connect = await fakeConnect();
        const p = fastProvider();
        const created = await p.create(sink(connect.url, { resetOffsets: "restore-1" }));
        const d = await p.diff(
            "ecom-sink",
            created.outs as KafkaConnectorOutputs,
            sink(connect.url, { resetOffsets: "restore-2" }) as never,
        );
        assert.deepEqual([d.changes, d.replaces, d.detailedDiff.resetOffsets], [true, [], { kind: "update" }]);
    });

    it("on create, records the id without resetting anything", async () => {
        const connect = await fakeConnect();
        const res = await fastProvider().create(sink(connect.url, { resetOffsets: "restore-1" }));
        assert.equal((res.outs as KafkaConnectorOutputs).offsetsResetId, "restore-1");
        assert.equal(connect.count("DELETE", "/connectors/ecom-sink/offsets"), 0);
        assert.equal(connect.count("PUT", "/connectors/ecom-sink/stop"), 0);
    });

    it("restores a declared paused state after the reset", async () => {
        const connect = await fakeConnect();
        const p = fastProvider();
        const created = await p.create(sink(connect.url, { desiredState: "paused" }));
        const mark = connect.requests.length;
        const res = await p.update!(
            "ecom-sink",
            created.outs,
            sink(connect.url, { desiredState: "paused", resetOffsets: "r2" }),
        );
        assert.deepEqual(lifecycleCalls(connect, mark), [
            "PUT /connectors/ecom-sink/stop",
            "DELETE /connectors/ecom-sink/offsets",
            "PUT /connectors/ecom-sink/pause",
        ]);
        assert.equal((res.outs as KafkaConnectorOutputs).state, "PAUSED");
    });

    it("fails naming the Kafka version when the worker cannot reset offsets, and puts the connector back in its declared state", async () => {
        const connect = await fakeConnect();
        const p = fastProvider();
        const created = await p.create(sink(connect.url));
        connect.intercept = (r) =>
            r.method === "DELETE" && r.path.endsWith("/offsets")
                ? { status: 405, body: { error_code: 405, message: "HTTP 405 Method Not Allowed" } }
                : undefined;
        const err = await rejection(
            p.update!("ecom-sink", created.outs, sink(connect.url, { resetOffsets: "restore-1" })),
        );
        assert.match(err.message, /resetting the offsets of connector "ecom-sink".*needs Kafka 3\.6 or later/);
        assert.match(
            err.message,
            /offsets reset "restore-1" failed, the offsets are unchanged and it was put back in its declared state \(running\)/,
        );
        assert.equal(connect.connectors.get("ecom-sink")!.state, "RUNNING", "not left STOPPED");
    });

    it("rejects a request id that is not a plain token", async () => {
        const { failures } = await fastProvider().check!(
            {},
            sink("http://localhost:8083", { resetOffsets: "replay everything!" }),
        );
        assert.equal(failures?.[0]?.property, "resetOffsets");
        assert.match(failures?.[0]?.reason ?? "", /request id/);
    });

    it("with flowing readiness, a sink whose topics hold nothing any more is ready after the grace, not stuck on commits", async () => {
        const connect = await fakeConnect();
        const p = fastProvider({ sinkGraceMs: 100 });
        connect.stateOnPut = () => ({ state: "RUNNING", tasks: [{ state: "RUNNING" }], topics: ["mongo.ecom.orders"] });
        connect.intercept = (r) =>
            r.method === "GET" && r.path.endsWith("/offsets") && !connect.requests.some((x) => x.method === "DELETE")
                ? { status: 200, body: { offsets: [OFFSET] } }
                : undefined;
        const created = await p.create(sink(connect.url, { readiness: "flowing" }));
        assert.match((created.outs as KafkaConnectorOutputs).flowProof ?? "", /committed offsets/);
        connect.stateOnPut = () => ({ state: "RUNNING", tasks: [{ state: "RUNNING" }] });
        const res = await p.update!(
            "ecom-sink",
            created.outs,
            sink(connect.url, { readiness: "flowing", resetOffsets: "r1", readyTimeoutSeconds: 5 }),
        );
        assert.match((res.outs as KafkaConnectorOutputs).flowProof ?? "", /nothing to consume/);
    });
});
