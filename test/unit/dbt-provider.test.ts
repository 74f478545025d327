import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import {
    createDbtRunProvider,
    diffDbtRun,
    normaliseDbtRunInputs,
    type DbtRunInputs,
    type DbtRunOutputs,
} from "../../components/providers/dbt/provider";
import type { RunDbtOptions } from "../../components/providers/dbt/run";
import type { DbtRunSummary } from "../../components/providers/dbt/summary";

const PASSWORD = "s3cr3t-Pa55";

const SUMMARY: DbtRunSummary = {
    command: "build",
    dbtVersion: "1.11.16",
    modelsBuilt: 3,
    modelsErrored: 0,
    testsPassed: 5,
    testsFailed: 0,
    testsWarned: 0,
    seedsLoaded: 0,
    snapshotsTaken: 0,
    skipped: 0,
    elapsedSeconds: 1.5,
};

function inputs(over: Partial<DbtRunInputs> = {}): DbtRunInputs {
    return {
        projectDir: "/repo/ecom_analytics",
        clickhouse: { url: "http://localhost:18123", user: "analyst", password: PASSWORD, database: "analytics" },
        target: "dev",
        command: "build",
        contentHash: "sha256:aaa",
        ...over,
    };
}

function outputsOf(i: DbtRunInputs): DbtRunOutputs {
    return {
        projectDir: i.projectDir,
        connection: { url: i.clickhouse.url, user: i.clickhouse.user, database: i.clickhouse.database },
        target: i.target,
        command: i.command,
        ...(i.threads !== undefined ? { threads: i.threads } : {}),
        ...(i.vars !== undefined ? { vars: i.vars } : {}),
        ...(i.fullRefresh !== undefined ? { fullRefresh: i.fullRefresh } : {}),
        contentHash: i.contentHash,
        summary: SUMMARY,
        lastRunAt: "2026-01-01T00:00:00.000Z",
    };
}

describe("diffDbtRun", () => {
    const olds = outputsOf(inputs({ vars: { a: "1", b: "2" }, threads: 2 }));

    it("finds no change when nothing changed", () => {
        assert.deepEqual(diffDbtRun(olds, inputs({ vars: { b: "2", a: "1" }, threads: 2 })), {
            changes: false,
            changed: [],
        });
    });

    it("names contentHash when the project changed", () => {
        assert.deepEqual(
            diffDbtRun(olds, inputs({ vars: { a: "1", b: "2" }, threads: 2, contentHash: "sha256:bbb" })).changed,
            ["contentHash"],
        );
    });

    it("names each connection field and setting that changed", () => {
        const news = inputs({
            clickhouse: { url: "https://ch:8443", user: "analyst", password: PASSWORD, database: "gold" },
            target: "prod",
            command: "run",
            threads: 4,
            vars: { a: "1" },
            fullRefresh: true,
        });
        assert.deepEqual(diffDbtRun(olds, news).changed, [
            "clickhouse.url",
            "clickhouse.database",
            "target",
            "command",
            "threads",
            "vars",
            "fullRefresh",
        ]);
    });

    it("does not re-run dbt for a password change alone", () => {
        const news = inputs({
            vars: { a: "1", b: "2" },
            threads: 2,
            clickhouse: { ...inputs().clickhouse, password: "rotated" },
        });
        assert.equal(diffDbtRun(olds, news).changes, false);
    });
});

describe("normaliseDbtRunInputs", () => {
    it("applies defaults and drops Pulumi's __provider", () => {
        const n = normaliseDbtRunInputs({
            __provider: "serialized-code",
            projectDir: "/p",
            clickhouse: { url: "http://h:1", user: "u", password: "p", database: "d" },
            contentHash: "sha256:x",
        });
        assert.equal(n.target, "dev");
        assert.equal(n.command, "build");
        assert.ok(!("__provider" in n));
    });

    it("rejects an unknown command, bad threads and a missing connection field", () => {
        const base = {
            projectDir: "/p",
            clickhouse: { url: "http://h:1", user: "u", password: "p", database: "d" },
            contentHash: "h",
        };
        assert.throws(() => normaliseDbtRunInputs({ ...base, command: "seed" }), /command must be "build" or "run"/);
        assert.throws(() => normaliseDbtRunInputs({ ...base, threads: 0 }), /threads must be a positive integer/);
        assert.throws(
            () => normaliseDbtRunInputs({ ...base, clickhouse: { url: "http://h:1", user: "u" } }),
            /clickhouse\.database/,
        );
    });
});

describe("DbtRun provider", () => {
    const calls: RunDbtOptions[] = [];
    const provider = createDbtRunProvider({
        runner: async (o) => {
            calls.push(o);
            return { ...SUMMARY, command: o.command ?? "build" };
        },
    });

    it("runs dbt on create with the inputs and returns outputs without the password", async () => {
        calls.length = 0;
        const res = await provider.create({ ...inputs({ vars: { day: "2026-01-01" } }), __provider: "x" });
        assert.match(res.id, /^dbt-/);
        assert.equal(calls.length, 1);
        assert.equal(calls[0].clickhouse.password, PASSWORD);
        assert.deepEqual(calls[0].vars, { day: "2026-01-01" });
        assert.ok(!("__provider" in calls[0]));
        assert.ok(!JSON.stringify(res.outs).includes(PASSWORD), "password leaked into outputs");
        assert.deepEqual(res.outs.connection, {
            url: "http://localhost:18123",
            user: "analyst",
            database: "analytics",
        });
        assert.equal(res.outs.contentHash, "sha256:aaa");
        assert.equal(res.outs.summary.modelsBuilt, 3);
        assert.ok(!Object.values(res.outs).includes(undefined), "Pulumi rejects undefined output values");
    });

    it("reports changes on diff, never a replacement", async () => {
        const d = await provider.diff!("id", outputsOf(inputs()), { ...inputs({ contentHash: "sha256:new" }) });
        assert.equal(d.changes, true);
        assert.deepEqual(d.replaces, []);
        const same = await provider.diff!("id", outputsOf(inputs()), { ...inputs() });
        assert.equal(same.changes, false);
    });

    it("re-runs dbt on update with the new inputs", async () => {
        calls.length = 0;
        const res = await provider.update!("id", outputsOf(inputs()), {
            ...inputs({ command: "run", contentHash: "sha256:new" }),
        });
        assert.equal(calls.length, 1);
        assert.equal(calls[0].command, "run");
        assert.equal(res.outs.contentHash, "sha256:new");
        assert.equal(res.outs.summary.command, "run");
    });

    it("fails create and update when dbt fails, with the runner's message", async () => {
        const failing = createDbtRunProvider({
            runner: async () => {
                throw new Error("dbt build failed (exit code 1)\n  FAIL test.x.y: Got 2 results");
            },
        });
        await assert.rejects(failing.create({ ...inputs() }), /FAIL test\.x\.y/);
        await assert.rejects(failing.update!("id", outputsOf(inputs()), { ...inputs() }), /exit code 1/);
    });

    it("returns the recorded state on read without re-hashing the project", async () => {
        const props = outputsOf(inputs());
        const r = await provider.read!("dbt-1", props);
        assert.equal(r.id, "dbt-1");
        assert.deepEqual(r.props, props);
    });

    it("deletes nothing (dbt's tables belong to the dbt project)", async () => {
        calls.length = 0;
        await provider.delete!("dbt-1", outputsOf(inputs()));
        assert.equal(calls.length, 0);
    });
});

describe("DbtRun provider serialization", () => {
    it("survives pulumi.runtime.serializeFunction and works after deserialisation", async () => {
        const provider = createDbtRunProvider({
            runner: async (o) => ({ ...SUMMARY, command: o.command ?? "build", modelsBuilt: o.threads ?? 0 }),
        });
        const sf = await pulumi.runtime.serializeFunction(() => provider);
        assert.ok(!sf.text.includes(PASSWORD));
        const mod: { exports: Record<string, () => pulumi.dynamic.ResourceProvider> } = { exports: {} };
        new Function("module", "exports", "require", sf.text)(mod, mod.exports, require);
        const revived = mod.exports[sf.exportName]();
        const created = await revived.create({ ...inputs({ threads: 7 }) });
        assert.equal(created.outs.summary.modelsBuilt, 7);
        const d = await revived.diff!("id", outputsOf(inputs()), { ...inputs({ target: "prod" }) });
        assert.equal(d.changes, true);
    });

    it("serializes the real provider (runDbt, venv code and the lock captured by value)", async () => {
        const { dbtRunProvider } = await import("../../components/providers/dbt/provider");
        const sf = await pulumi.runtime.serializeFunction(() => dbtRunProvider);
        assert.match(sf.text, /dbt-clickhouse==1\.10\.3/, "the pip lock travels with the provider");
        const mod: { exports: Record<string, () => pulumi.dynamic.ResourceProvider> } = { exports: {} };
        new Function("module", "exports", "require", sf.text)(mod, mod.exports, require);
        const revived = mod.exports[sf.exportName]();
        // A call that fails before any dbt work proves the revived code runs: a missing project.
        await assert.rejects(
            revived.create({ ...inputs({ projectDir: "/nonexistent/dbt-project" }) }),
            /not a dbt project/,
        );
    });
});
