/**
 * Unit tier: the `KafkaConnector` and `BronzeTables` resource classes under Pulumi's mocks —
 * type tokens, the inputs they register, and secrets kept secret.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";

interface Registered {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
}
const registered: Registered[] = [];

before(() => {
    void pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                registered.push({ type: args.type, name: args.name, inputs: args.inputs });
                return {
                    id: `${args.name}-id`,
                    state: { ...args.inputs, state: "RUNNING", secretDigests: { k: "sha256:x" } },
                };
            },
            call: (args) => args.inputs,
        },
        "project",
        "stack",
        false,
    );
});

function resolve<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise((r) => o.apply((v) => r(v)));
}

describe("KafkaConnector resource", () => {
    it("registers a cdc:KafkaConnector dynamic resource with the serialised provider and its inputs", async () => {
        const { KafkaConnector } = await import("../../components/providers/kafkaConnector");
        const c = new KafkaConnector("sink", {
            connectUrl: "http://localhost:8083",
            connectorName: "ecom-sink",
            config: { "connector.class": "com.clickhouse.kafka.connect.ClickHouseSinkConnector" },
            secretConfig: { password: "pw-in-mocks-1" },
        });
        assert.equal(await resolve(c.state), "RUNNING");
        assert.equal(await resolve(c.connectorName), "ecom-sink");
        const r = registered.find((x) => x.name === "sink");
        assert.ok(r, "registered");
        assert.equal(r.type, "pulumi-nodejs:dynamic/cdc:KafkaConnector");
        assert.equal(typeof r.inputs.__provider, "string");
        assert.ok(
            String(r.inputs.__provider).includes("exports.handler"),
            "the provider is serialised into __provider",
        );
        assert.ok(!String(r.inputs.__provider).includes("pw-in-mocks-1"), "no secret captured by the provider");
        assert.deepEqual(r.inputs.config, {
            "connector.class": "com.clickhouse.kafka.connect.ClickHouseSinkConnector",
        });
    });
});

describe("BronzeTables resource", () => {
    it("registers a cdc:BronzeTables dynamic resource with dropOnDelete false by default", async () => {
        const { BronzeTables } = await import("../../components/providers/bronzeTables");
        const b = new BronzeTables("bronze", {
            url: "http://localhost:8123",
            user: "default",
            password: "pw",
            database: "default",
            tables: ["mongo_ecom_orders"],
        });
        assert.deepEqual(await resolve(b.tables), ["mongo_ecom_orders"]);
        const r = registered.find((x) => x.name === "bronze");
        assert.ok(r, "registered");
        assert.equal(r.type, "pulumi-nodejs:dynamic/cdc:BronzeTables");
        assert.equal(r.inputs.dropOnDelete, false);
        assert.equal(typeof r.inputs.__provider, "string");
    });
});
