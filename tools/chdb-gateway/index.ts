/**
 * A ClickHouse HTTP endpoint on the real ClickHouse engine (npm `chdb`), for tests and the
 * replay command: `@clickhouse/client` and clickhouse-connect (dbt-clickhouse) talk to it
 * unmodified. libchdb binds one data directory per process, so each gateway runs in its own
 * child process (`server.ts`). What it does and does not implement: README.md beside this file.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { BRONZE_INSERT_SETTINGS } from "../../connectors/clickhouseSink";
import { CONFIG_ENV, FAILED_MARKER, READY_MARKER, type GatewayTls, type ServerConfig } from "./protocol";

export type { GatewayTls } from "./protocol";

/** A running gateway. */
export interface ChdbGateway {
    /** Base URL, e.g. `http://127.0.0.1:41234` (`https://` with `tls`). */
    url: string;
    /** Always `127.0.0.1`. */
    host: string;
    port: number;
    /** The one user it accepts. */
    user: string;
    /** That user's password ('' for none). */
    password: string;
    /** The engine's data directory. */
    dataDir: string;
    /** Process id of the child process running the engine (e.g. to read its CPU time in /proc). */
    pid: number;
    /** Stops the child process and waits for it; removes the data dir if the gateway created it. */
    stop(): Promise<void>;
}

/** Options of {@link startChdbGateway}. */
export interface ChdbGatewayOptions {
    /** Engine data directory; default a fresh temp dir, removed on `stop()`. */
    dataDir?: string;
    /** Accepted user; default `default`. */
    user?: string;
    /** Its password; default ''. */
    password?: string;
    /** Port on 127.0.0.1; default an ephemeral one. */
    port?: number;
    /**
     * Serve HTTPS with this certificate and key (PEM files) instead of HTTP: TLS termination for
     * tests of clients' TLS settings (the certificate's names must cover `127.0.0.1` for clients
     * that check them). Default: plain HTTP.
     */
    tls?: GatewayTls;
    /**
     * A directory for native backups: the engine gets a local disk named `backups` there, allowed
     * for `BACKUP`/`RESTORE … Disk('backups', '<name>')` (as `backups.allowed_disk` on a server).
     * Created if missing, never removed by the gateway. Default: no backups disk (BACKUP refused).
     */
    backupsDir?: string;
    /**
     * Settings of every INSERT that carries its rows (what the sink sends): those the stack's sink
     * sends with its INSERTs, `BRONZE_INSERT_SETTINGS` (connectors/clickhouseSink.ts), by default, so
     * silver runs here as under the sink; `{}` for the engine's defaults. A setting the request
     * names, or its session has SET, wins.
     */
    insertSettings?: Record<string, string>;
    /** Receives the child's log lines (stderr); default: dropped. */
    log?: (line: string) => void;
    /**
     * Called once when the child exits after it started, other than through `stop()` (killed,
     * out of memory, crashed), with its last stderr lines; the gateway is gone then.
     */
    onUnexpectedExit?: (exit: GatewayExit) => void;
}

/** How a gateway's child process ended on its own. */
export interface GatewayExit {
    code: number | null;
    signal: NodeJS.Signals | null;
    /** The child's last stderr lines (at most 20). */
    lastLines: string[];
}

/**
 * A gateway that could not start for a known reason: `code` is the child's Node error code
 * (`EADDRINUSE` for a busy port, `EACCES`/`EROFS`/`ENOTDIR`/… for the data directory, `EBUSY` for a
 * data directory another gateway holds).
 */
export class ChdbGatewayStartError extends Error {
    constructor(
        message: string,
        readonly code: string,
    ) {
        super(message);
        this.name = "ChdbGatewayStartError";
    }
}

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

/**
 * Starts a gateway in a child process and resolves once it accepts connections.
 * The child exits when the parent process dies (its stdin closes).
 */
export function startChdbGateway(opts: ChdbGatewayOptions = {}): Promise<ChdbGateway> {
    const createdDir = opts.dataDir === undefined;
    const dataDir = path.resolve(opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "chdb-gateway-")));
    const user = opts.user ?? "default";
    const password = opts.password ?? "";
    const config: ServerConfig = {
        dataDir,
        user,
        password,
        port: opts.port ?? 0,
        removeDataDirOnExit: createdDir,
        insertSettings: { ...(opts.insertSettings ?? BRONZE_INSERT_SETTINGS) },
        ...(opts.backupsDir !== undefined ? { backupsDir: path.resolve(opts.backupsDir) } : {}),
        ...(opts.tls
            ? { tls: { certFile: path.resolve(opts.tls.certFile), keyFile: path.resolve(opts.tls.keyFile) } }
            : {}),
    };
    const tsx = pathToFileURL(require.resolve("tsx")).href;
    const child = spawn(process.execPath, ["--import", tsx, path.join(__dirname, "server.ts")], {
        env: { ...process.env, [CONFIG_ENV]: JSON.stringify(config) },
        stdio: ["pipe", "pipe", "pipe"],
    });
    const userLog = opts.log ?? (() => undefined);
    const recent: string[] = [];
    const log = (line: string): void => {
        recent.push(line);
        if (recent.length > 20) recent.shift();
        userLog(line);
    };
    forwardLines(child.stderr!, log);
    const stderrClosed = new Promise<void>((resolve) => child.stderr!.once("close", () => resolve()));
    const stdoutClosed = new Promise<void>((resolve) => child.stdout!.once("close", () => resolve()));
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

    // give the child's last words (stderr, and a failure line on stdout) a moment to arrive
    const lastWords = (): Promise<unknown> =>
        Promise.race([Promise.all([stderrClosed, stdoutClosed]), new Promise((r) => setTimeout(r, 1000))]);

    return new Promise<ChdbGateway>((resolve, reject) => {
        let stdout = "";
        let settled = false;
        let stopping = false;
        const fail = (why: string): void => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            child.kill("SIGKILL");
            if (createdDir) void exited.then(() => fs.rmSync(dataDir, { recursive: true, force: true }));
            void lastWords().then(() => {
                const known = stdout.split("\n").find((l) => l.startsWith(FAILED_MARKER));
                if (!known) {
                    const tail = recent.length ? `\n${recent.join("\n")}` : "";
                    return reject(new Error(`chdb gateway did not start: ${why}${tail}`));
                }
                const failure = JSON.parse(known.slice(FAILED_MARKER.length)) as { code: string; message: string };
                reject(new ChdbGatewayStartError(`chdb gateway did not start: ${failure.message}`, failure.code));
            });
        };
        const timer = setTimeout(() => fail(`no ready line within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
        child.once("error", (e) => fail(e.message));
        child.once("exit", (code, signal) => fail(`child exited early (code ${code}, signal ${signal})`));
        child.stdout!.setEncoding("utf8");
        child.stdout!.on("data", (chunk: string) => {
            stdout += chunk;
            if (settled) return;
            const line = stdout.split("\n").find((l) => l.startsWith(READY_MARKER));
            if (!line) return;
            settled = true;
            clearTimeout(timer);
            const { port } = JSON.parse(line.slice(READY_MARKER.length)) as { port: number };
            child.once("exit", (code, signal) => {
                if (stopping) return;
                void lastWords().then(() => {
                    userLog(`chdb gateway child exited unexpectedly (code ${code}, signal ${signal})`);
                    opts.onUnexpectedExit?.({ code, signal, lastLines: [...recent] });
                });
            });
            // Let the parent exit even if a caller forgets stop(): the child sees stdin close.
            child.unref();
            for (const s of [child.stdin, child.stdout, child.stderr])
                (s as unknown as { unref?: () => void } | null)?.unref?.();
            const host = "127.0.0.1";
            resolve({
                url: `${opts.tls ? "https" : "http"}://${host}:${port}`,
                host,
                port,
                user,
                password,
                dataDir,
                pid: child.pid!,
                stop: () => {
                    stopping = true;
                    return stopChild(child, exited, createdDir ? dataDir : undefined);
                },
            });
        });
    });
}

async function stopChild(child: ChildProcess, exited: Promise<void>, removeDir: string | undefined): Promise<void> {
    if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
    }
    if (removeDir) fs.rmSync(removeDir, { recursive: true, force: true });
}

function forwardLines(stream: NodeJS.ReadableStream, log: (line: string) => void): void {
    let buf = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf("\n")) >= 0) {
            log(buf.slice(0, nl));
            buf = buf.slice(nl + 1);
        }
    });
    stream.on("end", () => {
        if (buf) log(buf);
    });
}
