/**
 * The chdb ClickHouse-HTTP gateway as a process, and against clickhouse-connect, the Python driver
 * under dbt-clickhouse. The other clients: chdb-gateway-client.test.ts (@clickhouse/client),
 * chdb-gateway-http*.test.ts (raw HTTP), chdb-gateway-jvm.test.ts (the sink's Java clients).
 */
import { execFile, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { pathToFileURL } from "node:url";
import { startChdbGateway, type ChdbGateway } from "../../tools/chdb-gateway";
import { gatewayForSuite, PASSWORD, USER } from "../support/gateway-http";
import { requireTier } from "../support/tier";

describe("chdb gateway", () => {
    const suite = gatewayForSuite();
    const gw = (): ChdbGateway => suite.gateway();

    describe("process", () => {
        it("listens on 127.0.0.1 with the configured user and a fresh data dir", () => {
            assert.equal(gw().host, "127.0.0.1");
            assert.equal(gw().url, `http://127.0.0.1:${gw().port}`);
            assert.equal(gw().user, USER);
            assert.ok(fs.statSync(gw().dataDir).isDirectory());
        });

        it("answers /ping with Ok. and needs no credentials for it", async () => {
            const r = await fetch(`${gw().url}/ping`);
            assert.equal(r.status, 200);
            assert.equal(await r.text(), "Ok.\n");
        });

        it("defaults to user default without password, and stop() removes the temp data dir it made", async () => {
            const g = await startChdbGateway();
            try {
                assert.equal(g.user, "default");
                assert.equal(g.password, "");
                const r = await fetch(
                    `${g.url}/?query=${encodeURIComponent("SELECT currentUser() = currentUser(), 40 + 2")}`,
                );
                assert.equal(r.status, 200);
                assert.equal(await r.text(), "1\t42\n");
            } finally {
                await g.stop();
            }
            assert.equal(fs.existsSync(g.dataDir), false);
            await assert.rejects(fetch(`${g.url}/ping`));
        });

        it("keeps a data dir it was given, with its tables, across restarts", async () => {
            const dir = fs.mkdtempSync(path.join(gw().dataDir, "..", "chdb-gw-keep-"));
            try {
                const g1 = await startChdbGateway({ dataDir: dir });
                await fetch(`${g1.url}/`, {
                    method: "POST",
                    body: "CREATE TABLE kept (x UInt8) ENGINE = MergeTree ORDER BY x",
                });
                await fetch(`${g1.url}/?query=${encodeURIComponent("INSERT INTO kept FORMAT TabSeparated")}`, {
                    method: "POST",
                    body: "5\n6\n",
                });
                await assert.rejects(startChdbGateway({ dataDir: dir }), /in use by another chdb gateway/);
                await g1.stop();
                assert.ok(fs.existsSync(dir));
                const g2 = await startChdbGateway({ dataDir: dir });
                const r = await fetch(`${g2.url}/?query=${encodeURIComponent("SELECT sum(x) FROM kept")}`);
                assert.equal(await r.text(), "11\n");
                await g2.stop();
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });
        it("exits with its parent, removing its temp data dir, when the parent is killed", async () => {
            const program = [
                `const { startChdbGateway } = require(${JSON.stringify(path.join(__dirname, "..", "..", "tools", "chdb-gateway"))});`,
                "startChdbGateway().then((g) => { console.log(JSON.stringify({ url: g.url, dataDir: g.dataDir })); setInterval(() => {}, 1000); });",
            ].join("\n");
            const parent = spawn(
                process.execPath,
                ["--import", pathToFileURL(require.resolve("tsx")).href, "-e", program],
                { stdio: ["ignore", "pipe", "inherit"] },
            );
            const line = await new Promise<string>((resolve, reject) => {
                let out = "";
                parent.stdout!.on("data", (c: Buffer) => {
                    out += c.toString();
                    if (out.includes("\n")) resolve(out.split("\n")[0]);
                });
                parent.once("exit", () => reject(new Error(`parent exited early: ${out}`)));
            });
            const { url, dataDir } = JSON.parse(line) as { url: string; dataDir: string };
            assert.equal((await fetch(`${url}/ping`)).status, 200);
            parent.kill("SIGKILL");
            const deadline = Date.now() + 15_000;
            let alive = true;
            while (alive && Date.now() < deadline) {
                await new Promise((r) => setTimeout(r, 100));
                alive = await fetch(`${url}/ping`).then(
                    () => true,
                    () => false,
                );
            }
            assert.equal(alive, false, "gateway still answers after its parent died");
            while (fs.existsSync(dataDir) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
            assert.equal(fs.existsSync(dataDir), false);
        });
    });

    describe("with clickhouse-connect (dbt-clickhouse's driver)", () => {
        let python: string | undefined;
        let pythonProblem: string | undefined;
        before(async () => {
            const { dbtVenvProblem, ensureDbtVenv } = await import("../../components/providers/dbt/venv");
            const problem = await dbtVenvProblem();
            if (problem === undefined) python = (await ensureDbtVenv()).python;
            else pythonProblem = problem;
        });

        for (const compress of ["false", "lz4", "gzip"]) {
            it(`creates, inserts Native, queries and keeps session state with compress=${compress}`, async (t) => {
                if (!requireTier(t, "dbt", pythonProblem)) return;
                const script = path.join(__dirname, "chdb-gateway-connect.py");
                const out = await new Promise<string>((resolve, reject) =>
                    execFile(
                        python!,
                        [script, gw().host, String(gw().port), USER, PASSWORD, compress],
                        { timeout: 120_000 },
                        (err, stdout, stderr) =>
                            err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
                    ),
                );
                const r = JSON.parse(out.trim().split("\n").pop() ?? "{}") as Record<string, unknown>;
                assert.match(String(r.server_version), /^\d+\.\d+/);
                assert.equal(r.written_rows, 5);
                assert.equal(r.count, 5);
                assert.deepEqual(
                    (r.rows as unknown[][]).map((row) => row[0]),
                    [1, 2, 3, 4, 5],
                );
                assert.deepEqual((r.rows as unknown[][])[1], [2, "n\t2\n", "2.25", "2024-01-01T00:00:02"]);
                assert.deepEqual(r.columns, ["id", "name", "amount", "at"]);
                assert.equal(r.temp_sum, 7);
                assert.equal(r.param, "a'b");
                assert.equal(r.error_code, 60);
            });
        }
    });
});
