/**
 * The chdb gateway serving HTTPS (test-only TLS termination for the TLS tests of the pipeline's
 * ClickHouse clients): it answers over TLS with the certificate it is given, clients that trust the
 * CA get ClickHouse's HTTP interface as before, clients that do not are refused in the handshake,
 * and plain HTTP on its port gets no answer. Certificates from test/support/tls-pki.ts.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as https from "node:https";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it, type TestContext } from "node:test";
import { createClient } from "@clickhouse/client";
import { ChdbGatewayStartError, startChdbGateway, type ChdbGateway } from "../../tools/chdb-gateway";
import { chdbProblem } from "../support/chdb";
import { requireTier } from "../support/tier";
import { makeTestCa, makeTestCert, writeKeyPair } from "../support/tls-pki";

const USER = "tls_user";
const PASSWORD = "tls-pass-5";
const ready = (t: TestContext) => requireTier(t, "engine", chdbProblem());

let dir: string;
let ca: Buffer;
let gw: ChdbGateway | undefined;

/** GET `path` over HTTPS with `ca` trusted (or the system's CAs); the status and body, or the TLS error's code. */
function get(url: string, trust: Buffer | undefined): Promise<{ status?: number; body?: string; code?: string }> {
    return new Promise((resolve) => {
        const req = https.get(url, { ...(trust ? { ca: trust } : {}) }, (res) => {
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (c: string) => (body += c));
            res.on("end", () => resolve({ status: res.statusCode, body }));
        });
        req.on("error", (e: NodeJS.ErrnoException) => resolve({ code: e.code }));
    });
}

describe("chdb gateway over HTTPS", { timeout: 120_000 }, () => {
    before(async () => {
        if (chdbProblem() !== undefined) return;
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "chdb-gw-tls-"));
        const authority = makeTestCa();
        ca = Buffer.from(authority.certPem);
        const server = writeKeyPair(
            dir,
            "server",
            makeTestCert(authority, { commonName: "gateway", hosts: ["127.0.0.1", "localhost"] }),
        );
        gw = await startChdbGateway({
            user: USER,
            password: PASSWORD,
            tls: { certFile: server.cert, keyFile: server.key },
        });
    });
    after(async () => {
        await gw?.stop();
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it("serves ClickHouse's HTTP interface over TLS to a client that trusts the CA", async (t) => {
        if (!ready(t)) return;
        assert.match(gw!.url, /^https:\/\/127\.0\.0\.1:\d+$/);
        assert.deepEqual(await get(`${gw!.url}/ping`, ca), { status: 200, body: "Ok.\n" });
        const client = createClient({ url: gw!.url, username: USER, password: PASSWORD, tls: { ca_cert: ca } });
        try {
            const rs = await client.query({ query: "SELECT 40 + 2 AS answer", format: "JSONEachRow" });
            assert.deepEqual(await rs.json(), [{ answer: 42 }]);
        } finally {
            await client.close();
        }
    });

    it("is refused by a client that does not trust the CA (the handshake fails, nothing is sent)", async (t) => {
        if (!ready(t)) return;
        const r = await get(`${gw!.url}/ping`, undefined);
        assert.equal(r.status, undefined);
        assert.ok(
            [
                "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
                "SELF_SIGNED_CERT_IN_CHAIN",
                "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
            ].includes(r.code ?? ""),
            `TLS error code ${r.code}`,
        );
    });

    it("answers no plain HTTP on its port", async (t) => {
        if (!ready(t)) return;
        const plain = gw!.url.replace(/^https:/, "http:");
        await assert.rejects(fetch(`${plain}/ping`));
    });

    it("fails to start, by name, when the certificate file is missing", async (t) => {
        if (!ready(t)) return;
        const missing = path.join(dir, "nope.crt");
        await assert.rejects(
            startChdbGateway({ tls: { certFile: missing, keyFile: missing } }),
            (e: unknown) => e instanceof ChdbGatewayStartError && e.code === "ENOENT" && e.message.includes(missing),
        );
    });
});
