/**
 * `SnapshotSignal` through the real Pulumi engine (Automation API, file:// backend) against a real
 * MongoDB wire-protocol server (FerretDB): the serialized provider loads the driver and inserts the
 * signal; a preview names a new id (`requests["<id>"]`) as an in-place update; an unchanged list
 * is no change; an executed id is not sent again; removing an id sends and deletes nothing; the
 * connection string (with its password) never reaches the checkpoint or the output in clear.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { LocalWorkspace, PulumiCommand, type Stack } from "@pulumi/pulumi/automation";
import { MongoClient } from "mongodb";
import { SnapshotSignal } from "../../components/providers/snapshotSignal";
import { ferretdbBinary, startFerretDb, type FerretDb } from "../support/ferretdb";
import { ensurePulumiCli, isolatedPulumiEnv, pulumiCliProblem, pulumiCliRoot } from "../support/pulumi-cli";
import { requireTier } from "../support/tier";

const PASSWORD = "Snap-Pulumi-pw-4411";

describe("SnapshotSignal in the Pulumi engine", { timeout: 20 * 60_000 }, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "snapshot-signal-pulumi-"));
    let server: FerretDb | undefined;
    let stack: Stack | undefined;
    let problem: string | undefined;
    /** What the program declares; each step sets it before `up`/`preview`. */
    let requests: Record<string, string[]> = {};

    before(async () => {
        const found = await ferretdbBinary();
        problem = found.problem ?? (await pulumiCliProblem());
        if (problem !== undefined) return;
        server = await startFerretDb(found.path!, { auth: { user: "admin", password: PASSWORD } });
        const bin = await ensurePulumiCli();
        fs.mkdirSync(path.join(dir, "state"));
        fs.mkdirSync(path.join(dir, "home"));
        const uri = server.uri;
        stack = await LocalWorkspace.createOrSelectStack(
            {
                stackName: "snap",
                projectName: "cdc-snapshot-engine-test",
                program: async () => {
                    const s = new SnapshotSignal("snapshots", {
                        connectionString: uri,
                        database: "ecom",
                        signalCollection: "cdc_signal_snap",
                        connectorName: "snap-mongo-source",
                        requests: { ...requests },
                        timeoutSeconds: 10,
                    });
                    return { executed: s.executed };
                },
            },
            { pulumiCommand: await PulumiCommand.get({ root: pulumiCliRoot(bin) }), envVars: isolatedPulumiEnv(dir) },
        );
    });

    after(async () => {
        await server?.stop();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    async function signalIds(): Promise<string[]> {
        const client = new MongoClient(server!.uri, { serverSelectionTimeoutMS: 5000 });
        try {
            await client.connect();
            return (await client.db("ecom").collection<{ _id: string }>("cdc_signal_snap").find({}).toArray())
                .map((d) => d._id)
                .sort();
        } finally {
            await client.close();
        }
    }

    it("sends each new id once, previews it by name, and never re-sends or undoes", async (t) => {
        if (!requireTier(t, "ferretdb+pulumi", problem)) return;
        requests = { "orders-1": ["orders"] };
        const created = await stack!.up();
        assert.equal(created.summary.resourceChanges?.create, 2);
        assert.deepEqual(await signalIds(), ["orders-1"]);
        assert.deepEqual(
            (created.outputs.executed.value as { id: string }[]).map((e) => e.id),
            ["orders-1"],
        );

        const same = await stack!.up();
        assert.equal(same.summary.resourceChanges?.same, 2, "an unchanged list is no change");

        requests = { "orders-1": ["orders"], "customers-2": ["customers"] };
        const preview = await stack!.preview({ diff: true });
        assert.equal(preview.changeSummary.update, 1, "a new id is an in-place update");
        assert.match(preview.stdout, /customers-2/, "the preview names the new request");
        assert.ok(!preview.stdout.includes(PASSWORD), "no password in the preview");
        const updated = await stack!.up();
        assert.equal(updated.summary.resourceChanges?.update, 1);
        assert.deepEqual(await signalIds(), ["customers-2", "orders-1"]);
        assert.match(
            updated.stdout,
            /requested incremental snapshot "customers-2" of ecom\.customers from connector snap-mongo-source/,
        );
        assert.doesNotMatch(
            updated.stdout,
            /requested incremental snapshot "orders-1"/,
            "the executed id is not sent again",
        );

        requests = { "customers-2": ["customers"] };
        const removed = await stack!.up();
        assert.deepEqual(await signalIds(), ["customers-2", "orders-1"], "removing an id deletes nothing");
        assert.deepEqual(
            (removed.outputs.executed.value as { id: string }[]).map((e) => e.id),
            ["orders-1", "customers-2"],
            "executed ids stay recorded",
        );

        requests = { "customers-2": ["customers"], "orders-1": ["orders"] };
        const readded = await stack!.up();
        assert.equal(readded.summary.resourceChanges?.same, 2, "re-adding an executed id sends nothing");

        const checkpoint = fs.readFileSync(
            path.join(dir, "state", ".pulumi", "stacks", "cdc-snapshot-engine-test", "snap.json"),
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
        const res = state.checkpoint.latest.resources.find(
            (r) => r.type === "pulumi-nodejs:dynamic/cdc:SnapshotSignal",
        );
        assert.ok(res, "SnapshotSignal in the checkpoint");
        assert.match(
            JSON.stringify(res.outputs.connectionString),
            /ciphertext/,
            "the connection string is stored as a secret",
        );

        const down = await stack!.destroy();
        assert.equal(down.summary.resourceChanges?.delete, 2);
        assert.deepEqual(
            await signalIds(),
            ["customers-2", "orders-1"],
            "destroy leaves the signal documents (MongoDB refuses those ids again)",
        );
        await stack!.workspace.removeStack("snap");
    });
});
