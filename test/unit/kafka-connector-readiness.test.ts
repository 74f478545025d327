/**
 * Unit tier: readiness "flowing" against a fake Kafka Connect worker: a running source is ready
 * once it produced (active topics, else committed offsets), a running sink once its group
 * committed; a healthy sink over empty topics is ready after a grace period; a source that never
 * produces, and a sink that consumes but never commits, fail in bounded time naming the causes.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KafkaConnectorOutputs } from "../../components/providers/kafkaConnector";
import { fakeConnect, fastProvider, inputs, rejection } from "../support/fake-connect";

const SINK = { "connector.class": "com.clickhouse.kafka.connect.ClickHouseSinkConnector", topics: "mongo.ecom.orders" };
const sinkInputs = (url: string, over: Record<string, unknown> = {}) =>
    inputs(url, {
        connectorName: "ecom-sink",
        config: SINK,
        secretConfig: { password: "pw-Sink-123" },
        readiness: "flowing",
        ...over,
    });

describe("KafkaConnector readiness: flowing source", () => {
    it("is ready once Connect lists a topic it produced to (e.g. the heartbeat topic)", async () => {
        const connect = await fakeConnect();
        let polls = 0;
        connect.intercept = (r) => {
            if (r.path.endsWith("/topics") && ++polls === 3)
                connect.connectors.get("ecom-source")!.topics = ["__debezium-heartbeat.mongo"];
            return undefined;
        };
        const res = await fastProvider().create(inputs(connect.url, { readiness: "flowing" }));
        assert.equal((res.outs as KafkaConnectorOutputs).flowProof, "produced to: __debezium-heartbeat.mongo");
        assert.ok(polls >= 3);
    });

    it("accepts committed source offsets when no active topic is listed", async () => {
        const connect = await fakeConnect();
        connect.stateOnPut = () => ({ state: "RUNNING", tasks: [{ state: "RUNNING" }] });
        connect.intercept = (r) =>
            r.method === "GET" && r.path.endsWith("/offsets")
                ? { status: 200, body: { offsets: [{ partition: { server_id: "mongo" }, offset: { ord: 1 } }] } }
                : undefined;
        const res = await fastProvider().create(inputs(connect.url, { readiness: "flowing" }));
        assert.match((res.outs as KafkaConnectorOutputs).flowProof ?? "", /committed source offsets on 1 partition/);
    });

    it("fails a RUNNING source that produces nothing within the timeout, naming the likely causes, and removes it", async () => {
        const connect = await fakeConnect();
        const started = Date.now();
        const err = await rejection(
            fastProvider().create(inputs(connect.url, { readiness: "flowing", readyTimeoutSeconds: 0.5 })),
        );
        assert.ok(Date.now() - started < 5000, "bounded by readyTimeoutSeconds");
        assert.match(err.message, /is RUNNING but produced no record in \d+ s/);
        assert.match(err.message, /not a replica set/);
        assert.match(err.message, /credentials/);
        assert.match(err.message, /unreachable from Connect \(network/);
        assert.match(err.message, /cdc:connectors\.readiness/);
        assert.match(err.message, /deleted again/);
        assert.equal(connect.connectors.size, 0);
    });

    it("waits only for RUNNING with readiness running (the provider's default)", async () => {
        const connect = await fakeConnect();
        const res = await fastProvider().create(inputs(connect.url));
        assert.equal((res.outs as KafkaConnectorOutputs).flowProof, undefined);
        assert.equal(connect.count("GET", "/connectors/ecom-source/topics"), 0);
    });

    it("does not wait for data on a connector declared paused", async () => {
        const connect = await fakeConnect();
        await fastProvider().create(inputs(connect.url, { readiness: "flowing", desiredState: "paused" }));
        assert.equal(connect.count("GET", "/connectors/ecom-source/topics"), 0);
    });

    it("says flow is not provable on a worker without /topics and /offsets, and is ready as RUNNING", async () => {
        const connect = await fakeConnect();
        connect.offsetsSupported = false;
        const res = await fastProvider().create(inputs(connect.url, { readiness: "flowing" }));
        assert.match((res.outs as KafkaConnectorOutputs).flowProof ?? "", /not provable.*Kafka 3\.5/);
    });
});

describe("KafkaConnector readiness: flowing sink", () => {
    it("is ready once its consumer group committed offsets", async () => {
        const connect = await fakeConnect();
        let polls = 0;
        connect.intercept = (r) => {
            if (r.path.endsWith("/offsets") && ++polls === 2) {
                connect.connectors.get("ecom-sink")!.offsets = [
                    {
                        partition: { kafka_topic: "mongo.ecom.orders", kafka_partition: 0 },
                        offset: { kafka_offset: 7 },
                    },
                ];
            }
            return undefined;
        };
        const res = await fastProvider({ sinkGraceMs: 60_000 }).create(
            sinkInputs(connect.url, { readyTimeoutSeconds: 10 }),
        );
        assert.equal((res.outs as KafkaConnectorOutputs).flowProof, "committed offsets on 1 partition(s)");
    });

    it("is ready over empty topics after the grace period, saying nothing could be proven", async () => {
        const connect = await fakeConnect();
        const started = Date.now();
        const res = await fastProvider({ sinkGraceMs: 200 }).create(
            sinkInputs(connect.url, { readyTimeoutSeconds: 10 }),
        );
        assert.match(
            (res.outs as KafkaConnectorOutputs).flowProof ?? "",
            /nothing to consume: no record reached it within 0\.2 s/,
        );
        assert.ok(Date.now() - started >= 200, "waited for the grace period");
    });

    it("fails a sink that received records but commits none within the timeout", async () => {
        const connect = await fakeConnect();
        connect.stateOnPut = () => ({ state: "RUNNING", tasks: [{ state: "RUNNING" }], topics: ["mongo.ecom.orders"] });
        const err = await rejection(
            fastProvider({ sinkGraceMs: 50 }).create(sinkInputs(connect.url, { readyTimeoutSeconds: 0.5 })),
        );
        assert.match(err.message, /is RUNNING but consumed records from mongo\.ecom\.orders but committed no offset/);
        assert.match(err.message, /ClickHouse\) is unreachable from Connect, refuses the credentials/);
        assert.ok(!err.message.includes("pw-Sink-123"));
    });
});

describe("KafkaConnector readiness: diff and check", () => {
    it("previews a readiness change as an in-place update", async () => {
        const connect = await fakeConnect();
        const p = fastProvider();
        const created = await p.create(inputs(connect.url));
        const d = await p.diff(
            "ecom-source",
            created.outs as KafkaConnectorOutputs,
            inputs(connect.url, { readiness: "flowing" }) as never,
        );
        assert.deepEqual([d.changes, d.replaces, d.detailedDiff.readiness], [true, [], { kind: "update" }]);
    });

    it("rejects an unknown readiness naming the config key", async () => {
        const { failures } = await fastProvider().check!(
            {},
            inputs("http://localhost:8083", { readiness: "eventually" }),
        );
        assert.equal(failures?.[0]?.property, "readiness");
        assert.match(failures?.[0]?.reason ?? "", /cdc:connectors\.readiness/);
    });
});
