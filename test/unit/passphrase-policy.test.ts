/**
 * Passphrase policy of `npm run up` / `npm run preview|destroy` (scripts/passphrase.sh): the
 * public dev passphrase for the `dev` stack only. A fake `pulumi` on PATH records what it gets.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";

const ROOT = path.resolve(__dirname, "../..");
const bin = fs.mkdtempSync(path.join(os.tmpdir(), "cdc-fake-pulumi-"));
fs.writeFileSync(
    path.join(bin, "pulumi"),
    '#!/bin/sh\necho "pulumi $* passphrase=${PULUMI_CONFIG_PASSPHRASE:-<none>}"\n',
    { mode: 0o755 },
);
after(() => fs.rmSync(bin, { recursive: true, force: true }));

function run(script: string, args: string[], env: Record<string, string | undefined>) {
    const base: NodeJS.ProcessEnv = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
    for (const k of ["PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE", "PULUMI_BACKEND_URL", "CDC_STACK"])
        delete base[k];
    const r = spawnSync("bash", [script, ...args], {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...base, ...env },
        timeout: 60_000,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("passphrase policy", () => {
    it("uses the dev passphrase for the dev stack", () => {
        const r = run("scripts/pulumi.sh", ["preview"], {});
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /pulumi preview --stack dev passphrase=cdc-dev/);
    });

    it("refuses any other stack without a passphrase, with the command to set one", () => {
        for (const [args, env] of [
            [["preview"], { CDC_STACK: "prod" }],
            [["destroy", "--stack", "staging"], {}],
        ] as const) {
            const r = run("scripts/pulumi.sh", [...args], env);
            assert.equal(r.status, 1);
            assert.equal(r.stdout, "", "pulumi must not run");
            assert.match(r.stderr, /has no passphrase.*\n.*dev" stack only/);
            assert.match(r.stderr, /export PULUMI_CONFIG_PASSPHRASE=/);
        }
    });

    it("refuses it in `npm run up` before touching the stack", () => {
        const r = run("scripts/up.sh", [], { CDC_STACK: "prod" });
        assert.equal(r.status, 1);
        assert.doesNotMatch(r.stdout, /pulumi (stack|up)/);
        assert.match(r.stderr, /stack "prod" has no passphrase/);
    });

    it("uses a passphrase of the user's, or none with a cloud backend", () => {
        const own = run("scripts/pulumi.sh", ["preview"], {
            CDC_STACK: "prod",
            PULUMI_CONFIG_PASSPHRASE: "long-and-private",
        });
        assert.match(own.stdout, /--stack prod passphrase=long-and-private/);
        const cloud = run("scripts/pulumi.sh", ["preview"], {
            CDC_STACK: "prod",
            PULUMI_BACKEND_URL: "https://api.pulumi.com",
        });
        assert.equal(cloud.status, 0, cloud.stderr);
        assert.match(cloud.stdout, /passphrase=<none>/);
    });
});
