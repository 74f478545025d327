/**
 * The CDC layer is the same code on every platform: the program is run under mocks once per
 * platform (each in its own process, via test/support/dump-cdc-layer.ts) and the dynamic
 * resources (types, names, connector configs, tables, dbt inputs) must be identical except for
 * the addresses the platform provides and the replication factor its broker count implies.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { promisify } from "node:util";
import { PLATFORM_CONFIG } from "../support/dump-cdc-layer";

interface LayerResource {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
}

const PLATFORMS = Object.keys(PLATFORM_CONFIG);
const layers: Record<string, LayerResource[]> = {};

/** Where a platform's addresses appear in the CDC layer: replaced by a placeholder before comparing. */
const ADDRESS_KEYS = { top: ["url", "connectUrl", "caPem"], sinkConfig: ["hostname", "port", "ssl"] };
/** Connector keys of the platform's trust in its CA (compared in the platforms' own TLS tests). */
const TRUST_KEYS = ["clientVersion", "jdbcConnectionProperties", "mongodb.ssl"];
/** Replication of the topics connectors create: the platform's broker count decides it. */
const REPLICATION_KEYS: Record<string, string> = {
    "cdc-sink": "errors.deadletterqueue.topic.replication.factor",
    "cdc-source": "topic.creation.default.replication.factor",
};
/** docker runs one broker, kubernetes defaults to one (1 of 1 or 3), external says its own (default 3). */
const EXPECTED_REPLICATION: Record<string, string> = { docker: "1", kubernetes: "1", external: "3" };

function withoutAddresses(layer: LayerResource[]): LayerResource[] {
    // (replication keys are compared per platform in their own test)
    return layer.map((r) => {
        const inputs: Record<string, unknown> = { ...r.inputs };
        for (const k of ADDRESS_KEYS.top) if (k in inputs) inputs[k] = "<address>";
        // The dbt project's content hash is a function of `projectDir` (compared as is) read at
        // process start; left out because a concurrent edit of the working tree changes it between
        // the three processes. Its form is checked below.
        if ("contentHash" in inputs) inputs.contentHash = "<hash of projectDir>";
        // Whether the worker resolves secret references is the platform's (compared in its own test).
        delete inputs.secretRefs;
        if (r.name === "cdc-sink" || r.name === "cdc-source") {
            const config = { ...(inputs.config as Record<string, string>) };
            if (r.name === "cdc-sink") for (const k of ADDRESS_KEYS.sinkConfig) config[k] = "<address>";
            // How the connector trusts the platform's CA: a file the platform's own workers mount
            // (docker, kubernetes) or the worker's default trust (external).
            for (const k of Object.keys(config))
                if (TRUST_KEYS.some((t) => k === t || k.startsWith(`${t}.`))) delete config[k];
            config[REPLICATION_KEYS[r.name]] = "<replication>";
            inputs.config = config;
        }
        return { ...r, inputs };
    });
}

before(async () => {
    const script = path.resolve(__dirname, "..", "support", "dump-cdc-layer.ts");
    const run = promisify(execFile);
    await Promise.all(
        PLATFORMS.map(async (p) => {
            const { stdout } = await run(process.execPath, ["--import", "tsx", script, p], {
                cwd: path.resolve(__dirname, "..", ".."),
                maxBuffer: 16 * 1024 * 1024,
                timeout: 120_000,
            });
            layers[p] = JSON.parse(stdout) as LayerResource[];
        }),
    );
});

describe("the CDC layer on docker, kubernetes and external", () => {
    it("declares the same dynamic resources (types and names) on every platform", () => {
        const names = (p: string) => layers[p].map((r) => `${r.type} ${r.name}`);
        assert.deepEqual(names("docker"), [
            "pulumi-nodejs:dynamic/cdc:BronzeTables cdc-bronze",
            "pulumi-nodejs:dynamic/cdc:DbtRun cdc-dbt",
            "pulumi-nodejs:dynamic/cdc:KafkaConnector cdc-sink",
            "pulumi-nodejs:dynamic/cdc:KafkaConnector cdc-source",
        ]);
        for (const p of PLATFORMS) assert.deepEqual(names(p), names("docker"), p);
    });

    it("gives them identical inputs except the platform's addresses", () => {
        const reference = withoutAddresses(layers.docker);
        for (const p of PLATFORMS) assert.deepEqual(withoutAddresses(layers[p]), reference, `${p} vs docker`);
    });

    it("hashes the same dbt project on every platform", () => {
        for (const p of PLATFORMS) {
            const dbt = layers[p].find((r) => r.name === "cdc-dbt")!.inputs;
            assert.match(String(dbt.contentHash), /^sha256:[0-9a-f]{64}$/, p);
            assert.equal(dbt.projectDir, layers.docker.find((r) => r.name === "cdc-dbt")!.inputs.projectDir, p);
        }
    });

    it("really differs in the addresses (the comparison above hides only them)", () => {
        const connectUrls = new Set(
            PLATFORMS.map((p) => layers[p].find((r) => r.name === "cdc-source")!.inputs.connectUrl),
        );
        assert.equal(connectUrls.size, PLATFORMS.length);
        const sinkHost = (p: string) =>
            (layers[p].find((r) => r.name === "cdc-sink")!.inputs.config as Record<string, string>).hostname;
        // Docker and kubernetes both name the service `clickhouse` inside the platform.
        assert.deepEqual(PLATFORMS.map(sinkHost), ["clickhouse", "clickhouse", "ch.example.com"]);
    });

    it("sends Connect references instead of secrets where the platform configures its workers", () => {
        const refs = (p: string, n: string) => layers[p].find((r) => r.name === n)!.inputs.secretRefs;
        for (const p of ["docker", "kubernetes"]) {
            assert.deepEqual(refs(p, "cdc-sink"), { password: "${env:CDC_CLICKHOUSE_PASSWORD}" }, p);
            assert.deepEqual(
                refs(p, "cdc-source"),
                { "mongodb.connection.string": "${env:CDC_DEBEZIUM_CONNECTION_STRING}" },
                p,
            );
        }
        assert.equal(
            refs("external", "cdc-sink"),
            undefined,
            "an external worker gets references only when cdc:external.connectSecretRefs says so",
        );
    });

    it("keeps credentials secret in the connectors on every platform", () => {
        for (const p of PLATFORMS) {
            for (const r of layers[p].filter((x) => x.type.endsWith("KafkaConnector")))
                assert.equal(r.inputs.secretConfig, "<secret>", `${p} ${r.name}`);
        }
    });

    it("replicates the topics the connectors create per the platform's brokers", () => {
        for (const p of PLATFORMS) {
            for (const [name, key] of Object.entries(REPLICATION_KEYS)) {
                const r = layers[p].find((x) => x.name === name)!;
                assert.equal(
                    (r.inputs.config as Record<string, string>)[key],
                    EXPECTED_REPLICATION[p],
                    `${p} ${name} ${key}`,
                );
            }
        }
    });
});
