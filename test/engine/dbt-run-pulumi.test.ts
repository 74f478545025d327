/**
 * DbtRun through the real Pulumi engine (Automation API, file:// backend): the serialized provider
 * runs real dbt against the chdb gateway; a second `up` changes nothing; a model edit re-runs dbt
 * as an in-place update; the password never reaches the checkpoint in clear; destroy keeps the
 * tables dbt built.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { LocalWorkspace, PulumiCommand, type Stack } from "@pulumi/pulumi/automation";
import { startChdbGateway, type ChdbGateway } from "../../tools/chdb-gateway/index";
import { DbtRun } from "../../components/providers/dbt";
import { dbtVenvProblem, ensureDbtVenv } from "../../components/providers/dbt/venv";
import { ensurePulumiCli, isolatedPulumiEnv, pulumiCliProblem, pulumiCliRoot } from "../support/pulumi-cli";
import { requireTier } from "../support/tier";

const PASSWORD = "Pulumi-dbt-pw-7719";
const MODEL =
    "{{ config(materialized='table', engine='MergeTree()', order_by='n') }}\nselect number as n from system.numbers limit 3\n";

async function problem(): Promise<string | undefined> {
    return (await dbtVenvProblem()) ?? (await pulumiCliProblem());
}

describe("DbtRun in the Pulumi engine", { timeout: 20 * 60_000 }, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dbt-run-pulumi-"));
    const project = path.join(dir, "project");
    let gw: ChdbGateway | undefined;
    let stack: Stack | undefined;

    async function query(sql: string): Promise<string> {
        const res = await fetch(`${gw!.url}/?query=${encodeURIComponent(sql)}`, {
            headers: { Authorization: `Basic ${Buffer.from(`${gw!.user}:${PASSWORD}`).toString("base64")}` },
        });
        return (await res.text()).trim();
    }

    before(async () => {
        if ((await problem()) !== undefined) return;
        fs.mkdirSync(path.join(project, "models"), { recursive: true });
        fs.writeFileSync(
            path.join(project, "dbt_project.yml"),
            'name: tiny_pulumi\nversion: "1.0.0"\nconfig-version: 2\nprofile: clickhouse_project\n',
        );
        fs.writeFileSync(path.join(project, "models", "numbers.sql"), MODEL);
        await ensureDbtVenv();
        gw = await startChdbGateway({ password: PASSWORD });
        const bin = await ensurePulumiCli();
        fs.mkdirSync(path.join(dir, "state"));
        fs.mkdirSync(path.join(dir, "home"));
        const url = gw.url;
        const user = gw.user;
        stack = await LocalWorkspace.createOrSelectStack(
            {
                stackName: "dbt",
                projectName: "cdc-dbt-engine-test",
                program: async () => {
                    const run = new DbtRun("dbt", {
                        projectDir: project,
                        clickhouse: { url, user, password: PASSWORD, database: "default" },
                        threads: 1,
                    });
                    return { summary: run.summary, contentHash: run.contentHash, connection: run.connection };
                },
            },
            { pulumiCommand: await PulumiCommand.get({ root: pulumiCliRoot(bin) }), envVars: isolatedPulumiEnv(dir) },
        );
    });

    after(async () => {
        await gw?.stop();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("creates the run, then changes nothing, then updates in place when a model is edited", async (t) => {
        if (!requireTier(t, "dbt+pulumi", await problem())) return;
        const up = await stack!.up();
        assert.equal(up.summary.resourceChanges?.create, 2);
        assert.equal(up.outputs.summary.value.modelsBuilt, 1);
        assert.deepEqual(up.outputs.connection.value, { url: gw!.url, user: gw!.user, database: "default" });
        assert.equal(up.outputs.connection.secret, false, "the connection without password stays readable");
        assert.equal(await query("SELECT count() FROM default.numbers"), "3");

        const again = await stack!.up();
        assert.equal(again.summary.resourceChanges?.same, 2, "a second up runs nothing");

        fs.writeFileSync(path.join(project, "models", "numbers.sql"), MODEL.replace("limit 3", "limit 4"));
        const preview = await stack!.preview({ diff: true });
        assert.equal(preview.changeSummary.update, 1);
        assert.match(preview.stdout, /contentHash/);
        assert.ok(!preview.stdout.includes(PASSWORD));
        const edited = await stack!.up();
        assert.equal(edited.summary.resourceChanges?.update, 1);
        assert.equal(await query("SELECT count() FROM default.numbers"), "4");

        // The checkpoint on disk: the connection input is stored encrypted, as a secret.
        const checkpoint = fs.readFileSync(
            path.join(dir, "state", ".pulumi", "stacks", "cdc-dbt-engine-test", "dbt.json"),
            "utf8",
        );
        assert.ok(!checkpoint.includes(PASSWORD), "password in clear in the checkpoint");
        const state = JSON.parse(checkpoint) as {
            checkpoint: {
                latest: {
                    resources: Array<{
                        type: string;
                        inputs: Record<string, unknown>;
                        outputs: Record<string, unknown>;
                    }>;
                };
            };
        };
        const res = state.checkpoint.latest.resources.find((r) => r.type === "pulumi-nodejs:dynamic/cdc:DbtRun");
        assert.ok(res, "DbtRun in the checkpoint");
        assert.match(JSON.stringify(res.inputs.clickhouse), /ciphertext/, "clickhouse input stored as a secret");
        assert.equal(res.outputs.clickhouse, undefined, "no clickhouse (password) output");
    });

    it("keeps dbt's tables on destroy", async (t) => {
        if (!requireTier(t, "dbt+pulumi", await problem())) return;
        const down = await stack!.destroy();
        assert.equal(down.summary.resourceChanges?.delete, 2);
        assert.equal(await query("SELECT count() FROM default.numbers"), "4");
        await stack!.workspace.removeStack("dbt");
    });
});
