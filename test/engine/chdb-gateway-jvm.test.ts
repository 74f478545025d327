/**
 * JVM-client conformance tier: the chdb gateway driven by the ClickHouse Java clients that the
 * ClickHouse Kafka Connect sink (the pinned release) ships — V1 `clickhouse-http-client` and
 * `client-v2` at the version the sink builds with — with their default settings, which include
 * `compress=1` (ClickHouse block-compressed responses), and once more with request compression
 * (`decompress=1`). The calls are the ones the sink makes at start and per batch (GatewayProbe.java):
 * ping, server version, the system.columns table count, DESCRIBE with subcolumns, an INSERT in
 * RowBinaryWithDefaults into a bronze table, a read-back and a failing query. Needs java + javac 11+
 * and the jars (Maven Central, cached; scripts/warm-caches.sh); SKIPPED with the reason otherwise,
 * a failure under CI=true.
 */
import * as assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startChdbGateway, type ChdbGateway } from "../../tools/chdb-gateway";
import { cityHash128 } from "../../tools/chdb-gateway/cityhash";
import { BRONZE_COLUMNS, bronzeTableDdl, createDatabaseDdl } from "../../components/providers/bronzeTables/ddl";
import {
    clickhouseJavaProblem,
    ensureGatewayProbe,
    runGatewayProbe,
    type ProbeResult,
    type ProbeRow,
} from "../support/clickhouse-java";
import { requireTier } from "../support/tier";

const USER = "sink_user";
const PASSWORD = "sink-pass-7";
const DB = "bronze_jvm";

let gw: ChdbGateway | undefined;
let classPath: string | undefined;
let problem: string | undefined;

async function sql(query: string): Promise<string> {
    const r = await fetch(`${gw!.url}/`, {
        method: "POST",
        body: query,
        headers: { "X-ClickHouse-User": USER, "X-ClickHouse-Key": PASSWORD },
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${query}: ${text}`);
    return text;
}

/** Rows of every shape the sink writes: key present, key null, key left to its DEFAULT; over 1 MiB in all. */
function rows(n: number): ProbeRow[] {
    return Array.from({ length: n }, (_, i) => {
        const row: ProbeRow = {
            raw_data: JSON.stringify({ i, s: `ünïcödé ✓ tab\there\nline ${i}`, pad: "x".repeat(400 + (i % 300)) }),
            _topic: `cdc.shop.orders${i % 2}`,
            _partition: i % 3,
            _offset: 1_000_000_000_000 + i,
        };
        if (i % 5 === 1) row._key = null;
        else if (i % 5 !== 0) row._key = `{"_id":"k-${i}"}`;
        return row;
    });
}

const HASH_LENGTHS = [...Array.from({ length: 300 }, (_, i) => i), 511, 512, 1000, 4097, 70_003];

describe("chdb gateway with the Kafka Connect sink's ClickHouse Java clients", () => {
    before(async () => {
        problem = await clickhouseJavaProblem();
        if (problem !== undefined) return;
        classPath = await ensureGatewayProbe();
        gw = await startChdbGateway({ user: USER, password: PASSWORD });
        await sql(createDatabaseDdl(DB));
    });
    after(async () => {
        await gw?.stop();
    });

    const results = new Map<string, ProbeResult>();
    for (const client of ["v1", "v2"] as const) {
        for (const compressRequest of [false, true]) {
            const name = `${client}${compressRequest ? " with decompress=1 requests" : " (defaults: compress=1)"}`;
            it(`${name}: ping, version, system.columns, DESCRIBE, RowBinaryWithDefaults insert, read-back, errors`, async (t) => {
                if (!requireTier(t, "jvm-clients", problem)) return;
                const table = `orders_${client}_${compressRequest ? "dz" : "z"}`;
                await sql(bronzeTableDdl(DB, table));
                const want = rows(2000);
                const startedMs = Date.now();
                const { result: r, stderr } = await runGatewayProbe(classPath!, {
                    client,
                    url: `${gw!.url}/${DB}`,
                    user: USER,
                    password: PASSWORD,
                    database: DB,
                    table,
                    compressRequest,
                    rows: want,
                    hashLengths: results.size === 0 ? HASH_LENGTHS : [],
                });
                results.set(name, r);
                assert.equal(r.exception, undefined, `${r.exception}\n${stderr.slice(-3000)}`);
                assert.equal(r.ping, true);
                assert.equal(r.version, (await sql("SELECT version()")).trim());
                assert.deepEqual(
                    r.tables?.find((x) => x.table === table),
                    { database: DB, table, col_count: BRONZE_COLUMNS.length },
                );
                const top = r.describe!.filter((c) => !c.is_subcolumn);
                assert.deepEqual(
                    top.map((c) => [c.name, c.type, c.default_expression]),
                    BRONZE_COLUMNS.map((c) => [c.name, c.type, c.defaultExpression ?? ""]),
                );
                assert.ok(
                    r.describe!.some((c) => c.is_subcolumn),
                    "describe_include_subcolumns reached the engine",
                );
                assert.equal(r.written_rows, want.length);
                // what the client reads back through compress=1 responses
                assert.equal(r.readback!.length, want.length);
                r.readback!.forEach(([raw, topic, partition, offset, key, ingestedMs], i) => {
                    assert.deepEqual(
                        [raw, topic, partition, offset, key],
                        [want[i].raw_data, want[i]._topic, want[i]._partition, want[i]._offset, want[i]._key ?? null],
                    );
                    assert.ok(
                        ingestedMs >= startedMs - 60_000 && ingestedMs <= Date.now() + 60_000,
                        `_ingested_at DEFAULT now64(3) applied (${ingestedMs})`,
                    );
                });
                // what is in the table, byte for byte, read without the Java client
                const stored = (
                    await sql(
                        `SELECT hex(raw_data), _key IS NULL, hex(ifNull(_key, '')) FROM ${DB}.${table} ORDER BY _offset FORMAT TabSeparated`,
                    )
                )
                    .trim()
                    .split("\n");
                stored.forEach((line, i) => {
                    const [rawHex, keyNull, keyHex] = line.split("\t");
                    assert.equal(rawHex, Buffer.from(want[i].raw_data, "utf8").toString("hex").toUpperCase());
                    assert.equal(keyNull === "1", want[i]._key == null);
                    assert.equal(
                        keyHex,
                        Buffer.from(want[i]._key ?? "", "utf8")
                            .toString("hex")
                            .toUpperCase(),
                    );
                });
                assert.equal(r.error_code, 60, r.error_message);
                assert.match(r.error_message ?? "", /no_such_table_for_probe/);
            });
        }
    }

    it("computes CityHash128 exactly as clickhouse-java does, for every length class", (t) => {
        if (!requireTier(t, "jvm-clients", problem)) return;
        const first = [...results.values()][0];
        assert.ok(first, "the first client run produced the reference hashes");
        assert.equal(first.cityhash.length, HASH_LENGTHS.length);
        for (const [n, low, high] of first.cityhash) {
            const data = Buffer.alloc(n);
            for (let i = 0; i < n; i++) data[i] = (i * 131 + n * 7 + 13) & 0xff;
            const [l, h] = cityHash128(data);
            assert.deepEqual(
                [l.toString(16).padStart(16, "0"), h.toString(16).padStart(16, "0")],
                [low, high],
                `length ${n}`,
            );
        }
    });
});
