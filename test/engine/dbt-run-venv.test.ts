/**
 * The dbt venv builder for real (pip install of the pins, from the pip cache when warm), in a
 * throwaway cache directory: concurrent builders in two processes build once, and leftovers of a
 * crashed build (an unmarked venv directory, a temp directory, a lock held by a dead process)
 * are never reused.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { dbtVenvDir, dbtVenvProblem } from "../../components/providers/dbt/venv";
import { requireTier } from "../support/tier";

const CLI = path.resolve(__dirname, "../../components/providers/dbt/venv-cli.ts");

function runCli(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
        const child = spawn(process.execPath, ["--import", "tsx", CLI], { env, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
}

describe("dbt venv builder", { timeout: 20 * 60_000 }, () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), "dbt-venv-test-"));
    after(() => fs.rmSync(cache, { recursive: true, force: true }));

    it("builds once for concurrent processes and never reuses a crashed half-install", async (t) => {
        if (!requireTier(t, "dbt", await dbtVenvProblem())) return;
        const saved = process.env.XDG_CACHE_HOME;
        process.env.XDG_CACHE_HOME = cache;
        const dir = dbtVenvDir();
        if (saved === undefined) delete process.env.XDG_CACHE_HOME;
        else process.env.XDG_CACHE_HOME = saved;

        // Leftovers of a builder that died: an unmarked venv dir, its temp dir and its lock.
        const deadPid = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
            encoding: "utf8",
        }).stdout;
        fs.mkdirSync(path.join(dir, "bin"), { recursive: true });
        fs.writeFileSync(path.join(dir, "bin", "python"), "#!/bin/sh\nexit 99\n", { mode: 0o755 });
        fs.mkdirSync(`${dir}.tmp-${deadPid}-deadbeef`);
        fs.mkdirSync(`${dir}.lock`);
        fs.writeFileSync(path.join(`${dir}.lock`, "owner"), JSON.stringify({ pid: Number(deadPid), at: Date.now() }));

        const env = { ...process.env, XDG_CACHE_HOME: cache };
        const [a, b] = await Promise.all([runCli(env), runCli(env)]);
        assert.equal(a.code, 0, a.stderr);
        assert.equal(b.code, 0, b.stderr);
        assert.equal(a.stdout.trim(), path.join(dir, "bin", "dbt"));
        assert.equal(b.stdout.trim(), a.stdout.trim());
        const builds = `${a.stderr}\n${b.stderr}`.split("\n").filter((l) => l.includes("creating dbt venv")).length;
        assert.equal(builds, 1, "exactly one process builds");

        assert.ok(fs.existsSync(path.join(dir, ".cdc-dbt-venv-ready")));
        assert.deepEqual(
            fs.readdirSync(cache + "/cdc-pipeline").sort(),
            [path.basename(dir)],
            "temp dirs and the lock are gone",
        );
        const version = spawnSync(a.stdout.trim(), ["--version"], {
            encoding: "utf8",
            env: { ...process.env, DBT_SEND_ANONYMOUS_USAGE_STATS: "false" },
        });
        assert.equal(version.status, 0, version.stderr);
        assert.match(version.stdout, /installed: 1\.11\.16/);
        assert.match(version.stdout, /clickhouse: 1\.10\.3/);

        // A second call is a fast no-op.
        const started = Date.now();
        const c = await runCli(env);
        assert.equal(c.code, 0);
        assert.ok(!c.stderr.includes("creating dbt venv"));
        assert.ok(Date.now() - started < 15_000);
    });
});
