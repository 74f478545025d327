/**
 * Child-process entry of the chdb ClickHouse-HTTP gateway (started by `startChdbGateway` in
 * index.ts; libchdb binds one data directory per process, so each gateway is its own process).
 *
 * Configuration comes as JSON in the `CHDB_GATEWAY_CONFIG` environment variable (not argv, so
 * the password does not show in `ps`): `{ dataDir, user, password, port, removeDataDirOnExit, tls? }`;
 * with `tls` (PEM certificate and key files) it serves HTTPS instead of HTTP.
 * Once listening it prints one line `CHDB_GATEWAY_READY {"port":N,...}` on stdout. It exits
 * on SIGTERM/SIGINT, and when its stdin closes (the parent died or let go).
 */
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { Engine } from "./engine";
import { Handler } from "./handler";
import { CONFIG_ENV, FAILED_MARKER, READY_MARKER, type ServerConfig } from "./protocol";
import { Sessions } from "./sessions";
import { pidAlive } from "../../components/providers/shared/lock";

function log(line: string): void {
    process.stderr.write(`[chdb-gateway ${process.pid}] ${line}\n`);
}

/**
 * Two engines on one data directory would corrupt it: take `<dataDir>/.chdb-gateway.pid`
 * exclusively (a file left by a dead process is taken over) and drop it on exit.
 */
function lockDataDir(dataDir: string): void {
    const file = path.join(dataDir, ".chdb-gateway.pid");
    for (let attempt = 0; attempt < 2; attempt++) {
        try {
            fs.writeFileSync(file, String(process.pid), { flag: "wx" });
            process.on("exit", () => {
                try {
                    if (fs.readFileSync(file, "utf8") === String(process.pid)) fs.rmSync(file, { force: true });
                } catch {
                    /* already gone */
                }
            });
            return;
        } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
            const owner = Number(fs.readFileSync(file, "utf8"));
            if (Number.isInteger(owner) && owner > 0 && pidAlive(owner)) {
                const why = `data directory ${dataDir} is in use by another chdb gateway (pid ${owner})`;
                throw Object.assign(new Error(why), { code: "EBUSY" });
            }
            fs.rmSync(file, { force: true });
        }
    }
    throw new Error(`could not lock data directory ${dataDir}`);
}

async function main(): Promise<void> {
    const config = JSON.parse(process.env[CONFIG_ENV] ?? "{}") as ServerConfig;
    if (!config.dataDir) throw new Error("CHDB_GATEWAY_CONFIG.dataDir is required");
    fs.mkdirSync(config.dataDir, { recursive: true });
    lockDataDir(config.dataDir);
    const engine = new Engine(config.dataDir, config.backupsDir);
    await engine.init();
    const sessions = new Sessions(engine);
    const handler = new Handler(
        engine,
        sessions,
        { user: config.user, password: config.password },
        log,
        config.insertSettings ?? {},
    );
    const listener: http.RequestListener = (req, res) => {
        handler.handle(req, res).catch((e: unknown) => {
            log(`unhandled: ${(e as Error).stack ?? String(e)}`);
            if (!res.headersSent) res.writeHead(500);
            res.end();
        });
    };
    // Test-only TLS termination: Node's own TLS, TLS 1.2 at least, as clickhouse-server is set up here.
    const server = config.tls
        ? https.createServer(
              {
                  cert: fs.readFileSync(config.tls.certFile),
                  key: fs.readFileSync(config.tls.keyFile),
                  minVersion: "TLSv1.2",
              },
              listener,
          )
        : http.createServer(listener);
    // A client that gives up during the handshake (an unknown CA, a wrong host name) is its business.
    server.on("tlsClientError", (e: Error) => log(`TLS handshake failed: ${e.message}`));
    server.keepAliveTimeout = 10_000;
    let stopping = false;
    const shutdown = (why: string): void => {
        if (stopping) return;
        stopping = true;
        log(`stopping (${why})`);
        server.close();
        server.closeAllConnections();
        sessions.closeAll();
        setTimeout(() => {
            try {
                engine.close();
            } catch {
                /* closing anyway */
            }
            process.exit(0);
        }, 50);
    };
    // Once the parent is gone its pipes are too: a log write must not crash the shutdown.
    process.stdout.on("error", () => undefined);
    process.stderr.on("error", () => undefined);
    if (config.removeDataDirOnExit) {
        process.on("exit", () => fs.rmSync(config.dataDir, { recursive: true, force: true }));
    }
    process.on("SIGTERM", () => shutdown("SIGTERM"));
    process.on("SIGINT", () => shutdown("SIGINT"));
    process.stdin.on("end", () => shutdown("parent gone"));
    process.stdin.on("error", () => shutdown("parent gone"));
    process.stdin.resume();
    await new Promise<void>((resolve, reject) => {
        server.once("error", (e: NodeJS.ErrnoException) => {
            if (e.code === "EADDRINUSE") e.message = `127.0.0.1:${config.port} is already in use by another process`;
            reject(e);
        });
        server.listen(config.port ?? 0, "127.0.0.1", () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    log(
        `listening on ${config.tls ? "https" : "http"}://127.0.0.1:${port} (engine ${engine.version}, data ${config.dataDir})`,
    );
    process.stdout.write(`${READY_MARKER} ${JSON.stringify({ port, version: engine.version })}\n`);
}

main().catch((e: unknown) => {
    // A failure of the system (a busy port, a directory that cannot be written) says what it is;
    // anything else keeps its stack for the log.
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === "string" && /^E[A-Z]+$/.test(code)) {
        log(`failed to start: ${(e as Error).message}`);
        process.stdout.write(`${FAILED_MARKER} ${JSON.stringify({ code, message: (e as Error).message })}\n`);
    } else log(`failed to start: ${(e as Error).stack ?? String(e)}`);
    process.exit(1);
});
