/**
 * A small fault-injecting HTTP proxy for engine tests: it sits in front of a real service (the
 * Kafka Connect worker) and forwards every request unchanged, unless `fault` decides otherwise
 * for that request: answer with a status of its choosing (a 409 storm), or accept the request
 * and never answer (a hung worker). It records every request it saw and what it did with it.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

/** What to do with one request: forward it, answer it with `status`, or hang. */
export type FaultAction = "forward" | "hang" | { status: number; body?: unknown };

/** One request as the proxy saw it. */
export interface ProxiedRequest {
    method: string;
    path: string;
    action: "forward" | "hang" | number;
}

export interface FaultProxy {
    /** Base URL to hand to the code under test, `http://127.0.0.1:<port>`. */
    url: string;
    /** Decides per request; the default forwards everything. */
    fault: (method: string, path: string) => FaultAction;
    readonly requests: ProxiedRequest[];
    /** Requests of `method` whose path starts with `prefix`. */
    count(method: string, prefix: string): number;
    close(): Promise<void>;
}

/** Starts a proxy on an ephemeral loopback port in front of `targetUrl`. */
export async function startFaultProxy(targetUrl: string): Promise<FaultProxy> {
    const target = new URL(targetUrl);
    const hanging = new Set<http.ServerResponse>();
    const proxy: FaultProxy = {
        url: "",
        fault: () => "forward",
        requests: [],
        count: (method, prefix) =>
            proxy.requests.filter((r) => r.method === method && r.path.startsWith(prefix)).length,
        close: async () => {
            hanging.forEach((res) => res.destroy());
            server.closeAllConnections();
            await new Promise<void>((resolve) => server.close(() => resolve()));
        },
    };
    const server = http.createServer((req, res) => {
        const method = req.method ?? "GET";
        const path = req.url ?? "/";
        const action = proxy.fault(method, path);
        if (action === "hang") {
            proxy.requests.push({ method, path, action });
            hanging.add(res);
            req.resume();
            return;
        }
        if (action !== "forward") {
            proxy.requests.push({ method, path, action: action.status });
            req.resume();
            res.writeHead(action.status, { "Content-Type": "application/json" });
            res.end(
                JSON.stringify(action.body ?? { error_code: action.status, message: `injected HTTP ${action.status}` }),
            );
            return;
        }
        proxy.requests.push({ method, path, action: "forward" });
        const upstream = http.request(
            { host: target.hostname, port: target.port, method, path, headers: { ...req.headers, host: target.host } },
            (up) => {
                res.writeHead(up.statusCode ?? 502, up.headers);
                up.pipe(res);
            },
        );
        upstream.on("error", (e) => {
            res.writeHead(502, { "Content-Type": "application/json" });
            res.end(JSON.stringify({ error_code: 502, message: `proxy: ${e.message}` }));
        });
        req.pipe(upstream);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return proxy;
}
