/**
 * The certificate providers through the real Pulumi engine (Automation API, file:// backend, the
 * serialized dynamic providers): the first `up` makes the CA and a certificate, the second
 * changes nothing, a shorter validity replaces the certificate, and a renewal window that the
 * certificate is inside replaces it again, the engine's output saying why each time. The
 * checkpoint holds no key or store password in clear; the stores read back with the password;
 * destroy removes both. Then the user's own CA through stack config: refused in plain text (the
 * engine's own list of secret keys), used when set with `--secret`, its key never in clear.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { X509Certificate } from "node:crypto";
import { type EngineEvent, LocalWorkspace, PulumiCommand, type Stack, type UpResult } from "@pulumi/pulumi/automation";
import { loadConfig } from "../../components/config/load";
import { CertificateAuthority, ServiceCertificate, readP12 } from "../../components/providers/certificates";
import { makeTestCa } from "../support/tls-pki";
import { ensurePulumiCli, isolatedPulumiEnv, pulumiCliProblem, pulumiCliRoot } from "../support/pulumi-cli";
import { assertStateHasNoSecrets, changed, secretScanner } from "../support/stack-checks";
import { requireTier } from "../support/tier";

/** What the next run declares (the inline program runs in this process and reads it each time). */
const settings = { validityDays: 90, renewBeforeDays: 30 };

const CA_URN = "pulumi-nodejs:dynamic/cdc:CertificateAuthority::ca";
const CERT_URN = "pulumi-nodejs:dynamic/cdc:ServiceCertificate::kafka";

describe("certificates in the Pulumi engine", { timeout: 15 * 60_000 }, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "certificates-pulumi-"));
    let stack: Stack | undefined;

    before(async () => {
        if ((await pulumiCliProblem()) !== undefined) return;
        const bin = await ensurePulumiCli();
        fs.mkdirSync(path.join(dir, "state"));
        fs.mkdirSync(path.join(dir, "home"));
        stack = await LocalWorkspace.createOrSelectStack(
            {
                stackName: "certs",
                // `cdc`: the checkpoint path assertStateHasNoSecrets reads.
                projectName: "cdc",
                program: async () => {
                    const ca = new CertificateAuthority("ca", {
                        commonName: "engine test CA",
                        validityDays: 3650,
                        renewBeforeDays: 30,
                    });
                    const cert = new ServiceCertificate("kafka", {
                        commonName: "kafka",
                        dnsNames: ["kafka", "localhost"],
                        ipAddresses: ["127.0.0.1"],
                        validityDays: settings.validityDays,
                        renewBeforeDays: settings.renewBeforeDays,
                        ca,
                    });
                    return {
                        caPem: ca.certPem,
                        caKeyPem: ca.keyPem,
                        truststore: ca.truststoreP12Base64,
                        storePassword: ca.storePassword,
                        certPem: cert.certPem,
                        keyPem: cert.keyPem,
                        keystore: cert.keystoreP12Base64,
                        serial: cert.serialNumber,
                        notAfter: cert.notAfter,
                    };
                },
            },
            { pulumiCommand: await PulumiCommand.get({ root: pulumiCliRoot(bin) }), envVars: isolatedPulumiEnv(dir) },
        );
    });

    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    /** An `up` with the engine's output (where the providers' diff reasons appear) and what it changed. */
    async function up(): Promise<{ result: UpResult; output: string; ops: Array<[string, string]> }> {
        const events: EngineEvent[] = [];
        let output = "";
        const result = await stack!.up({ onOutput: (o) => (output += o), onEvent: (e) => events.push(e) });
        const ops = changed(events).map(
            ([urn, op]) => [urn.slice(urn.indexOf("pulumi-nodejs:")), op] as [string, string],
        );
        return { result, output, ops };
    }

    const outputs = async () => {
        const o = await stack!.outputs();
        return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, { value: String(v.value), secret: v.secret }]));
    };

    it("creates the CA and the certificate, then a second up changes nothing", async (t) => {
        if (!requireTier(t, "pulumi", await pulumiCliProblem())) return;
        const first = await up();
        assert.equal(first.result.summary.resourceChanges?.create, 3, first.output);
        const o = await outputs();
        const cert = new X509Certificate(o.certPem.value);
        assert.ok(cert.checkIssued(new X509Certificate(o.caPem.value)));
        assert.equal(cert.checkHost("kafka"), "kafka");
        for (const k of ["caKeyPem", "storePassword", "keyPem", "keystore"]) assert.equal(o[k].secret, true, k);
        for (const k of ["caPem", "certPem", "truststore"]) assert.equal(o[k].secret, false, k);
        assert.equal(readP12(o.keystore.value, o.storePassword.value).hasKey, true);
        assert.equal(readP12(o.truststore.value, o.storePassword.value).certPems.length, 1);

        const second = await up();
        assert.deepEqual(second.ops, [], second.output);
        assert.equal(second.result.summary.resourceChanges?.same, 3);
        assert.equal((await outputs()).serial.value, o.serial.value);
    });

    it("replaces the certificate when its validity changes, and when it is inside its renewal window, saying why", async (t) => {
        if (!requireTier(t, "pulumi", await pulumiCliProblem())) return;
        const before = await outputs();
        settings.validityDays = 1;
        settings.renewBeforeDays = 0;
        const shorter = await up();
        assert.equal(shorter.result.summary.resourceChanges?.replace, 1, shorter.output);
        assert.deepEqual(
            shorter.ops.map(([urn]) => urn),
            [CERT_URN],
        );
        assert.match(shorter.output, /certificate kafka: replacing it: its validity changed \(90 → 1 days\)/);
        const mid = await outputs();
        assert.notEqual(mid.serial.value, before.serial.value);
        assert.ok(new Date(mid.notAfter.value).getTime() - Date.now() < 86_400_000 + 60_000);

        // The same certificate, now inside a 1-day renewal window: renewed by the next up.
        settings.renewBeforeDays = 1;
        const renewed = await up();
        const day = mid.notAfter.value.slice(0, 10);
        assert.equal(renewed.result.summary.resourceChanges?.replace, 1, renewed.output);
        assert.deepEqual(
            renewed.ops.map(([urn]) => urn),
            [CERT_URN],
        );
        assert.ok(
            renewed.output.includes(`certificate kafka: replacing it: expires ${day}, inside the 1-day renewal window`),
            renewed.output,
        );
        const after = await outputs();
        assert.notEqual(after.serial.value, mid.serial.value);
        assert.equal(after.caPem.value, before.caPem.value, "the CA stays");
        assert.ok(!renewed.ops.some(([urn]) => urn === CA_URN));
    });

    it("keeps every key and the store password out of the checkpoint in clear", async (t) => {
        if (!requireTier(t, "pulumi", await pulumiCliProblem())) return;
        const o = await outputs();
        const scan = secretScanner({
            "the CA key": o.caKeyPem.value,
            "the certificate key": o.keyPem.value,
            "the store password": o.storePassword.value,
            "the keystore": o.keystore.value,
        });
        await assertStateHasNoSecrets(scan, stack!, dir);
    });

    it("destroys both", async (t) => {
        if (!requireTier(t, "pulumi", await pulumiCliProblem())) return;
        const down = await stack!.destroy();
        assert.equal(down.summary.resourceChanges?.delete, 3);
    });
});

describe("your own CA through stack config (cdc:tls.ca) in the Pulumi engine", { timeout: 10 * 60_000 }, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "certificates-own-ca-"));
    const own = makeTestCa("my own CA", 3650);
    let stack: Stack | undefined;

    before(async () => {
        if ((await pulumiCliProblem()) !== undefined) return;
        const bin = await ensurePulumiCli();
        fs.mkdirSync(path.join(dir, "state"));
        fs.mkdirSync(path.join(dir, "home"));
        stack = await LocalWorkspace.createOrSelectStack(
            {
                stackName: "own-ca",
                projectName: "cdc",
                program: async () => {
                    // A refused config is returned, not thrown: what the test checks is loadConfig's verdict
                    // with the engine's own list of secret keys.
                    let tls;
                    try {
                        tls = loadConfig().tls;
                    } catch (e) {
                        return { refused: (e as Error).message };
                    }
                    const ca = new CertificateAuthority("ca", {
                        commonName: "unused",
                        validityDays: tls.caValidityDays,
                        renewBeforeDays: tls.renewBeforeDays,
                        given: tls.ca,
                    });
                    return { caPem: ca.certPem };
                },
            },
            { pulumiCommand: await PulumiCommand.get({ root: pulumiCliRoot(bin) }), envVars: isolatedPulumiEnv(dir) },
        );
    });

    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("refuses the CA set in plain text, then uses it set with --secret, keeping its key encrypted", async (t) => {
        if (!requireTier(t, "pulumi", await pulumiCliProblem())) return;
        await stack!.setConfig("cdc:platform", { value: "docker" });
        await stack!.setAllConfig(
            { "cdc:tls.ca.certPem": { value: own.certPem }, "cdc:tls.ca.keyPem": { value: own.keyPem } },
            true,
        );
        await stack!.up({ onOutput: () => {} });
        const refused = String((await stack!.outputs()).refused?.value);
        assert.match(refused, /cdc:tls\.ca: is stored in plain text/);
        assert.ok(!refused.includes(own.keyPem.split("\n")[1]), "the key is not shown");

        await stack!.removeAllConfig(["cdc:tls.ca.certPem", "cdc:tls.ca.keyPem"], true);
        await stack!.setAllConfig(
            {
                "cdc:tls.ca.certPem": { value: own.certPem, secret: true },
                "cdc:tls.ca.keyPem": { value: own.keyPem, secret: true },
            },
            true,
        );
        const up = await stack!.up({ onOutput: () => {} });
        assert.equal(up.summary.resourceChanges?.create, 1, "the CA");
        assert.equal((await stack!.outputs()).caPem.value, own.certPem);
        await assertStateHasNoSecrets(secretScanner({ "the CA key": own.keyPem }), stack!, dir);
        await stack!.destroy({ onOutput: () => {} });
    });
});
