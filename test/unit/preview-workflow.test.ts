/**
 * The pull-request preview workflow: its YAML parses and runs `pulumi preview --diff` with a PR
 * comment per selected stack, and `changed-stacks.sh` selects the right stacks from a real git
 * history (a throwaway repository).
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";

const root = path.resolve(__dirname, "..", "..");
const script = path.join(root, ".github", "scripts", "changed-stacks.sh");
// js-yaml is in node_modules (a transitive dependency) without type declarations.
/** Repository-relative paths of the .ts files under `dir`. */
function listTs(dir: string): string[] {
    return (fs.readdirSync(path.join(root, dir), { recursive: true }) as string[])
        .filter((f) => f.endsWith(".ts"))
        .map((f) => path.join(dir, f));
}

const yaml = createRequire(__filename)("js-yaml") as { load(text: string): unknown };

interface Step {
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
    env?: Record<string, string>;
}
interface Workflow {
    on: Record<string, unknown>;
    permissions: Record<string, string>;
    jobs: Record<
        string,
        { steps: Step[]; needs?: string; strategy?: { matrix: Record<string, unknown> }; env?: Record<string, string> }
    >;
}

describe("preview workflow", () => {
    const wf = yaml.load(fs.readFileSync(path.join(root, ".github", "workflows", "preview.yml"), "utf8")) as Workflow;

    it("runs on pull requests and may comment on them", () => {
        assert.ok("pull_request" in wf.on);
        assert.equal(wf.permissions["pull-requests"], "write");
    });

    it("previews each changed stack with --diff and comments the result on the pull request", () => {
        const preview = wf.jobs.preview;
        assert.equal(preview.needs, "changed-stacks");
        assert.match(String(preview.strategy?.matrix.stack), /fromJSON\(needs\.changed-stacks\.outputs\.stacks\)/);
        const step = preview.steps.find((s) => s.uses?.startsWith("pulumi/actions@"));
        assert.ok(step, "uses pulumi/actions");
        assert.equal(step.with?.command, "preview");
        assert.equal(step.with?.diff, true);
        assert.equal(step.with?.["comment-on-pr"], true);
        assert.equal(step.with?.["stack-name"], "${{ matrix.stack }}");
        assert.match(String(preview.env?.PULUMI_CONFIG_PASSPHRASE), /secrets\.PULUMI_CONFIG_PASSPHRASE/);
        assert.match(String(preview.env?.PULUMI_BACKEND_URL), /secrets\.PULUMI_BACKEND_URL/);
    });

    it("detects stacks with the script under test", () => {
        const detect = wf.jobs["changed-stacks"].steps.find((s) => s.run?.includes("changed-stacks.sh"));
        assert.ok(detect);
        assert.equal(detect.env?.PREVIEW_SKIP, "dev");
    });
});

describe("changed-stacks.sh", () => {
    let repo: string;
    const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, encoding: "utf8" }).trim();
    const write = (file: string, text: string) => {
        fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
        fs.writeFileSync(path.join(repo, file), text);
    };
    /** Commits `files` on a branch from the base and returns the stacks selected. */
    const stacksFor = (files: Record<string, string | null>, skip = ""): string[] => {
        git("checkout", "-q", "-B", "pr", "base");
        for (const [f, text] of Object.entries(files)) {
            if (text === null) fs.rmSync(path.join(repo, f));
            else write(f, text);
        }
        git("add", "-A");
        git("commit", "-q", "-m", "change");
        const out = execFileSync("bash", [script, "base", "HEAD"], {
            cwd: repo,
            encoding: "utf8",
            env: { ...process.env, PREVIEW_SKIP: skip, GITHUB_OUTPUT: "" },
        });
        return JSON.parse(out) as string[];
    };

    before(() => {
        repo = fs.mkdtempSync(path.join(os.tmpdir(), "cdc-changed-stacks-"));
        git("-c", "init.defaultBranch=main", "init", "-q");
        git("config", "user.email", "t@example.com");
        git("config", "user.name", "t");
        git("config", "commit.gpgsign", "false");
        for (const f of [
            "Pulumi.yaml",
            "Pulumi.dev.yaml",
            "Pulumi.prod.yaml",
            "Pulumi.staging.yaml",
            "index.ts",
            "docs/platforms.md",
        ])
            write(f, "x\n");
        git("add", "-A");
        git("commit", "-q", "-m", "base");
        git("branch", "base");
    });
    after(() => fs.rmSync(repo, { recursive: true, force: true }));

    it("selects only the stack whose file changed", () => {
        assert.deepEqual(stacksFor({ "Pulumi.prod.yaml": "y\n" }), ["prod"]);
    });

    it("selects every stack when code changes", () => {
        assert.deepEqual(stacksFor({ "components/x.ts": "y\n" }), ["dev", "prod", "staging"]);
        assert.deepEqual(stacksFor({ "Pulumi.yaml": "y\n" }), ["dev", "prod", "staging"]);
    });

    it("selects none for docs and tests only", () => {
        assert.deepEqual(
            stacksFor({ "docs/platforms.md": "y\n", "test/unit/a.test.ts": "y\n", "README.md": "y\n" }),
            [],
        );
    });

    it("selects every stack when a CLI the stack deploys as a bundle changes (the exporter, the backup job)", () => {
        assert.deepEqual(stacksFor({ "tools/status/metrics.ts": "y\n" }), ["dev", "prod", "staging"]);
        assert.deepEqual(stacksFor({ "tools/backup/prune.ts": "y\n" }), ["dev", "prod", "staging"]);
    });

    it("selects none for developer tools and benchmarks, which the program never imports", () => {
        assert.deepEqual(stacksFor({ "tools/chdb-gateway/handler.ts": "y\n", "bench/dbt.ts": "y\n" }), []);
        const program = ["index.ts", ...listTs("components"), ...listTs("connectors")];
        const importsTools = program.filter((f) =>
            /from "(\.\.?\/)+(tools|bench)\//.test(fs.readFileSync(path.join(root, f), "utf8")),
        );
        assert.deepEqual(
            importsTools,
            [],
            "the Pulumi program must not import tools/ or bench/ (changed-stacks.sh skips them)",
        );
    });

    it("leaves out skipped stacks and deleted stack files", () => {
        assert.deepEqual(stacksFor({ "index.ts": "y\n" }, "dev"), ["prod", "staging"]);
        assert.deepEqual(stacksFor({ "Pulumi.staging.yaml": null, "Pulumi.prod.yaml": "z\n" }), ["prod"]);
    });
});
