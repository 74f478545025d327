/**
 * The chdb ClickHouse-HTTP gateway against the clients that use it: `@clickhouse/client`,
 * raw HTTP (what clickhouse-server's HTTP interface promises) and clickhouse-connect, the
 * Python driver under dbt-clickhouse.
 */
import { execFile, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { pathToFileURL } from "node:url";
import * as zlib from "node:zlib";
import { ClickHouseLogLevel, createClient as createClientLoud, type ClickHouseClient } from "@clickhouse/client";
import { startChdbGateway, type ChdbGateway } from "../../tools/chdb-gateway";
import { compressNative, decompressNative } from "../../tools/chdb-gateway/native-compression";
import { requireTier } from "../support/tier";

const USER = "gw_user";
const PASSWORD = "gw-pass-1";

/** A client that does not log the errors these tests provoke on purpose. */
const createClient: typeof createClientLoud = (config) => createClientLoud({ ...config, log: { level: ClickHouseLogLevel.OFF } });

let gw: ChdbGateway;
let client: ClickHouseClient;
const logs: string[] = [];

function auth(): Record<string, string> {
    return { Authorization: "Basic " + Buffer.from(`${USER}:${PASSWORD}`).toString("base64") };
}

/** POSTs (or GETs) to the gateway with the configured credentials. */
async function http(
    params: Record<string, string>,
    init: { method?: string; body?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: Buffer; text: string }> {
    const url = `${gw.url}/?${new URLSearchParams(params)}`;
    const r = await fetch(url, {
        method: init.method ?? (init.body !== undefined ? "POST" : "GET"),
        headers: { ...auth(), ...(init.headers ?? {}) },
        body: init.body,
    });
    const body = Buffer.from(await r.arrayBuffer());
    return { status: r.status, headers: r.headers, body, text: body.toString("utf8") };
}

describe("chdb gateway", () => {
    before(async () => {
        gw = await startChdbGateway({ user: USER, password: PASSWORD, log: (l) => logs.push(l) });
        client = createClient({ url: gw.url, username: USER, password: PASSWORD });
    });
    after(async () => {
        await client?.close();
        await gw?.stop();
    });

    describe("process", () => {
        it("listens on 127.0.0.1 with the configured user and a fresh data dir", () => {
            assert.equal(gw.host, "127.0.0.1");
            assert.equal(gw.url, `http://127.0.0.1:${gw.port}`);
            assert.equal(gw.user, USER);
            assert.ok(fs.statSync(gw.dataDir).isDirectory());
        });

        it("answers /ping with Ok. and needs no credentials for it", async () => {
            const r = await fetch(`${gw.url}/ping`);
            assert.equal(r.status, 200);
            assert.equal(await r.text(), "Ok.\n");
        });

        it("defaults to user default without password, and stop() removes the temp data dir it made", async () => {
            const g = await startChdbGateway();
            try {
                assert.equal(g.user, "default");
                assert.equal(g.password, "");
                const r = await fetch(`${g.url}/?query=${encodeURIComponent("SELECT currentUser() = currentUser(), 40 + 2")}`);
                assert.equal(r.status, 200);
                assert.equal(await r.text(), "1\t42\n");
            } finally {
                await g.stop();
            }
            assert.equal(fs.existsSync(g.dataDir), false);
            await assert.rejects(fetch(`${g.url}/ping`));
        });

        it("keeps a data dir it was given, with its tables, across restarts", async () => {
            const dir = fs.mkdtempSync(path.join(gw.dataDir, "..", "chdb-gw-keep-"));
            try {
                const g1 = await startChdbGateway({ dataDir: dir });
                await fetch(`${g1.url}/`, { method: "POST", body: "CREATE TABLE kept (x UInt8) ENGINE = MergeTree ORDER BY x" });
                await fetch(`${g1.url}/?query=${encodeURIComponent("INSERT INTO kept FORMAT TabSeparated")}`, { method: "POST", body: "5\n6\n" });
                await assert.rejects(startChdbGateway({ dataDir: dir }), /in use by another chdb gateway/);
                await g1.stop();
                assert.ok(fs.existsSync(dir));
                const g2 = await startChdbGateway({ dataDir: dir });
                const r = await fetch(`${g2.url}/?query=${encodeURIComponent("SELECT sum(x) FROM kept")}`);
                assert.equal(await r.text(), "11\n");
                await g2.stop();
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });
        it("exits with its parent, removing its temp data dir, when the parent is killed", async () => {
            const program = [
                `const { startChdbGateway } = require(${JSON.stringify(path.join(__dirname, "..", "..", "tools", "chdb-gateway"))});`,
                "startChdbGateway().then((g) => { console.log(JSON.stringify({ url: g.url, dataDir: g.dataDir })); setInterval(() => {}, 1000); });",
            ].join("\n");
            const parent = spawn(process.execPath, ["--import", pathToFileURL(require.resolve("tsx")).href, "-e", program], { stdio: ["ignore", "pipe", "inherit"] });
            const line = await new Promise<string>((resolve, reject) => {
                let out = "";
                parent.stdout!.on("data", (c: Buffer) => {
                    out += c.toString();
                    if (out.includes("\n")) resolve(out.split("\n")[0]);
                });
                parent.once("exit", () => reject(new Error(`parent exited early: ${out}`)));
            });
            const { url, dataDir } = JSON.parse(line) as { url: string; dataDir: string };
            assert.equal((await fetch(`${url}/ping`)).status, 200);
            parent.kill("SIGKILL");
            const deadline = Date.now() + 15_000;
            let alive = true;
            while (alive && Date.now() < deadline) {
                await new Promise((r) => setTimeout(r, 100));
                alive = await fetch(`${url}/ping`).then(() => true, () => false);
            }
            assert.equal(alive, false, "gateway still answers after its parent died");
            while (fs.existsSync(dataDir) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
            assert.equal(fs.existsSync(dataDir), false);
        });
    });

    describe("with @clickhouse/client over HTTP", () => {
        it("creates a table, inserts JSONEachRow and reads it back", async () => {
            await client.command({ query: "CREATE TABLE cc_orders (id UInt32, customer String, total Decimal(18,2)) ENGINE = MergeTree ORDER BY id" });
            const rows = [
                { id: 1, customer: "ann", total: "10.50" },
                { id: 2, customer: "bob", total: "4.25" },
                { id: 3, customer: "ann", total: "1.00" },
            ];
            await client.insert({ table: "cc_orders", values: rows, format: "JSONEachRow" });
            const rs = await client.query({
                query: "SELECT customer, toString(sum(total)) AS spent FROM cc_orders GROUP BY customer ORDER BY customer",
                format: "JSONEachRow",
            });
            assert.deepEqual(await rs.json(), [
                { customer: "ann", spent: "11.5" },
                { customer: "bob", spent: "4.25" },
            ]);
        });

        it("binds query_params", async () => {
            const rs = await client.query({
                query: "SELECT {s:String} AS s, {n:UInt64} * 2 AS n, {a:Array(String)} AS a",
                query_params: { s: "it's\ta\\test", n: 21, a: ["x", "y'z"] },
                format: "JSONEachRow",
            });
            const [row] = await rs.json<{ s: string; n: string | number; a: string[] }>();
            assert.deepEqual({ ...row, n: Number(row.n) }, { s: "it's\ta\\test", n: 42, a: ["x", "y'z"] });
        });

        it("rejects an unknown table with code 60 and its name", async () => {
            await assert.rejects(client.query({ query: "SELECT * FROM no_such_table", format: "JSON" }), (e: Error & { code?: string; type?: string }) => {
                assert.equal(e.code, "60");
                assert.equal(e.type, "UNKNOWN_TABLE");
                return true;
            });
        });

        it("fails authentication with code 516 for a wrong password", async () => {
            const bad = createClient({ url: gw.url, username: USER, password: "wrong" });
            try {
                await assert.rejects(bad.query({ query: "SELECT 1" }), (e: Error & { code?: string }) => {
                    assert.equal(e.code, "516");
                    return true;
                });
            } finally {
                await bad.close();
            }
        });

        it("runs in the configured database", async () => {
            await client.command({ query: "CREATE DATABASE IF NOT EXISTS cc_db" });
            const inDb = createClient({ url: gw.url, username: USER, password: PASSWORD, database: "cc_db" });
            try {
                await inDb.command({ query: "CREATE TABLE t_in_db (x UInt8) ENGINE = Memory" });
                const rs = await inDb.query({ query: "SELECT currentDatabase() AS db, count() AS n FROM t_in_db", format: "JSONEachRow" });
                assert.deepEqual(await rs.json(), [{ db: "cc_db", n: 0 }]);
                const where = await client.query({ query: "SELECT database FROM system.tables WHERE name = 't_in_db'", format: "JSONEachRow" });
                assert.deepEqual(await where.json(), [{ database: "cc_db" }]);
            } finally {
                await inDb.close();
            }
        });

        it("reads gzip-compressed responses and sends gzip-compressed inserts", async () => {
            const gz = createClient({ url: gw.url, username: USER, password: PASSWORD, compression: { request: true, response: true } });
            try {
                await gz.command({ query: "CREATE TABLE cc_gz (n UInt32) ENGINE = Memory" });
                await gz.insert({ table: "cc_gz", values: Array.from({ length: 1000 }, (_, i) => ({ n: i })), format: "JSONEachRow" });
                const rs = await gz.query({ query: "SELECT count() AS c, sum(n) AS s FROM cc_gz", format: "JSONEachRow" });
                assert.deepEqual(await rs.json(), [{ c: 1000, s: 499500 }]);
            } finally {
                await gz.close();
            }
        });

        it("keeps temporary tables within a session", async () => {
            const sess = createClient({ url: gw.url, username: USER, password: PASSWORD, session_id: `s-${process.pid}-${Date.now()}` });
            try {
                await sess.command({ query: "CREATE TEMPORARY TABLE tmp_x (x UInt8)" });
                await sess.insert({ table: "tmp_x", values: [{ x: 3 }, { x: 4 }], format: "JSONEachRow" });
                const rs = await sess.query({ query: "SELECT sum(x) AS s FROM tmp_x", format: "JSONEachRow" });
                assert.deepEqual(await rs.json(), [{ s: 7 }]);
                await assert.rejects(client.query({ query: "SELECT * FROM tmp_x" }), (e: Error & { code?: string }) => e.code === "60");
            } finally {
                await sess.close();
            }
        });
    });

    describe("over raw HTTP", () => {
        it("takes the query from the query parameter, the body, or both (body continues the query)", async () => {
            assert.equal((await http({ query: "SELECT 1 + 1" })).text, "2\n");
            assert.equal((await http({}, { body: "SELECT 2 + 2" })).text, "4\n");
            assert.equal((await http({ query: "SELECT 3 +" }, { body: "3" })).text, "6\n");
        });

        it("refuses several statements in one request and an empty query with code 62", async () => {
            const multi = await http({}, { body: "SELECT 1; SELECT 2" });
            assert.equal(multi.status, 400);
            assert.equal(multi.headers.get("x-clickhouse-exception-code"), "62");
            assert.match(multi.text, /Multi-statements are not allowed/);
            assert.equal((await http({}, { body: "SELECT 5;" })).text, "5\n");
            const bare = await http({}, { body: "1 + 1" });
            assert.equal(bare.headers.get("x-clickhouse-exception-code"), "62", "a bare expression is no query on a server");
            const empty = await http({}, { body: "  -- nothing\n" });
            assert.equal(empty.headers.get("x-clickhouse-exception-code"), "62");
        });

        it("answers GET / without a query with Ok.", async () => {
            const r = await http({});
            assert.equal(r.status, 200);
            assert.equal(r.text, "Ok.\n");
        });

        it("refuses modifying statements over GET (readonly), as ClickHouse does", async () => {
            const r = await http({ query: "CREATE TABLE via_get (x UInt8) ENGINE = Memory" });
            assert.equal(r.headers.get("x-clickhouse-exception-code"), "164");
            assert.equal(r.status, 500);
        });

        it("inserts TabSeparated, JSONEachRow, RowBinary and Native bodies byte for byte", async () => {
            await http({}, { body: "CREATE TABLE raw_t (id UInt32, s String) ENGINE = MergeTree ORDER BY id" });
            const ins = async (fmt: string, body: Buffer | string): Promise<void> => {
                const r = await http({ query: `INSERT INTO raw_t FORMAT ${fmt}` }, { body });
                assert.equal(r.status, 200, `${fmt}: ${r.text}`);
            };
            await ins("TabSeparated", "1\ttab\\tsep\n");
            await ins("JSONEachRow", '{"id":2,"s":"json\\u0000nul"}\n');
            // RowBinary: UInt32 LE, then varint length + bytes (including a NUL, a newline and non-UTF-8)
            const s3 = Buffer.from([0x72, 0x00, 0x0a, 0xff, 0xfe]);
            await ins("RowBinary", Buffer.concat([Buffer.from([3, 0, 0, 0, s3.length]), s3]));
            // Native produced by the engine itself, then inserted back under new ids
            const native = await http({ query: "SELECT toUInt32(id + 10) AS id, s FROM raw_t WHERE raw_t.id IN (1, 3) ORDER BY id FORMAT Native" });
            assert.equal(native.headers.get("content-type"), "application/octet-stream");
            await ins("Native", native.body);
            const hex = await http({ query: "SELECT id, hex(s) FROM raw_t ORDER BY id" });
            assert.equal(
                hex.text,
                ["1\t" + Buffer.from("tab\tsep").toString("hex").toUpperCase(), "2\t" + Buffer.from("json\0nul").toString("hex").toUpperCase(), "3\t72000AFFFE", "11\t" + Buffer.from("tab\tsep").toString("hex").toUpperCase(), "13\t72000AFFFE", ""].join("\n"),
            );
            const summary = JSON.parse(
                (await http({ query: "INSERT INTO raw_t FORMAT TabSeparated" }, { body: "20\ta\n21\tb\n" })).headers.get("x-clickhouse-summary") ?? "{}",
            ) as Record<string, string>;
            assert.equal(summary.written_rows, "2");
        });

        it("accepts INSERT ... VALUES with the rows in the body", async () => {
            await http({}, { body: "CREATE TABLE vals_t (a Int8, b String) ENGINE = Memory" });
            const r = await http({ query: "INSERT INTO vals_t VALUES" }, { body: "(1, 'x'), (2, 'y')" });
            assert.equal(r.status, 200, r.text);
            assert.equal((await http({ query: "SELECT count(), groupArray(b) FROM vals_t" })).text, "2\t['x','y']\n");
        });

        it("uses default_format, and X-ClickHouse-Format over it", async () => {
            const p = await http({ query: "SELECT 1 AS one", default_format: "JSONEachRow" });
            assert.equal(p.text, '{"one":1}\n');
            assert.equal(p.headers.get("x-clickhouse-format"), "JSONEachRow");
            const h = await http({ query: "SELECT 1 AS one", default_format: "JSONEachRow" }, { headers: { "X-ClickHouse-Format": "CSVWithNames" } });
            assert.equal(h.text, '"one"\n1\n');
            assert.equal(h.headers.get("x-clickhouse-format"), "CSVWithNames");
            const q = await http({ query: "SELECT 1 AS one FORMAT TSVWithNames", default_format: "JSON" });
            assert.equal(q.text, "one\n1\n");
            assert.equal(q.headers.get("x-clickhouse-format"), "TSVWithNames");
        });

        it("uses the database parameter, and X-ClickHouse-Database over it", async () => {
            await http({}, { body: "CREATE DATABASE IF NOT EXISTS hdr_db" });
            assert.equal((await http({ query: "SELECT currentDatabase()", database: "hdr_db" })).text, "hdr_db\n");
            const r = await http({ query: "SELECT currentDatabase()", database: "no_such_db" }, { headers: { "X-ClickHouse-Database": "hdr_db" } });
            assert.equal(r.text, "hdr_db\n");
        });

        it("sets query id, format, time zone and summary headers", async () => {
            const r = await http({ query: "SELECT number FROM system.numbers LIMIT 3", query_id: "my-query-1" });
            assert.equal(r.headers.get("x-clickhouse-query-id"), "my-query-1");
            assert.equal(r.headers.get("x-clickhouse-format"), "TabSeparated");
            assert.match(r.headers.get("x-clickhouse-timezone") ?? "", /UTC|\//);
            const summary = JSON.parse(r.headers.get("x-clickhouse-summary") ?? "") as Record<string, string>;
            assert.equal(summary.read_rows, "3");
            assert.match(summary.elapsed_ns, /^\d+$/);
            const tz = await http({ query: "SELECT timezone()", session_timezone: "Asia/Tokyo" });
            assert.equal(tz.text, "Asia/Tokyo\n");
            assert.equal(tz.headers.get("x-clickhouse-timezone"), "Asia/Tokyo");
            const generated = await http({ query: "SELECT 1" });
            assert.match(generated.headers.get("x-clickhouse-query-id") ?? "", /^[0-9a-f-]{36}$/);
        });

        it("applies other parameters as settings and ignores transport ones", async () => {
            const r = await http({
                query: "SELECT getSetting('max_threads'), getSetting('output_format_json_quote_64bit_integers')",
                max_threads: "3",
                output_format_json_quote_64bit_integers: "0",
                compress: "0",
                wait_end_of_query: "1",
                buffer_size: "1000",
                session_timeout: "30",
                client_protocol_version: "54405",
            });
            assert.equal(r.status, 200, r.text);
            assert.equal(r.text, "3\tfalse\n");
            const unknown = await http({ query: "SELECT 1", no_such_setting_xyz: "1" });
            assert.equal(unknown.status, 404);
            assert.equal(unknown.headers.get("x-clickhouse-exception-code"), "115");
        });

        it("maps exception codes to ClickHouse's HTTP statuses with a Code: N. DB::Exception body", async () => {
            const cases: [string, Record<string, string>, number, number][] = [
                ["SELEC 1", {}, 62, 400],
                ["SELECT * FROM missing_table_x", {}, 60, 404],
                ["SELECT 1", { database: "missing_db_x" }, 81, 404],
                ["SELECT no_such_function_x(1)", {}, 46, 404],
                ["SELECT throwIf(1)", {}, 395, 500],
            ];
            for (const [query, extra, code, status] of cases) {
                const r = await http({ ...extra }, { body: query });
                assert.equal(r.status, status, `${query}: ${r.text}`);
                assert.equal(r.headers.get("x-clickhouse-exception-code"), String(code), query);
                assert.match(r.text, new RegExp(`^Code: ${code}\\. DB::Exception: .*\\n$`, "s"), query);
            }
        });

        it("checks basic auth and X-ClickHouse-User/Key against the configured user (516, 403)", async () => {
            const ok = await fetch(`${gw.url}/?query=SELECT%20currentUser()%20!=%20''`, { headers: { "X-ClickHouse-User": USER, "X-ClickHouse-Key": PASSWORD } });
            assert.equal(ok.status, 200);
            const attempts: Record<string, string>[] = [
                { "X-ClickHouse-User": USER, "X-ClickHouse-Key": "nope" },
                { "X-ClickHouse-User": "someone", "X-ClickHouse-Key": PASSWORD },
                { Authorization: "Basic " + Buffer.from(`${USER}:bad`).toString("base64") },
            ];
            for (const headers of attempts) {
                const r = await fetch(`${gw.url}/?query=SELECT%201`, { headers });
                assert.equal(r.status, 403);
                assert.equal(r.headers.get("x-clickhouse-exception-code"), "516");
                assert.match(await r.text(), /^Code: 516\. DB::Exception: .*Authentication failed/);
            }
            const none = await fetch(`${gw.url}/?query=SELECT%201`);
            assert.equal(none.status, 401);
            assert.equal(none.headers.get("x-clickhouse-exception-code"), "194");
        });

        it("keeps SET and USE within a session, but not a request's own settings and database", async () => {
            const sid = `raw-${process.pid}`;
            await http({ session_id: sid }, { body: "SET max_threads = 2" });
            await http({ session_id: sid }, { body: "CREATE DATABASE IF NOT EXISTS sess_db" });
            await http({ session_id: sid }, { body: "USE sess_db" });
            assert.equal((await http({ session_id: sid, query: "SELECT getSetting('max_threads'), currentDatabase()" })).text, "2\tsess_db\n");
            assert.equal((await http({ session_id: sid, max_threads: "5", database: "default", query: "SELECT getSetting('max_threads'), currentDatabase()" })).text, "5\tdefault\n");
            assert.equal((await http({ session_id: sid, query: "SELECT getSetting('max_threads'), currentDatabase()" })).text, "2\tsess_db\n");
            const fresh = await http({ query: "SELECT currentDatabase()" });
            assert.equal(fresh.text, "default\n");
            const check = await http({ session_id: "never-opened", session_check: "1", query: "SELECT 1" });
            assert.equal(check.headers.get("x-clickhouse-exception-code"), "372");
        });

        it("decodes gzip request bodies and compresses responses when asked", async () => {
            await http({}, { body: "CREATE TABLE gz_t (s String) ENGINE = Memory" });
            const body = zlib.gzipSync(Buffer.from('{"s":"zipped"}\n'));
            const ins = await http({ query: "INSERT INTO gz_t FORMAT JSONEachRow" }, { body, headers: { "Content-Encoding": "gzip" } });
            assert.equal(ins.status, 200, ins.text);
            const r = await fetch(`${gw.url}/?enable_http_compression=1&query=${encodeURIComponent("SELECT s FROM gz_t")}`, {
                headers: { ...auth(), "Accept-Encoding": "gzip" },
            });
            // fetch decodes transparently; the header proves it was compressed on the wire
            assert.equal(r.headers.get("content-encoding"), "gzip");
            assert.equal(await r.text(), "zipped\n");
            const unsupported = await http({ query: "SELECT 1" }, { body: "x", headers: { "Content-Encoding": "zstd" } });
            assert.notEqual(unsupported.status, 200);
        });

        it("runs a form-content-type body as the query, as curl --data-binary sends it", async () => {
            const form = { "Content-Type": "application/x-www-form-urlencoded" };
            const r = await http({}, { body: "SELECT 40 + 2 AS answer", headers: form });
            assert.equal(r.status, 200, r.text);
            assert.equal(r.text, "42\n");
            await http({}, { body: "CREATE TABLE form_t (s String) ENGINE = Memory", headers: form });
            const ins = await http({ query: "INSERT INTO form_t FORMAT TabSeparated" }, { body: "a=b&c\n", headers: form });
            assert.equal(ins.status, 200, ins.text);
            assert.equal((await http({ query: "SELECT s FROM form_t" })).text, "a=b&c\n");
        });

        it("answers compress=1 in ClickHouse's compressed blocks and reads decompress=1 bodies", async () => {
            await http({}, { body: "CREATE TABLE native_t (n UInt32, s String) ENGINE = Memory" });
            const rows = Array.from({ length: 3000 }, (_, i) => `${i}\trow-${i % 17}\n`).join("");
            const ins = await http({ query: "INSERT INTO native_t FORMAT TabSeparated", decompress: "1" }, { body: compressNative(Buffer.from(rows)) });
            assert.equal(ins.status, 200, ins.text);
            const q = { query: "SELECT n, s FROM native_t ORDER BY n" };
            const plain = await http(q);
            assert.equal(plain.text, rows);
            const packed = await http({ ...q, compress: "1" });
            assert.equal(packed.status, 200);
            assert.equal(packed.body[16], 0x82, "an LZ4 block after the 16-byte checksum");
            assert.ok(packed.body.length < plain.body.length);
            assert.deepEqual(decompressNative(packed.body), plain.body);
            // errors stay plain text, as the clients read them
            const err = await http({ query: "SELECT * FROM no_such_table", compress: "1" });
            assert.equal(err.headers.get("x-clickhouse-exception-code"), "60");
            assert.match(err.text, /^Code: 60\./);
            const corrupt = compressNative(Buffer.from("1\tx\n"));
            corrupt[corrupt.length - 1] ^= 0xff;
            const bad = await http({ query: "INSERT INTO native_t FORMAT TabSeparated", decompress: "1" }, { body: corrupt });
            assert.equal(bad.headers.get("x-clickhouse-exception-code"), "40");
            assert.match(bad.text, /Checksum doesn't match/);
        });

        it("reads the query and param_ values from a multipart form body", async () => {
            const form = new FormData();
            form.set("query", "SELECT {v:String} AS v");
            form.set("param_v", "from-form");
            const r = await fetch(`${gw.url}/`, { method: "POST", headers: auth(), body: form });
            assert.equal(await r.text(), "from-form\n");
        });
    });

    describe("with clickhouse-connect (dbt-clickhouse's driver)", () => {
        let python: string | undefined;
        let pythonProblem: string | undefined;
        before(async () => {
            const { dbtVenvProblem, ensureDbtVenv } = await import("../../components/providers/dbt/venv");
            const problem = await dbtVenvProblem();
            if (problem === undefined) python = (await ensureDbtVenv()).python;
            else pythonProblem = problem;
        });

        for (const compress of ["false", "lz4", "gzip"]) {
            it(`creates, inserts Native, queries and keeps session state with compress=${compress}`, async (t) => {
                if (!requireTier(t, "dbt", pythonProblem)) return;
                const script = path.join(__dirname, "chdb-gateway-connect.py");
                const out = await new Promise<string>((resolve, reject) =>
                    execFile(python!, [script, gw.host, String(gw.port), USER, PASSWORD, compress], { timeout: 120_000 }, (err, stdout, stderr) =>
                        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
                    ),
                );
                const r = JSON.parse(out.trim().split("\n").pop() ?? "{}") as Record<string, unknown>;
                assert.match(String(r.server_version), /^\d+\.\d+/);
                assert.equal(r.written_rows, 5);
                assert.equal(r.count, 5);
                assert.deepEqual((r.rows as unknown[][]).map((row) => row[0]), [1, 2, 3, 4, 5]);
                assert.deepEqual((r.rows as unknown[][])[1], [2, "n\t2\n", "2.25", "2024-01-01T00:00:02"]);
                assert.deepEqual(r.columns, ["id", "name", "amount", "at"]);
                assert.equal(r.temp_sum, 7);
                assert.equal(r.param, "a'b");
                assert.equal(r.error_code, 60);
            });
        }
    });
});
