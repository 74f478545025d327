/**
 * FerretDB v1.24 (SQLite backend) as a throwaway MongoDB wire-protocol server on loopback, for
 * engine tests of the seed's write path. The binary is built once by test/support/ferretdb.sh
 * into ${XDG_CACHE_HOME:-~/.cache}/cdc-pipeline/ferretdb.
 *
 * Known gaps of FerretDB v1 that tests must respect: no Decimal128 (it drops the connection),
 * no change streams, no `collMod` (so no pre-images).
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Builds (first time, a few minutes) or finds the binary; `problem` says why there is none. */
export async function ferretdbBinary(): Promise<{ path?: string; problem?: string }> {
    try {
        const { stdout } = await run("bash", [join(__dirname, "ferretdb.sh")], {
            timeout: 15 * 60_000,
            maxBuffer: 1 << 20,
        });
        const path = stdout.trim().split("\n").pop();
        return path ? { path } : { problem: "test/support/ferretdb.sh printed no path" };
    } catch (e) {
        const err = e as Error & { stderr?: string };
        return {
            problem: `FerretDB v1.24 could not be built (needs go and the Go module proxy once): ${(err.stderr || err.message).trim().split("\n").slice(-3).join(" ")}`,
        };
    }
}

/** A running FerretDB. */
export interface FerretDb {
    /** `mongodb://[user:pass@]127.0.0.1:<port>/?directConnection=true[&authSource=…][&tls=true]`. */
    uri: string;
    port: number;
    stop(): Promise<void>;
}

async function freePort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((r) => server.close(() => r()));
    return port;
}

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`FerretDB exited with ${child.exitCode}: ${log()}`);
        const ok = await new Promise<boolean>((resolve) => {
            const s = connect(port, "127.0.0.1");
            s.once("connect", () => (s.destroy(), resolve(true)));
            s.once("error", () => resolve(false));
        });
        if (ok) return;
        await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`FerretDB did not listen on 127.0.0.1:${port} within 15 s: ${log()}`);
}

/**
 * Starts FerretDB on a free loopback port with a fresh SQLite directory.
 * @param opts.replSetName answer `hello` as a member of this replica set (omit: standalone).
 * @param opts.auth create this user (in database `ecom`) and require authentication.
 * @param opts.tls serve TLS only, with this certificate and key (PEM files), and no plaintext
 *   listener. FerretDB's `--listen-tls-ca-file` is not passed: with it FerretDB v1.24 requires a
 *   client certificate (its `tlsutil.Config`: `RequireAndVerifyClientCert`), and the pipeline's
 *   clients present none (they authenticate with SCRAM over TLS, as against the stack's mongod).
 */
export async function startFerretDb(
    binary: string,
    opts: {
        replSetName?: string;
        auth?: { user: string; password: string };
        tls?: { certFile: string; keyFile: string };
    } = {},
): Promise<FerretDb> {
    const dir = mkdtempSync(join(tmpdir(), "ferretdb-"));
    const port = await freePort();
    const listen = opts.tls
        ? [
              "--listen-addr=",
              `--listen-tls=127.0.0.1:${port}`,
              `--listen-tls-cert-file=${opts.tls.certFile}`,
              `--listen-tls-key-file=${opts.tls.keyFile}`,
          ]
        : [`--listen-addr=127.0.0.1:${port}`];
    const args = [
        "--handler=sqlite",
        `--sqlite-url=file:${dir}/`,
        `--state-dir=${dir}`,
        ...listen,
        "--debug-addr=127.0.0.1:0",
        "--telemetry=disable",
        "--log-level=error",
    ];
    if (opts.replSetName) args.push(`--repl-set-name=${opts.replSetName}`);
    if (opts.auth)
        args.push(
            "--test-enable-new-auth",
            `--setup-username=${opts.auth.user}`,
            `--setup-password=${opts.auth.password}`,
            "--setup-database=ecom",
        );
    const child = spawn(binary, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => {
        stderr = (stderr + d.toString()).slice(-4000);
    });
    const stop = async () => {
        if (child.exitCode === null && child.signalCode === null) {
            const exited = new Promise((r) => child.once("exit", r));
            child.kill("SIGTERM");
            const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
            await exited;
            clearTimeout(timer);
        }
        rmSync(dir, { recursive: true, force: true });
    };
    try {
        await waitForPort(port, child, () => stderr);
    } catch (e) {
        await stop();
        throw e;
    }
    const cred = opts.auth ? `${encodeURIComponent(opts.auth.user)}:${encodeURIComponent(opts.auth.password)}@` : "";
    const auth = opts.auth ? "&authSource=ecom" : "";
    const tls = opts.tls ? "&tls=true" : "";
    return { uri: `mongodb://${cred}127.0.0.1:${port}/?directConnection=true${auth}${tls}`, port, stop };
}
