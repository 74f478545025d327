/** Unit: the terminal table of `npm run status` (tools/status/render.ts) and the JSON it mirrors. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { renderTable } from "../../tools/status/render";
import { buildReport, DEFAULT_THRESHOLDS } from "../../tools/status/verdict";
import type { Observations } from "../../tools/status/types";

const NOW = 1_800_000_000_000;

function observations(): Observations {
    return {
        nowMs: NOW,
        source: {
            connector: {
                name: "dev-mongo-source",
                state: "RUNNING",
                workerId: "connect:8083",
                tasks: [{ id: 0, state: "RUNNING", workerId: "connect:8083" }],
            },
            topics: [
                {
                    topic: "__debezium-heartbeat.mongo",
                    partitions: [{ partition: 0, startOffset: 0, endOffset: 1200, newestTimestampMs: NOW - 2_500 }],
                },
            ],
        },
        sink: {
            connector: {
                name: "dev-clickhouse-sink",
                state: "RUNNING",
                workerId: "connect:8083",
                tasks: [
                    {
                        id: 0,
                        state: "FAILED",
                        workerId: "connect:8083",
                        trace: "org.apache.kafka.connect.errors.ConnectException: boom\n\tat X.y(X.java:1)",
                    },
                ],
            },
            group: "connect-dev-clickhouse-sink",
            topics: ["mongo.ecom.orders"],
            lag: [{ topic: "mongo.ecom.orders", partition: 0, committed: 40, startOffset: 0, endOffset: 1540 }],
            deadLetter: { topic: "dlq.mongo.ecom.clickhouse", depth: 3 },
        },
        bronze: {
            tables: [{ table: "mongo_ecom_orders", rows: 12345, newestIngestedMs: NOW - 1_000, newestEventMs: null }],
        },
        silver: {
            tables: [{ table: "base_orders", rows: 12000, newestIngestedMs: NOW - 1_000, newestEventMs: NOW - 1_500 }],
            rejects: 2,
        },
        gold: {
            tables: [{ table: "fact_orders", rows: 900, newestIngestedMs: null, newestEventMs: null }],
            refreshes: [
                {
                    view: "fact_orders__refresh",
                    status: "Scheduled",
                    lastSuccessMs: NOW - 4_000,
                    lastRefreshMs: NOW - 4_000,
                    exception: "",
                },
            ],
        },
    };
}

describe("status table", () => {
    it("shows every stage in data-flow order with its verdict, each connector, task, topic, partition lag and table, then the problems", () => {
        const r = buildReport(observations(), DEFAULT_THRESHOLDS);
        const out = renderTable(r, 140);
        const lines = out.split("\n");
        const firstLineOf = (s: string) => lines.findIndex((l) => l.includes(s));
        const order = ["│ source", "│ sink", "│ bronze", "│ silver", "│ gold"].map(firstLineOf);
        assert.ok(
            order.every((i) => i > 0),
            out,
        );
        assert.deepEqual(
            [...order].sort((a, b) => a - b),
            order,
            "stages in data-flow order",
        );
        assert.match(lines[order[0]], /│ source\s+│ ok\s+│ connector dev-mongo-source\s+│ RUNNING on connect:8083/);
        assert.match(lines[order[1]], /│ sink\s+│ FAILED /);
        for (const s of [
            "topic __debezium-heartbeat.mongo",
            "1,200 records in 1 partition(s), newest 2.5 s ago",
            "task 0",
            "FAILED on connect:8083",
            "ConnectException: boom",
            "group connect-dev-clickhouse-sink",
            "lag 1,500 records",
            "mongo.ecom.orders[0]",
            "committed 40 of 1540: lag 1,500",
            "dead letters",
            "3 records",
            "12,345 rows, newest arrival 1 s ago",
            "newest event 1.5 s ago",
            "bronze_rejects",
            "2 rows",
            "900 rows, refresh Scheduled, last success 4 s ago",
            "task dev-clickhouse-sink/0 FAILED",
            "2 rows in bronze_rejects",
            "pipeline: FAILED (exit 2)",
        ])
            assert.ok(out.includes(s), `missing ${JSON.stringify(s)} in:\n${out}`);
        // A real table (cli-table3 borders), no line wider than the terminal.
        assert.match(lines[0], /^┌─+┬/);
        assert.ok(
            lines.every((l) => l.length <= 140),
            "fits the width",
        );
    });

    it("narrow terminals wrap the state column instead of overflowing it", () => {
        const out = renderTable(buildReport(observations(), DEFAULT_THRESHOLDS), 100);
        const widths = new Set(
            out
                .split("\n")
                .filter((l) => l.startsWith("│"))
                .map((l) => l.length),
        );
        assert.equal(widths.size, 1, "every row is as wide as the table");
    });

    it("an unreadable connector or Kafka says so in its row and explains in the problems", () => {
        const o = observations();
        o.sink.connector = {
            name: "dev-clickhouse-sink",
            error: "Kafka Connect at http://h:8083 did not answer within 5 s",
            tasks: [],
        };
        o.sink.kafkaError = "Kafka at h:9092 (list topics) did not answer within 5 s";
        const out = renderTable(buildReport(o, DEFAULT_THRESHOLDS), 160);
        assert.match(out, /connector dev-clickhouse-sink\s+│ unreadable \(see problem\)/);
        assert.match(out, /group connect-dev-clickhouse-sink\s+│ unreadable \(see problem\)/);
        assert.ok(out.includes("did not answer within 5 s"));
    });
});
