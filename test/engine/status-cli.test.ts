/* eslint-disable @typescript-eslint/no-explicit-any -- the report's details are read as untyped JSON. */
/**
 * Engine tier: `npm run status` (tools/status) against the real services of the engine tests —
 * a KRaft Kafka broker with a distributed Kafka Connect worker (test/support/kafka; the connectors
 * are Kafka's FileStreamSource/FileStreamSink) and the embedded ClickHouse behind its HTTP gateway
 * (bronze tables from the stack's DDL; silver, bronze_rejects and gold made minimal under the dbt
 * project's real relation names, with real refreshable views; see test/support/status-env.ts). The
 * CLI runs as a process with every endpoint given by flags; its exit code and JSON are asserted in a
 * healthy and a broken state.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { Admin } from "@platformatic/kafka";
import { insertBronzeRows } from "../../tools/analytics/replay/index";
import { FILE_SINK, FILE_SOURCE, STRINGS } from "../support/stand-in-connectors";
import { BRONZE, DB, GOLD, PASSWORD, runStatus, SILVER_STORAGE, stage, statusEnv, until } from "../support/status-env";

const svc = statusEnv();

describe("npm run status on the engine-test services", { timeout: 300_000 }, () => {
    it("healthy: every stage ok, exit 0, the JSON shows connectors, topics, lag 0, rows and refreshes; no secret printed", async (t) => {
        if (!(await svc.ready(t))) return;
        const input = path.join(svc.tmp, "healthy.txt");
        fs.writeFileSync(input, "one\ntwo\nthree\n");
        await svc.connector("healthy-source", {
            "connector.class": FILE_SOURCE,
            "tasks.max": "1",
            file: input,
            topic: "healthy.orders",
            ...STRINGS,
        });
        await svc.connector("healthy-sink", {
            "connector.class": FILE_SINK,
            "tasks.max": "1",
            file: path.join(svc.tmp, "healthy-out.txt"),
            topics: "healthy.orders",
            ...STRINGS,
            "errors.tolerance": "all",
            "errors.deadletterqueue.topic.name": "dlq.healthy",
            "errors.deadletterqueue.topic.replication.factor": "1",
        });
        for (const table of BRONZE) {
            await insertBronzeRows(svc.ch, DB, table, [
                { raw_data: "{}", _topic: "healthy.orders", _partition: 0, _offset: 0, _key: null },
            ]);
        }
        await svc.insertSilver([{ id: "a" }, { id: "b" }]);

        // The sink commits every second (offset.flush.interval.ms) and gold refreshes every second: wait until both
        // show.
        const r = await until("a healthy status", async () => {
            const run = await runStatus([...svc.endpointFlags("healthy-source", "healthy-sink"), "--json"]);
            return run.code === 0 && run.report?.verdict === "ok" ? run : undefined;
        });
        const report = r.report!;
        assert.equal(report.version, 1);
        assert.equal(report.exitCode, 0);
        assert.deepEqual(
            report.stages.map((s) => [s.stage, s.verdict]),
            [
                ["source", "ok"],
                ["sink", "ok"],
                ["bronze", "ok"],
                ["silver", "ok"],
                ["gold", "ok"],
                ["drift", "ok"],
            ],
        );
        const source = stage(report, "source").details as any;
        assert.equal(source.connector.state, "RUNNING");
        assert.equal(source.connector.tasks[0].state, "RUNNING");
        assert.match(source.connector.tasks[0].workerId, /:\d+$/);
        assert.equal(source.topics[0].topic, "healthy.orders");
        assert.equal(source.topics[0].records, 3);
        assert.ok(
            source.topics[0].ageSeconds !== null && source.topics[0].ageSeconds < 120,
            `age ${source.topics[0].ageSeconds}`,
        );
        const sink = stage(report, "sink").details as any;
        assert.equal(sink.group, "connect-healthy-sink");
        assert.deepEqual(
            sink.lag.map((l: any) => [l.topic, l.partition, l.committed, l.endOffset, l.lag]),
            [["healthy.orders", 0, 3, 3, 0]],
        );
        assert.deepEqual(sink.deadLetter, { topic: "dlq.healthy", depth: 0 });
        const bronze = stage(report, "bronze").details as any;
        assert.deepEqual(
            bronze.tables.map((x: any) => [x.table, x.rows]),
            BRONZE.map((b) => [b, 1]),
        );
        assert.ok(bronze.tables.every((x: any) => x.newestIngestedMs > Date.now() - 600_000));
        const silver = stage(report, "silver").details as any;
        assert.deepEqual(
            silver.tables.map((x: any) => [x.table, x.rows]),
            SILVER_STORAGE.map((s) => [s, 2]),
        );
        assert.ok(silver.tables.every((x: any) => x.newestEventMs > 0));
        assert.equal(silver.rejects, 0);
        const gold = stage(report, "gold").details as any;
        assert.deepEqual(
            gold.refreshes.map((x: any) => x.view),
            GOLD.map((g) => `${g}__refresh`),
        );
        assert.ok(gold.refreshes.every((x: any) => x.lastSuccessMs !== null && x.exception === ""));
        assert.ok(!r.stdout.includes(PASSWORD) && !r.stderr.includes(PASSWORD));

        // The table for a terminal: one screen, every stage named with its verdict.
        const table = await runStatus(svc.endpointFlags("healthy-source", "healthy-sink"));
        assert.equal(table.code, 0, table.stderr);
        for (const s of [
            "source",
            "sink",
            "bronze",
            "silver",
            "gold",
            "connector healthy-source",
            "group connect-healthy-sink",
            "pipeline: ok (exit 0)",
        ]) {
            assert.ok(table.stdout.includes(s), `table lacks ${s}:\n${table.stdout}`);
        }
        t.diagnostic(`status --json took ${r.ms} ms`);
    });

    it("reads the endpoints and the password from the stack's outputs (a stand-in pulumi on PATH), --stack picks the stack", async (t) => {
        if (!(await svc.ready(t))) return;
        const bin = fs.mkdtempSync(path.join(svc.tmp, "bin-"));
        const argsFile = path.join(bin, "args");
        const outputs = {
            connectUrl: svc.kafka.connectUrl,
            kafkaBootstrap: svc.kafka.bootstrap,
            clickhouseUrl: svc.gw.url,
            clickhouseUser: svc.gw.user,
            clickhousePassword: PASSWORD,
            clickhouseDatabase: DB,
            mongoUri: "mongodb://admin:mongo-Pa55@127.0.0.1:1/",
            connectors: {
                source: { name: "healthy-source", state: "RUNNING" },
                sink: { name: "healthy-sink", state: "RUNNING" },
            },
            bronzeTables: [...BRONZE],
            dbtVars: { gold_refresh_seconds: "1" },
        };
        fs.writeFileSync(
            path.join(bin, "pulumi"),
            `#!/bin/sh\necho "$@" > '${argsFile}'\ncat <<'JSON'\n${JSON.stringify(outputs)}\nJSON\n`,
            { mode: 0o755 },
        );
        const env = {
            PATH: `${bin}:${process.env.PATH}`,
            PULUMI_CONFIG_PASSPHRASE: "test-only",
            CDC_STATUS_CLICKHOUSE_PASSWORD: undefined,
        };
        const r = await runStatus(["--json", "--stack", "staging", "--source-max-age", "900"], env);
        assert.equal(r.code, 0, `${r.stderr}\n${r.stdout}`);
        assert.equal(r.report!.verdict, "ok", JSON.stringify(r.report!.stages.flatMap((s) => s.problems)));
        assert.match(fs.readFileSync(argsFile, "utf8"), /^stack output --json --show-secrets --stack staging/);
        assert.equal((stage(r.report!, "sink").details as { group: string }).group, "connect-healthy-sink");
        assert.ok(!r.stdout.includes(PASSWORD) && !r.stderr.includes(PASSWORD));

        // No stack: exit 1, saying what to do.
        fs.writeFileSync(
            path.join(bin, "pulumi"),
            "#!/bin/sh\necho 'error: no stack named staging found' >&2\nexit 255\n",
            { mode: 0o755 },
        );
        const none = await runStatus(["--stack", "staging"], env);
        assert.equal(none.code, 1);
        assert.match(
            none.stderr,
            /could not read the stack's outputs:\nerror: no stack named staging found\nRun `npm run up` first/,
        );
    });

    it("broken: a failed sink task, a group behind the end offsets and rejects: exit 2, each named in the JSON", async (t) => {
        if (!(await svc.ready(t))) return;
        const input = path.join(svc.tmp, "broken.txt");
        fs.writeFileSync(input, "a\nb\nc\nd\n");
        await svc.connector("broken-source", {
            "connector.class": FILE_SOURCE,
            "tasks.max": "1",
            file: input,
            topic: "broken.orders",
            ...STRINGS,
        });
        const admin = new Admin({ clientId: "status-test", bootstrapBrokers: [svc.kafka.bootstrap] });
        try {
            await until("4 records on broken.orders", async () => {
                const [o] = await admin.listOffsets({
                    topics: [{ name: "broken.orders", partitions: [{ partitionIndex: 0, timestamp: -1n }] }],
                });
                return o?.partitions[0]?.offset === 4n ? true : undefined;
            });
            // FileStreamSink opens its file when the task starts: a missing directory fails the task.
            await svc.connector("broken-sink", {
                "connector.class": FILE_SINK,
                "tasks.max": "1",
                file: path.join(svc.tmp, "no-such-dir", "out.txt"),
                topics: "broken.orders",
                ...STRINGS,
            });
            await until("the broken sink's task FAILED", async () => {
                const s = (await (await fetch(`${svc.kafka.connectUrl}/connectors/broken-sink/status`)).json()) as {
                    tasks: { state: string }[];
                };
                return s.tasks[0]?.state === "FAILED" ? true : undefined;
            });
            // The group (no member: its task failed) committed 1 of the 4 records.
            await admin.alterConsumerGroupOffsets({
                groupId: "connect-broken-sink",
                topics: [{ name: "broken.orders", partitionOffsets: [{ partition: 0, offset: 1n }] }],
            });
        } finally {
            await admin.close();
        }
        await svc.insertSilver([{ id: "r1", reason: "not_json" }]);

        const r = await runStatus([...svc.endpointFlags("broken-source", "broken-sink"), "--json", "--max-lag", "2"]);
        const report = r.report!;
        assert.ok(report, `no JSON: ${r.stdout}\n${r.stderr}`);
        assert.equal(r.code, 2, r.stderr);
        assert.equal(report.exitCode, 2);
        assert.equal(report.verdict, "failed");
        assert.deepEqual(
            report.stages.map((s) => [s.stage, s.verdict]),
            [
                ["source", "ok"],
                ["sink", "failed"],
                ["bronze", "ok"],
                ["silver", "lagging"],
                ["gold", "ok"],
                ["drift", "ok"],
            ],
        );
        const sink = stage(report, "sink");
        const d = sink.details as any;
        assert.equal(d.connector.tasks[0].state, "FAILED");
        assert.ok(d.connector.tasks[0].trace.split("\n").length <= 3, "trace cut to --trace-lines");
        assert.match(d.connector.tasks[0].trace, /no-such-dir|NoSuchFile|ConnectException/);
        assert.deepEqual(
            d.lag.map((l: any) => [l.committed, l.endOffset, l.lag]),
            [[1, 4, 3]],
        );
        assert.ok(
            sink.problems.some((p) => /task broken-sink\/0 FAILED/.test(p)),
            sink.problems.join("\n"),
        );
        assert.ok(
            sink.problems.some((p) => /3 records behind \(> --max-lag 2\)/.test(p)),
            sink.problems.join("\n"),
        );
        const silver = stage(report, "silver");
        assert.equal((silver.details as { rejects: number }).rejects, SILVER_STORAGE.length);
        assert.ok(
            silver.problems.some((p) => p.startsWith(`${SILVER_STORAGE.length} rows in bronze_rejects`)),
            silver.problems.join("\n"),
        );
        assert.ok(!r.stdout.includes(PASSWORD));
    });

    it("dead letters: a sink that diverts unreadable records is lagging, not failed: exit 0, the depth in the JSON", async (t) => {
        if (!(await svc.ready(t))) return;
        // broken.orders (from the previous case) holds 4 lines that are not JSON: with errors.tolerance=all they go to
        // the dead-letter topic.
        await svc.connector("dlq-sink", {
            "connector.class": FILE_SINK,
            "tasks.max": "1",
            file: path.join(svc.tmp, "dlq-out.txt"),
            topics: "broken.orders",
            "key.converter": "org.apache.kafka.connect.storage.StringConverter",
            "value.converter": "org.apache.kafka.connect.json.JsonConverter",
            "value.converter.schemas.enable": "false",
            "errors.tolerance": "all",
            "errors.deadletterqueue.topic.name": "dlq.status",
            "errors.deadletterqueue.topic.replication.factor": "1",
        });
        const r = await until("the dead letters and the sink's commit", async () => {
            const run = await runStatus([
                ...svc.endpointFlags("broken-source", "dlq-sink"),
                "--json",
                "--max-rejects",
                "100",
            ]);
            const d =
                run.report &&
                (stage(run.report, "sink").details as { deadLetter: { depth: number }; totalLag: number });
            return d?.deadLetter.depth === 4 && d.totalLag === 0 ? run : undefined;
        });
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual([r.report!.verdict, r.report!.exitCode], ["lagging", 0]);
        const sink = stage(r.report!, "sink");
        assert.equal(sink.verdict, "lagging");
        assert.deepEqual(
            sink.problems.map((p) => p.split(" (")[0]),
            ["4 records in the dead-letter topic dlq.status"],
        );
        assert.equal(stage(r.report!, "silver").verdict, "ok", "--max-rejects raised above the rejects present");
    });

    it("unreachable services: every stage failed within the deadline, saying what to do, never a hang", async (t) => {
        if (!(await svc.ready(t))) return;
        // A listening socket that never answers stands for a hung service.
        const net = await import("node:net");
        const silent = net.createServer(() => {});
        await new Promise<void>((res) => silent.listen(0, "127.0.0.1", res));
        const port = (silent.address() as { port: number }).port;
        try {
            const r = await runStatus([
                "--connect-url",
                `http://127.0.0.1:${port}`,
                "--kafka",
                `127.0.0.1:${port}`,
                "--clickhouse-url",
                `http://127.0.0.1:${port}`,
                "--database",
                DB,
                "--source",
                "s",
                "--sink",
                "k",
                "--bronze-tables",
                BRONZE.join(","),
                "--timeout",
                "1",
                "--json",
            ]);
            assert.equal(r.code, 2, r.stderr);
            assert.deepEqual(
                r.report!.stages.map((s) => s.verdict),
                // drift is never failed: ClickHouse being down fails bronze, silver and gold already
                ["failed", "failed", "failed", "failed", "failed", "ok"],
            );
            const all = r.report!.stages.flatMap((s) => s.problems).join("\n");
            assert.match(all, /Kafka Connect at .* did not answer within 1 s/);
            assert.match(all, /ClickHouse at .* did not answer within 1 s/);
            assert.match(all, /Kafka at .* did not answer within 1 s|Kafka at .*reachable/);
            assert.ok(r.ms < 30_000, `took ${r.ms} ms`);
            t.diagnostic(`unreachable run took ${r.ms} ms`);
        } finally {
            silent.close();
        }
    });
});
