/**
 * The JMX exporter agent's configuration (components/monitoring/jmx.ts): the design's metric names
 * exactly, rules that can only produce them, the MBeans read limited to the rules' own, and the
 * HTTP server's TLS and basic auth as jmx_exporter 1.x reads them (its SHA-256 hash format).
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import * as yaml from "js-yaml";
import { jmxMetricNames, jmxPasswordHash, renderJmxExporterConfig } from "../../components/monitoring/jmx";

/** The names /work/monitoring-design.md lists for the jobs kafka and connect (ClickHouse sink: chosen here). */
const DESIGN = {
    kafka: [
        "kafka_server_brokertopicmetrics_messagesin_total",
        "kafka_server_brokertopicmetrics_bytesin_total",
        "kafka_server_replicamanager_underreplicatedpartitions",
        "kafka_controller_kafkacontroller_activecontrollercount",
        "kafka_controller_kafkacontroller_offlinepartitionscount",
    ],
    connect: [
        "kafka_connect_connector_status",
        "kafka_connect_connector_task_status",
        "kafka_connect_task_error_total_record_failures",
        "kafka_connect_task_error_total_records_skipped",
        "kafka_connect_task_error_deadletterqueue_produce_requests",
        "kafka_connect_sink_task_sink_record_read_total",
        "kafka_connect_sink_task_sink_record_send_total",
        "kafka_connect_source_task_source_record_poll_total",
        "debezium_mongodb_streaming_milliseconds_behind_source",
        "debezium_mongodb_streaming_milliseconds_since_last_event",
        "debezium_mongodb_streaming_connected",
        "debezium_mongodb_streaming_queue_remaining_capacity",
        "debezium_mongodb_streaming_total_number_of_events_seen",
    ],
};

interface Doc {
    includeObjectNames: string[];
    rules: { pattern: string; name: string; type: string; value?: number; labels?: Record<string, string> }[];
    httpServer?: Record<string, unknown>;
}
const load = (service: "kafka" | "connect", opts = {}) => yaml.load(renderJmxExporterConfig(service, opts)) as Doc;

describe("renderJmxExporterConfig", () => {
    it("gives exactly the design's names (plus the ClickHouse sink's clickhouse_sink_*)", () => {
        assert.deepEqual(jmxMetricNames("kafka").sort(), [...DESIGN.kafka].sort());
        const connect = jmxMetricNames("connect");
        assert.deepEqual(connect.filter((n) => !n.startsWith("clickhouse_sink_")).sort(), [...DESIGN.connect].sort());
        assert.ok(connect.filter((n) => n.startsWith("clickhouse_sink_")).length >= 5);
        for (const s of ["kafka", "connect"] as const)
            assert.deepEqual(
                [...new Set(load(s).rules.map((r) => r.name))].sort(),
                jmxMetricNames(s).sort(),
                "every rule's name is listed",
            );
    });

    it("types COUNTER only names ending _total (the agent appends _total to any other counter)", () => {
        for (const s of ["kafka", "connect"] as const)
            for (const r of load(s).rules) assert.equal(r.type === "COUNTER", r.name.endsWith("_total"), r.name);
    });

    it("turns the string status attributes into a status label on a series of value 1", () => {
        const rules = load("connect").rules.filter((r) => r.name.endsWith("_status"));
        assert.equal(rules.length, 2);
        for (const r of rules) {
            assert.equal(r.value, 1);
            assert.match(r.pattern, /><>status: \(\[a-z-\]\+\)$/);
            assert.ok(r.labels?.status && r.labels.connector === "$1");
        }
        const status = (s: string) => new RegExp(`^.*(?:${rules[1].pattern}).*$`).exec(s);
        const m = status('kafka.connect<type=connector-task-metrics, connector="cdc-sink", task=0><>status: failed');
        assert.deepEqual(m?.slice(1), ["cdc-sink", "0", "failed"]);
    });

    it("reads only the MBeans its rules match", () => {
        for (const s of ["kafka", "connect"] as const) {
            const doc = load(s);
            for (const r of doc.rules) {
                const domain = r.pattern.split("<")[0];
                assert.ok(
                    doc.includeObjectNames.some((n) => n.startsWith(`${domain}:`)),
                    `${r.name}: ${domain} is read`,
                );
            }
        }
        assert.ok(!load("kafka").includeObjectNames.some((n) => n.startsWith("kafka.connect")));
    });

    it("writes HTTPS and salted SHA-256 basic auth only when asked", () => {
        assert.equal(load("kafka").httpServer, undefined);
        const doc = load("connect", {
            tls: { keyStore: "/k.p12", keyStorePassword: "pw", alias: "tls" },
            basicAuth: { user: "metrics", passwordHash: "ab", salt: "s" },
        });
        assert.deepEqual(doc.httpServer, {
            ssl: { keyStore: { filename: "/k.p12", password: "pw" }, certificate: { alias: "tls" } },
            authentication: { basic: { username: "metrics", passwordHash: "ab", algorithm: "SHA-256", salt: "s" } },
        });
    });
});

describe("jmxPasswordHash", () => {
    it("is the hex SHA-256 of salt:password without leading zeros (the agent's BigInteger form)", () => {
        // Find a password whose hash starts with a zero nibble, so the stripping is exercised.
        let i = 0;
        while (!createHash("sha256").update(`s1:pw${i}`).digest("hex").startsWith("0")) i++;
        const pw = `pw${i}`;
        const full = createHash("sha256").update(`s1:${pw}`).digest("hex");
        const hash = jmxPasswordHash(pw, "s1");
        assert.equal(hash, BigInt(`0x${full}`).toString(16));
        assert.ok(hash.length < 64);
        assert.notEqual(jmxPasswordHash(pw, "s2"), hash, "the salt counts");
    });
});
