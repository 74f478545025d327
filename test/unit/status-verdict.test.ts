/** Unit: the verdict rules of `npm run status` (tools/status/verdict.ts), from observations alone. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
    ageSeconds,
    buildReport,
    DEFAULT_THRESHOLDS,
    judgeConnector,
    judgeGold,
    judgeSilver,
    judgeSink,
    judgeSource,
    worst,
} from "../../tools/status/verdict";
import type {
    ConnectorObs,
    GoldObs,
    LayerObs,
    Observations,
    SilverObs,
    SinkObs,
    SourceObs,
} from "../../tools/status/types";

const NOW = 1_800_000_000_000;
const TH = DEFAULT_THRESHOLDS;
const running = (name: string): ConnectorObs => ({
    name,
    state: "RUNNING",
    workerId: "w:8083",
    tasks: [{ id: 0, state: "RUNNING", workerId: "w:8083" }],
});
const source = (over: Partial<SourceObs> = {}): SourceObs => ({
    connector: running("src"),
    topics: [
        {
            topic: "__debezium-heartbeat.mongo",
            partitions: [{ partition: 0, startOffset: 0, endOffset: 5, newestTimestampMs: NOW - 4_000 }],
        },
    ],
    ...over,
});
const sink = (over: Partial<SinkObs> = {}): SinkObs => ({
    connector: running("snk"),
    group: "connect-snk",
    topics: ["mongo.ecom.orders"],
    lag: [{ topic: "mongo.ecom.orders", partition: 0, committed: 10, startOffset: 0, endOffset: 10 }],
    deadLetter: { topic: "dlq", depth: 0 },
    ...over,
});
const table = (t: string, ingested: number | null, rows = 3) => ({
    table: t,
    rows,
    newestIngestedMs: ingested,
    newestEventMs: null,
});
const bronze = (ingested = NOW - 1_000): LayerObs => ({ tables: [table("mongo_ecom_orders", ingested)] });
const silver = (over: Partial<SilverObs> = {}): SilverObs => ({
    tables: [table("base_orders", NOW - 1_000)],
    rejects: 0,
    ...over,
});
const gold = (over: Partial<GoldObs> = {}): GoldObs => ({
    tables: [table("fact_orders", null)],
    refreshes: [
        {
            view: "fact_orders__refresh",
            status: "Scheduled",
            lastSuccessMs: NOW - 10_000,
            lastRefreshMs: NOW - 10_000,
            exception: "",
        },
    ],
    ...over,
});
const obs = (over: Partial<Observations> = {}): Observations => ({
    nowMs: NOW,
    source: source(),
    sink: sink(),
    bronze: bronze(),
    silver: silver(),
    gold: gold(),
    ...over,
});

describe("status verdicts", () => {
    it("worst and ageSeconds", () => {
        assert.equal(worst([]), "ok");
        assert.equal(worst(["ok", "lagging", "ok"]), "lagging");
        assert.equal(worst(["lagging", "failed", "ok"]), "failed");
        assert.equal(ageSeconds(NOW, NOW - 1_234), 1.2);
        assert.equal(ageSeconds(NOW, NOW + 5_000), 0, "a clock ahead is not a negative age");
        assert.equal(ageSeconds(NOW, null), null);
    });

    it("a healthy pipeline: every stage ok, exit 0, stages in data-flow order", () => {
        const r = buildReport(obs(), TH);
        assert.deepEqual(
            r.stages.map((s) => [s.stage, s.verdict, s.problems.length]),
            [
                ["source", "ok", 0],
                ["sink", "ok", 0],
                ["bronze", "ok", 0],
                ["silver", "ok", 0],
                ["gold", "ok", 0],
                ["drift", "ok", 0],
            ],
        );
        assert.deepEqual([r.verdict, r.exitCode, r.version], ["ok", 0, 1]);
        assert.equal(r.checkedAt, new Date(NOW).toISOString());
    });

    it("connectors: FAILED connector or task → failed; PAUSED, no task, a task not RUNNING → lagging; unreadable → failed", () => {
        assert.equal(judgeConnector(running("a")).verdict, "ok");
        const failedTask = judgeConnector({
            ...running("a"),
            tasks: [{ id: 0, state: "FAILED", workerId: "w", trace: "boom" }],
        });
        assert.equal(failedTask.verdict, "failed");
        assert.match(failedTask.problems[0], /task a\/0 FAILED on w/);
        assert.equal(judgeConnector({ ...running("a"), state: "FAILED" }).verdict, "failed");
        assert.equal(
            judgeConnector({ ...running("a"), state: "PAUSED", tasks: [{ id: 0, state: "PAUSED", workerId: "w" }] })
                .verdict,
            "lagging",
        );
        assert.match(judgeConnector({ ...running("a"), tasks: [] }).problems[0], /no task assigned/);
        assert.equal(
            judgeConnector({ ...running("a"), tasks: [{ id: 0, state: "UNASSIGNED", workerId: "w" }] }).verdict,
            "lagging",
        );
        const gone = judgeConnector({ name: "a", error: "not found", tasks: [] });
        assert.deepEqual([gone.verdict, gone.problems], ["failed", ["connector a: not found"]]);
    });

    it("source: no record ever → failed naming the likely causes; old newest record → lagging; a failed task makes the stage failed", () => {
        const never = judgeSource(
            source({
                topics: [
                    {
                        topic: "hb",
                        partitions: [{ partition: 0, startOffset: 0, endOffset: 0, newestTimestampMs: null }],
                    },
                ],
            }),
            NOW,
            TH,
        );
        assert.equal(never.verdict, "failed");
        assert.match(never.problems[0], /no record has ever reached hb.*change streams.*credentials/);
        const old = judgeSource(
            source({
                topics: [
                    {
                        topic: "hb",
                        partitions: [{ partition: 0, startOffset: 0, endOffset: 9, newestTimestampMs: NOW - 61_000 }],
                    },
                ],
            }),
            NOW,
            TH,
        );
        assert.equal(old.verdict, "lagging");
        assert.match(old.problems[0], /61 s old \(> --source-max-age 60 s\)/);
        assert.equal(
            judgeSource(source(), NOW, { ...TH, sourceMaxAgeSeconds: 3 }).verdict,
            "lagging",
            "the threshold is the flag's",
        );
        const missing = judgeSource(source({ topics: [{ topic: "hb", missing: true, partitions: [] }] }), NOW, TH);
        assert.equal(missing.verdict, "failed", "a source topic that does not exist has no record");
        assert.equal(judgeSource(source({ kafkaError: "down" }), NOW, TH).verdict, "failed");
        const task = judgeSource(
            source({ connector: { ...running("src"), tasks: [{ id: 0, state: "FAILED", workerId: "w" }] } }),
            NOW,
            TH,
        );
        assert.equal(task.verdict, "failed");
        const d = judgeSource(source(), NOW, TH).details as { topics: { records: number; ageSeconds: number }[] };
        assert.deepEqual([d.topics[0].records, d.topics[0].ageSeconds], [5, 4]);
    });

    it("sink: lag above --max-lag → lagging with the sum; nothing committed → lagging; dead letters above the threshold → lagging", () => {
        const behind = judgeSink(
            sink({
                lag: [
                    { topic: "t", partition: 0, committed: 10, startOffset: 0, endOffset: 700 },
                    { topic: "t", partition: 1, committed: 0, startOffset: 0, endOffset: 400 },
                ],
            }),
            TH,
        );
        assert.equal(behind.verdict, "lagging");
        assert.match(behind.problems[0], /1090 records behind \(> --max-lag 1000\)/);
        assert.equal((behind.details as { totalLag: number }).totalLag, 1090);
        assert.equal(
            judgeSink(sink({ lag: [{ topic: "t", partition: 0, committed: 5, startOffset: 0, endOffset: 1005 }] }), TH)
                .verdict,
            "ok",
            "exactly --max-lag is not lagging",
        );
        const none = judgeSink(
            sink({ lag: [{ topic: "t", partition: 0, committed: null, startOffset: 2, endOffset: 7 }] }),
            TH,
        );
        assert.equal(none.verdict, "lagging");
        assert.match(none.problems[0], /committed nothing on t\[0\]/);
        assert.equal(
            (none.details as { lag: { lag: number }[] }).lag[0].lag,
            5,
            "uncommitted lag counts from the log start",
        );
        const dlq = judgeSink(sink({ deadLetter: { topic: "dlq", depth: 2 } }), TH);
        assert.equal(dlq.verdict, "lagging");
        assert.match(dlq.problems[0], /2 records in the dead-letter topic dlq/);
        assert.equal(
            judgeSink(sink({ deadLetter: { topic: "dlq", depth: 2 } }), { ...TH, maxDeadLetters: 5 }).verdict,
            "ok",
        );
        assert.equal(judgeSink(sink({ kafkaError: "x", lag: [] }), TH).verdict, "failed");
        const both = judgeSink(
            sink({
                connector: { name: "snk", error: "unreachable", tasks: [] },
                deadLetter: { topic: "dlq", depth: 9 },
            }),
            TH,
        );
        assert.equal(both.verdict, "failed");
        assert.equal(both.problems.length, 2, "failures first, then what lags");
        assert.match(both.problems[0], /unreachable/);
    });

    it("bronze, silver: a missing table or ClickHouse down → failed; silver behind bronze or rejects present → lagging", () => {
        const r1 = buildReport(
            obs({
                bronze: {
                    tables: [
                        {
                            table: "mongo_ecom_orders",
                            missing: true,
                            rows: null,
                            newestIngestedMs: null,
                            newestEventMs: null,
                        },
                    ],
                },
            }),
            TH,
        );
        assert.equal(r1.stages[2].verdict, "failed");
        assert.match(r1.stages[2].problems[0], /mongo_ecom_orders does not exist/);
        const down = buildReport(
            obs({
                bronze: { error: "down", tables: [] },
                silver: { error: "down", tables: [], rejects: null },
                gold: { error: "down", tables: [], refreshes: [] },
            }),
            TH,
        );
        assert.deepEqual(
            down.stages.slice(2, 5).map((s) => s.verdict),
            ["failed", "failed", "failed"],
        );
        assert.equal(down.exitCode, 2);
        const behind = judgeSilver(
            silver({ tables: [table("base_orders", NOW - 60_000)] }),
            bronze(NOW - 1_000),
            NOW,
            TH,
        );
        assert.equal(behind.verdict, "lagging");
        assert.match(behind.problems[0], /59 s behind bronze's \(> --silver-max-delay 30 s\)/);
        assert.equal((behind.details as { delayBehindBronzeSeconds: number }).delayBehindBronzeSeconds, 59);
        assert.equal(
            judgeSilver(silver({ tables: [table("base_orders", null, 0)] }), bronze(), NOW, TH).verdict,
            "lagging",
            "bronze rows and none in silver",
        );
        assert.equal(
            judgeSilver(silver(), { tables: [table("mongo_ecom_orders", null, 0)] }, NOW, TH).verdict,
            "ok",
            "empty bronze: nothing to follow",
        );
        const rejects = judgeSilver(silver({ rejects: 4 }), bronze(), NOW, TH);
        assert.equal(rejects.verdict, "lagging");
        assert.match(rejects.problems[0], /^4 rows in bronze_rejects \(> --max-rejects 0\)/);
        assert.equal(judgeSilver(silver({ rejects: 4 }), bronze(), NOW, { ...TH, maxRejects: 4 }).verdict, "ok");
        assert.equal(
            judgeSilver(silver({ rejects: null, rejectsError: "no view" }), bronze(), NOW, TH).verdict,
            "failed",
        );
    });

    it("gold: a refresh that failed on data names the silver row and its bronze coordinates", () => {
        const failing = {
            view: "fact_orders__refresh",
            status: "Scheduled",
            lastSuccessMs: NOW - 60_000,
            lastRefreshMs: NOW - 1_000,
            exception: "Code: 407. Decimal math overflow\nstack",
        };
        const offending = [
            {
                view: "stg_orders",
                key: "order_id",
                id: "65f0c3a1b2c3d4e5f6a7bc01",
                topic: "mongo.ecom.orders",
                partition: 2,
                offset: 1234,
                error: "Code: 407. Decimal math overflow",
            },
        ];
        const r = judgeGold(gold({ refreshes: [failing], offending }), NOW, TH);
        assert.equal(r.verdict, "failed");
        assert.match(
            r.problems[0],
            /refresh of fact_orders failed: Code: 407\. Decimal math overflow \(.*\); stg_orders fails on order_id 65f0c3a1b2c3d4e5f6a7bc01/,
        );
        assert.match(
            r.problems[0],
            /bronze row _topic mongo\.ecom\.orders, _partition 2, _offset 1234: fix or delete that document/,
        );
        assert.deepEqual((r.details as { offending: unknown }).offending, offending);
    });

    it("gold: a refresh whose last run failed → failed with its first line; no refresh view → failed; never refreshed or too old → lagging", () => {
        const err = judgeGold(
            gold({
                refreshes: [
                    {
                        view: "fact_orders__refresh",
                        status: "Scheduled",
                        lastSuccessMs: NOW - 60_000,
                        lastRefreshMs: NOW - 1_000,
                        exception: "Code: 60. Table missing\nstack",
                    },
                ],
            }),
            NOW,
            TH,
        );
        assert.equal(err.verdict, "failed");
        assert.match(err.problems[0], /refresh of fact_orders failed: Code: 60\. Table missing \(/);
        assert.ok(!err.problems[0].includes("stack"));
        const recovered = judgeGold(
            gold({
                refreshes: [
                    {
                        view: "fact_orders__refresh",
                        status: "Scheduled",
                        lastSuccessMs: NOW - 1_000,
                        lastRefreshMs: NOW - 1_000,
                        exception: "old error",
                    },
                ],
            }),
            NOW,
            TH,
        );
        assert.equal(recovered.verdict, "ok", "an exception older than the last success is history");
        assert.equal(judgeGold(gold({ refreshes: [] }), NOW, TH).verdict, "failed");
        const never = judgeGold(
            gold({
                refreshes: [
                    {
                        view: "fact_orders__refresh",
                        status: "Running",
                        lastSuccessMs: null,
                        lastRefreshMs: null,
                        exception: "",
                    },
                ],
            }),
            NOW,
            TH,
        );
        assert.deepEqual(
            [never.verdict, never.problems[0]],
            ["lagging", "fact_orders has not refreshed yet (status Running)"],
        );
        const old = judgeGold(
            gold({
                refreshes: [
                    {
                        view: "fact_orders__refresh",
                        status: "Scheduled",
                        lastSuccessMs: NOW - 301_000,
                        lastRefreshMs: NOW - 301_000,
                        exception: "",
                    },
                ],
            }),
            NOW,
            TH,
        );
        assert.equal(old.verdict, "lagging");
        assert.match(old.problems[0], /301 s ago \(> --gold-max-age 300 s\)/);
    });

    it("the whole report: failed anywhere → exit 2; lagging only → exit 0", () => {
        const lagging = buildReport(obs({ silver: silver({ rejects: 1 }) }), TH);
        assert.deepEqual([lagging.verdict, lagging.exitCode], ["lagging", 0]);
        const failed = buildReport(
            obs({ silver: silver({ rejects: 1 }), sink: sink({ connector: { ...running("snk"), state: "FAILED" } }) }),
            TH,
        );
        assert.deepEqual([failed.verdict, failed.exitCode], ["failed", 2]);
        assert.deepEqual(failed.thresholds, TH);
    });
});
