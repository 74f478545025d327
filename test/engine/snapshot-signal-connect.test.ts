/**
 * The source connector's signal-channel config against the real Debezium MongoDB plugin
 * (3.3.2.Final on a real Kafka Connect worker, test/support/kafka): `signal.enabled.channels` and
 * `signal.data.collection` are fields the plugin defines, and they validate without error (only
 * the connection fails: no MongoDB server can run here).
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { mongoConnectionString } from "../../connectors";
import { debeziumMongoSourceConfig, signalCollectionName } from "../../connectors/debeziumMongoSource";
import { kafkaToolchainProblem, startKafkaConnect, type KafkaConnectCluster } from "../support/kafka";
import { freeLoopbackPorts } from "../support/kafka/ports";
import { requireTier } from "../support/tier";

const DEBEZIUM_MONGODB = "io.debezium.connector.mongodb.MongoDbConnector";

interface Validation {
    configs: { definition: { name: string }; value: { name: string; value: string | null; errors: string[] } }[];
}

describe("signal channel config on the real Debezium MongoDB plugin", { timeout: 600_000 }, () => {
    let cluster: KafkaConnectCluster | undefined;
    after(async () => {
        await cluster?.stop();
    });

    it("defines signal.enabled.channels and signal.data.collection and accepts the stack's values", async (t) => {
        if (!requireTier(t, "kafka", await kafkaToolchainProblem())) return;
        cluster = await startKafkaConnect({
            log: process.env.CDC_TEST_VERBOSE ? (l) => process.stderr.write(`${l}\n`) : undefined,
        });
        const [closedPort] = await freeLoopbackPorts(1);
        const config = {
            name: "mongo-source",
            ...debeziumMongoSourceConfig({
                topicPrefix: "mongo",
                database: "ecom",
                collections: ["customers", "products", "orders"],
                signalCollection: signalCollectionName("dev"),
            }),
            "mongodb.connection.string": mongoConnectionString({
                hosts: [`127.0.0.1:${closedPort}`],
                user: "debezium",
                password: "pw",
                replicaSet: "rs0",
                options: { serverSelectionTimeoutMS: "1500" },
            }),
        };
        const r = await fetch(`${cluster.connectUrl}/connector-plugins/${DEBEZIUM_MONGODB}/config/validate`, {
            method: "PUT",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(config),
            signal: AbortSignal.timeout(60_000),
        });
        const text = await r.text();
        assert.equal(r.status, 200, text);
        const v = JSON.parse(text) as Validation;
        const field = (name: string) => v.configs.find((f) => f.value.name === name);
        for (const key of ["signal.enabled.channels", "signal.data.collection"]) {
            assert.ok(field(key), `${key} is a field of the plugin`);
            assert.deepEqual(field(key)!.value.errors, [], `${key} validates`);
        }
        // (Debezium's validate echoes no values, so the value itself is checked by the unit tests.)
        const withErrors = v.configs.filter((f) => f.value.errors.length > 0).map((f) => f.value.name);
        assert.deepEqual(withErrors, ["mongodb.connection.string"], "only the unreachable MongoDB fails");
    });
});
