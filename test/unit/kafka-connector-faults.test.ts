/**
 * Unit tier: the KafkaConnector provider against Connect faults (fake worker): a create whose
 * connector fails is cleaned up or recorded; a worker that never answers costs bounded time,
 * with progress logged; errors keep their message through Pulumi's serialization; a destroy
 * when Connect is gone says how to go on.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { CONNECT_GONE_ENV, createKafkaConnectorProvider } from "../../components/providers/kafkaConnector";
import { fakeConnect } from "../support/fake-connect";

const PASSWORD = "f4ult-Pa55";
const inputs = (url: string, over: Record<string, unknown> = {}) => ({
    connectUrl: url,
    connectorName: "ecom-sink",
    config: { "connector.class": "com.clickhouse.kafka.connect.ClickHouseSinkConnector", topics: "mongo.ecom.orders" },
    secretConfig: { password: PASSWORD },
    readyTimeoutSeconds: 2,
    __provider: "serialized-provider-text",
    ...over,
});
async function rejection(p: Promise<unknown>): Promise<Error & Record<string, unknown>> {
    try {
        await p;
    } catch (e) {
        return e as Error & Record<string, unknown>;
    }
    assert.fail("expected a rejection");
}
const fast = (log?: string[]) =>
    createKafkaConnectorProvider({
        retry: { retries: 3, baseDelayMs: 1, maxDelayMs: 4 },
        pollIntervalMs: 5,
        ...(log ? { log: (l) => log.push(l) } : {}),
    });

describe("KafkaConnector faults: create that fails after Connect took the config", () => {
    it("deletes the connector again when its task fails right after create", async () => {
        const connect = await fakeConnect();
        connect.stateOnPut = () => ({
            state: "RUNNING",
            tasks: [{ state: "FAILED", trace: "org.apache.kafka.connect.errors.ConnectException: boom" }],
        });
        const err = await rejection(fast().create(inputs(connect.url)));
        assert.match(err.message, /task 0 FAILED/);
        assert.match(err.message, /deleted again, so nothing is left on Kafka Connect/);
        assert.equal(connect.connectors.has("ecom-sink"), false, "nothing left running outside Pulumi's state");
        assert.equal(err.id, undefined, "nothing recorded in state");
    });

    it("records the connector in state (so destroy removes it) when the cleanup fails too", async () => {
        const connect = await fakeConnect();
        connect.stateOnPut = () => ({ state: "FAILED", tasks: [] });
        connect.intercept = (r) =>
            r.method === "DELETE" || r.path.endsWith("/stop")
                ? { status: 500, body: { message: "worker restarting" } }
                : undefined;
        const err = await rejection(fast().create(inputs(connect.url)));
        assert.ok(connect.connectors.has("ecom-sink"));
        assert.equal(err.id, "ecom-sink", "Pulumi's ErrorResourceInitFailed: the resource is kept with this id");
        const props = err.properties as Record<string, unknown>;
        assert.equal(props.connectorName, "ecom-sink");
        assert.equal(props.__provider, "serialized-provider-text", "destroy can load the provider");
        assert.doesNotMatch(JSON.stringify(props), new RegExp(PASSWORD));
        assert.match(err.message, /kept in the state so `pulumi destroy`/);
    });

    it("leaves nothing to clean when validation refuses the config", async () => {
        const connect = await fakeConnect();
        connect.validationErrors = { topics: ["bad"] };
        await rejection(fast().create(inputs(connect.url)));
        assert.equal(connect.count("DELETE", "/connectors/"), 0);
    });
});

describe("KafkaConnector faults: a worker that accepts but never answers", () => {
    it("gives up within the per-request timeout (retried once), naming the setting, with progress logged", async () => {
        const connect = await fakeConnect();
        connect.intercept = () => "hang";
        const log: string[] = [];
        const started = Date.now();
        const err = await rejection(
            fast(log).create(inputs(connect.url, { requestTimeoutSeconds: 0.3, readyTimeoutSeconds: 30 })),
        );
        const took = Date.now() - started;
        assert.ok(took < 2_000, `took ${took} ms: two attempts of 0.3 s, not 4 × 90 s`);
        assert.equal(
            connect.requests.length,
            2,
            "a request that timed out is retried once, not per the whole retry policy",
        );
        assert.match(err.message, /no answer within 0\.3 s \(requestTimeoutSeconds \(0\.3 s\)\)/);
        assert.match(err.message, /accepts connections but does not reply/);
        assert.equal(log.length, 1);
        assert.match(log[0], /retry 1 of 3 .* gives up in \d+ s/);
    });

    it("stops the whole operation at readyTimeoutSeconds, however the calls are split", async () => {
        const connect = await fakeConnect();
        let puts = 0;
        // Answers validation, then rebalances (409) forever on apply: the deadline ends the retries.
        connect.intercept = (r) =>
            r.path === "/connectors/ecom-sink/config" && r.method === "PUT" && ++puts > 0
                ? { status: 409, body: { message: "rebalance in progress" } }
                : undefined;
        const provider = createKafkaConnectorProvider({
            retry: { retries: 1000, baseDelayMs: 100, maxDelayMs: 100 },
            pollIntervalMs: 5,
            log: () => undefined,
        });
        const started = Date.now();
        const err = await rejection(provider.create(inputs(connect.url, { readyTimeoutSeconds: 1 })));
        const took = Date.now() - started;
        assert.ok(took < 2_500, `took ${took} ms for a 1 s deadline`);
        assert.match(err.message, /HTTP 409/);
        assert.ok(puts > 3 && puts < 20, `${puts} PUTs`);
    });

    it("logs progress while it waits for RUNNING", async () => {
        const connect = await fakeConnect();
        let polls = 0;
        connect.stateOnPut = () => ({ state: "RUNNING", tasks: [{ state: "UNASSIGNED" }] });
        connect.intercept = (r) => {
            if (r.path.endsWith("/status") && ++polls > 40)
                connect.connectors.get("ecom-sink")!.tasks = [{ state: "RUNNING" }];
            return undefined;
        };
        const log: string[] = [];
        // progressEveryMs is 10 s in production; drive waitUntilRunning directly with a short one.
        const { waitUntilRunning } = await import("../../components/providers/kafkaConnector/wait");
        await fast().create(inputs(connect.url, { requireRunning: false }));
        const opts = {
            baseUrl: connect.url,
            secretValues: [],
            retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 },
            requestTimeoutMs: 1000,
            log: (l: string) => log.push(l),
        };
        await waitUntilRunning(opts, "ecom-sink", 5_000, 5, 50);
        assert.ok(log.length >= 1, "at least one progress line");
        assert.match(
            log[0],
            /waiting for connector "ecom-sink" to be RUNNING: connector RUNNING, tasks \[0:UNASSIGNED\] \(\d+ s so far, gives up in \d+ s\)/,
        );
    });
});

describe("KafkaConnector faults: errors after Pulumi serializes the provider", () => {
    async function serialized() {
        const provider = createKafkaConnectorProvider({
            retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 },
            requestTimeoutMs: 500,
        });
        // What pulumi.dynamic.Resource does with a provider, and what the provider host loads back.
        const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
        // Loaded back as a module, as Pulumi's provider host does (it uses require-from-string).
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const Module = require("module") as {
            new (id: string): {
                paths: string[];
                _compile(src: string, file: string): void;
                exports: Record<string, unknown>;
            };
            _nodeModulePaths(dir: string): string[];
        };
        const file = `${process.cwd()}/__serialised_connector__.js`;
        const m = new Module(file);
        m.paths = Module._nodeModulePaths(process.cwd());
        m._compile(sf.text, file);
        return (m.exports[sf.exportName] as () => typeof provider)();
    }

    it("keeps the message (no `[object Object]: undefined`) and says how to go on when Connect is gone", async () => {
        const provider = await serialized();
        const err = await rejection(
            provider.delete!("ecom-sink", { connectUrl: "http://127.0.0.1:1", connectorName: "ecom-sink" }),
        );
        assert.ok(err instanceof Error, "a native Error");
        assert.match(`${err}`, /^Error: Kafka Connect PUT \/connectors\/ecom-sink\/stop failed: no response/);
        assert.match(String(err.stack), /no response/);
        assert.match(err.message, new RegExp(`${CONNECT_GONE_ENV}=1 npm run destroy`));
    });

    it("drops a connector whose Connect is gone from the state when told so", async () => {
        const provider = await serialized();
        process.env[CONNECT_GONE_ENV] = "1";
        try {
            await provider.delete!("ecom-sink", { connectUrl: "http://127.0.0.1:1", connectorName: "ecom-sink" });
            const read = await provider.read!("ecom-sink", {
                connectUrl: "http://127.0.0.1:1",
                connectorName: "ecom-sink",
            });
            assert.equal(read.id, "", "refresh drops it too");
        } finally {
            delete process.env[CONNECT_GONE_ENV];
        }
    });
});
