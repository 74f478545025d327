/**
 * Unit tier: the KafkaConnector provider's diff: replace vs in-place update, changed keys named,
 * secrets by key only, unknown values in preview.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { diffConnector } from "../../components/providers/kafkaConnector";
import { UNKNOWN_VALUE } from "../../components/providers/shared/unknown";
import { CLASS, CONN_STRING, fastProvider, inputs, PASSWORD, storedOutputs } from "../support/fake-connect";

describe("KafkaConnector provider: diff", () => {
    const base = async () => storedOutputs("http://connect:8083");
    const news = (over: Record<string, unknown> = {}) => inputs("http://connect:8083", over);

    it("reports no change when nothing changed", async () => {
        const d = await fastProvider().diff("ecom-source", await base(), news() as never);
        assert.equal(d.changes, false);
        assert.deepEqual(d.replaces, []);
    });

    it("replaces the connector, deleting first, when its name changes", async () => {
        const d = await fastProvider().diff(
            "ecom-source",
            await base(),
            news({ connectorName: "ecom-source-v2" }) as never,
        );
        assert.equal(d.changes, true);
        assert.deepEqual(d.replaces, ["connectorName"]);
        assert.equal(d.deleteBeforeReplace, true);
    });

    it("replaces the connector when its class changes", async () => {
        const d = await fastProvider().diff(
            "ecom-source",
            await base(),
            news({
                config: { "connector.class": "other.Connector", "topic.prefix": "mongo", "tasks.max": "1" },
            }) as never,
        );
        assert.ok(d.replaces!.length > 0);
        assert.deepEqual(d.detailedDiff['config["connector.class"]'], { kind: "update-replace" });
    });

    it("updates in place naming the changed, added and removed config keys", async () => {
        const d = await fastProvider().diff(
            "ecom-source",
            await base(),
            news({
                config: { "connector.class": CLASS, "topic.prefix": "mongo2", "snapshot.mode": "initial" },
            }) as never,
        );
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
            news({
                secretConfig: { "mongodb.connection.string": CONN_STRING.replace(PASSWORD, newPassword) },
            }) as never,
        );
        assert.equal(d.changes, true);
        assert.deepEqual(d.replaces, []);
        assert.deepEqual(d.detailedDiff['secretConfig["mongodb.connection.string"]'], { kind: "update" });
        const text = JSON.stringify(d);
        assert.ok(!text.includes(PASSWORD) && !text.includes(newPassword), text);
    });

    it("previews an unknown config as an update, not a replacement", async () => {
        const d = await fastProvider().diff(
            "ecom-source",
            await base(),
            news({ config: UNKNOWN_VALUE, secretConfig: { "mongodb.connection.string": UNKNOWN_VALUE } }) as never,
        );
        assert.equal(d.changes, true);
        assert.deepEqual(d.replaces, []);
        assert.deepEqual(d.detailedDiff.config, { kind: "update" });
        assert.deepEqual(d.detailedDiff.secretConfig, { kind: "update" });
    });

    it("previews an unknown connector name as a possible replacement", async () => {
        const d = await fastProvider().diff(
            "ecom-source",
            await base(),
            news({ connectorName: UNKNOWN_VALUE }) as never,
        );
        assert.deepEqual(d.replaces, ["connectorName"]);
    });

    it("asks for an update when refresh saw the connector not RUNNING", async () => {
        const d = diffConnector({ ...(await base()), state: "RUNNING", taskStates: ["FAILED"] }, news() as never);
        assert.equal(d.changes, true);
        assert.deepEqual(d.detailedDiff.state, { kind: "update" });
    });
});
