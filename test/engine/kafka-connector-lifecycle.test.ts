/**
 * Engine tier: connector lifecycle against the real Kafka Connect worker (KRaft broker +
 * distributed Connect from Maven Central jars, see test/support/kafka), with connectors shipped
 * with Kafka (FileStreamSource / FileStreamSink):
 *
 * - through the real `pulumi up` (Automation API, inline program, the provider deserialised in
 *   Pulumi's provider process): running → paused → stopped → running, each checked on the
 *   worker; a sink task made to fail is restarted by `up --refresh`, visible in the outputs;
 * - through the provider's methods (faster): a task that keeps failing fails the update with its
 *   trace after the bounded restarts; a source that never produces (an empty file) fails
 *   "flowing" readiness naming the likely causes; a sink's offsets reset replays its topic
 *   (FileStreamSink writes the records again), and the same request id again does nothing;
 * - the issue's case with the real Debezium plugin: the project's source config pointed at a
 *   MongoDB wire-protocol server without change streams (FerretDB, posing as replica set rs0) is
 *   RUNNING while Debezium retries its poll forever; flowing readiness fails it with the causes.
 *
 * The cluster, the helpers and the inline Pulumi program: test/support/connector-lifecycle.ts.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import {
    createKafkaConnectorProvider,
    type DesiredState,
    type KafkaConnectorOutputs,
} from "../../components/providers/kafkaConnector";
import { DEBEZIUM_SECRET_KEYS, debeziumMongoSourceConfig } from "../../connectors";
import {
    eventually,
    failSinkTask,
    lifecycleCluster,
    lifecycleStack,
    lines,
    provider,
    status,
    verbose,
} from "../support/connector-lifecycle";
import { ferretdbBinary, startFerretDb } from "../support/ferretdb";
import { ensurePulumiCli, pulumiCliProblem } from "../support/pulumi-cli";
import { FILE_SINK, FILE_SOURCE, STRINGS } from "../support/stand-in-connectors";
import { requireTier } from "../support/tier";

describe("KafkaConnector lifecycle on a real Kafka Connect worker", { timeout: 15 * 60_000 }, () => {
    const { connect, tmp } = lifecycleCluster();

    it("pulumi up: running → paused → stopped → running, and a failed sink task restarted by up --refresh", async (t) => {
        const c = await connect(t);
        if (!c || !requireTier(t, "pulumi", await pulumiCliProblem())) return;
        const bin = await ensurePulumiCli();
        const dir = fs.mkdtempSync(path.join(tmp, "stack-"));
        for (const d of ["state", "home", "work"]) fs.mkdirSync(path.join(dir, d));
        const input = path.join(dir, "in.txt");
        fs.writeFileSync(input, "a\nb\nc\n");
        const outDir = path.join(dir, "out");
        fs.mkdirSync(outDir);
        const output = path.join(outDir, "sink.txt");
        const declared: { state: DesiredState } = { state: "running" };
        const stack = await lifecycleStack({ connectUrl: c.connectUrl, dir, input, output, declared, bin });
        try {
            const up = await stack.up({ onOutput: verbose });
            assert.equal(up.summary.resourceChanges?.create, 3);
            assert.equal(up.outputs.source.value.state, "RUNNING");
            assert.equal(up.outputs.source.value.flowProof, "produced to: life-lines");
            await eventually(60_000, "the sink wrote the 3 lines", async () => [
                lines(output).length === 3,
                lines(output),
            ]);

            const expected: Record<DesiredState, [string, number]> = {
                paused: ["PAUSED", 1],
                stopped: ["STOPPED", 0],
                running: ["RUNNING", 1],
            };
            for (const next of ["paused", "stopped", "running"] as const) {
                declared.state = next;
                const preview = await stack.preview({ diff: true });
                assert.equal(
                    preview.changeSummary.update,
                    1,
                    `preview of ${next}: ${JSON.stringify(preview.changeSummary)}`,
                );
                assert.match(preview.stdout, /desiredState/, `preview of ${next} names desiredState`);
                const res = await stack.up({ onOutput: verbose });
                assert.equal(res.summary.resourceChanges?.update, 1, `up to ${next}`);
                assert.equal(res.outputs.source.value.state, expected[next][0]);
                const live = await status(c, "life-source");
                assert.equal(
                    live.connector.state,
                    expected[next][0],
                    `the worker has life-source ${expected[next][0]}`,
                );
                assert.equal(live.tasks.length, expected[next][1]);
                if (next !== "stopped")
                    assert.ok(
                        live.tasks.every((tk) => tk.state === expected[next][0]),
                        JSON.stringify(live),
                    );
            }
            // Declared state reached: nothing more to do.
            assert.equal((await stack.preview()).changeSummary.update ?? 0, 0);

            // A sink task made to fail is restarted by `up --refresh`, and the restart shows in the outputs.
            await failSinkTask(c, "life-sink", outDir);
            fs.mkdirSync(outDir);
            let printed = "";
            const healed = await stack.up({
                refresh: true,
                onOutput: (l) => {
                    printed += l;
                    verbose?.(l);
                },
            });
            assert.equal(healed.outputs.sink.value.state, "RUNNING");
            assert.equal(healed.outputs.sink.value.restarts.count, 1);
            assert.deepEqual(healed.outputs.sink.value.restarts.tasks, [0]);
            assert.match(printed, /restarting the failed parts of connector "life-sink" \(task 0\), restart 1 of 3/);
            assert.equal((await status(c, "life-sink")).tasks[0].state, "RUNNING");
        } finally {
            await stack.destroy({ onOutput: verbose }).catch(() => undefined);
            await stack.workspace.removeStack("life").catch(() => undefined);
        }
    });

    it("fails an update whose task keeps failing, with the trace, after the bounded restarts", async (t) => {
        const c = await connect(t);
        if (!c) return;
        const outDir = path.join(tmp, "keeps-failing");
        fs.mkdirSync(outDir);
        const p = provider();
        const args = {
            connectUrl: c.connectUrl,
            connectorName: "life-failing-sink",
            config: {
                "connector.class": FILE_SINK,
                "tasks.max": "1",
                file: path.join(outDir, "out.txt"),
                topics: "life-nothing",
                ...STRINGS,
            },
            readyTimeoutSeconds: 90,
            maxRestarts: 2,
            restartBackoffSeconds: 1,
        };
        const created = await p.create(args);
        await failSinkTask(c, "life-failing-sink", outDir);
        const read = await p.read!(created.id, created.outs);
        const seen = read.props as KafkaConnectorOutputs;
        assert.deepEqual(
            [seen.taskStates, seen.restarts.count],
            [["FAILED"], 2],
            "refresh restarted twice and reports FAILED",
        );
        await assert.rejects(p.update!(created.id, seen, args), (e: Error) => {
            assert.match(e.message, /failed after 2 automatic restart\(s\)/);
            assert.match(
                e.message,
                /task 0 FAILED: org\.apache\.kafka\.connect\.errors\.ConnectException: Couldn't find or create file/,
            );
            return true;
        });
        await p.delete!(created.id, created.outs);
    });

    it("fails flowing readiness of a source that never produces (empty file), naming the likely causes", async (t) => {
        const c = await connect(t);
        if (!c) return;
        const empty = path.join(tmp, "empty.txt");
        fs.writeFileSync(empty, "");
        const started = Date.now();
        await assert.rejects(
            provider().create({
                connectUrl: c.connectUrl,
                connectorName: "life-silent-source",
                config: { "connector.class": FILE_SOURCE, "tasks.max": "1", file: empty, topic: "life-silent" },
                readiness: "flowing",
                readyTimeoutSeconds: 20,
            }),
            (e: Error) => {
                assert.match(e.message, /"life-silent-source" is RUNNING but produced no record in \d+ s/);
                assert.match(e.message, /not a replica set.*credentials.*unreachable from Connect/s);
                assert.match(e.message, /deleted again/);
                return true;
            },
        );
        assert.ok(Date.now() - started < 60_000, "bounded by readyTimeoutSeconds");
        const r = await fetch(`${c.connectUrl}/connectors/life-silent-source`, { signal: AbortSignal.timeout(30_000) });
        assert.equal(r.status, 404, "the connector was removed again");
    });

    it("replays a topic when the sink's offsets are reset, once per request id", async (t) => {
        const c = await connect(t);
        if (!c) return;
        const input = path.join(tmp, "replay-in.txt");
        const output = path.join(tmp, "replay-out.txt");
        fs.writeFileSync(input, "r1\nr2\nr3\n");
        const p = provider();
        const source = await p.create({
            connectUrl: c.connectUrl,
            connectorName: "life-replay-source",
            config: { "connector.class": FILE_SOURCE, "tasks.max": "1", file: input, topic: "life-replay", ...STRINGS },
            readiness: "flowing",
            readyTimeoutSeconds: 90,
        });
        const sinkArgs = {
            connectUrl: c.connectUrl,
            connectorName: "life-replay-sink",
            config: { "connector.class": FILE_SINK, "tasks.max": "1", file: output, topics: "life-replay", ...STRINGS },
            readiness: "flowing",
            readyTimeoutSeconds: 90,
        };
        const sink = await p.create(sinkArgs);
        assert.match(
            (sink.outs as KafkaConnectorOutputs).flowProof ?? "",
            /^committed offsets on 1 partition/,
            "the sink proved it committed",
        );
        await eventually(60_000, "the sink wrote the 3 records", async () => [
            lines(output).length === 3,
            lines(output),
        ]);

        const reset = await p.update!(sink.id, sink.outs, { ...sinkArgs, resetOffsets: "replay-1" });
        const outs = reset.outs as KafkaConnectorOutputs;
        assert.deepEqual([outs.offsetsResetId, outs.state], ["replay-1", "RUNNING"]);
        await eventually(60_000, "the sink wrote the 3 records again", async () => [
            lines(output).length === 6,
            lines(output),
        ]);
        assert.deepEqual(lines(output), ["r1", "r2", "r3", "r1", "r2", "r3"]);

        // The same id again: no change, nothing replayed.
        assert.equal((await p.diff(sink.id, outs, { ...sinkArgs, resetOffsets: "replay-1" } as never)).changes, false);
        await p.update!(sink.id, outs, { ...sinkArgs, resetOffsets: "replay-1" });
        await new Promise((r) => setTimeout(r, 3000));
        assert.equal(lines(output).length, 6, "nothing replayed for an id already done");

        await p.delete!(sink.id, outs);
        await p.delete!(source.id, source.outs);
    });

    it("fails flowing readiness of the Debezium source on a server without change streams (FerretDB), though it is RUNNING", async (t) => {
        const c = await connect(t);
        if (!c) return;
        const found = await ferretdbBinary();
        if (!requireTier(t, "engine", found.problem)) return;
        const db = await startFerretDb(found.path!, { replSetName: "rs0" });
        try {
            const config = debeziumMongoSourceConfig({
                topicPrefix: "ferret",
                database: "ecom",
                collections: ["orders"],
                heartbeatIntervalMs: 2000,
                topicReplicationFactor: 1,
            });
            const connection = `mongodb://127.0.0.1:${db.port}/?replicaSet=rs0`;
            const progress: string[] = [];
            const p = createKafkaConnectorProvider({ pollIntervalMs: 500, log: (l) => progress.push(l) });
            await assert.rejects(
                p.create({
                    connectUrl: c.connectUrl,
                    connectorName: "life-ferret-source",
                    config,
                    secretConfig: { [DEBEZIUM_SECRET_KEYS[0]]: connection },
                    readiness: "flowing",
                    readyTimeoutSeconds: 30,
                }),
                (e: Error) => {
                    assert.match(e.message, /"life-ferret-source" is RUNNING but produced no record in \d+ s/);
                    assert.match(e.message, /change streams need one/);
                    return true;
                },
            );
            assert.ok(
                progress.some((l) => /waiting for connector "life-ferret-source" to produce a record/.test(l)),
                "it was RUNNING and waited for data",
            );
            // The worker's own view: the task kept retrying its poll (what RUNNING alone hid).
            const log = fs.readFileSync(path.join(c.logDir, "connect.log"), "utf8");
            assert.match(
                log,
                /WorkerSourceTask\{id=life-ferret-source-0\} failed to poll records from SourceTask\. Will retry operation/,
            );
        } finally {
            await db.stop();
        }
    });
});
