/**
 * Unit tier: failed connectors and tasks restarted on `up` (update) and `refresh` (read) with
 * Connect's restart API (includeTasks, onlyFailed), bounded like Strimzi's auto-restart: at most
 * `maxRestarts` per run, backoff base × (n² + n); recorded in the `restarts` output; a connector
 * that keeps failing fails the update with its trace.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KafkaConnectorOutputs } from "../../components/providers/kafkaConnector";
import { fakeConnect, fastProvider, inputs, rejection, type FakeConnect } from "../support/fake-connect";

const TRACE =
    "org.apache.kafka.connect.errors.ConnectException: Couldn't find or create file '/nope/out.txt'\n\tat x.y(Z.java:1)\nCaused by: java.nio.file.NoSuchFileException: /nope/out.txt";

/** A created connector whose task then FAILED. */
async function failedConnector(connect: FakeConnect, over: Record<string, unknown> = {}) {
    const p = fastProvider({ sleep: async () => undefined });
    const created = await p.create(inputs(connect.url, over));
    connect.connectors.get("ecom-source")!.tasks = [{ state: "FAILED", trace: TRACE }];
    connect.stateOnPut = () => ({ state: "RUNNING", tasks: [{ state: "FAILED", trace: TRACE }] });
    return { p, outs: { ...(created.outs as KafkaConnectorOutputs), taskStates: ["FAILED"] } };
}

describe("KafkaConnector restarts: update", () => {
    it("restarts only the failed parts, records the restart in its output and logs it", async () => {
        const connect = await fakeConnect();
        const lines: string[] = [];
        const { outs } = await failedConnector(connect);
        const p = fastProvider({ log: (l) => lines.push(l) });
        const res = await p.update!("ecom-source", outs, inputs(connect.url));
        const restarts = connect.requests.filter((r) => r.method === "POST" && r.path.includes("/restart"));
        assert.deepEqual(
            restarts.map((r) => r.path),
            ["/connectors/ecom-source/restart?includeTasks=true&onlyFailed=true"],
        );
        const o = res.outs as KafkaConnectorOutputs;
        assert.deepEqual(o.taskStates, ["RUNNING"]);
        assert.equal(o.restarts.count, 1);
        assert.deepEqual(o.restarts.tasks, [0]);
        assert.equal(o.restarts.connector, false);
        assert.ok(!Number.isNaN(Date.parse(o.restarts.lastAt ?? "")), `lastAt: ${o.restarts.lastAt}`);
        assert.ok(
            lines.some((l) =>
                /restarting the failed parts .*task 0.*restart 1 of 3.*Couldn't find or create file/.test(l),
            ),
            lines.join("\n"),
        );
    });

    it("gives up after maxRestarts with the trace, waiting base × (n² + n) between restarts", async () => {
        const connect = await fakeConnect();
        const { outs } = await failedConnector(connect);
        connect.onRestart = (c) => void (c.tasks = [{ state: "FAILED", trace: TRACE }]);
        const slept: number[] = [];
        const p = fastProvider({ sleep: async (ms) => void slept.push(ms) });
        const err = await rejection(
            p.update!(
                "ecom-source",
                outs,
                inputs(connect.url, { maxRestarts: 3, restartBackoffSeconds: 1, readyTimeoutSeconds: 60 }),
            ),
        );
        assert.equal(connect.count("POST", "/connectors/ecom-source/restart"), 3);
        assert.match(err.message, /failed after 3 automatic restart\(s\)/);
        assert.match(
            err.message,
            /task 0 FAILED: org\.apache\.kafka\.connect\.errors\.ConnectException: Couldn't find or create file/,
        );
        assert.match(err.message, /Caused by: java\.nio\.file\.NoSuchFileException/);
        // Restart 1 at once, then 2 s and 6 s (base 1 s × (n² + n)); the other sleeps are polls.
        assert.deepEqual(
            slept.filter((ms) => ms >= 1000),
            [2000, 6000],
        );
    });

    it("stops restarting when the next backoff would pass readyTimeoutSeconds", async () => {
        const connect = await fakeConnect();
        const { outs } = await failedConnector(connect);
        connect.onRestart = (c) => void (c.tasks = [{ state: "FAILED", trace: TRACE }]);
        const p = fastProvider({ sleep: async () => undefined });
        const err = await rejection(
            p.update!(
                "ecom-source",
                outs,
                inputs(connect.url, { maxRestarts: 5, restartBackoffSeconds: 10, readyTimeoutSeconds: 5 }),
            ),
        );
        assert.equal(connect.count("POST", "/connectors/ecom-source/restart"), 1);
        assert.match(err.message, /after 1 automatic restart\(s\) \(the next restart would pass readyTimeoutSeconds\)/);
    });

    it("does not restart with maxRestarts 0, and fails with the trace", async () => {
        const connect = await fakeConnect();
        const { outs } = await failedConnector(connect);
        const err = await rejection(
            fastProvider().update!("ecom-source", outs, inputs(connect.url, { maxRestarts: 0 })),
        );
        assert.equal(connect.count("POST", "/connectors/ecom-source/restart"), 0);
        assert.match(err.message, /task 0 FAILED: .*Couldn't find or create file/);
    });

    it("restarts a FAILED connector as well as its tasks", async () => {
        const connect = await fakeConnect();
        const { outs } = await failedConnector(connect);
        connect.stateOnPut = () => ({ state: "FAILED", tasks: [{ state: "FAILED", trace: TRACE }] });
        const res = await fastProvider().update!("ecom-source", outs, inputs(connect.url));
        assert.equal((res.outs as KafkaConnectorOutputs).restarts.connector, true);
    });

    it("does not restart on create: a connector failing at once is reported and removed", async () => {
        const connect = await fakeConnect();
        connect.stateOnPut = () => ({ state: "RUNNING", tasks: [{ state: "FAILED", trace: TRACE }] });
        const err = await rejection(fastProvider().create(inputs(connect.url)));
        assert.equal(connect.count("POST", "/connectors/ecom-source/restart"), 0);
        assert.match(err.message, /Couldn't find or create file/);
    });
});

describe("KafkaConnector restarts: refresh", () => {
    it("restarts what failed and reports the connector RUNNING, counting the restart", async () => {
        const connect = await fakeConnect();
        const { p, outs } = await failedConnector(connect);
        const read = await p.read!("ecom-source", outs);
        const o = read.props as KafkaConnectorOutputs;
        assert.deepEqual([o.state, o.taskStates, o.restarts.count], ["RUNNING", ["RUNNING"], 1]);
        assert.equal((await p.diff("ecom-source", o, inputs(connect.url) as never)).changes, false);
    });

    it("reports FAILED without failing when restarts do not help, so the next up shows an update", async () => {
        const connect = await fakeConnect();
        const { p, outs } = await failedConnector(connect, {
            maxRestarts: 2,
            readyTimeoutSeconds: 60,
            restartBackoffSeconds: 0.001,
        });
        connect.onRestart = (c) => void (c.tasks = [{ state: "FAILED", trace: TRACE }]);
        const read = await p.read!("ecom-source", outs);
        const o = read.props as KafkaConnectorOutputs;
        assert.deepEqual(o.taskStates, ["FAILED"]);
        assert.equal(o.restarts.count, 2);
        assert.equal(connect.count("POST", "/connectors/ecom-source/restart"), 2);
        assert.deepEqual(
            (
                await p.diff(
                    "ecom-source",
                    o,
                    inputs(connect.url, {
                        maxRestarts: 2,
                        readyTimeoutSeconds: 60,
                        restartBackoffSeconds: 0.001,
                    }) as never,
                )
            ).detailedDiff.state,
            { kind: "update" },
        );
    });

    it("does not restart a connector declared paused", async () => {
        const connect = await fakeConnect();
        const { p, outs } = await failedConnector(connect, { desiredState: "paused" });
        connect.connectors.get("ecom-source")!.tasks = [{ state: "FAILED", trace: TRACE }];
        await p.read!("ecom-source", outs);
        assert.equal(connect.count("POST", "/connectors/ecom-source/restart"), 0);
    });
});
