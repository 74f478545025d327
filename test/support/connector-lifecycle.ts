/**
 * Shared by test/engine/kafka-connector-lifecycle.test.ts: one Kafka Connect cluster for the file,
 * the provider with fast polling, the worker's view of a connector, a way to make a FileStreamSink
 * task fail, and the inline Pulumi program of a file source feeding a file sink.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, type TestContext } from "node:test";
import { LocalWorkspace, PulumiCommand, type Stack } from "@pulumi/pulumi/automation";
import {
    createKafkaConnectorProvider,
    KafkaConnector,
    type DesiredState,
} from "../../components/providers/kafkaConnector";
import { kafkaToolchainProblem, startKafkaConnect, type KafkaConnectCluster } from "./kafka";
import { isolatedPulumiEnv, pulumiCliRoot } from "./pulumi-cli";
import { FILE_SINK, FILE_SOURCE, STRINGS } from "./stand-in-connectors";
import { requireTier } from "./tier";

export const verbose = process.env.CDC_TEST_VERBOSE ? (l: string) => process.stderr.write(`${l}\n`) : undefined;

/**
 * Called inside the file's describe(): `connect(t)` starts the cluster once for the whole file, or
 * skips `t` (out loud) when Kafka cannot run here; `tmp` is a directory removed after the suite, as
 * the cluster is stopped.
 */
export function lifecycleCluster(): {
    connect: (t: TestContext) => Promise<KafkaConnectCluster | undefined>;
    tmp: string;
} {
    let cluster: Promise<KafkaConnectCluster> | undefined;
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kafka-connector-lifecycle-"));
    after(async () => {
        if (cluster) await (await cluster.catch(() => undefined))?.stop();
        fs.rmSync(tmp, { recursive: true, force: true });
    });
    return {
        tmp,
        async connect(t) {
            if (!requireTier(t, "kafka", await kafkaToolchainProblem())) return undefined;
            cluster ??= startKafkaConnect({ log: verbose });
            return cluster;
        },
    };
}

export const provider = () =>
    createKafkaConnectorProvider({
        retry: { retries: 8, baseDelayMs: 200, maxDelayMs: 2000 },
        pollIntervalMs: 250,
        restartSettleMs: 3000,
        sinkGraceMs: 5000,
        log: verbose ?? (() => undefined),
    });

export interface Status {
    connector: { state: string };
    tasks: Array<{ id: number; state: string; trace?: string }>;
}
export async function status(c: KafkaConnectCluster, name: string): Promise<Status> {
    const r = await fetch(`${c.connectUrl}/connectors/${name}/status`, { signal: AbortSignal.timeout(30_000) });
    return (await r.json()) as Status;
}
/** Polls `probe` every 250 ms until it returns true, or fails after `ms` with `what` and the last value seen. */
export async function eventually(ms: number, what: string, probe: () => Promise<[boolean, unknown]>): Promise<void> {
    const deadline = Date.now() + ms;
    for (;;) {
        const [ok, seen] = await probe();
        if (ok) return;
        if (Date.now() > deadline) assert.fail(`${what} within ${ms} ms; last seen: ${JSON.stringify(seen)}`);
        await new Promise((r) => setTimeout(r, 250));
    }
}
export const lines = (file: string) =>
    fs.existsSync(file)
        ? fs
              .readFileSync(file, "utf8")
              .split("\n")
              .filter((l) => l.length > 0)
        : [];
/** Makes task 0 of a FileStreamSink fail: its output directory is removed and the task restarted. */
export async function failSinkTask(c: KafkaConnectCluster, name: string, outDir: string): Promise<void> {
    fs.rmSync(outDir, { recursive: true, force: true });
    const r = await fetch(`${c.connectUrl}/connectors/${name}/tasks/0/restart`, {
        method: "POST",
        signal: AbortSignal.timeout(30_000),
    });
    assert.ok(r.status < 300, `task restart: HTTP ${r.status}`);
    await eventually(60_000, "the sink task FAILED", async () => {
        const s = await status(c, name);
        return [s.tasks[0]?.state === "FAILED", s];
    });
}

/**
 * Stack "life" of an inline program in `dir` (with state/, home/, work/): source `life-source`
 * tails `input` into topic life-lines in the state `declared.state` has at each `up`, and sink
 * `life-sink` writes that topic to `output`; both with flowing readiness and up to 3 restarts.
 */
export async function lifecycleStack(o: {
    connectUrl: string;
    dir: string;
    input: string;
    output: string;
    declared: { state: DesiredState };
    bin: string;
}): Promise<Stack> {
    const { connectUrl: url, input, output, declared } = o;
    return LocalWorkspace.createOrSelectStack(
        {
            stackName: "life",
            projectName: "cdc-lifecycle",
            program: async () => {
                const common = {
                    connectUrl: url,
                    readiness: "flowing" as const,
                    readyTimeoutSeconds: 90,
                    maxRestarts: 3,
                    restartBackoffSeconds: 1,
                };
                const source = new KafkaConnector("source", {
                    ...common,
                    connectorName: "life-source",
                    config: {
                        "connector.class": FILE_SOURCE,
                        "tasks.max": "1",
                        file: input,
                        topic: "life-lines",
                        ...STRINGS,
                    },
                    desiredState: declared.state,
                });
                const sink = new KafkaConnector(
                    "sink",
                    {
                        ...common,
                        connectorName: "life-sink",
                        config: {
                            "connector.class": FILE_SINK,
                            "tasks.max": "1",
                            file: output,
                            topics: "life-lines",
                            ...STRINGS,
                        },
                    },
                    { dependsOn: [source] },
                );
                return {
                    source: { state: source.state, desiredState: source.desiredState, flowProof: source.flowProof },
                    sink: { state: sink.state, restarts: sink.restarts, flowProof: sink.flowProof },
                };
            },
        },
        {
            workDir: path.join(o.dir, "work"),
            pulumiCommand: await PulumiCommand.get({ root: pulumiCliRoot(o.bin), skipVersionCheck: true }),
            envVars: isolatedPulumiEnv(o.dir),
        },
    );
}
