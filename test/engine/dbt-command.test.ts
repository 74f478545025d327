/**
 * `npm run dbt`: runs dbt now against the stack's ClickHouse, reading the stack's outputs. Here a
 * stand-in `pulumi` on PATH prints outputs that point at a chdb gateway with a password.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { createBronzeTablesProvider } from "../../components/providers/bronzeTables";
import { dbtVenvProblem } from "../../components/providers/dbt/venv";
import { startChdbGateway, type ChdbGateway } from "../../tools/chdb-gateway";
import { requireTier } from "../support/tier";

const root = path.resolve(__dirname, "..", "..");
const password = `pw-${Math.random().toString(36).slice(2)}`;
let gateway: ChdbGateway | undefined;
let bin = "";

/** Runs tools/dbt.ts with the stand-in pulumi first on PATH. */
function runCommand(
    outputs: Record<string, unknown> | "fail",
    args: string[] = [],
): Promise<{ code: number; stdout: string; stderr: string }> {
    fs.writeFileSync(
        path.join(bin, "pulumi"),
        outputs === "fail"
            ? "#!/bin/sh\necho 'error: no stack named dev found' >&2\nexit 255\n"
            : `#!/bin/sh\ncat <<'JSON'\n${JSON.stringify(outputs)}\nJSON\n`,
        { mode: 0o755 },
    );
    return new Promise((resolve) => {
        execFile(
            process.execPath,
            ["--import", "tsx", path.join(root, "tools", "dbt.ts"), ...args],
            { cwd: root, env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, timeout: 300_000 },
            (err, stdout, stderr) =>
                resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
    });
}

before(async () => {
    bin = fs.mkdtempSync(path.join(os.tmpdir(), "cdc-fake-pulumi-"));
});
after(async () => {
    await gateway?.stop();
    fs.rmSync(bin, { recursive: true, force: true });
});

describe("npm run dbt", () => {
    it("builds the models against the stack's ClickHouse and never prints the password", async (t) => {
        if (!requireTier(t, "dbt", await dbtVenvProblem())) return;
        gateway = await startChdbGateway({ user: "cdc", password });
        const tables = ["mongo_ecom_customers", "mongo_ecom_products", "mongo_ecom_orders"];
        await createBronzeTablesProvider().create({
            url: gateway.url,
            user: "cdc",
            password,
            database: "analytics",
            tables,
            dropOnDelete: false,
        } as never);
        const r = await runCommand({
            clickhouseUrl: gateway.url,
            clickhouseUser: "cdc",
            clickhousePassword: password,
            clickhouseDatabase: "analytics",
        });
        assert.equal(r.code, 0, r.stderr);
        const summary = JSON.parse(r.stdout) as { modelsBuilt: number; modelsErrored: number; testsFailed: number };
        assert.ok(summary.modelsBuilt >= 8, `models built: ${summary.modelsBuilt}`);
        assert.equal(summary.modelsErrored, 0);
        assert.ok(!r.stdout.includes(password) && !r.stderr.includes(password), "password printed");
    });

    it("says to run `npm run up` first when the stack has no outputs", async () => {
        const r = await runCommand("fail");
        assert.equal(r.code, 1);
        assert.match(r.stderr, /could not read the stack's outputs \(run `npm run up` first/);
    });

    it("names the missing output of a stack from an older version", async () => {
        const r = await runCommand({
            clickhouseUrl: "http://127.0.0.1:1",
            clickhouseUser: "cdc",
            clickhouseDatabase: "default",
        });
        assert.equal(r.code, 1);
        assert.match(r.stderr, /no output clickhousePassword/);
    });

    it("rejects an unknown flag with the accepted ones", async () => {
        const r = await runCommand({}, ["--comand", "run"]);
        assert.equal(r.code, 1);
        assert.match(r.stderr, /unknown flag "--comand"; flags: --command build\|run/);
    });
});
