import assert from "node:assert/strict";
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { fetcherProxyEnv } from "../../components/platform/docker/jobs";
import { DEBEZIUM_PRIVILEGES, mongoInitScript, pluginInstallScript } from "../../components/platform/scripts";
import { requireTier } from "../support/tier";

describe("mongoInitScript", () => {
    const script = mongoInitScript({
        replicaSet: "rs0",
        members: ["mongo:27017"],
        database: "ecom",
        collections: ["customers", "products", "orders"],
        debeziumUser: "debezium",
    });

    it("is valid JavaScript for mongosh", () => {
        // mongosh globals are not defined here; parsing is what we check.
        assert.doesNotThrow(() => new Function("rs", "db", "sleep", "print", "process", script));
    });

    it("initiates the replica set only when it is not initiated yet", () => {
        assert.match(script, /if \(!isInitiated\(\)\)/);
        assert.match(script, /rs\.initiate\(\{ _id: rsName, members: members \}\)/);
        assert.match(script, /"host":"mongo:27017"/);
    });

    it("enables pre- and post-images on every captured collection", () => {
        assert.match(script, /changeStreamPreAndPostImages: \{ enabled: true \}/);
        assert.match(script, /\["customers","products","orders"\]/);
    });

    it("grants the Debezium user one role: changeStream, find and listCollections on the captured database, nothing cluster-wide", () => {
        // What Debezium 3.3 runs with capture.scope=database (see DEBEZIUM_PRIVILEGES): db.watch(),
        // find() for the snapshot, listCollections; its connection probe (listDatabases) needs no grant.
        assert.deepEqual([...DEBEZIUM_PRIVILEGES].sort(), ["changeStream", "find", "listCollections"]);
        assert.match(
            script,
            /resource: \{ db: "ecom", collection: "" \}, actions: \["changeStream","find","listCollections"\]/,
        );
        assert.match(script, /const roles = \[\{ role: roleName, db: "admin" \}\];/);
        assert.doesNotMatch(
            script,
            /cluster: true|listDatabases"|anyResource|readWrite|"read"|root|dbAdmin|clusterAdmin/,
        );
    });

    it("defines the role only on the captured database's name it is given", () => {
        const other = mongoInitScript({
            replicaSet: "rs0",
            members: ["m:27017"],
            database: "shop",
            collections: ["a"],
            debeziumUser: "dbz",
        });
        assert.match(other, /resource: \{ db: "shop", collection: "" \}/);
        assert.doesNotMatch(other, /"ecom"/);
    });

    it("reads the Debezium password from the environment, never from its text", () => {
        assert.match(script, /process\.env\.DEBEZIUM_PASSWORD/);
        assert.doesNotMatch(script, /pwd: "/);
    });

    it("runs the captured steps in order against a fake mongosh and is idempotent", () => {
        const calls: string[] = [];
        const users = new Map<string, unknown>();
        const roles = new Map<string, unknown>();
        let initiated = false;
        const collections = new Set<string>(["orders"]);
        const adminDb = {
            getRole: (r: string) => roles.get(r) ?? null,
            createRole: (r: { role: string }) => (calls.push(`createRole ${r.role}`), roles.set(r.role, r)),
            updateRole: (r: string) => calls.push(`updateRole ${r}`),
            dropRole: (r: string) => (calls.push(`dropRole ${r}`), roles.delete(r)),
            getUser: (u: string) => users.get(u) ?? null,
            createUser: (u: { user: string; pwd: string }) => (
                calls.push(`createUser ${u.user}:${u.pwd}`),
                users.set(u.user, u)
            ),
            updateUser: (u: string) => calls.push(`updateUser ${u}`),
        };
        const ecomDb = {
            getCollectionNames: () => [...collections],
            createCollection: (c: string) => (calls.push(`create ${c}`), collections.add(c)),
            runCommand: (cmd: { collMod: string }) => calls.push(`collMod ${cmd.collMod}`),
        };
        const db = {
            adminCommand: () => ({ isWritablePrimary: initiated }),
            getSiblingDB: (n: string) => (n === "admin" ? adminDb : ecomDb),
        };
        const rs = {
            status: () => {
                if (!initiated)
                    throw Object.assign(new Error("no replset config has been received"), {
                        codeName: "NotYetInitialized",
                    });
                return { ok: 1 };
            },
            initiate: () => {
                calls.push("initiate");
                initiated = true;
            },
        };
        const run = () =>
            new Function("rs", "db", "sleep", "print", "process", script)(
                rs,
                db,
                () => undefined,
                () => undefined,
                { env: { DEBEZIUM_PASSWORD: "pw" } },
            );
        run();
        assert.deepEqual(calls, [
            "initiate",
            "createRole cdcDebeziumCapture",
            "createUser debezium:pw",
            "create customers",
            "collMod customers",
            "create products",
            "collMod products",
            "collMod orders",
        ]);
        calls.length = 0;
        run();
        assert.deepEqual(calls, [
            "updateRole cdcDebeziumCapture",
            "updateUser debezium",
            "collMod customers",
            "collMod products",
            "collMod orders",
        ]);
        // A deployment from an earlier version: its cluster-wide role is dropped once the user no longer has it.
        roles.set("cdcDebeziumCluster", { role: "cdcDebeziumCluster" });
        calls.length = 0;
        run();
        assert.deepEqual(calls.slice(0, 3), [
            "updateRole cdcDebeziumCapture",
            "updateUser debezium",
            "dropRole cdcDebeziumCluster",
        ]);
    });
});

describe("pluginInstallScript", () => {
    let server: http.Server;
    let base = "";
    let zipBytes: Buffer = Buffer.alloc(0);
    let tmp = "";
    let toolsProblem: string | undefined;
    let flakyHits = 0;
    const proxied: string[] = [];

    before(async () => {
        const missing = ["sh", "wget", "sha256sum", "unzip", "zip"].filter(
            (t) => spawnSync("sh", ["-c", `command -v ${t}`]).status !== 0,
        );
        toolsProblem = missing.length
            ? `needs ${missing.join(", ")} on PATH (apt-get install ${missing.join(" ")})`
            : undefined;
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cdc-plugin-"));
        if (!toolsProblem) {
            fs.mkdirSync(path.join(tmp, "src/clickhouse-kafka-connect-v9.9.9/lib"), { recursive: true });
            fs.writeFileSync(path.join(tmp, "src/clickhouse-kafka-connect-v9.9.9/lib/sink.jar"), "jar bytes");
            execFileSync("zip", ["-qr", path.join(tmp, "plugin.zip"), "."], { cwd: path.join(tmp, "src") });
            zipBytes = fs.readFileSync(path.join(tmp, "plugin.zip"));
        }
        server = http.createServer((req, res) => {
            if (req.url === "/plugin.zip") res.end(zipBytes);
            else if (req.url === "/flaky.zip") {
                flakyHits++;
                if (flakyHits === 1) res.writeHead(503).end();
                else res.end(zipBytes);
            } else if (req.url === "http://plugins.example.invalid/plugin.zip") {
                // Asked as a forward proxy: the request line carries the absolute URL.
                proxied.push(req.url);
                res.end(zipBytes);
            } else res.writeHead(404).end();
        });
        await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
        base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => {
        server.close();
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    // Asynchronous on purpose: the HTTP server lives in this process's event loop.
    const run = (
        sha256: string,
        dest: string,
        file = "plugin.zip",
        opts: { url?: string; env?: NodeJS.ProcessEnv } = {},
    ) =>
        new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
            execFile(
                "sh",
                ["-c", pluginInstallScript({ url: opts.url ?? `${base}/${file}`, sha256, dest })],
                { timeout: 30_000, env: opts.env },
                (err, stdout, stderr) =>
                    resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
            );
        });

    it("installs the plugin when the checksum matches, and is a no-op the second time", async (t) => {
        if (!requireTier(t, "shell tools", toolsProblem)) return;
        const dest = fs.mkdtempSync(path.join(tmp, "dest-"));
        const sha = createHash("sha256").update(zipBytes).digest("hex");
        const first = await run(sha, dest);
        assert.equal(first.status, 0, first.stderr);
        assert.equal(
            fs.readFileSync(path.join(dest, "clickhouse-kafka-connect-v9.9.9/lib/sink.jar"), "utf8"),
            "jar bytes",
        );
        const second = await run(sha, dest);
        assert.equal(second.status, 0);
        assert.match(second.stdout, /already installed/);
    });

    it("refuses a download whose checksum does not match and installs nothing", async (t) => {
        if (!requireTier(t, "shell tools", toolsProblem)) return;
        const dest = fs.mkdtempSync(path.join(tmp, "dest-"));
        const r = await run("0".repeat(64), dest);
        assert.notEqual(r.status, 0);
        assert.match(r.stderr, /checksum mismatch/);
        assert.deepEqual(fs.readdirSync(dest), []);
    });

    it("retries a failed download and then installs", async (t) => {
        if (!requireTier(t, "shell tools", toolsProblem)) return;
        const dest = fs.mkdtempSync(path.join(tmp, "dest-"));
        const sha = createHash("sha256").update(zipBytes).digest("hex");
        const r = await run(sha, dest, "flaky.zip");
        assert.equal(r.status, 0, r.stderr);
        assert.equal(flakyHits, 2);
        assert.match(r.stderr, /download failed; retrying/);
        assert.ok(fs.existsSync(path.join(dest, "clickhouse-kafka-connect-v9.9.9/lib/sink.jar")));
    });

    it("downloads through the proxy the docker program hands the fetcher (fetcherProxyEnv)", async (t) => {
        if (!requireTier(t, "shell tools", toolsProblem)) return;
        const dest = fs.mkdtempSync(path.join(tmp, "dest-"));
        const sha = createHash("sha256").update(zipBytes).digest("hex");
        // The container env the program builds from CDC_FETCHER_HTTP_PROXY (set by preflight).
        const containerEnv = fetcherProxyEnv({ CDC_FETCHER_HTTP_PROXY: base }) as string[];
        assert.deepEqual(containerEnv, [`http_proxy=${base}`, `HTTP_PROXY=${base}`]);
        const env: NodeJS.ProcessEnv = { PATH: process.env.PATH };
        for (const e of containerEnv) env[e.slice(0, e.indexOf("="))] = e.slice(e.indexOf("=") + 1);
        // The host name does not resolve: only a request through the proxy can succeed.
        const r = await run(sha, dest, "", { url: "http://plugins.example.invalid/plugin.zip", env });
        assert.equal(r.status, 0, r.stderr);
        assert.deepEqual(proxied, ["http://plugins.example.invalid/plugin.zip"]);
        assert.ok(fs.existsSync(path.join(dest, "clickhouse-kafka-connect-v9.9.9/lib/sink.jar")));
    });
});
