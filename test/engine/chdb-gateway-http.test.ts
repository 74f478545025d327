/**
 * The chdb ClickHouse-HTTP gateway over raw HTTP, as clickhouse-server's HTTP interface promises:
 * query text, formats, databases, headers, settings, error codes and statuses, authentication.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { gatewayForSuite, PASSWORD, USER } from "../support/gateway-http";

describe("chdb gateway", () => {
    const { url, http } = gatewayForSuite();

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
            assert.equal(
                bare.headers.get("x-clickhouse-exception-code"),
                "62",
                "a bare expression is no query on a server",
            );
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
            const native = await http({
                query: "SELECT toUInt32(id + 10) AS id, s FROM raw_t WHERE raw_t.id IN (1, 3) ORDER BY id FORMAT Native",
            });
            assert.equal(native.headers.get("content-type"), "application/octet-stream");
            await ins("Native", native.body);
            const hex = await http({ query: "SELECT id, hex(s) FROM raw_t ORDER BY id" });
            assert.equal(
                hex.text,
                [
                    "1\t" + Buffer.from("tab\tsep").toString("hex").toUpperCase(),
                    "2\t" + Buffer.from("json\0nul").toString("hex").toUpperCase(),
                    "3\t72000AFFFE",
                    "11\t" + Buffer.from("tab\tsep").toString("hex").toUpperCase(),
                    "13\t72000AFFFE",
                    "",
                ].join("\n"),
            );
            const summary = JSON.parse(
                (
                    await http({ query: "INSERT INTO raw_t FORMAT TabSeparated" }, { body: "20\ta\n21\tb\n" })
                ).headers.get("x-clickhouse-summary") ?? "{}",
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
            const h = await http(
                { query: "SELECT 1 AS one", default_format: "JSONEachRow" },
                { headers: { "X-ClickHouse-Format": "CSVWithNames" } },
            );
            assert.equal(h.text, '"one"\n1\n');
            assert.equal(h.headers.get("x-clickhouse-format"), "CSVWithNames");
            const q = await http({ query: "SELECT 1 AS one FORMAT TSVWithNames", default_format: "JSON" });
            assert.equal(q.text, "one\n1\n");
            assert.equal(q.headers.get("x-clickhouse-format"), "TSVWithNames");
        });

        it("uses the database parameter, and X-ClickHouse-Database over it", async () => {
            await http({}, { body: "CREATE DATABASE IF NOT EXISTS hdr_db" });
            assert.equal((await http({ query: "SELECT currentDatabase()", database: "hdr_db" })).text, "hdr_db\n");
            const r = await http(
                { query: "SELECT currentDatabase()", database: "no_such_db" },
                { headers: { "X-ClickHouse-Database": "hdr_db" } },
            );
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
            const ok = await fetch(`${url()}/?query=SELECT%20currentUser()%20!=%20''`, {
                headers: { "X-ClickHouse-User": USER, "X-ClickHouse-Key": PASSWORD },
            });
            assert.equal(ok.status, 200);
            const attempts: Record<string, string>[] = [
                { "X-ClickHouse-User": USER, "X-ClickHouse-Key": "nope" },
                { "X-ClickHouse-User": "someone", "X-ClickHouse-Key": PASSWORD },
                { Authorization: "Basic " + Buffer.from(`${USER}:bad`).toString("base64") },
            ];
            for (const headers of attempts) {
                const r = await fetch(`${url()}/?query=SELECT%201`, { headers });
                assert.equal(r.status, 403);
                assert.equal(r.headers.get("x-clickhouse-exception-code"), "516");
                assert.match(await r.text(), /^Code: 516\. DB::Exception: .*Authentication failed/);
            }
            const none = await fetch(`${url()}/?query=SELECT%201`);
            assert.equal(none.status, 401);
            assert.equal(none.headers.get("x-clickhouse-exception-code"), "194");
        });
    });
});
