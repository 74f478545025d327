/**
 * Unit: the exporter's HTTP side (tools/status/serve.ts) with a stand-in collection: one collection
 * shared by concurrent scrapes, 404 off /metrics, basic auth and HTTPS, and the flag checks (a busy
 * port, an unreadable certificate, half a TLS pair, a user without password) naming the flag.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { serveOptionsOf, startExporter } from "../../tools/status/serve";
import { buildReport, DEFAULT_THRESHOLDS } from "../../tools/status/verdict";
import type { StatusReport } from "../../tools/status/types";
import { makeTestCa, makeTestCert, writeKeyPair } from "../support/tls-pki";

const connector = (name: string) => ({ name, state: "RUNNING", tasks: [] });
const report = (): StatusReport =>
    buildReport(
        {
            nowMs: Date.now(),
            source: { connector: connector("s"), topics: [] },
            sink: { connector: connector("k"), group: "g", topics: [], lag: [] },
            bronze: { tables: [] },
            silver: { tables: [], rejects: 0 },
            gold: { tables: [], refreshes: [] },
        },
        DEFAULT_THRESHOLDS,
    );

function get(
    url: string,
    o: { auth?: string; ca?: string } = {},
): Promise<{ status: number; body: string; type?: string }> {
    const u = new URL(url);
    const lib = u.protocol === "https:" ? https : http;
    return new Promise((resolve, reject) => {
        const req = lib.get(
            u,
            {
                ...(o.auth ? { headers: { authorization: `Basic ${Buffer.from(o.auth).toString("base64")}` } } : {}),
                ...(o.ca ? { ca: o.ca } : {}),
                agent: false,
            },
            (res) => {
                let body = "";
                res.on("data", (c) => (body += c));
                res.on("end", () => resolve({ status: res.statusCode ?? 0, body, type: res.headers["content-type"] }));
            },
        );
        req.on("error", reject);
    });
}

describe("status --serve: the exporter's HTTP side", () => {
    it("serves /metrics only; concurrent scrapes share one collection", async () => {
        let calls = 0;
        const ex = await startExporter({ host: "127.0.0.1", port: 0 }, async () => {
            calls++;
            await new Promise((r) => setTimeout(r, 300));
            return report();
        });
        try {
            const all = await Promise.all([get(ex.url), get(ex.url), get(ex.url)]);
            assert.deepEqual(
                all.map((r) => r.status),
                [200, 200, 200],
            );
            assert.equal(calls, 1, "one collection for three concurrent scrapes");
            assert.match(all[0].type ?? "", /^text\/plain; version=0\.0\.4/);
            assert.match(all[0].body, /^cdc_component_up\{component="kafka"\} 1$/m);
            await get(ex.url);
            assert.equal(calls, 2, "a later scrape collects again");
            assert.equal((await get(ex.url.replace(/metrics$/, "other"))).status, 404);
            assert.equal((await get(ex.url.replace(/metrics$/, ""))).status, 404);
        } finally {
            await ex.close();
        }
    });

    it("HTTPS with basic auth: 401 without or with a wrong login, 200 with it", async () => {
        const ca = makeTestCa();
        const pair = makeTestCert(ca, { commonName: "exporter", hosts: ["127.0.0.1"] });
        const ex = await startExporter(
            { host: "127.0.0.1", port: 0, tls: pair, auth: { user: "metrics", password: "m-Pa55" } },
            async () => report(),
        );
        try {
            assert.match(ex.url, /^https:/);
            const none = await get(ex.url, { ca: ca.certPem });
            assert.equal(none.status, 401);
            assert.equal((await get(ex.url, { ca: ca.certPem, auth: "metrics:wrong" })).status, 401);
            assert.equal((await get(ex.url, { ca: ca.certPem, auth: "other:m-Pa55" })).status, 401);
            const ok = await get(ex.url, { ca: ca.certPem, auth: "metrics:m-Pa55" });
            assert.equal(ok.status, 200);
            assert.match(ok.body, /^cdc_status_verdict\{component="source"\} /m);
            assert.ok(!none.body.includes("m-Pa55"));
            // A client that does not trust the CA is refused by TLS.
            await assert.rejects(get(ex.url, { auth: "metrics:m-Pa55" }), /self-signed|unable to verify|certificate/);
        } finally {
            await ex.close();
        }
    });

    it("a busy port is refused naming --serve", async () => {
        const first = await startExporter({ host: "127.0.0.1", port: 0 }, async () => report());
        try {
            const port = Number(new URL(first.url).port);
            await assert.rejects(
                startExporter({ host: "127.0.0.1", port }, async () => report()),
                new RegExp(`^Error: --serve 127\\.0\\.0\\.1:${port} is in use \\(EADDRINUSE\\)`),
            );
        } finally {
            await first.close();
        }
    });

    it("flag checks name the flag or variable and the fix", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "serve-flags-"));
        try {
            const ca = makeTestCa();
            const files = writeKeyPair(dir, "exporter", makeTestCert(ca, { commonName: "x", hosts: ["127.0.0.1"] }));
            assert.deepEqual(serveOptionsOf({}, {}), undefined);
            assert.deepEqual(serveOptionsOf({ serve: "9464" }, {}), { host: "0.0.0.0", port: 9464 });
            assert.deepEqual(serveOptionsOf({ serve: "127.0.0.1:0" }, {}), { host: "127.0.0.1", port: 0 });
            assert.deepEqual(serveOptionsOf({ serve: "9464" }, { CDC_METRICS_PASSWORD: "p" })?.auth, {
                user: "metrics",
                password: "p",
            });
            assert.equal(
                serveOptionsOf({ serve: "1", tlsCert: files.cert, tlsKey: files.key }, {})?.tls?.certPem,
                fs.readFileSync(files.cert, "utf8"),
            );
            const refused: [Parameters<typeof serveOptionsOf>[0], NodeJS.ProcessEnv, RegExp][] = [
                [{ serve: "http" }, {}, /--serve must be \[HOST:\]PORT/],
                [{ serve: "70000" }, {}, /--serve must be \[HOST:\]PORT with PORT 0-65535/],
                [{ tlsCert: files.cert }, {}, /--tls-cert only applies to --serve PORT/],
                [{ serve: "1", tlsCert: files.cert }, {}, /--tls-cert needs --tls-key too/],
                [
                    { serve: "1", tlsCert: path.join(dir, "none.crt"), tlsKey: files.key },
                    {},
                    /--tls-cert .*none\.crt cannot be read \(ENOENT\)/,
                ],
                [{ serve: "1", tlsCert: files.key, tlsKey: files.key }, {}, /--tls-cert .* holds no PEM certificate/],
                [{ serve: "1", tlsCert: files.cert, tlsKey: files.cert }, {}, /--tls-key .* holds no PEM private key/],
                [{ serve: "1" }, { CDC_METRICS_USER: "m" }, /CDC_METRICS_USER is set but CDC_METRICS_PASSWORD/],
            ];
            for (const [flags, env, re] of refused) assert.throws(() => serveOptionsOf(flags, env), re);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
