/**
 * The chdb ClickHouse-HTTP gateway over raw HTTP: sessions, HTTP and ClickHouse-block compression,
 * form bodies and multipart forms.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as zlib from "node:zlib";
import { compressNative, decompressNative } from "../../tools/chdb-gateway/native-compression";
import { auth, gatewayForSuite } from "../support/gateway-http";

describe("chdb gateway", () => {
    const { url, http } = gatewayForSuite();

    describe("over raw HTTP: sessions, compression, forms", () => {
        it("keeps SET and USE within a session, but not a request's own settings and database", async () => {
            const sid = `raw-${process.pid}`;
            await http({ session_id: sid }, { body: "SET max_threads = 2" });
            await http({ session_id: sid }, { body: "CREATE DATABASE IF NOT EXISTS sess_db" });
            await http({ session_id: sid }, { body: "USE sess_db" });
            assert.equal(
                (await http({ session_id: sid, query: "SELECT getSetting('max_threads'), currentDatabase()" })).text,
                "2\tsess_db\n",
            );
            assert.equal(
                (
                    await http({
                        session_id: sid,
                        max_threads: "5",
                        database: "default",
                        query: "SELECT getSetting('max_threads'), currentDatabase()",
                    })
                ).text,
                "5\tdefault\n",
            );
            assert.equal(
                (await http({ session_id: sid, query: "SELECT getSetting('max_threads'), currentDatabase()" })).text,
                "2\tsess_db\n",
            );
            const fresh = await http({ query: "SELECT currentDatabase()" });
            assert.equal(fresh.text, "default\n");
            const check = await http({ session_id: "never-opened", session_check: "1", query: "SELECT 1" });
            assert.equal(check.headers.get("x-clickhouse-exception-code"), "372");
        });

        it("decodes gzip request bodies and compresses responses when asked", async () => {
            await http({}, { body: "CREATE TABLE gz_t (s String) ENGINE = Memory" });
            const body = zlib.gzipSync(Buffer.from('{"s":"zipped"}\n'));
            const ins = await http(
                { query: "INSERT INTO gz_t FORMAT JSONEachRow" },
                { body, headers: { "Content-Encoding": "gzip" } },
            );
            assert.equal(ins.status, 200, ins.text);
            const r = await fetch(
                `${url()}/?enable_http_compression=1&query=${encodeURIComponent("SELECT s FROM gz_t")}`,
                {
                    headers: { ...auth(), "Accept-Encoding": "gzip" },
                },
            );
            // fetch decodes transparently; the header proves it was compressed on the wire
            assert.equal(r.headers.get("content-encoding"), "gzip");
            assert.equal(await r.text(), "zipped\n");
            const unsupported = await http(
                { query: "SELECT 1" },
                { body: "x", headers: { "Content-Encoding": "zstd" } },
            );
            assert.notEqual(unsupported.status, 200);
        });

        it("runs a form-content-type body as the query, as curl --data-binary sends it", async () => {
            const form = { "Content-Type": "application/x-www-form-urlencoded" };
            const r = await http({}, { body: "SELECT 40 + 2 AS answer", headers: form });
            assert.equal(r.status, 200, r.text);
            assert.equal(r.text, "42\n");
            await http({}, { body: "CREATE TABLE form_t (s String) ENGINE = Memory", headers: form });
            const ins = await http(
                { query: "INSERT INTO form_t FORMAT TabSeparated" },
                { body: "a=b&c\n", headers: form },
            );
            assert.equal(ins.status, 200, ins.text);
            assert.equal((await http({ query: "SELECT s FROM form_t" })).text, "a=b&c\n");
        });

        it("answers compress=1 in ClickHouse's compressed blocks and reads decompress=1 bodies", async () => {
            await http({}, { body: "CREATE TABLE native_t (n UInt32, s String) ENGINE = Memory" });
            const rows = Array.from({ length: 3000 }, (_, i) => `${i}\trow-${i % 17}\n`).join("");
            const ins = await http(
                { query: "INSERT INTO native_t FORMAT TabSeparated", decompress: "1" },
                { body: compressNative(Buffer.from(rows)) },
            );
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
            const bad = await http(
                { query: "INSERT INTO native_t FORMAT TabSeparated", decompress: "1" },
                { body: corrupt },
            );
            assert.equal(bad.headers.get("x-clickhouse-exception-code"), "40");
            assert.match(bad.text, /Checksum doesn't match/);
        });

        it("reads the query and param_ values from a multipart form body", async () => {
            const form = new FormData();
            form.set("query", "SELECT {v:String} AS v");
            form.set("param_v", "from-form");
            const r = await fetch(`${url()}/`, { method: "POST", headers: auth(), body: form });
            assert.equal(await r.text(), "from-form\n");
        });
    });
});
