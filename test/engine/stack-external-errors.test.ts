/**
 * Engine tier: a failing provider's message reaches the user through the real Pulumi engine.
 * Under the engine, dynamic providers run after `pulumi.runtime.serializeFunction`, which rewrites
 * classes; an `Error` subclass whose message was set only by `super(message)` came out as
 * "error: undefined". Here the KafkaConnector and BronzeTables providers fail on an address where
 * nothing listens, under the Automation API, and the errors must say what failed, without secrets.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";
import { KafkaConnector } from "../../components/providers/kafkaConnector";
import { BronzeTables } from "../../components/providers/bronzeTables";
import { ensurePulumiCli, isolatedPulumiEnv, pulumiCliProblem, pulumiCliRoot } from "../support/pulumi-cli";
import { requireTier } from "../support/tier";

const SECRET = "Errors-test-secret-3318";

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return port;
}

describe("provider errors under the real Pulumi engine", { timeout: 10 * 60_000 }, () => {
    it("reports what failed when Kafka Connect and ClickHouse do not answer, with secrets masked", async (t) => {
        if (!requireTier(t, "pulumi", await pulumiCliProblem())) return;
        const bin = await ensurePulumiCli();
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cdc-stack-errors-"));
        t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
        for (const d of ["state", "home", "work"]) fs.mkdirSync(path.join(dir, d));
        const port = await closedPort();
        const stack = await LocalWorkspace.createOrSelectStack(
            {
                stackName: "errors",
                projectName: "cdc-errors",
                program: async () => {
                    new KafkaConnector("connector", {
                        connectUrl: `http://127.0.0.1:${port}`,
                        connectorName: "unreachable-source",
                        config: { "connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector" },
                        secretConfig: { "x.secret.token": SECRET },
                        readyTimeoutSeconds: 5,
                    });
                    new BronzeTables("bronze", {
                        url: `http://127.0.0.1:${port}`,
                        user: "cdc",
                        password: SECRET,
                        database: "default",
                        tables: ["mongo_ecom_orders"],
                    });
                },
            },
            {
                workDir: path.join(dir, "work"),
                pulumiCommand: await PulumiCommand.get({ root: pulumiCliRoot(bin), skipVersionCheck: true }),
                envVars: isolatedPulumiEnv(dir),
            },
        );
        let out = "";
        const err = await stack.up({ onOutput: (s) => (out += s) }).then(
            () => undefined,
            (e: Error) => e,
        );
        assert.ok(err, "the up fails");
        const text = `${out}\n${err.message}`;
        assert.ok(!/error: undefined/.test(text), `an error lost its message:\n${text}`);
        assert.match(
            text,
            /KafkaConnector \(connector\):\s*\n\s*error: .*Kafka Connect .*failed: no response/,
            "the connector error says which call failed",
        );
        assert.match(
            text,
            /BronzeTables \(bronze\):\s*\n\s*error: .*BronzeTables: .*failed/,
            "the bronze error says what failed",
        );
        assert.ok(!text.includes(SECRET), "a secret appears in the error output");
        await stack.destroy();
        await stack.workspace.removeStack("errors");
    });
});
