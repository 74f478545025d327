/**
 * The chdb gateway's process around its life: a data directory opened again keeps an Atomic
 * `default` (gold's refreshable views need one), an engine that dies on its own is reported with
 * its last words, and a busy port fails at once with what it is.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it, type TestContext } from "node:test";
import { ChdbGatewayStartError, startChdbGateway, type GatewayExit } from "../../tools/chdb-gateway";
import { chdbProblem } from "../support/chdb";
import { requireTier } from "../support/tier";

async function sql(url: string, query: string): Promise<string> {
    const r = await fetch(`${url}/`, { method: "POST", body: query });
    const text = await r.text();
    assert.equal(r.status, 200, `${query}: ${text}`);
    return text;
}

const ready = (t: TestContext) => requireTier(t, "engine", chdbProblem());

describe("chdb gateway lifecycle", { timeout: 120_000 }, () => {
    it("opens a data directory used before with `default` Atomic again: tables and refreshable views kept, new ones accepted", async (t) => {
        if (!ready(t)) return;
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "chdb-gw-reopen-"));
        try {
            const g1 = await startChdbGateway({ dataDir: dir });
            await sql(g1.url, "CREATE TABLE src (x UInt8) ENGINE = MergeTree ORDER BY x");
            await sql(g1.url, "CREATE TABLE dst (x UInt8) ENGINE = MergeTree ORDER BY x");
            await sql(
                g1.url,
                "CREATE MATERIALIZED VIEW dst__refresh REFRESH EVERY 1 SECOND TO dst AS SELECT x FROM src",
            );
            await sql(g1.url, "INSERT INTO src VALUES (1)");
            await g1.stop();

            const g2 = await startChdbGateway({ dataDir: dir });
            try {
                assert.equal(
                    await sql(g2.url, "SELECT engine FROM system.databases WHERE name = 'default'"),
                    "Atomic\n",
                );
                assert.equal(
                    await sql(g2.url, "SELECT name FROM system.tables WHERE database = 'default' ORDER BY name"),
                    "dst\ndst__refresh\nsrc\n",
                );
                await sql(g2.url, "INSERT INTO src VALUES (2)");
                await sql(g2.url, "SYSTEM REFRESH VIEW dst__refresh");
                await sql(g2.url, "SYSTEM WAIT VIEW dst__refresh");
                assert.equal(
                    await sql(g2.url, "SELECT groupArray(x) FROM (SELECT x FROM dst ORDER BY x)"),
                    "[1,2]\n",
                    "the old view refreshes",
                );
                // what dbt does to deploy a changed gold model: a new refreshable view
                await sql(
                    g2.url,
                    "CREATE MATERIALIZED VIEW dst2__refresh REFRESH EVERY 1 SECOND ENGINE = MergeTree ORDER BY x AS SELECT x FROM src",
                );
            } finally {
                await g2.stop();
            }
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("reports a child that dies on its own (SIGKILL) with its exit and last stderr lines", async (t) => {
        if (!ready(t)) return;
        const exits: GatewayExit[] = [];
        const g = await startChdbGateway({ onUnexpectedExit: (x) => exits.push(x) });
        process.kill(g.pid, "SIGKILL");
        const deadline = Date.now() + 15_000;
        while (exits.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        await g.stop();
        assert.equal(exits.length, 1, "onUnexpectedExit called once within 15 s");
        assert.equal(exits[0].signal, "SIGKILL");
        assert.ok(
            exits[0].lastLines.some((l) => l.includes(`listening on ${g.url}`)),
            exits[0].lastLines.join("\n"),
        );

        const stopped: GatewayExit[] = [];
        const g2 = await startChdbGateway({ onUnexpectedExit: (x) => stopped.push(x) });
        await g2.stop();
        await new Promise((r) => setTimeout(r, 1500));
        assert.deepEqual(stopped, [], "stop() is no unexpected exit");
    });

    it("fails at once on a busy port, saying so (code EADDRINUSE, no stack trace)", async (t) => {
        if (!ready(t)) return;
        const busy = net.createServer();
        await new Promise<void>((r) => busy.listen(0, "127.0.0.1", () => r()));
        const port = (busy.address() as net.AddressInfo).port;
        try {
            const err = await startChdbGateway({ port }).then(
                (g) => g.stop().then(() => assert.fail("started on a busy port")),
                (e: unknown) => e,
            );
            assert.ok(err instanceof ChdbGatewayStartError, String(err));
            assert.equal(err.code, "EADDRINUSE");
            assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${port} is already in use`));
            assert.doesNotMatch(err.message, /\n\s+at /, "no stack trace");
        } finally {
            busy.close();
        }
    });
});
