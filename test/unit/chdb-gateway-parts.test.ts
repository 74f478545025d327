/**
 * The pure parts of the chdb gateway: statement scanning, the LZ4 frame decoder, multipart
 * forms, and ClickHouse-style error rendering. (The gateway as a whole, over HTTP, is tested in
 * test/engine/chdb-gateway*.test.ts.)
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeBody, lz4FrameDecode, pickResponseEncoding } from "../../tools/chdb-gateway/compression";
import { GatewayError, httpStatusFor, renderError } from "../../tools/chdb-gateway/errors";
import { parseMultipart } from "../../tools/chdb-gateway/multipart";
import { scanStatement } from "../../tools/chdb-gateway/sql-scan";

const scan = (s: string | Buffer) => scanStatement(Buffer.isBuffer(s) ? s : Buffer.from(s));

describe("chdb gateway scanStatement", () => {
    it("finds the data of INSERT ... FORMAT after one line break, keeping binary bytes", () => {
        const data = Buffer.from([0x0a, 0x00, 0xff, 0x20]);
        const buf = Buffer.concat([
            Buffer.from("INSERT INTO db.t (a, `format`) SETTINGS x=1 FORMAT RowBinary\n"),
            data,
        ]);
        const info = scan(buf);
        assert.equal(info.kind, "INSERT");
        assert.equal(info.insert?.format, "RowBinary");
        assert.equal(info.insert?.head, "INSERT INTO db.t (a, `format`) SETTINGS x=1 FORMAT RowBinary");
        assert.deepEqual(buf.subarray(info.insert!.dataOffset), data);
    });

    it("skips spaces before the line break but keeps data that starts on the same line", () => {
        const info = scan('insert into t format JSONEachRow   {"a":1}');
        assert.equal(info.insert?.format, "JSONEachRow");
        assert.equal('insert into t format JSONEachRow   {"a":1}'.slice(info.insert!.dataOffset), '{"a":1}');
    });

    it("leaves INSERT ... VALUES and INSERT ... SELECT whole", () => {
        assert.equal(scan("INSERT INTO t VALUES (1, 'FORMAT x')").insert, undefined);
        assert.equal(scan("INSERT INTO t SELECT * FROM s FORMAT Native").insert, undefined);
    });

    it("reads the last top-level FORMAT of a query, not one in strings, comments or subqueries", () => {
        assert.equal(scan("SELECT 'FORMAT CSV' AS f -- FORMAT TSV\n FORMAT JSONEachRow").outputFormat, "JSONEachRow");
        assert.equal(scan("SELECT * FROM (SELECT 1 FORMAT CSV)").outputFormat, undefined);
        assert.equal(scan("/* FORMAT XML */ SELECT 1").outputFormat, undefined);
        assert.equal(
            scan("WITH x AS (SELECT 1) SELECT * FROM x FORMAT Native SETTINGS max_threads = 1").outputFormat,
            "Native",
        );
    });

    it("names the statement kind and the database of USE", () => {
        assert.equal(scan("  -- hi\n  select 1").kind, "SELECT");
        assert.equal(scan("").kind, "");
        assert.equal(scan("USE `my db`").useDatabase, "my db");
    });

    it("flags a second statement after a top-level semicolon, not a trailing one", () => {
        assert.equal(scan("SELECT 1;").secondStatementAt, undefined);
        assert.equal(scan("SELECT ';' ; -- done").secondStatementAt, undefined);
        assert.equal(scan("SELECT 1; SELECT 2").secondStatementAt, 10);
    });
});

describe("chdb gateway LZ4 frames", () => {
    // Frame: magic, FLG (v01, independent blocks), BD, header checksum; one compressed block
    // "ab" + match(offset 2, length 10) + last literals "!"; end mark.
    const block = [0x26, 0x61, 0x62, 0x02, 0x00, 0x10, 0x21];
    const frame = Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x82, block.length, 0, 0, 0, ...block, 0, 0, 0, 0]);

    it("decodes a compressed block with an overlapping back-reference", () => {
        assert.equal(lz4FrameDecode(frame).toString(), "abababababab!");
    });

    it("decodes uncompressed blocks and concatenated frames", () => {
        const raw = Buffer.from([
            0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x82, 3, 0, 0, 0x80, 0x78, 0x79, 0x7a, 0, 0, 0, 0,
        ]);
        assert.equal(lz4FrameDecode(Buffer.concat([frame, raw])).toString(), "abababababab!xyz");
    });

    it("refuses data that is not an LZ4 frame, as a ClickHouse error", () => {
        assert.throws(
            () => decodeBody(Buffer.from("plain text"), "lz4"),
            (e: unknown) => e instanceof GatewayError && e.code === 271,
        );
        assert.throws(
            () => decodeBody(Buffer.from("x"), "zstd"),
            (e: unknown) => e instanceof GatewayError && e.code === 89,
        );
    });

    it("picks the first response encoding it can produce, in the client's order", () => {
        assert.equal(pickResponseEncoding("lz4,zstd,br,gzip,deflate"), "br");
        assert.equal(pickResponseEncoding("lz4, gzip;q=1"), "gzip");
        assert.equal(pickResponseEncoding("zstd"), undefined);
    });
});

describe("chdb gateway multipart", () => {
    it("splits fields and keeps file parts apart", () => {
        const body = Buffer.from(
            '--XX\r\nContent-Disposition: form-data; name="query"\r\n\r\nSELECT {v:String}\r\n' +
                '--XX\r\nContent-Disposition: form-data; name="t"; filename="t.tsv"\r\n\r\n1\t2\r\n--XX--\r\n',
        );
        const parts = parseMultipart(body, "multipart/form-data; boundary=XX");
        assert.deepEqual(
            parts.map((p) => [p.name, p.filename, p.data.toString()]),
            [
                ["query", undefined, "SELECT {v:String}"],
                ["t", "t.tsv", "1\t2"],
            ],
        );
    });
});

describe("chdb gateway errors", () => {
    const names = new Map([
        [60, "UNKNOWN_TABLE"],
        [62, "SYNTAX_ERROR"],
        [108, "NO_DATA_TO_INSERT"],
        [516, "AUTHENTICATION_FAILED"],
        [194, "REQUIRED_PASSWORD"],
    ]);

    it("maps codes to ClickHouse's HTTP statuses", () => {
        assert.equal(httpStatusFor(60, names), 404);
        assert.equal(httpStatusFor(62, names), 400);
        assert.equal(httpStatusFor(516, names), 403);
        assert.equal(httpStatusFor(194, names), 401);
        assert.equal(httpStatusFor(108, names), 500);
        assert.equal(httpStatusFor(99999, names), 500);
    });

    it("renders one Code prefix, one name and a version trailer", () => {
        const nested = new Error(
            "Code: 108. DB::Exception: Code: 108. DB::Exception: No data to insert. (NO_DATA_TO_INSERT) (version 26.7.2.1). (NO_DATA_TO_INSERT)",
        );
        assert.deepEqual(renderError(nested, "26.7.2.1", names), {
            code: 108,
            body: "Code: 108. DB::Exception: No data to insert. (NO_DATA_TO_INSERT) (version 26.7.2.1)\n",
        });
        assert.deepEqual(renderError(new GatewayError(62, "Empty query"), "1.2", names), {
            code: 62,
            body: "Code: 62. DB::Exception: Empty query (SYNTAX_ERROR) (version 1.2)\n",
        });
    });
});
