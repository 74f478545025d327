/**
 * `npm run seed` against a MongoDB wire-protocol server that serves TLS only (FerretDB v1.24 with
 * `--listen-tls` and no plaintext listener), with certificates from a throw-away CA
 * (test/support/tls-pki.ts): seeding with the CA passed as `--tls-ca-file` or `CDC_TLS_CA_FILE`,
 * and the named, one-line failures a user meets: no CA or the wrong one, a certificate made for
 * another host, an expired certificate, a wrong password, a plaintext client.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { MongoClient } from "mongodb";
import { connectChecked } from "../../seed/mongo/connect";
import { MongoSetupError } from "../../seed/mongo/errors";
import { main as seedMain } from "../../seed/seedMain";
import { ferretdbBinary, startFerretDb, type FerretDb } from "../support/ferretdb";
import { withEnv } from "../support/mocks";
import { requireTier } from "../support/tier";
import { makeTestCa, makeTestCert, writeKeyPair, type TestKeyPair } from "../support/tls-pki";

const AUTH = { user: "seeder", password: "s3cret-pw" };
const SIZES = ["--customers", "12", "--products", "0", "--orders", "0", "--base-time", "2025-01-01"];

/** Runs `fn` with stderr captured; resolves to its result and what it printed. */
async function captureStderr<T>(fn: () => Promise<T>): Promise<{ result: T; stderr: string }> {
    const original = process.stderr.write.bind(process.stderr);
    let stderr = "";
    process.stderr.write = ((chunk: string | Uint8Array) => {
        stderr += chunk.toString();
        return true;
    }) as typeof process.stderr.write;
    try {
        return { result: await fn(), stderr };
    } finally {
        process.stderr.write = original;
    }
}

/** A checked connection's failure, as the seed explains it. */
async function failure(uri: string, ca?: string): Promise<MongoSetupError> {
    try {
        const conn = await connectChecked(uri, {
            allowStandalone: false,
            appName: "test",
            timeoutMs: 3_000,
            ...(ca ? { ca: { pem: ca, from: "the test's CA" } } : {}),
        });
        await conn.client.close();
    } catch (e) {
        assert.ok(e instanceof MongoSetupError, `expected a MongoSetupError, got ${String(e)}`);
        assert.ok(!e.message.includes(AUTH.password), "the password stays out of the message");
        return e;
    }
    throw new Error(`connecting to ${uri} succeeded`);
}

describe("seed against a TLS-only MongoDB wire-protocol server (FerretDB)", { timeout: 20 * 60_000 }, () => {
    let binary: string | undefined;
    let problem: string | undefined;
    let dir: string;
    let ca: TestKeyPair;
    let caFile: string;
    let wrongCaFile: string;
    const servers: Record<string, FerretDb> = {};

    before(async () => {
        const found = await ferretdbBinary();
        binary = found.path;
        problem = found.problem;
        if (!binary) return;
        dir = mkdtempSync(join(tmpdir(), "seed-tls-"));
        ca = makeTestCa("cdc-test-ca");
        caFile = writeKeyPair(dir, "ca", ca).cert;
        wrongCaFile = writeKeyPair(dir, "wrong-ca", makeTestCa("another-ca")).cert;
        const cert = (name: string, hosts: string[], validity?: { notBefore: Date; notAfter: Date }) => {
            const files = writeKeyPair(dir, name, makeTestCert(ca, { commonName: name, hosts, ...validity }));
            return { certFile: files.cert, keyFile: files.key };
        };
        const day = 86_400_000;
        servers.good = await startFerretDb(binary, {
            replSetName: "rs0",
            auth: AUTH,
            tls: cert("mongo", ["mongo", "localhost", "127.0.0.1"]),
        });
        servers.otherHost = await startFerretDb(binary, {
            replSetName: "rs0",
            tls: cert("other", ["mongo.other.example"]),
        });
        servers.expired = await startFerretDb(binary, {
            replSetName: "rs0",
            tls: cert("expired", ["127.0.0.1"], {
                notBefore: new Date(Date.now() - 3 * day),
                notAfter: new Date(Date.now() - day),
            }),
        });
    });
    after(async () => {
        for (const s of Object.values(servers)) await s.stop();
        if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("seeds over TLS with --tls-ca-file, and the documents are there", async (t) => {
        if (!requireTier(t, "engine", problem)) return;
        const { result, stderr } = await captureStderr(() =>
            seedMain(["--uri", servers.good.uri, "--tls-ca-file", caFile, "--reset", ...SIZES]),
        );
        assert.equal(result, 0, stderr);
        assert.match(stderr, new RegExp(`TLS with the CA from --tls-ca-file ${caFile.replace(/[.]/g, "\\.")}`));
        const client = new MongoClient(servers.good.uri, { ca: ca.certPem, serverSelectionTimeoutMS: 5_000 });
        try {
            assert.equal(await client.db("ecom").collection("customers").countDocuments(), 12);
        } finally {
            await client.close();
        }
    });

    it("takes the CA from CDC_TLS_CA_FILE", async (t) => {
        if (!requireTier(t, "engine", problem)) return;
        const { result, stderr } = await withEnv({ CDC_TLS_CA_FILE: caFile }, () =>
            captureStderr(() => seedMain(["--uri", servers.good.uri, "--reset", ...SIZES])),
        );
        assert.equal(result, 0, stderr);
        assert.match(stderr, /TLS with the CA from CDC_TLS_CA_FILE /);
    });

    it("refuses the server without the CA or with another CA: exit 1, one named line, no stack trace", async (t) => {
        if (!requireTier(t, "engine", problem)) return;
        const none = await captureStderr(() => seedMain(["--uri", servers.good.uri, ...SIZES]));
        assert.equal(none.result, 1);
        assert.match(
            none.stderr,
            /^seed: MongoDB at 127\.0\.0\.1:\d+ presented a certificate this machine does not trust \(UNABLE_TO_VERIFY_LEAF_SIGNATURE: .*pulumi stack output caCertificate > cdc-ca\.pem.*\n$/,
        );
        const wrong = await captureStderr(() =>
            seedMain(["--uri", servers.good.uri, "--tls-ca-file", wrongCaFile, ...SIZES]),
        );
        assert.equal(wrong.result, 1);
        assert.match(wrong.stderr, /the CA from --tls-ca-file .*wrong-ca\.crt did not sign .*not this stack's CA/);
        for (const out of [none.stderr, wrong.stderr]) {
            assert.equal(out.trim().split("\n").length, 1, out);
            assert.doesNotMatch(out, /\n\s+at |unexpected failure|s3cret/);
        }
    });

    it("refuses a certificate made for another host, naming it", async (t) => {
        if (!requireTier(t, "engine", problem)) return;
        const e = await failure(servers.otherHost.uri, ca.certPem);
        assert.equal(e.problem, "tls-hostname");
        assert.match(e.message, /ERR_TLS_CERT_ALTNAME_INVALID: .*127\.0\.0\.1 is not in the cert's list/);
    });

    it("refuses an expired certificate, naming it", async (t) => {
        if (!requireTier(t, "engine", problem)) return;
        const e = await failure(servers.expired.uri, ca.certPem);
        assert.equal(e.problem, "tls-expired");
        assert.match(e.message, /CERT_HAS_EXPIRED.*npm run up/);
    });

    it("names a wrong password over TLS", async (t) => {
        if (!requireTier(t, "engine", problem)) return;
        const e = await failure(servers.good.uri.replace(`:${AUTH.password}@`, ":not-the-password@"), ca.certPem);
        assert.equal(e.problem, "credentials");
        assert.match(e.message, /refused the credentials/);
    });

    it("closes on a plaintext client (no plaintext listener), and the seed says TLS is required", async (t) => {
        if (!requireTier(t, "engine", problem)) return;
        const plaintext = servers.good.uri.replace("&tls=true", "");
        assert.ok(!plaintext.includes("tls="));
        const e = await failure(plaintext);
        assert.equal(e.problem, "tls-required");
        assert.match(e.message, /closed the connection before answering .*requires TLS\. Add tls=true/);
    });
});
