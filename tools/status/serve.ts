/**
 * `npm run status -- --serve [HOST:]PORT [status flags]`: the pipeline exporter. Each scrape of
 * `/metrics` runs the status collectors (run.ts, each read under the `--timeout` deadline) and serves
 * what metrics.ts makes of the report, in Prometheus' text format. A service that does not answer
 * is `cdc_component_up{component} 0` in a successful scrape, never a failed one; concurrent scrapes
 * share one collection. HTTPS with `--tls-cert`/`--tls-key`, HTTP basic auth when
 * `CDC_METRICS_PASSWORD` is set (user `CDC_METRICS_USER`, default `metrics`). docs/operations.md.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import { PipelineMetrics } from "./metrics";
import type { StatusReport } from "./types";

/** The environment variables of the exporter's basic auth (never flags: a flag's value shows in `ps`). */
export const METRICS_AUTH_ENV = { user: "CDC_METRICS_USER", password: "CDC_METRICS_PASSWORD" } as const;
/** The user when only the password is set (the stack's scrape configs use it). */
export const DEFAULT_METRICS_USER = "metrics";

export interface ServeOptions {
    host: string;
    port: number;
    tls?: { certPem: string; keyPem: string };
    auth?: { user: string; password: string };
}

/** The serve flags as parsed by flags.ts (values unchecked). */
export interface ServeFlags {
    serve?: string;
    tlsCert?: string;
    tlsKey?: string;
}

function readPem(flag: string, file: string, marker: RegExp, what: string): string {
    let pem: string;
    try {
        pem = fs.readFileSync(file, "utf8");
    } catch (e) {
        const why = (e as { code?: string }).code ?? (e as Error).message;
        throw new Error(`${flag} ${file} cannot be read (${why}): give the path of the exporter's ${what} (PEM)`);
    }
    if (!marker.test(pem)) throw new Error(`${flag} ${file} holds no PEM ${what} (-----BEGIN …-----): give a PEM file`);
    return pem;
}

/** Checks the serve flags and the auth env; throws a message naming the flag or variable and the fix. */
export function serveOptionsOf(f: ServeFlags, env: NodeJS.ProcessEnv = process.env): ServeOptions | undefined {
    if (f.serve === undefined) {
        const stray = f.tlsCert !== undefined ? "--tls-cert" : f.tlsKey !== undefined ? "--tls-key" : undefined;
        if (stray) throw new Error(`${stray} only applies to --serve PORT (the exporter): add --serve or drop it`);
        return undefined;
    }
    const m = /^(?:(.+):)?(\d{1,5})$/.exec(f.serve);
    const port = m ? Number(m[2]) : NaN;
    if (!m || port > 65535)
        throw new Error(
            `--serve must be [HOST:]PORT with PORT 0-65535, 0 = any free port (got ${JSON.stringify(f.serve)})`,
        );
    const host = (m[1] ?? "0.0.0.0").replace(/^\[(.*)\]$/, "$1");
    if ((f.tlsCert === undefined) !== (f.tlsKey === undefined)) {
        const [given, missing] = f.tlsCert !== undefined ? ["--tls-cert", "--tls-key"] : ["--tls-key", "--tls-cert"];
        throw new Error(`${given} needs ${missing} too: give the certificate and its private key (PEM files)`);
    }
    const tls =
        f.tlsCert !== undefined
            ? {
                  certPem: readPem("--tls-cert", f.tlsCert, /-----BEGIN CERTIFICATE-----/, "certificate"),
                  keyPem: readPem("--tls-key", f.tlsKey!, /-----BEGIN [A-Z ]*PRIVATE KEY-----/, "private key"),
              }
            : undefined;
    const user = env[METRICS_AUTH_ENV.user];
    const password = env[METRICS_AUTH_ENV.password];
    if (user && !password)
        throw new Error(
            `${METRICS_AUTH_ENV.user} is set but ${METRICS_AUTH_ENV.password} is not: set both (or neither, ` +
                "for a /metrics without login)",
        );
    if (user !== undefined && /[:\s]/.test(user))
        throw new Error(`${METRICS_AUTH_ENV.user} must have no ':' or spaces (got ${JSON.stringify(user)})`);
    return {
        host,
        port,
        ...(tls ? { tls } : {}),
        ...(password ? { auth: { user: user || DEFAULT_METRICS_USER, password } } : {}),
    };
}

const digest = (s: string) => createHash("sha256").update(s).digest();

/** Whether the request carries the basic-auth login (constant-time comparison). */
export function authorised(header: string | undefined, auth: { user: string; password: string }): boolean {
    const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? "");
    if (!m) return false;
    const given = Buffer.from(m[1], "base64").toString("utf8");
    return timingSafeEqual(digest(given), digest(`${auth.user}:${auth.password}`));
}

export interface Exporter {
    /** `http(s)://host:port/metrics` as bound (the port filled in for 0). */
    url: string;
    /** How many collections ran (concurrent scrapes share one). */
    readonly collections: number;
    close(): Promise<void>;
}

/**
 * Starts the exporter: `collect` runs the status collectors (bounded by their deadline) and is
 * called at most once at a time. Rejects with a message naming --serve when the port cannot be bound.
 */
export async function startExporter(o: ServeOptions, collect: () => Promise<StatusReport>): Promise<Exporter> {
    const metrics = new PipelineMetrics();
    let inFlight: Promise<string> | undefined;
    let collections = 0;
    const scrape = (): Promise<string> => {
        inFlight ??= (async () => {
            collections++;
            const t0 = process.hrtime.bigint();
            try {
                const report = await collect();
                metrics.update(report, Number(process.hrtime.bigint() - t0) / 1e9);
                return await metrics.render();
            } finally {
                inFlight = undefined;
            }
        })();
        return inFlight;
    };
    const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
        req.resume();
        const path = (req.url ?? "/").split("?")[0];
        if (o.auth && !authorised(req.headers.authorization, o.auth)) {
            res.writeHead(401, { "WWW-Authenticate": 'Basic realm="cdc-pipeline-exporter", charset="UTF-8"' });
            res.end("401 Unauthorized: give the metrics user's basic-auth login\n");
            return;
        }
        if (path !== "/metrics") {
            res.writeHead(404, { "Content-Type": "text/plain" });
            res.end("404 Not Found: the exporter serves /metrics only\n");
            return;
        }
        if (req.method !== "GET" && req.method !== "HEAD") {
            res.writeHead(405, { Allow: "GET, HEAD" });
            res.end();
            return;
        }
        scrape().then(
            (text) => {
                res.writeHead(200, { "Content-Type": metrics.contentType });
                res.end(req.method === "HEAD" ? undefined : text);
            },
            (e: unknown) => {
                // Only a bug gets here: the collectors report a service that is down in the report.
                res.writeHead(500, { "Content-Type": "text/plain" });
                res.end(`500: the collection failed: ${(e as Error)?.message ?? String(e)}\n`);
            },
        );
    };
    const server = o.tls
        ? https.createServer({ cert: o.tls.certPem, key: o.tls.keyPem }, listener)
        : http.createServer(listener);
    await new Promise<void>((resolve, reject) => {
        server.once("error", (e: NodeJS.ErrnoException) => {
            const at = `${o.host}:${o.port}`;
            const why =
                e.code === "EADDRINUSE"
                    ? `${at} is in use (EADDRINUSE): pick another port, or stop the process holding it`
                    : e.code === "EACCES"
                      ? `${at} may not be bound by this user (EACCES): use a port above 1023`
                      : `${at} cannot be bound (${e.code ?? e.message}): give a local address and a free port`;
            reject(new Error(`--serve ${why}`));
        });
        server.listen(o.port, o.host, () => resolve());
    });
    const bound = server.address() as AddressInfo;
    const host = bound.family === "IPv6" ? `[${bound.address}]` : bound.address;
    return {
        url: `${o.tls ? "https" : "http"}://${host}:${bound.port}/metrics`,
        get collections() {
            return collections;
        },
        close: () =>
            new Promise<void>((resolve) => {
                server.close(() => resolve());
                server.closeAllConnections();
            }),
    };
}
