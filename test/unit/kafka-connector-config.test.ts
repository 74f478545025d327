/**
 * Unit tier: the connectors' lifecycle config (`cdc:connectors.source.state`, `.sink.state`,
 * `.sink.resetOffsets`, `.readiness`, `.restarts`): parsed with defaults, bad values named with
 * the key, and passed by the pipeline to the two KafkaConnector resources (program under mocks).
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { ConfigError, parseConfig } from "../../components/config";
import { runUnderMocks, unwrapSecrets, type MockRun } from "../support/mocks";

let run: MockRun;

before(async () => {
    run = await runUnderMocks(
        {
            "cdc:platform": "external",
            "cdc:external": JSON.stringify({
                connectUrl: "https://connect.example.com:8083",
                kafkaBootstrap: "kafka.example.com:9092",
                clickhouse: { url: "https://ch.example.com:8443" },
            }),
            "cdc:clickhousePassword": "cfg-test-CH-pw-1",
            "cdc:debeziumConnectionString": "mongodb://debezium:cfg-test-pw-2@mongo.example.com:27017/?replicaSet=rs0",
            "cdc:connectors": JSON.stringify({
                source: { state: "paused" },
                sink: { state: "stopped", resetOffsets: "restore-1" },
                readiness: "running",
                restarts: { max: 5, backoffSeconds: 7 },
            }),
        },
        () => import("../../index"),
        ["cdc:clickhousePassword", "cdc:debeziumConnectionString"],
    );
});

describe("cdc:connectors lifecycle keys", () => {
    it("defaults: both running, readiness flowing, 3 restarts with a 2 s backoff base, no reset request", () => {
        const c = parseConfig({}).connectors;
        assert.deepEqual(
            [c.source.state, c.sink.state, c.sink.resetOffsets, c.readiness, c.restarts.max, c.restarts.backoffSeconds],
            ["running", "running", undefined, "flowing", 3, 2],
        );
    });

    it("names the key of each bad value", () => {
        try {
            parseConfig({
                connectors: {
                    source: { state: "asleep" },
                    sink: { resetOffsets: "two words" },
                    readiness: "maybe",
                    restarts: { max: -1 },
                },
            });
            assert.fail("expected a ConfigError");
        } catch (e) {
            assert.ok(e instanceof ConfigError);
            const keys = e.problems.map((p) => p.key).sort();
            assert.deepEqual(keys, [
                "cdc:connectors.readiness",
                "cdc:connectors.restarts.max",
                "cdc:connectors.sink.resetOffsets",
                "cdc:connectors.source.state",
            ]);
            assert.match(e.message, /"asleep" is not one of "running", "paused", "stopped"/);
        }
    });

    it("passes each connector its declared state, the readiness and the restart bounds; the reset request to the sink only", () => {
        const sink = unwrapSecrets(run.byName("sink").inputs) as Record<string, unknown>;
        const source = unwrapSecrets(run.byName("source").inputs) as Record<string, unknown>;
        assert.deepEqual(
            [sink.desiredState, sink.readiness, sink.maxRestarts, sink.restartBackoffSeconds, sink.resetOffsets],
            ["stopped", "running", 5, 7, "restore-1"],
        );
        assert.deepEqual(
            [
                source.desiredState,
                source.readiness,
                source.maxRestarts,
                source.restartBackoffSeconds,
                source.resetOffsets,
            ],
            ["paused", "running", 5, 7, undefined],
        );
    });
});
