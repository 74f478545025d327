/**
 * A small fault-injecting HTTP proxy for engine tests: it sits in front of a real service (the
 * Kafka Connect worker) and forwards every request unchanged, unless `fault` decides otherwise
 * for that request: answer with a status of its choosing (a 409 storm), or accept the request
 * and never answer (a hung worker). It records every request it saw and what it did with it.
 *
 * TLS and authentication pass through: an https target is reached over TLS trusting `upstreamCa`,
 * the proxy itself listens on HTTPS when given a certificate (`serve`), and every header, the
 * basic-auth `Authorization` included, is forwarded as it came, so the worker still decides who
 * may call it (a request without credentials gets the worker's own 401).
 */
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";

/** What to do with one request: forward it, answer it with `status`, or hang. */
export type FaultAction = "forward" | "hang" | { status: number; body?: unknown };

/** One request as the proxy saw it. */
export interface ProxiedRequest {
    method: string;
    path: string;
    action: "forward" | "hang" | number;
    /** Whether the request carried an `Authorization` header (its value is never recorded). */
    authorised: boolean;
}

/** TLS of the proxy: the CA it trusts for an https target, and the certificate it serves with. */
export interface FaultProxyTls {
    /** PEM of the CA that signed the target's certificate. */
    upstreamCa?: string;
    /** Key pair to listen on HTTPS with (a certificate for 127.0.0.1 / localhost). */
    serve?: { certPem: string; keyPem: string };
}

export interface FaultProxy {
    /** Base URL to hand to the code under test, `http(s)://127.0.0.1:<port>`. */
    url: string;
    /** Decides per request; the default forwards everything. */
    fault: (method: string, path: string) => FaultAction;
    readonly requests: ProxiedRequest[];
    /** Requests of `method` whose path starts with `prefix`. */
    count(method: string, prefix: string): number;
    close(): Promise<void>;
}

/** Starts a proxy on an ephemeral loopback port in front of `targetUrl`. */
export async function startFaultProxy(targetUrl: string, tls: FaultProxyTls = {}): Promise<FaultProxy> {
    const target = new URL(targetUrl);
    const secure = target.protocol === "https:";
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
    const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
        const method = req.method ?? "GET";
        const path = req.url ?? "/";
        const authorised = req.headers.authorization !== undefined;
        const action = proxy.fault(method, path);
        if (action === "hang") {
            proxy.requests.push({ method, path, action, authorised });
            hanging.add(res);
            req.resume();
            return;
        }
        if (action !== "forward") {
            proxy.requests.push({ method, path, action: action.status, authorised });
            req.resume();
            res.writeHead(action.status, { "Content-Type": "application/json" });
            res.end(
                JSON.stringify(action.body ?? { error_code: action.status, message: `injected HTTP ${action.status}` }),
            );
            return;
        }
        proxy.requests.push({ method, path, action: "forward", authorised });
        const options = {
            host: target.hostname,
            port: target.port,
            method,
            path,
            headers: { ...req.headers, host: target.host },
        };
        const onResponse = (up: http.IncomingMessage) => {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
        };
        const upstream = secure
            ? https.request({ ...options, ...(tls.upstreamCa ? { ca: tls.upstreamCa } : {}) }, onResponse)
            : http.request(options, onResponse);
        upstream.on("error", (e) => {
            res.writeHead(502, { "Content-Type": "application/json" });
            res.end(JSON.stringify({ error_code: 502, message: `proxy: ${e.message}` }));
        });
        req.pipe(upstream);
    };
    const server = tls.serve
        ? https.createServer({ cert: tls.serve.certPem, key: tls.serve.keyPem }, listener)
        : http.createServer(listener);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    proxy.url = `${tls.serve ? "https" : "http"}://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return proxy;
}
