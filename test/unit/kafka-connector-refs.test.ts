/**
 * Unit tier: secrets sent to Kafka Connect as config-provider references (`secretRefs`): Connect
 * receives `${env:...}` in place of the value, change detection still follows the value, a
 * changed value restarts the connector, and refresh treats the reference as no drift.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createKafkaConnectorProvider, type KafkaConnectorOutputs } from "../../components/providers/kafkaConnector";
import { fakeConnect } from "../support/fake-connect";

const PASSWORD = "ref-Pa55-Q9";
const REF = "${env:CDC_CLICKHOUSE_PASSWORD}";
const inputs = (url: string, password = PASSWORD) => ({
    connectUrl: url,
    connectorName: "ecom-sink",
    config: { "connector.class": "com.clickhouse.kafka.connect.ClickHouseSinkConnector", topics: "mongo.ecom.orders" },
    secretConfig: { password },
    secretRefs: { password: REF },
    readyTimeoutSeconds: 2,
});
const provider = () =>
    createKafkaConnectorProvider({
        retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 1 },
        pollIntervalMs: 5,
        log: () => undefined,
    });

describe("KafkaConnector secretRefs", () => {
    it("sends the reference, never the value, to validation and to the stored config", async () => {
        const connect = await fakeConnect();
        const res = await provider().create(inputs(connect.url));
        const bodies = connect.requests.map((r) => r.body).join("\n");
        assert.ok(!bodies.includes(PASSWORD), "the value never reaches Connect");
        assert.equal(connect.connectors.get("ecom-sink")!.config.password, REF);
        assert.ok(connect.requests.some((r) => r.path.includes("/validate") && r.body.includes(REF)));
        const outs = res.outs as KafkaConnectorOutputs;
        assert.deepEqual(outs.secretRefs, { password: REF });
        assert.ok(!JSON.stringify(outs).includes(PASSWORD));
    });

    it("names a changed secret in the diff (without its value) and restarts the connector to resolve it again", async () => {
        const connect = await fakeConnect();
        const p = provider();
        const created = await p.create(inputs(connect.url));
        const next = inputs(connect.url, "rotated-Pa55");
        const d = await p.diff("ecom-sink", created.outs as KafkaConnectorOutputs, next as never);
        assert.deepEqual(d.changedKeys, ["password"]);
        assert.equal(d.detailedDiff['secretConfig["password"]'].kind, "update");
        assert.ok(!JSON.stringify(d).includes("rotated-Pa55"));
        await p.update!("ecom-sink", created.outs as KafkaConnectorOutputs, next);
        assert.equal(connect.count("POST", "/connectors/ecom-sink/restart?includeTasks=true&onlyFailed=false"), 1);
        assert.equal(connect.connectors.get("ecom-sink")!.config.password, REF);
    });

    it("sees no drift on refresh while Connect holds the reference, and drift when a value replaced it", async () => {
        const connect = await fakeConnect();
        const p = provider();
        const created = await p.create(inputs(connect.url));
        const read = await p.read!("ecom-sink", created.outs as KafkaConnectorOutputs);
        assert.equal(
            (await p.diff("ecom-sink", read.props as KafkaConnectorOutputs, inputs(connect.url) as never)).changes,
            false,
        );
        connect.connectors.get("ecom-sink")!.config.password = "typed-in-by-hand";
        const drifted = await p.read!("ecom-sink", created.outs as KafkaConnectorOutputs);
        const d = await p.diff("ecom-sink", drifted.props as KafkaConnectorOutputs, inputs(connect.url) as never);
        assert.deepEqual(d.changedKeys, ["password"]);
        assert.ok(d.detailedDiff['secretRefs["password"]'], "the reference is put back");
    });

    it("refuses a reference without a value, or one that is no reference", async () => {
        const { failures } = await provider().check!(
            {},
            { ...inputs("http://c:8083"), secretRefs: { password: PASSWORD, other: REF } },
        );
        assert.deepEqual(
            (failures ?? []).map((f) => f.property),
            ["secretRefs", "secretRefs"],
        );
        assert.ok(!(failures ?? []).some((f) => f.reason.includes(PASSWORD)));
    });
});
