/**
 * DbtRun against real dbt (the project-managed venv) and the real ClickHouse engine (the chdb
 * gateway), on a tiny throwaway dbt project: one model, its tests, a singular test.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { startChdbGateway, type ChdbGateway } from "../../tools/chdb-gateway/index";
import { dbtProjectHash } from "../../components/providers/dbt/hash";
import { createDbtRunProvider, type DbtRunOutputs } from "../../components/providers/dbt/provider";
import { runDbt, type DbtClickHouse } from "../../components/providers/dbt/run";
import { dbtVenvProblem, ensureDbtVenv } from "../../components/providers/dbt/venv";
import { requireTier } from "../support/tier";

const PASSWORD = "Tiny-dbt-pw-0451";
const root = fs.mkdtempSync(path.join(os.tmpdir(), "dbt-run-test-"));

function writeProject(name: string, files: Record<string, string>): string {
    const dir = path.join(root, name);
    const all: Record<string, string> = {
        "dbt_project.yml": `name: ${name}\nversion: "1.0.0"\nconfig-version: 2\nprofile: clickhouse_project\nmodel-paths: ["models"]\ntest-paths: ["tests"]\n`,
        ...files,
    };
    for (const [rel, content] of Object.entries(all)) {
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), content);
    }
    return dir;
}

const NUMBERS_MODEL =
    "{{ config(materialized='table', engine='MergeTree()', order_by='n') }}\nselect number as n from system.numbers limit 5\n";
const NUMBERS_SCHEMA =
    "version: 2\nmodels:\n  - name: numbers\n    columns:\n      - name: n\n        data_tests: [unique, not_null]\n";

describe("DbtRun with real dbt on the chdb gateway", { timeout: 15 * 60_000 }, () => {
    let gw: ChdbGateway | undefined;
    let ch: DbtClickHouse;

    async function query(sql: string): Promise<string> {
        const res = await fetch(`${gw!.url}/?query=${encodeURIComponent(sql)}`, {
            headers: { Authorization: `Basic ${Buffer.from(`${gw!.user}:${gw!.password}`).toString("base64")}` },
        });
        const text = await res.text();
        assert.equal(res.status, 200, text);
        return text.trim();
    }

    before(async () => {
        if ((await dbtVenvProblem()) !== undefined) return;
        await ensureDbtVenv({ log: (l) => process.stderr.write(`[dbt venv] ${l}\n`) });
        gw = await startChdbGateway({ password: PASSWORD });
        ch = { url: gw.url, user: gw.user, password: gw.password, database: "default" };
    });

    after(async () => {
        await gw?.stop();
        fs.rmSync(root, { recursive: true, force: true });
    });

    it("builds a model, runs its tests and summarises run_results.json, leaving the project clean", async (t) => {
        if (!requireTier(t, "dbt", await dbtVenvProblem())) return;
        const dir = writeProject("tiny_ok", {
            "models/numbers.sql": NUMBERS_MODEL,
            "models/schema.yml": NUMBERS_SCHEMA,
        });
        const lines: string[] = [];
        const summary = await runDbt({
            projectDir: dir,
            clickhouse: ch,
            target: "dev",
            command: "build",
            threads: 2,
            log: (l) => lines.push(l),
        });
        assert.equal(summary.modelsBuilt, 1);
        assert.equal(summary.testsPassed, 2);
        assert.equal(summary.testsFailed, 0);
        assert.equal(summary.dbtVersion, "1.11.16");
        assert.ok(summary.elapsedSeconds > 0);
        assert.equal(await query("SELECT count(), sum(n) FROM default.numbers"), "5\t10");
        assert.ok(
            lines.some((l) => /Registered adapter: clickhouse/.test(l)),
            "the clickhouse plugin ran",
        );
        assert.deepEqual(
            fs.readdirSync(dir).sort(),
            ["dbt_project.yml", "models"],
            "no target/, logs/ or profiles left in the project",
        );
        assert.ok(!lines.join("\n").includes(PASSWORD));
    });

    it("fails with dbt's error lines, password masked, when a test fails and a model errors", async (t) => {
        if (!requireTier(t, "dbt", await dbtVenvProblem())) return;
        const dir = writeProject("tiny_fail", {
            "models/numbers.sql": NUMBERS_MODEL,
            // The broken model quotes the password so the server echoes it back in its error.
            "models/broken.sql": `select '${PASSWORD}' as leaked from default.table_that_does_not_exist\n`,
            "tests/assert_numbers_small.sql": "select n from {{ ref('numbers') }} where n > 2\n",
        });
        const err = await runDbt({ projectDir: dir, clickhouse: ch, target: "dev", command: "build" }).then(
            () => assert.fail("dbt build should have failed"),
            (e: Error & { summary?: { testsFailed: number; modelsErrored: number; modelsBuilt: number } }) => e,
        );
        assert.match(err.message, /^dbt build failed \(exit code 1\)/);
        assert.match(err.message, /FAIL test\.tiny_fail\.assert_numbers_small: Got 2 results/);
        assert.match(err.message, /ERROR model\.tiny_fail\.broken/);
        assert.match(err.message, /table_that_does_not_exist/);
        assert.ok(!err.message.includes(PASSWORD), err.message);
        assert.match(err.message, /\*\*\*/);
        assert.deepEqual(
            { failed: err.summary?.testsFailed, errored: err.summary?.modelsErrored, built: err.summary?.modelsBuilt },
            { failed: 1, errored: 1, built: 1 },
        );
    });

    it("fails with a named, masked message when the password is wrong", async (t) => {
        if (!requireTier(t, "dbt", await dbtVenvProblem())) return;
        const dir = writeProject("tiny_auth", { "models/numbers.sql": NUMBERS_MODEL });
        const wrong = "Wrong-pw-9931";
        await assert.rejects(
            runDbt({ projectDir: dir, clickhouse: { ...ch, password: wrong }, target: "dev", command: "run" }),
            (e: Error) => {
                // The refused login is named (ClickHouse's code 516) with the setting that fixes it.
                assert.match(
                    e.message,
                    /^dbt run could not connect: ClickHouse at http:\/\/\S+ answered ClickHouse code 516/,
                );
                assert.match(e.message, /refused user "\S+" with the password given/);
                assert.match(e.message, /cdc:clickhousePassword/);
                assert.ok(!e.message.includes(wrong), e.message);
                return true;
            },
        );
    });

    it("runs through the provider: create, no-op diff, a model edit re-runs on update", async (t) => {
        if (!requireTier(t, "dbt", await dbtVenvProblem())) return;
        const dir = writeProject("tiny_provider", {
            "models/numbers.sql": NUMBERS_MODEL,
            "models/schema.yml": NUMBERS_SCHEMA,
        });
        const provider = createDbtRunProvider();
        const inputs = (): Record<string, unknown> => ({
            projectDir: dir,
            clickhouse: ch,
            target: "dev",
            command: "build",
            contentHash: dbtProjectHash(dir),
        });

        const created = await provider.create(inputs());
        const outs = created.outs as DbtRunOutputs;
        assert.equal(outs.summary.modelsBuilt, 1);
        assert.ok(!JSON.stringify(outs).includes(PASSWORD), "password in outputs");

        assert.equal((await provider.diff!(created.id, outs, inputs())).changes, false);

        fs.writeFileSync(path.join(dir, "models/numbers.sql"), NUMBERS_MODEL.replace("limit 5", "limit 7"));
        const d = await provider.diff!(created.id, outs, inputs());
        assert.equal(d.changes, true);
        const updated = await provider.update!(created.id, outs, inputs());
        assert.equal((updated.outs as DbtRunOutputs).contentHash, dbtProjectHash(dir));
        assert.equal(await query("SELECT count() FROM default.numbers"), "7");
    });
});
