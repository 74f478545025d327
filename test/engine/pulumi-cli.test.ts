/**
 * Engine tier: the real Pulumi engine. The CLI is the one on PATH when usable, else the one built
 * from Go modules into the cache (test/support/pulumi-cli); the Automation API drives it with a
 * `file://` backend and a passphrase secrets provider in a temporary directory.
 */
import assert from "node:assert/strict";
import { existsSync, promises as fs, readFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";
import {
    cachedCliPath,
    cliVersion,
    cliVersionUsable,
    ensurePulumiCli,
    isolatedPulumiEnv,
    pinnedCliVersion,
    pulumiCliProblem,
    pulumiCliRoot,
} from "../support/pulumi-cli";
import { requireTier } from "../support/tier";

const npmSdkVersion = (): string =>
    JSON.parse(readFileSync(require.resolve("@pulumi/pulumi/package.json"), "utf8")).version as string;

/** Inputs of the marker resource: it writes `text` to `file` on create and removes the file on delete. */
interface MarkerInputs {
    file: string;
    text: string;
}

/** A trivial dynamic provider whose effects can be seen from outside the engine. */
const markerProvider: pulumi.dynamic.ResourceProvider<MarkerInputs, MarkerInputs & { length: number }> = {
    async create(inputs) {
        // Pulumi serializes this provider: its imports go inside its methods.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const nodeFs = require("node:fs") as typeof import("node:fs");
        nodeFs.writeFileSync(inputs.file, inputs.text);
        return { id: `marker-${inputs.text.length}`, outs: { ...inputs, length: inputs.text.length } };
    },
    async delete(_id, props) {
        // Pulumi serializes this provider: its imports go inside its methods.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const nodeFs = require("node:fs") as typeof import("node:fs");
        nodeFs.rmSync(props.file, { force: true });
    },
};

class Marker extends pulumi.dynamic.Resource {
    declare public readonly length: pulumi.Output<number>;
    constructor(name: string, args: { file: pulumi.Input<string>; text: pulumi.Input<string> }) {
        super(markerProvider, name, { ...args, length: undefined }, undefined, "Marker");
    }
}

describe("Pulumi CLI for the engine tests", { timeout: 45 * 60_000 }, () => {
    it("reports the version that go.mod pins, which is the npm SDK's version", async (t) => {
        if (!requireTier(t, "pulumi", await pulumiCliProblem())) return;
        assert.equal(pinnedCliVersion(), `v${npmSdkVersion()}`, "go.mod pins the CLI of the npm @pulumi/pulumi");
        const bin = await ensurePulumiCli();
        const version = await cliVersion(bin);
        assert.ok(version, `${bin} version did not run`);
        if (bin === cachedCliPath()) assert.equal(version, pinnedCliVersion());
        else assert.ok(cliVersionUsable(version), `PATH pulumi ${version} is older than ${pinnedCliVersion()}`);
    });

    it("ups and destroys an inline program with a dynamic resource on a file:// backend", async (t) => {
        if (!requireTier(t, "pulumi", await pulumiCliProblem())) return;
        const bin = await ensurePulumiCli();
        const dir = await fs.mkdtemp(path.join(os.tmpdir(), "cdc-pulumi-"));
        t.after(() => fs.rm(dir, { recursive: true, force: true }));
        const env = isolatedPulumiEnv(dir);
        await fs.mkdir(path.join(dir, "state"));
        await fs.mkdir(path.join(dir, "home"));
        const marker = path.join(dir, "marker.txt");
        const text = `engine test ${process.pid}`;

        const pulumiCommand = await PulumiCommand.get({ root: pulumiCliRoot(bin) });
        const stack = await LocalWorkspace.createOrSelectStack(
            {
                stackName: "engine-test",
                projectName: "cdc-engine-test",
                program: async () => {
                    const m = new Marker("marker", { file: marker, text });
                    return { length: m.length };
                },
            },
            { pulumiCommand, envVars: env },
        );

        const up = await stack.up();
        assert.equal(up.summary.result, "succeeded");
        assert.equal(up.summary.resourceChanges?.create, 2, "the stack and the marker are created");
        assert.equal(up.outputs.length.value, text.length, "the provider's outputs reach the stack outputs");
        assert.equal(readFileSync(marker, "utf8"), text, "the dynamic provider ran create");
        assert.ok(
            readFileSync(
                path.join(dir, "state", ".pulumi", "stacks", "cdc-engine-test", "engine-test.json"),
                "utf8",
            ).includes('"passphrase"'),
            "the checkpoint lives in the file backend, under the passphrase secrets provider",
        );

        const again = await stack.up();
        assert.equal(again.summary.resourceChanges?.same, 2, "a second up changes nothing");

        const down = await stack.destroy();
        assert.equal(down.summary.result, "succeeded");
        assert.equal(down.summary.resourceChanges?.delete, 2);
        assert.equal(existsSync(marker), false, "the dynamic provider ran delete");
        await stack.workspace.removeStack("engine-test");
    });
});
