/**
 * Unit tier: the KafkaConnector provider after Pulumi's function serialization, and trace summaries.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { summariseTrace, type KafkaConnectorOutputs } from "../../components/providers/kafkaConnector";
import {
    CLASS,
    CONN_STRING,
    fakeConnect,
    fastProvider,
    inputs,
    loadSerialised,
    PASSWORD,
} from "../support/fake-connect";

describe("summariseTrace", () => {
    it("keeps the first line and the Caused-by lines, at most four", () => {
        const t = ["A: top", "\tat x", "Caused by: B", "\tat y", "Caused by: C", "Caused by: D", "Caused by: E"].join(
            "\n",
        );
        assert.equal(summariseTrace(t, []), "A: top\n  Caused by: B\n  Caused by: C\n  Caused by: D");
    });
});

describe("KafkaConnector provider: serialisation", () => {
    it("survives pulumi.runtime.serializeFunction and works after deserialisation", async () => {
        const provider = fastProvider();
        const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: false });
        assert.ok(!sf.text.includes(PASSWORD));
        const revived = loadSerialised(sf.text, sf.exportName) as ReturnType<typeof fastProvider>;
        const connect = await fakeConnect();
        const res = await revived.create({ ...inputs(connect.url), __provider: sf.text });
        assert.equal((res.outs as KafkaConnectorOutputs).state, "RUNNING");
        for (const r of connect.requests)
            assert.ok(
                !r.body.includes("__provider") && !r.body.includes("exports.handler"),
                `${r.method} ${r.path} carried the provider`,
            );
        const d = await revived.diff(
            "ecom-source",
            res.outs as KafkaConnectorOutputs,
            inputs(connect.url, { config: { "connector.class": CLASS, "topic.prefix": "x" } }) as never,
        );
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

    it("runs the lifecycle paths after deserialisation: flowing readiness, pause, restart of a failed task, offsets reset", async () => {
        const provider = fastProvider();
        const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: false });
        const revived = loadSerialised(sf.text, sf.exportName) as ReturnType<typeof fastProvider>;
        const connect = await fakeConnect();
        // A source that keeps producing heartbeats: its active topics come back after any reset.
        connect.intercept = (r) =>
            r.method === "GET" && r.path.endsWith("/topics")
                ? { status: 200, body: { "ecom-source": { topics: ["__debezium-heartbeat.mongo"] } } }
                : undefined;
        const created = await revived.create(inputs(connect.url, { readiness: "flowing" }));
        assert.equal((created.outs as KafkaConnectorOutputs).flowProof, "produced to: __debezium-heartbeat.mongo");
        const paused = await revived.update!(
            "ecom-source",
            created.outs,
            inputs(connect.url, { readiness: "flowing", desiredState: "paused" }),
        );
        assert.equal((paused.outs as KafkaConnectorOutputs).state, "PAUSED");
        const resumed = await revived.update!(
            "ecom-source",
            paused.outs,
            inputs(connect.url, { readiness: "flowing" }),
        );
        assert.equal((resumed.outs as KafkaConnectorOutputs).state, "RUNNING");
        connect.stateOnPut = () => ({ state: "RUNNING", tasks: [{ state: "FAILED", trace: "boom" }] });
        const running = await revived.update!(
            "ecom-source",
            { ...(resumed.outs as KafkaConnectorOutputs), taskStates: ["FAILED"] },
            inputs(connect.url, { readiness: "flowing" }),
        );
        assert.equal((running.outs as KafkaConnectorOutputs).restarts.count, 1);
        const reset = await revived.update!(
            "ecom-source",
            running.outs,
            inputs(connect.url, { readiness: "flowing", resetOffsets: "r1" }),
        );
        assert.equal((reset.outs as KafkaConnectorOutputs).offsetsResetId, "r1");
        assert.equal(connect.count("DELETE", "/connectors/ecom-source/offsets"), 1);
        await assert.rejects(
            () => revived.update!("ecom-source", reset.outs, inputs(connect.url, { desiredState: "asleep" })),
            (e: Error) => /desiredState: must be one of running, paused, stopped/.test(e.message),
        );
    });
});
