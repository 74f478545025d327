/** Unit: flags, endpoint resolution and topic discovery of `npm run status` (no network, no stack). */
import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, it } from "node:test";
import * as fs from "node:fs";
import * as os from "node:os";
import {
    effectiveThresholds,
    MAX_TIMEOUT_SECONDS,
    parseFlags,
    readStackOutputs,
    resolveTarget,
} from "../../tools/status/flags";
import { sinkTopicsOf, sourceTopicsOf, traceHead } from "../../tools/status/connect";
import { dbtModelLayers } from "../../components/analytics/relations";
import { withDeadline } from "../../tools/status/deadline";
import { clickhouseSinkConfig, debeziumMongoSourceConfig } from "../../connectors";
import { DEFAULT_THRESHOLDS } from "../../tools/status/verdict";

const ROOT = path.resolve(__dirname, "..", "..");
const OUTPUTS = {
    connectUrl: "http://localhost:8083",
    kafkaBootstrap: "localhost:9092",
    clickhouseUrl: "http://localhost:8123",
    clickhouseUser: "cdc",
    clickhousePassword: "ch-Pa55-word",
    clickhouseDatabase: "ecom",
    mongoUri: "mongodb://admin:mongo-Pa55@localhost:27017/?replicaSet=rs0",
    connectors: {
        source: { name: "dev-mongo-source", state: "RUNNING" },
        sink: { name: "dev-clickhouse-sink", state: "RUNNING" },
    },
    bronzeTables: ["mongo_ecom_customers", "mongo_ecom_products", "mongo_ecom_orders"],
    dbtVars: { bronze_orders: "mongo_ecom_orders", gold_refresh_seconds: "200" },
};

describe("status flags", () => {
    it("defaults and every threshold flag, in both --flag value and --flag=value forms", () => {
        const d = parseFlags([]);
        assert.deepEqual([d.json, d.timeoutSeconds, d.traceLines, d.thresholds], [false, 5, 3, DEFAULT_THRESHOLDS]);
        const f = parseFlags([
            "--json",
            "--timeout=2.5",
            "--max-lag",
            "10",
            "--source-max-age=5",
            "--max-dead-letters",
            "1",
            "--max-rejects",
            "3",
            "--silver-max-delay",
            "9",
            "--gold-max-age",
            "60",
            "--backup-max-age=7200",
            "--trace-lines",
            "1",
        ]);
        assert.deepEqual([f.json, f.timeoutSeconds, f.traceLines], [true, 2.5, 1]);
        assert.deepEqual(f.thresholds, {
            sourceMaxAgeSeconds: 5,
            maxLag: 10,
            maxDeadLetters: 1,
            maxRejects: 3,
            silverMaxDelaySeconds: 9,
            goldMaxAgeSeconds: 60,
            backupMaxAgeSeconds: 7200,
        });
        assert.deepEqual(DEFAULT_THRESHOLDS.maxLag, 1000, "defaults are not mutated by parsing");
    });

    it("bad input names the flag and the fix", () => {
        assert.throws(() => parseFlags(["--max-lag", "lots"]), /--max-lag must be a number >= 0 \(got "lots"\)/);
        assert.throws(() => parseFlags(["--timeout", "0"]), /--timeout must be > 0/);
        assert.throws(() => parseFlags(["--kafka"]), /--kafka needs a value/);
        assert.throws(() => parseFlags(["--kafka", "--json"]), /--kafka needs a value/);
        assert.throws(
            () => parseFlags(["--clickhouse-password", "x"]),
            /unknown flag "--clickhouse-password"[\s\S]*CDC_STATUS_CLICKHOUSE_PASSWORD/,
        );
    });

    it("--timeout past Node's longest timer is refused (it would fire after 1 ms), up to it accepted", () => {
        assert.equal(MAX_TIMEOUT_SECONDS, 2147483);
        assert.equal(parseFlags(["--timeout", "2147483"]).timeoutSeconds, 2147483);
        assert.throws(() => parseFlags(["--timeout", "2147484"]), /--timeout must be at most 2147483 seconds/);
        assert.throws(
            () => parseFlags(["--timeout=3000000"]),
            /--timeout must be at most 2147483 seconds .*got 3000000/,
        );
    });

    it("an empty table or topic list is refused: it would check nothing and call it ok", () => {
        for (const v of [",", " , ", ",,"]) {
            assert.throws(() => parseFlags(["--bronze-tables", v]), /--bronze-tables needs at least one name/);
            assert.throws(() => parseFlags(["--source-topics", v]), /--source-topics needs at least one name/);
        }
        const empty = () => ({ ...OUTPUTS, bronzeTables: [] });
        assert.throws(
            () => resolveTarget(parseFlags([]), ROOT, empty),
            /the stack output bronzeTables is empty: pass --bronze-tables/,
        );
    });

    it("a stack output that is no URL or no host:port fails naming the output", () => {
        const target = (o: Record<string, unknown>) => () =>
            resolveTarget(parseFlags([]), ROOT, () => ({ ...OUTPUTS, ...o }));
        assert.throws(
            target({ clickhouseUrl: "http://u:pw@ch:port" }),
            /^Error: the stack output clickhouseUrl is not a valid URL \(http:\/\/u:\*\*\*@ch:port\)/,
        );
        assert.throws(
            target({ kafkaBootstrap: "k1:9092,k2" }),
            /the stack output kafkaBootstrap must be host:port\[,host:port\] .*"k2" is no host:port/,
        );
        assert.doesNotThrow(target({ kafkaBootstrap: "k1:9092,[::1]:9093" }));
    });

    it("the whole refusal of a stack without a passphrase is kept, with the line that says what to export", () => {
        const bin = fs.mkdtempSync(path.join(os.tmpdir(), "status-pulumi-"));
        fs.writeFileSync(path.join(bin, "pulumi"), "#!/bin/sh\necho 'pulumi must not run' >&2\nexit 3\n", {
            mode: 0o755,
        });
        const saved = { ...process.env };
        try {
            delete process.env.PULUMI_CONFIG_PASSPHRASE;
            delete process.env.PULUMI_CONFIG_PASSPHRASE_FILE;
            delete process.env.PULUMI_BACKEND_URL;
            process.env.PATH = `${bin}:${process.env.PATH}`;
            assert.throws(
                () => readStackOutputs(ROOT, "no-passphrase-h19"),
                (e: Error) => {
                    assert.match(e.message, /stack "no-passphrase-h19" has no passphrase/);
                    assert.match(e.message, /export PULUMI_CONFIG_PASSPHRASE=/);
                    assert.match(e.message, /PULUMI_CONFIG_PASSPHRASE_FILE/);
                    assert.match(e.message, /pulumi stack change-secrets-provider --stack no-passphrase-h19/);
                    assert.doesNotMatch(e.message, /pulumi must not run/);
                    return true;
                },
            );
        } finally {
            process.env = saved;
            fs.rmSync(bin, { recursive: true, force: true });
        }
    });

    it("endpoints from the stack's outputs, flags over them; every endpoint by flags reads no stack", () => {
        const t = resolveTarget(parseFlags(["--kafka", "other:9092"]), ROOT, () => OUTPUTS);
        assert.deepEqual(
            [t.connectUrl, t.kafka, t.source, t.sink],
            ["http://localhost:8083", "other:9092", "dev-mongo-source", "dev-clickhouse-sink"],
        );
        assert.deepEqual(t.clickhouse, {
            url: "http://localhost:8123",
            user: "cdc",
            password: "ch-Pa55-word",
            database: "ecom",
        });
        assert.deepEqual(t.bronzeTables, OUTPUTS.bronzeTables);
        assert.ok(
            t.secrets.includes("ch-Pa55-word") && t.secrets.includes("mongo-Pa55"),
            "the stack's secrets are masked wherever they appear",
        );
        const direct = parseFlags([
            "--connect-url",
            "http://c",
            "--kafka",
            "k:1",
            "--clickhouse-url",
            "http://ch",
            "--database",
            "d",
            "--source",
            "s",
            "--sink",
            "k",
            "--bronze-tables",
            "a, b",
        ]);
        const d = resolveTarget(direct, ROOT, () => {
            throw new Error("the stack must not be read");
        });
        assert.deepEqual([d.bronzeTables, d.clickhouse.user], [["a", "b"], "default"]);
    });

    it("gold may be as old as three of the stack's refresh intervals unless --gold-max-age says otherwise", () => {
        const t = resolveTarget(parseFlags([]), ROOT, () => OUTPUTS);
        assert.equal(t.goldRefreshSeconds, 200);
        assert.equal(effectiveThresholds(parseFlags([]), t).goldMaxAgeSeconds, 600);
        assert.equal(effectiveThresholds(parseFlags(["--gold-max-age", "30"]), t).goldMaxAgeSeconds, 30);
        const fast = resolveTarget(parseFlags([]), ROOT, () => ({
            ...OUTPUTS,
            dbtVars: { gold_refresh_seconds: "10" },
        }));
        assert.equal(
            effectiveThresholds(parseFlags([]), fast).goldMaxAgeSeconds,
            DEFAULT_THRESHOLDS.goldMaxAgeSeconds,
            "never below the default",
        );
    });

    it("an output the stack lacks is named, with the flag to pass instead", () => {
        const { bronzeTables: _b, connectors: _c, ...older } = OUTPUTS;
        assert.throws(
            () => resolveTarget(parseFlags([]), ROOT, () => older),
            /no output connectors\.source\.name, connectors\.sink\.name, bronzeTables: run `npm run up`/,
        );
    });
});

describe("status topic discovery and bounds", () => {
    it("the Debezium source's heartbeat and change topics; a plain source's topic", () => {
        const dbz = debeziumMongoSourceConfig({
            topicPrefix: "mongo",
            database: "ecom",
            collections: ["customers", "orders"],
        });
        assert.deepEqual(sourceTopicsOf(dbz), [
            "__debezium-heartbeat.mongo",
            "mongo.ecom.customers",
            "mongo.ecom.orders",
        ]);
        assert.deepEqual(
            sourceTopicsOf({ ...dbz, "heartbeat.interval.ms": "0" }),
            ["mongo.ecom.customers", "mongo.ecom.orders"],
            "no heartbeat topic when heartbeats are off",
        );
        assert.deepEqual(sourceTopicsOf({ "connector.class": "FileStreamSource", topic: "lines" }), ["lines"]);
    });

    it("the sink's topics, consumer group and dead-letter topic from the project's sink config", () => {
        const cfg = clickhouseSinkConfig({
            topicPrefix: "mongo",
            database: "ecom",
            collections: ["orders", "customers"],
            clickhouse: { host: "h", port: 8123, ssl: false, database: "ecom", user: "u" },
        });
        assert.deepEqual(sinkTopicsOf("dev-sink", cfg), {
            topics: ["mongo.ecom.orders", "mongo.ecom.customers"],
            group: "connect-dev-sink",
            deadLetterTopic: "dlq.mongo.ecom.clickhouse",
        });
        assert.equal(sinkTopicsOf("s", { topics: "t", "consumer.override.group.id": "g" }).group, "g");
    });

    it("silver's storage tables and the gold names come from the dbt project's models", () => {
        const l = dbtModelLayers(path.join(ROOT, "ecom_analytics"));
        assert.deepEqual(l.silverStorage, ["base_customers", "base_orders", "base_products"]);
        assert.deepEqual(l.gold, ["dim_customers", "dim_products", "fact_orders", "fct_daily_sales"]);
    });

    it("a trace is cut to its first lines with secrets masked; a call past its deadline fails saying what to do", async () => {
        const trace = "ConnectException: auth failed for mongodb://dbz:s3cret@h:27017\n\tat A\n\tat B\n\tat C";
        assert.equal(
            traceHead(trace, 2, ["s3cret"]),
            "ConnectException: auth failed for mongodb://dbz:***@h:27017\n\tat A",
        );
        assert.equal(
            traceHead(trace, 1, []),
            "ConnectException: auth failed for mongodb://dbz:***@h:27017",
            "URI passwords are masked even when unknown",
        );
        const t0 = Date.now();
        await assert.rejects(
            withDeadline(new Promise(() => {}), 50, "Kafka at h:1 (metadata)", "is Kafka up?"),
            /Kafka at h:1 \(metadata\) did not answer within 0\.05 s: is Kafka up\? \(raise --timeout/,
        );
        assert.ok(Date.now() - t0 < 1000);
        assert.equal(await withDeadline(Promise.resolve(7), 50, "x", "y"), 7);
    });
});
