/**
 * What the engine tests of a whole stack check besides their own assertions: that no secret
 * shows in clear (state, settings, Connect's answers, its config topic and logs), which resources
 * a run changed, and what Kafka Connect holds for a connector; and their steps, run in sequence.
 */
import assert from "node:assert/strict";
import * as https from "node:https";
import * as fs from "node:fs";
import * as path from "node:path";
import { it, type TestContext } from "node:test";
import type { EngineEvent, OpType, Stack } from "@pulumi/pulumi/automation";
import { configTopicText, type KafkaConnectCluster } from "./kafka";

/** Fails when any of `secrets` (name → value) appears in `text`, naming it, where, and the text around it (masked). */
export type SecretScan = (text: string, where: string) => void;

export function secretScanner(secrets: Record<string, string>): SecretScan {
    return (text, where) => {
        for (const [name, s] of Object.entries(secrets)) {
            const at = text.indexOf(s);
            if (at < 0) continue;
            const context = text
                .slice(Math.max(0, at - 300), at + s.length + 100)
                .split(s)
                .join("<SECRET>");
            assert.fail(`${name} appears in clear in ${where}, here: …${context}…`);
        }
    };
}

/** Operation per resource (by URN) from a run's `resourcePreEvent`s. */
function opsByUrn(events: EngineEvent[]): Map<string, OpType> {
    const ops = new Map<string, OpType>();
    for (const e of events)
        if (e.resourcePreEvent) ops.set(e.resourcePreEvent.metadata.urn, e.resourcePreEvent.metadata.op);
    return ops;
}

/**
 * The resources whose operation is not `same`. Provider resources are left out: the engine hands
 * the whole stack config to the `pulumi-nodejs` default provider (so dynamic providers can read
 * it), so any config change "updates" that provider, which creates or changes nothing.
 */
export function changed(events: EngineEvent[]): Array<[string, OpType]> {
    return [...opsByUrn(events)].filter(([urn, op]) => op !== "same" && !urn.includes("::pulumi:providers:"));
}

/** Pulumi's marker of a secret value in a state (`4dabf18193072939515e22adb298388d`). */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/**
 * The checkpoint as the file backend stores it, and `exportStack()` with its secret values elided:
 * the Automation API exports with `--show-secrets`, so a secret shows there in clear, but only
 * inside a value marked secret — which is what must hold for every one of them.
 */
async function stateTexts(stack: Stack, dir: string): Promise<Record<string, string>> {
    const checkpoint = fs.readFileSync(
        path.join(dir, "state", ".pulumi", "stacks", "cdc", `${stack.name}.json`),
        "utf8",
    );
    const exported = JSON.stringify(await stack.exportStack(), (_k, v: unknown) =>
        v !== null && typeof v === "object" && SECRET_SIG in (v as object) ? "[secret]" : v,
    );
    const settings = fs.readFileSync(path.join(stack.workspace.workDir, `Pulumi.${stack.name}.yaml`), "utf8");
    return {
        "the checkpoint file": checkpoint,
        "the exported state (secret-marked values elided)": exported,
        "the stack settings file": settings,
    };
}

/** No secret in clear in the stack's checkpoint (`dir`: the harness's temp dir), export or settings. */
export async function assertStateHasNoSecrets(scan: SecretScan, stack: Stack, dir: string): Promise<void> {
    const texts = await stateTexts(stack, dir);
    for (const [where, text] of Object.entries(texts)) scan(text, where);
    assert.ok(texts["the checkpoint file"].includes('"ciphertext"'), "the checkpoint holds the secrets encrypted");
}

/** How a test reaches a secure Connect REST API: the CA and the basic-auth login. */
export interface RestAccess {
    ca: string;
    auth?: { user: string; password: string };
}

/** GET `url` (https trusting `access.ca` with its login when given); status and body. */
export function restGet(url: string, access?: RestAccess): Promise<{ status: number; text: string }> {
    if (!access)
        return fetch(url, { signal: AbortSignal.timeout(30_000) }).then(async (r) => ({
            status: r.status,
            text: await r.text(),
        }));
    return new Promise((resolve, reject) => {
        const headers: Record<string, string> = access.auth
            ? {
                  authorization: `Basic ${Buffer.from(`${access.auth.user}:${access.auth.password}`).toString("base64")}`,
              }
            : {};
        const req = https.get(url, { ca: access.ca, headers, timeout: 30_000 }, (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
        });
        req.on("timeout", () => req.destroy(new Error(`GET ${url}: no answer within 30 s`)));
        req.on("error", reject);
    });
}

/** The REST access of a test Connect cluster started `secure` (undefined: plain http). */
export function restAccessOf(connect: KafkaConnectCluster): RestAccess | undefined {
    return connect.security ? { ca: connect.security.ca.certPem, auth: connect.security.rest } : undefined;
}

/** What Kafka Connect holds for connector `name`: 404, or its config and states. */
export async function connectorOnConnect(
    connectUrl: string,
    name: string,
    access?: RestAccess,
): Promise<{ status: number; config?: Record<string, string>; state?: string; tasks?: string[] }> {
    const r = await restGet(`${connectUrl}/connectors/${name}/config`, access);
    if (r.status !== 200) return { status: r.status };
    const config = JSON.parse(r.text) as Record<string, string>;
    const s = JSON.parse((await restGet(`${connectUrl}/connectors/${name}/status`, access)).text) as {
        connector: { state: string };
        tasks: Array<{ state: string }>;
    };
    return { status: 200, config, state: s.connector.state, tasks: s.tasks.map((x) => x.state) };
}

/**
 * Greps Connect's REST answers about `connectors`, its config topic (which must hold
 * `reference`, proving it was read) and its logs for the secrets.
 */
export async function assertConnectHasNoSecrets(
    scan: SecretScan,
    connect: KafkaConnectCluster,
    connectors: string[],
    reference: string,
): Promise<void> {
    const url = connect.connectUrl;
    const access = restAccessOf(connect);
    for (const name of connectors) {
        for (const p of [`/connectors/${name}/config`, `/connectors/${name}/tasks`, `/connectors/${name}`]) {
            scan((await restGet(`${url}${p}`, access)).text, `Connect's answer to GET ${p}`);
        }
    }
    scan((await restGet(`${url}/connectors?expand=info&expand=status`, access)).text, "Connect's connector list");
    const topic = await configTopicText(connect);
    assert.ok(topic.includes(reference), "the config topic was read (it holds the reference)");
    scan(topic, "Connect's config topic");
    const logs = connect.logDir;
    for (const f of fs.readdirSync(logs))
        scan(fs.readFileSync(path.join(logs, f), "latin1"), `the Connect/Kafka log ${f}`);
}

/**
 * `step(name, body)` declares one step of a sequence: gated by `ready` (toolchains present,
 * services up; false skips), and failing at once (naming the culprit) when an earlier step
 * failed, since each step builds on the state the previous one left.
 */
export function sequentialSteps(
    ready: (t: TestContext) => Promise<boolean>,
): (name: string, body: () => Promise<void>) => void {
    let brokenBy: string | undefined;
    return (name, body) => {
        it(name, async (t) => {
            if (!(await ready(t))) return;
            if (brokenBy) assert.fail(`not run: this step builds on the state left by "${brokenBy}", which failed`);
            try {
                await body();
            } catch (e) {
                brokenBy = name;
                throw e;
            }
        });
    };
}

/**
 * The `stop` of services started side by side (`settled`): stops each that started and has a
 * `stop()`, runs `extra` (other closers) alongside, then `cleanup`; a second call does nothing.
 * When any start failed, call it and rethrow with {@link throwIfAnyFailed}.
 */
export function stopStarted(
    settled: ReadonlyArray<PromiseSettledResult<unknown>>,
    cleanup: () => void,
    extra: Array<() => Promise<unknown>> = [],
): () => Promise<void> {
    let stopped = false;
    return async () => {
        if (stopped) return;
        stopped = true;
        const stops = settled.map((s) => {
            const v = s.status === "fulfilled" ? (s.value as { stop?: unknown } | undefined) : undefined;
            return v && typeof v.stop === "function" ? (v.stop as () => Promise<unknown>)() : undefined;
        });
        await Promise.allSettled([...stops, ...extra.map((f) => f())]);
        cleanup();
    };
}

/** When a start in `settled` failed: stops what did start, then throws that start's error. */
export async function throwIfAnyFailed(
    settled: ReadonlyArray<PromiseSettledResult<unknown>>,
    stop: () => Promise<void>,
): Promise<void> {
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failed) {
        await stop();
        throw failed.reason;
    }
}
