/**
 * A fake Kafka Connect REST worker for unit tests (node:http on 127.0.0.1): an in-memory
 * connector table that records every request, with `intercept` for scripted failures (a status,
 * or "hang": accept the request and never answer).
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach } from "node:test";

export interface Recorded {
    method: string;
    path: string;
    body: string;
}
export interface FakeConnector {
    config: Record<string, string>;
    state: string;
    tasks: Array<{ state: string; trace?: string }>;
}
export type Reply = { status: number; body?: unknown } | "hang";

/** A fake Connect worker: an in-memory connector table, plus `intercept` for scripted failures. */
export class FakeConnect {
    readonly requests: Recorded[] = [];
    readonly connectors = new Map<string, FakeConnector>();
    /** Return a reply to override the default behaviour for a request. */
    intercept: (r: Recorded) => Reply | undefined = () => undefined;
    /** Field → errors the fake plugin reports on validate. */
    validationErrors: Record<string, string[]> = {};
    /** State given to a connector when its config is PUT. */
    stateOnPut: () => Pick<FakeConnector, "state" | "tasks"> = () => ({ state: "RUNNING", tasks: [{ state: "RUNNING" }] });
    stopSupported = true;
    url = "";
    private server = http.createServer((req, res) => {
        let body = "";
        req.on("data", (c) => (body += c));
        req.on("end", () => {
            const r: Recorded = { method: req.method ?? "", path: req.url ?? "", body };
            this.requests.push(r);
            const reply = this.intercept(r) ?? this.handle(r);
            // A worker that accepted the connection and never answers.
            if (reply === "hang") return void this.hanging.push(res);
            res.writeHead(reply.status, { "Content-Type": "application/json" });
            res.end(reply.body === undefined ? "" : JSON.stringify(reply.body));
        });
    });

    async start(): Promise<this> {
        await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
        this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
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
        const notFound = (name: string): Exclude<Reply, "hang"> => ({ status: 404, body: { error_code: 404, message: `Connector ${name} not found` } });
        let m = /^\/connector-plugins\/([^/]+)\/config\/validate$/.exec(r.path);
        if (m && r.method === "PUT") {
            const cfg = JSON.parse(r.body) as Record<string, string>;
            // Like a real worker: `name` is a required field of every connector config.
            const errors: Record<string, string[]> = { ...this.validationErrors };
            if (!cfg.name) errors.name = ['Missing required configuration "name" which has no default value.'];
            const names = [...new Set([...Object.keys(cfg), ...Object.keys(errors)])];
            const configs = names.map((name) => ({ definition: { name }, value: { name, value: cfg[name] ?? null, errors: errors[name] ?? [] } }));
            return { status: 200, body: { name: decodeURIComponent(m[1]), error_count: configs.reduce((n, c) => n + c.value.errors.length, 0), groups: [], configs } };
        }
        m = /^\/connectors\/([^/?]+)(\/[a-z]+)?(\?.*)?$/.exec(r.path);
        if (!m) return { status: 404, body: { error_code: 404, message: "HTTP 404 Not Found" } };
        const name = decodeURIComponent(m[1]);
        const sub = m[2] ?? "";
        const existing = this.connectors.get(name);
        if (r.method === "PUT" && sub === "/config") {
            this.connectors.set(name, { config: JSON.parse(r.body), ...this.stateOnPut() });
            return { status: existing ? 200 : 201, body: { name, config: JSON.parse(r.body), tasks: [] } };
        }
        if (!existing) return notFound(name);
        if (r.method === "GET" && sub === "/config") return { status: 200, body: { ...existing.config, name } };
        if (r.method === "GET" && sub === "/status") {
            return {
                status: 200,
                body: { name, connector: { state: existing.state, worker_id: "w:8083" }, tasks: existing.tasks.map((t, id) => ({ id, ...t, worker_id: "w:8083" })), type: "source" },
            };
        }
        if (r.method === "PUT" && sub === "/stop") {
            if (!this.stopSupported) return { status: 404, body: { error_code: 404, message: "HTTP 404 Not Found" } };
            existing.state = "STOPPED";
            existing.tasks = [];
            return { status: 202 };
        }
        if (r.method === "POST" && sub === "/restart") {
            existing.state = "RUNNING";
            existing.tasks = existing.tasks.map(() => ({ state: "RUNNING" }));
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
export async function fakeConnect(): Promise<FakeConnect> {
    const s = await new FakeConnect().start();
    servers.push(s);
    return s;
}

