/**
 * Engine tier: Kafka Connect gone after `up`, under the real Pulumi engine (Automation API), where
 * the dynamic provider runs deserialised: `refresh` and `destroy` fail with the provider's
 * message and the way forward (never `[object Object]: undefined`), and `destroy` with
 * CDC_CONNECT_GONE=1 then succeeds. The worker is the unit tier's fake Connect server.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";
import { CONNECT_GONE_ENV, KafkaConnector } from "../../components/providers/kafkaConnector";
import { fakeConnect } from "../support/fake-connect";
import { ensurePulumiCli, isolatedPulumiEnv, pulumiCliProblem, pulumiCliRoot } from "../support/pulumi-cli";
import { requireTier } from "../support/tier";

const SECRET = "Gone-test-secret-7721";

describe("Kafka Connect gone after up, under the real Pulumi engine", { timeout: 10 * 60_000 }, () => {
    it("refresh and destroy say what failed and how to go on; CDC_CONNECT_GONE=1 lets destroy finish", async (t) => {
        if (!requireTier(t, "pulumi", await pulumiCliProblem())) return;
        const bin = await ensurePulumiCli();
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cdc-connect-gone-"));
        t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
        for (const d of ["state", "home", "work"]) fs.mkdirSync(path.join(dir, d));
        const connect = await fakeConnect();
        const url = connect.url;
        const stack = await LocalWorkspace.createOrSelectStack(
            {
                stackName: "gone",
                projectName: "cdc-gone",
                program: async () => {
                    new KafkaConnector("connector", {
                        connectUrl: url,
                        connectorName: "gone-source",
                        config: { "connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector" },
                        secretConfig: { "x.secret.token": SECRET },
                        readyTimeoutSeconds: 5,
                        requestTimeoutSeconds: 2,
                    });
                },
            },
            {
                workDir: path.join(dir, "work"),
                pulumiCommand: await PulumiCommand.get({ root: pulumiCliRoot(bin), skipVersionCheck: true }),
                envVars: isolatedPulumiEnv(dir),
            },
        );
        const up = await stack.up();
        assert.equal(up.summary.resourceChanges?.create, 2);
        await connect.close(); // gone: connection refused from now on

        for (const [what, run] of [
            ["refresh", () => stack.refresh()],
            ["destroy", () => stack.destroy()],
        ] as const) {
            const err = await (run as () => Promise<unknown>)().then(
                () => undefined,
                (e: Error) => e,
            );
            assert.ok(err, `${what} fails while Connect is unreachable`);
            const out = `${(err as { stdout?: string }).stdout ?? ""}\n${(err as { stderr?: string }).stderr ?? ""}\n${err.message}`;
            assert.doesNotMatch(out, /\[object Object\]|error: undefined/, `${what} lost the message:\n${out}`);
            assert.match(out, /Kafka Connect .* failed: no response/, what);
            assert.match(out, new RegExp(`${CONNECT_GONE_ENV}=1`), `${what} gives the way forward`);
            assert.ok(!out.includes(SECRET), `${what} shows the secret`);
        }

        (stack.workspace as LocalWorkspace).envVars[CONNECT_GONE_ENV] = "1";
        const down = await stack.destroy();
        assert.equal(down.summary.resourceChanges?.delete, 2);
        await stack.workspace.removeStack("gone");
    });
});
