/**
 * A fake Kafka Connect REST worker for unit tests (node:http on 127.0.0.1): an in-memory
 * connector table that records every request, with `intercept` for scripted failures (a status,
 * or "hang": accept the request and never answer). With {@link FakeConnectOptions} it listens on
 * HTTPS with a given certificate and answers 401 to a request without the basic-auth credentials,
 * like a worker with `BasicAuthSecurityRestExtension`.
 */
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import assert from "node:assert/strict";
import { afterEach } from "node:test";
import {
    createKafkaConnectorProvider,
    type KafkaConnectorOutputs,
    type KafkaConnectorProviderOptions,
} from "../../components/providers/kafkaConnector";

export interface Recorded {
    method: string;
    path: string;
    body: string;
}
export interface FakeConnector {
    config: Record<string, string>;
    state: string;
    tasks: Array<{ state: string; trace?: string }>;
    /** Active topics (KIP-558) reported by `GET /connectors/{n}/topics`. */
    topics?: string[];
    /** Committed offsets reported by `GET /connectors/{n}/offsets`. */
    offsets?: Array<{ partition: Record<string, unknown>; offset: Record<string, unknown> }>;
}
export type Reply = { status: number; body?: unknown } | "hang";

/** How the fake worker is reached: HTTPS with this key pair, basic auth with these credentials. */
export interface FakeConnectOptions {
    tls?: { certPem: string; keyPem: string };
    auth?: { user: string; password: string };
}

/** A fake Connect worker: an in-memory connector table, plus `intercept` for scripted failures. */
export class FakeConnect {
    readonly requests: Recorded[] = [];
    readonly connectors = new Map<string, FakeConnector>();
    /** Return a reply to override the default behaviour for a request. */
    intercept: (r: Recorded) => Reply | undefined = () => undefined;
    /** Field → errors the fake plugin reports on validate. */
    validationErrors: Record<string, string[]> = {};
    /** State given to a connector when its config is PUT. */
    stateOnPut: () => Pick<FakeConnector, "state" | "tasks" | "topics"> = () => ({
        state: "RUNNING",
        tasks: [{ state: "RUNNING" }],
    });
    stopSupported = true;
    /** Whether `/topics` and `/offsets` exist (a worker older than Kafka 3.5 has neither). */
    offsetsSupported = true;
    /** What `POST /restart?onlyFailed=true` does to a connector; default: every FAILED part RUNNING. */
    onRestart: (c: FakeConnector) => void = (c) => {
        if (c.state === "FAILED") c.state = "RUNNING";
        c.tasks = c.tasks.map((t) => (t.state === "FAILED" ? { state: "RUNNING" } : t));
    };
    url = "";
    /** Requests refused with 401 (wrong or missing credentials); they are not in `requests`. */
    unauthorised = 0;
    /** Authorization headers seen (to check no request went without them). */
    readonly authHeaders: Array<string | undefined> = [];
    private readonly options: FakeConnectOptions;
    private server: http.Server;
    constructor(options: FakeConnectOptions = {}) {
        this.options = options;
        this.server = options.tls
            ? https.createServer({ cert: options.tls.certPem, key: options.tls.keyPem }, this.listener)
            : http.createServer(this.listener);
    }
    private readonly listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
        let body = "";
        req.on("data", (c) => (body += c));
        req.on("end", () => {
            this.authHeaders.push(req.headers.authorization);
            if (this.options.auth) {
                const { user, password } = this.options.auth;
                const expected = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
                if (req.headers.authorization !== expected) {
                    this.unauthorised++;
                    // What Kafka Connect's JAAS basic-auth filter answers.
                    res.writeHead(401, { "Content-Type": "text/plain", "WWW-Authenticate": 'Basic realm="connect"' });
                    return void res.end("Unauthorized");
                }
            }
            const r: Recorded = { method: req.method ?? "", path: req.url ?? "", body };
            this.requests.push(r);
            const reply = this.intercept(r) ?? this.handle(r);
            // A worker that accepted the connection and never answers.
            if (reply === "hang") return void this.hanging.push(res);
            res.writeHead(reply.status, { "Content-Type": "application/json" });
            res.end(reply.body === undefined ? "" : JSON.stringify(reply.body));
        });
    };

    /** Listens on 127.0.0.1; `url` then names `host` (e.g. `localhost`, to match a certificate's name). */
    async start(host = "127.0.0.1"): Promise<this> {
        await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
        const scheme = this.options.tls ? "https" : "http";
        this.url = `${scheme}://${host}:${(this.server.address() as AddressInfo).port}`;
        return this;
    }
    private hanging: http.ServerResponse[] = [];
    async close(): Promise<void> {
        this.hanging.splice(0).forEach((res) => res.destroy());
        this.server.closeAllConnections();
        await new Promise<void>((resolve) => this.server.close(() => resolve()));
    }
    count(method: string, pathPrefix: string): number {
        return this.requests.filter((r) => r.method === method && r.path.startsWith(pathPrefix)).length;
    }

    private handle(r: Recorded): Exclude<Reply, "hang"> {
        const notFound = (name: string): Exclude<Reply, "hang"> => ({
            status: 404,
            body: { error_code: 404, message: `Connector ${name} not found` },
        });
        let m = /^\/connector-plugins\/([^/]+)\/config\/validate$/.exec(r.path);
        if (m && r.method === "PUT") {
            const cfg = JSON.parse(r.body) as Record<string, string>;
            // Like a real worker: `name` is a required field of every connector config.
            const errors: Record<string, string[]> = { ...this.validationErrors };
            if (!cfg.name) errors.name = ['Missing required configuration "name" which has no default value.'];
            const names = [...new Set([...Object.keys(cfg), ...Object.keys(errors)])];
            const configs = names.map((name) => ({
                definition: { name },
                value: { name, value: cfg[name] ?? null, errors: errors[name] ?? [] },
            }));
            return {
                status: 200,
                body: {
                    name: decodeURIComponent(m[1]),
                    error_count: configs.reduce((n, c) => n + c.value.errors.length, 0),
                    groups: [],
                    configs,
                },
            };
        }
        m = /^\/connectors\/([^/?]+)(\/[a-z]+(?:\/reset)?)?(\?.*)?$/.exec(r.path);
        if (!m) return { status: 404, body: { error_code: 404, message: "HTTP 404 Not Found" } };
        const name = decodeURIComponent(m[1]);
        const sub = m[2] ?? "";
        const existing = this.connectors.get(name);
        if (r.method === "PUT" && sub === "/config") {
            // Like a real worker, a config update keeps the offsets, active topics and a paused or stopped target
            // state.
            const held =
                existing && ["PAUSED", "STOPPED"].includes(existing.state)
                    ? { state: existing.state, tasks: existing.tasks }
                    : {};
            this.connectors.set(name, {
                config: JSON.parse(r.body),
                topics: existing?.topics,
                offsets: existing?.offsets,
                ...this.stateOnPut(),
                ...held,
            });
            return { status: existing ? 200 : 201, body: { name, config: JSON.parse(r.body), tasks: [] } };
        }
        if (!existing) return notFound(name);
        if (r.method === "GET" && sub === "/config") return { status: 200, body: { ...existing.config, name } };
        if (r.method === "GET" && sub === "/status") {
            const type = /Sink/.test(existing.config["connector.class"] ?? "") ? "sink" : "source";
            return {
                status: 200,
                body: {
                    name,
                    connector: { state: existing.state, worker_id: "w:8083" },
                    tasks: existing.tasks.map((t, id) => ({ id, ...t, worker_id: "w:8083" })),
                    type,
                },
            };
        }
        if (r.method === "PUT" && sub === "/pause") {
            existing.state = "PAUSED";
            existing.tasks =
                existing.tasks.length > 0 ? existing.tasks.map(() => ({ state: "PAUSED" })) : [{ state: "PAUSED" }];
            return { status: 202 };
        }
        if (r.method === "PUT" && sub === "/resume") {
            existing.state = "RUNNING";
            existing.tasks =
                existing.tasks.length > 0 ? existing.tasks.map(() => ({ state: "RUNNING" })) : [{ state: "RUNNING" }];
            return { status: 202 };
        }
        if (/^\/(topics|offsets)/.test(sub) && !this.offsetsSupported)
            return { status: 404, body: { error_code: 404, message: "HTTP 404 Not Found" } };
        if (r.method === "PUT" && sub === "/topics/reset") {
            existing.topics = [];
            return { status: 200 };
        }
        if (r.method === "GET" && sub === "/topics")
            return { status: 200, body: { [name]: { topics: existing.topics ?? [] } } };
        if (r.method === "GET" && sub === "/offsets") return { status: 200, body: { offsets: existing.offsets ?? [] } };
        if (r.method === "DELETE" && sub === "/offsets") {
            // Like Kafka 3.6+: only a STOPPED connector's offsets can be reset.
            if (existing.state !== "STOPPED")
                return {
                    status: 400,
                    body: {
                        error_code: 400,
                        message: "Connectors must be in the STOPPED state before their offsets can be modified.",
                    },
                };
            existing.offsets = [];
            return { status: 200, body: { message: "The offsets for this connector have been reset successfully" } };
        }
        if (r.method === "PUT" && sub === "/stop") {
            if (!this.stopSupported) return { status: 404, body: { error_code: 404, message: "HTTP 404 Not Found" } };
            existing.state = "STOPPED";
            existing.tasks = [];
            return { status: 202 };
        }
        if (r.method === "POST" && sub === "/restart") {
            if (r.path.includes("onlyFailed=true")) this.onRestart(existing);
            else {
                existing.state = "RUNNING";
                existing.tasks = existing.tasks.map(() => ({ state: "RUNNING" }));
            }
            return { status: 202 };
        }
        if (r.method === "DELETE" && sub === "") {
            this.connectors.delete(name);
            return { status: 204 };
        }
        return { status: 405, body: { error_code: 405, message: "HTTP 405 Method Not Allowed" } };
    }
}

const servers: FakeConnect[] = [];
afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
});
export { createKafkaConnectorProvider };
export async function fakeConnect(options: FakeConnectOptions = {}, host?: string): Promise<FakeConnect> {
    const s = await new FakeConnect(options).start(host);
    servers.push(s);
    return s;
}

/** Shared by the KafkaConnector provider's unit tests. */
export const CLASS = "io.debezium.connector.mongodb.MongoDbConnector";
export const PASSWORD = "s3cr3t-Pa55word";
export const CONN_STRING = `mongodb://debezium:${PASSWORD}@mongo:27017/?replicaSet=rs0`;

/** Fast retries, polls and restart backoff, so error paths take milliseconds. */
export const fastProvider = (over: KafkaConnectorProviderOptions = {}) =>
    createKafkaConnectorProvider({
        retry: { retries: 3, baseDelayMs: 1, maxDelayMs: 4 },
        pollIntervalMs: 5,
        restartSettleMs: 50,
        sinkGraceMs: 100,
        log: () => undefined,
        ...over,
    });

/** Provider inputs of the Debezium source against `url`. */
export function inputs(url: string, over: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        connectUrl: url,
        connectorName: "ecom-source",
        config: { "connector.class": CLASS, "topic.prefix": "mongo", "tasks.max": "1" },
        secretConfig: { "mongodb.connection.string": CONN_STRING },
        readyTimeoutSeconds: 2,
        ...over,
    };
}

/** The error `p` rejects with (fails the test when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<Error> {
    try {
        await p;
    } catch (e) {
        return e as Error;
    }
    assert.fail("expected the operation to fail");
}

/** Outputs of a connector created against a fake worker, as if stored for `url`. */
export async function storedOutputs(url: string): Promise<KafkaConnectorOutputs> {
    const connect = await fakeConnect();
    const res = await fastProvider().create(inputs(connect.url));
    return { ...(res.outs as KafkaConnectorOutputs), connectUrl: url };
}

/** Loads serialised closure text the way Pulumi's dynamic-provider host does (a module resolved from the project). */
export function loadSerialised(text: string, exportName: string): unknown {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Module = require("module") as {
        new (id: string): {
            paths: string[];
            _compile(src: string, file: string): void;
            exports: Record<string, unknown>;
        };
        _nodeModulePaths(dir: string): string[];
    };
    const file = `${process.cwd()}/__serialised_provider__.js`;
    const m = new Module(file);
    m.paths = Module._nodeModulePaths(process.cwd());
    m._compile(text, file);
    return (m.exports[exportName] as () => unknown)();
}
