/**
 * `cdc:platform external` under mocks: existing services given by address, credentials from
 * SECRET stack config. Nothing runs: only the CDC layer's dynamic resources are declared.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import type { CdcPipelineArgs } from "../../components/pipeline";
import { isSecretValue, MockRun, plainStrings, runUnderMocks } from "../support/mocks";

type Program = typeof import("../../index");
let run: MockRun & { program: Program };

const CH_PASSWORD = "EXTERNAL-CH-PASSWORD-7f3a";
const DEBEZIUM_URI =
    "mongodb://debezium:EXTERNAL-MONGO-PASSWORD-91c2@mongo.example.com:27017/?replicaSet=rs0&authSource=admin";

before(async () => {
    run = await runUnderMocks(
        {
            "cdc:platform": "external",
            "cdc:external": JSON.stringify({
                connectUrl: "https://connect.example.com:8083/",
                kafkaBootstrap: "kafka-1.example.com:9092,kafka-2.example.com:9092",
                clickhouse: { url: "https://abc.clickhouse.cloud:8443" },
            }),
            "cdc:clickhousePassword": CH_PASSWORD,
            "cdc:debeziumConnectionString": DEBEZIUM_URI,
        },
        () => import("../../index"),
        ["cdc:clickhousePassword", "cdc:debeziumConnectionString"],
    );
});

describe("external platform under mocks", () => {
    it("declares no container, workload, volume or provider-backed resource: only the CDC layer", () => {
        const kinds = run.resources.filter(
            (r) => !r.type.startsWith("pulumi-nodejs:dynamic") && !r.type.startsWith("cdc:"),
        );
        assert.deepEqual(
            kinds.map((r) => `${r.type} ${r.name}`),
            [],
        );
        const dyn = run.resources
            .filter((r) => r.type.startsWith("pulumi-nodejs:dynamic"))
            .map((r) => r.name)
            .sort();
        assert.deepEqual(dyn, ["cdc-bronze", "cdc-dbt", "cdc-sink", "cdc-source"]);
    });

    it("points the sink at the ClickHouse URL's host and port over TLS", () => {
        const cfg = run.byName("sink").inputs.config as Record<string, string>;
        assert.equal(cfg.hostname, "abc.clickhouse.cloud");
        assert.equal(cfg.port, "8443");
        assert.equal(cfg.ssl, "true");
    });

    it("talks to the given Connect URL (without a trailing slash) and ClickHouse URL", async () => {
        assert.equal(run.byName("source").inputs.connectUrl, "https://connect.example.com:8083");
        assert.equal(run.byName("bronze").inputs.url, "https://abc.clickhouse.cloud:8443");
        assert.equal(
            (await run.output(pulumi.output(run.program.kafkaBootstrap))).value,
            "kafka-1.example.com:9092,kafka-2.example.com:9092",
        );
    });

    it("passes the secret config values to the connectors and bronze tables as secrets only", () => {
        const source = run.byName("source").inputs.secretConfig;
        assert.ok(isSecretValue(source));
        assert.equal((source as { value: Record<string, string> }).value["mongodb.connection.string"], DEBEZIUM_URI);
        const sink = run.byName("sink").inputs.secretConfig;
        assert.ok(isSecretValue(sink));
        assert.equal((sink as { value: Record<string, string> }).value.password, CH_PASSWORD);
        assert.ok(isSecretValue(run.byName("bronze").inputs.password));
        const leaks = run.resources.flatMap((r) =>
            plainStrings(r.inputs)
                .filter((s) => s.value.includes(CH_PASSWORD) || s.value.includes("EXTERNAL-MONGO-PASSWORD"))
                .map((s) => `${r.name}.${s.path}`),
        );
        assert.deepEqual(leaks, []);
    });

    it("exports the MongoDB connection string only as a secret", async () => {
        const uri = await run.output(run.program.mongoUri);
        assert.equal(uri.secret, true);
        assert.equal(uri.value, DEBEZIUM_URI);
    });

    it("keeps the engine tests' connector override out of the pipeline's public arguments", () => {
        // Checked by the type checker: this line stops compiling if the seam becomes a public argument.
        const seamIsInternal: "connectorConfigOverride" extends keyof CdcPipelineArgs ? false : true = true;
        assert.equal(seamIsInternal, true);
    });
});
