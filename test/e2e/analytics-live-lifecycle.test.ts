/**
 * `analytics:live` as a process around its life: started again on its own `--data-dir` after a
 * clean SIGTERM it reuses the relations there (no dbt run, the rows kept, gold still refreshed);
 * when its engine process dies it exits 1 with the engine's last words instead of living on with
 * a dead port; a busy `--port` and an unusable `--data-dir` fail at once, naming the flag.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { createClient } from "@clickhouse/client";
import { dbtVenvProblem } from "../../components/providers/dbt/venv";
import { BronzeBuilder, customerDoc, oid, orderDoc, productDoc } from "../support/oracle/builder";
import { chdbProblem } from "../support/chdb";
import { requireTier } from "../support/tier";

const REPO = path.resolve(__dirname, "../..");

function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const srv = net.createServer().listen(0, "127.0.0.1", () => {
            const { port } = srv.address() as net.AddressInfo;
            srv.close(() => resolve(port));
        });
        srv.on("error", reject);
    });
}

interface Live {
    child: ChildProcess;
    stderr: () => string;
    /** Resolves with the URL of the ready line, or rejects with the exit code and stderr. */
    ready: Promise<string>;
    exited: Promise<number | null>;
}

const started: ChildProcess[] = [];

function live(args: string[]): Live {
    const tsx = pathToFileURL(require.resolve("tsx")).href;
    const child = spawn(process.execPath, ["--import", tsx, path.join(REPO, "tools/analytics/live.ts"), ...args], {
        cwd: REPO,
        stdio: ["ignore", "pipe", "pipe"],
    });
    started.push(child);
    let err = "";
    child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const ready = new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout!.on("data", (d: Buffer) => {
            out += d.toString();
            const m = /^ready (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
            if (m) resolve(m[1]!);
        });
        void exited.then((code) =>
            reject(new Error(`analytics:live exited with ${code}; stderr:\n${err.slice(-3000)}`)),
        );
    });
    ready.catch(() => undefined);
    return { child, stderr: () => err, ready, exited };
}

async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    try {
        return await Promise.race([
            p,
            new Promise<never>(
                (_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms / 1000} s`)), ms)),
            ),
        ]);
    } finally {
        clearTimeout(timer);
    }
}

after(() => {
    for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});

describe("analytics:live lifecycle", { timeout: 15 * 60_000 }, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "analytics-live-dir-"));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const USER = ["--user", "live", "--password", "live-pw-271", "--refresh-seconds", "1"];
    const client = (url: string) =>
        createClient({ url, username: "live", password: "live-pw-271", database: "default" });
    const b = new BronzeBuilder();
    const [C, P, O] = [
        oid("d0ffee000000000000000001"),
        oid("d0ffee000000000000000002"),
        oid("d0ffee000000000000000003"),
    ];

    /** The day's revenue in fct_daily_sales once it equals `want`, or the last value seen within 60 s. */
    async function revenueOf(url: string, day: string, want: number): Promise<number> {
        const ch = client(url);
        try {
            const since = Date.now();
            let last = NaN;
            while (Date.now() - since < 60_000) {
                const rs = await ch.query({
                    query: `SELECT toFloat64(sum(total_revenue)) AS r FROM fct_daily_sales WHERE order_date = '${day}'`,
                    format: "JSONEachRow",
                });
                last = Number((await rs.json<{ r: number }>())[0]?.r);
                if (last === want) return last;
                await new Promise((r) => setTimeout(r, 200));
            }
            return last;
        } finally {
            await ch.close();
        }
    }

    it("starts again on its own --data-dir after SIGTERM: relations reused without dbt, rows kept, gold still refreshed", async (t) => {
        if (!requireTier(t, "dbt", chdbProblem() ?? (await dbtVenvProblem()))) return;
        const port = await freePort();
        const first = live(["--port", String(port), "--data-dir", dir, ...USER]);
        const url = await within(first.ready, 10 * 60_000, "first start");
        const ch = client(url);
        const since = Date.now();
        await ch.insert({
            table: "mongo_ecom_customers",
            values: [b.insert("customers", customerDoc(C), { tsMs: since })],
            format: "JSONEachRow",
        });
        await ch.insert({
            table: "mongo_ecom_products",
            values: [b.insert("products", productDoc(P, "10.00", 5), { tsMs: since })],
            format: "JSONEachRow",
        });
        await ch.insert({
            table: "mongo_ecom_orders",
            values: [
                b.insert(
                    "orders",
                    orderDoc(
                        O,
                        C,
                        "paid",
                        [{ product: P, quantity: 2, unitPrice: "10.00" }],
                        "2026-02-01T10:00:00.000Z",
                    ),
                    { tsMs: since },
                ),
            ],
            format: "JSONEachRow",
        });
        await ch.close();
        assert.equal(await revenueOf(url, "2026-02-01", 20), 20);
        first.child.kill("SIGTERM");
        assert.equal(await within(first.exited, 30_000, "SIGTERM"), 0);

        const t0 = Date.now();
        const second = live(["--port", String(port), "--data-dir", dir, ...USER]);
        assert.equal(await within(second.ready, 5 * 60_000, "second start"), url);
        t.diagnostic(`second start ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
        assert.match(second.stderr(), /models are unchanged since the last deploy/);
        assert.doesNotMatch(second.stderr(), /dbt build/, "no dbt run");
        const ch2 = client(url);
        const rs = await ch2.query({
            query: "SELECT engine FROM system.databases WHERE name = 'default'",
            format: "JSONEachRow",
        });
        assert.deepEqual(await rs.json(), [{ engine: "Atomic" }]);
        const since2 = Date.now();
        await ch2.insert({
            table: "mongo_ecom_orders",
            values: [
                b.update(
                    "orders",
                    orderDoc(
                        O,
                        C,
                        "paid",
                        [{ product: P, quantity: 3, unitPrice: "10.00" }],
                        "2026-02-01T10:00:00.000Z",
                    ),
                    { tsMs: since2 },
                ),
            ],
            format: "JSONEachRow",
        });
        await ch2.close();
        assert.equal(await revenueOf(url, "2026-02-01", 30), 30, "the order's update reaches gold after the restart");
        second.child.kill("SIGTERM");
        assert.equal(await within(second.exited, 30_000, "SIGTERM"), 0);
    });

    it("exits 1 with the engine's last words when the engine process is killed", async (t) => {
        if (!requireTier(t, "dbt", chdbProblem() ?? (await dbtVenvProblem()))) return;
        const run = live(["--port", String(await freePort()), "--data-dir", dir, ...USER]);
        await within(run.ready, 5 * 60_000, "start");
        const engine = Number(fs.readFileSync(path.join(dir, ".chdb-gateway.pid"), "utf8"));
        process.kill(engine, "SIGKILL");
        assert.equal(await within(run.exited, 15_000, "exit after the engine died"), 1);
        assert.match(run.stderr(), /the engine process stopped unexpectedly \(killed by SIGKILL/);
        assert.match(
            run.stderr(),
            new RegExp(`\\[chdb-gateway ${engine}\\] listening on`),
            "the engine's last stderr lines",
        );
    });

    it("a busy --port fails at once, naming the flag, without a stack trace", async (t) => {
        if (!requireTier(t, "engine", chdbProblem())) return;
        const busy = net.createServer();
        await new Promise<void>((r) => busy.listen(0, "127.0.0.1", () => r()));
        const port = (busy.address() as net.AddressInfo).port;
        try {
            const run = live(["--port", String(port)]);
            assert.equal(await within(run.exited, 60_000, "exit on a busy port"), 1);
            assert.match(
                run.stderr(),
                new RegExp(`analytics:live: --port ${port}: 127\\.0\\.0\\.1:${port} is already in use`),
            );
            assert.doesNotMatch(run.stderr(), /\n\s+at /, "no stack trace");
        } finally {
            busy.close();
        }
    });

    it("an unusable --data-dir fails at once, naming the flag", async () => {
        const file = path.join(dir, "..", `analytics-live-file-${process.pid}`);
        fs.writeFileSync(file, "x");
        const other = fs.mkdtempSync(path.join(os.tmpdir(), "analytics-live-other-"));
        fs.writeFileSync(path.join(other, "notes.txt"), "mine");
        try {
            for (const [d, why] of [
                [file, /EEXIST|not a directory/],
                [path.join(file, "sub"), /ENOTDIR/],
                [other, /holds other files \(notes\.txt\)/],
            ] as const) {
                const t0 = Date.now();
                const run = live(["--port", String(await freePort()), "--data-dir", d]);
                assert.equal(await within(run.exited, 30_000, `exit on --data-dir ${d}`), 1);
                assert.match(
                    run.stderr(),
                    new RegExp(
                        `analytics:live: --data-dir ${d.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} cannot be used: `,
                    ),
                );
                assert.match(run.stderr(), why);
                assert.ok(Date.now() - t0 < 15_000, `took ${Date.now() - t0} ms`);
            }
            assert.deepEqual(
                fs.readdirSync(other),
                ["notes.txt"],
                "nothing written into a directory that is not the engine's",
            );
        } finally {
            fs.rmSync(file, { force: true });
            fs.rmSync(other, { recursive: true, force: true });
        }
    });
});
