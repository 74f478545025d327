/**
 * The chdb gateway's `GET /metrics`: the embedded engine's counters in Prometheus text, under
 * clickhouse-server's prometheus-handler names (ClickHouseProfileEvents_*, ClickHouseMetrics_*,
 * ClickHouseAsyncMetrics_*, ClickHouseErrorMetric_*), so the monitoring's queries and alerts read
 * the gateway as they read a server. Run through promtool's exposition checker when it is built.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { gatewayForSuite } from "../support/gateway-http";
import { prometheusBinPath, prometheusBuilt } from "../support/prometheus";

interface Family {
    type?: string;
    help?: string;
    samples: number[];
}

/** The text format's families, by name; throws on a line it cannot read. */
function parseExposition(text: string): Map<string, Family> {
    const families = new Map<string, Family>();
    const family = (name: string): Family => {
        let f = families.get(name);
        if (!f) families.set(name, (f = { samples: [] }));
        return f;
    };
    for (const line of text.split("\n")) {
        if (line === "") continue;
        let m = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) ?(.*)$/.exec(line);
        if (m) {
            const f = family(m[2]);
            if (m[1] === "HELP") f.help = m[3];
            else f.type = m[3];
            continue;
        }
        m = /^([a-zA-Z_:][a-zA-Z0-9_:]*) (\S+)$/.exec(line);
        assert.ok(m, `not a text-format line: ${JSON.stringify(line)}`);
        const value = Number(m[2]);
        assert.ok(!Number.isNaN(value), `not a number in ${JSON.stringify(line)}`);
        family(m[1]).samples.push(value);
    }
    return families;
}

describe("chdb gateway /metrics", () => {
    const { url, http } = gatewayForSuite();

    const scrape = async (): Promise<{ text: string; families: Map<string, Family>; contentType: string }> => {
        // No credentials: clickhouse-server's prometheus handler asks for none.
        const r = await fetch(`${url()}/metrics`);
        const text = await r.text();
        assert.equal(r.status, 200, text);
        return { text, families: parseExposition(text), contentType: r.headers.get("content-type") ?? "" };
    };
    const value = (families: Map<string, Family>, name: string): number => {
        const f = families.get(name);
        assert.ok(f, `${name} is not served`);
        assert.equal(f.samples.length, 1, `${name}: one sample`);
        return f.samples[0];
    };

    it("serves every family once, typed and documented, with valid names and no credentials", async () => {
        const { text, families, contentType } = await scrape();
        assert.match(contentType, /^text\/plain; version=0\.0\.4/);
        const prefixes = ["ClickHouseProfileEvents_", "ClickHouseMetrics_", "ClickHouseAsyncMetrics_"];
        for (const p of prefixes) {
            assert.ok(
                [...families.keys()].some((n) => n.startsWith(p)),
                `no ${p}* family`,
            );
        }
        for (const [name, f] of families) {
            assert.equal(f.samples.length, 1, `${name} has one sample`);
            assert.ok(f.help !== undefined, `${name} has HELP`);
            const expected = name.startsWith("ClickHouseProfileEvents_") || name.startsWith("ClickHouseErrorMetric_");
            assert.equal(f.type, expected ? "counter" : "gauge", `${name}'s TYPE`);
        }
        // zero events are served too, as the server does (system.events alone hides them)
        assert.equal(value(families, "ClickHouseProfileEvents_RejectedInserts"), 0);
        assert.ok(value(families, "ClickHouseMetrics_Query") >= 0);
        assert.ok(text.endsWith("\n"));
    });

    it("counts inserted rows, insert queries and failed inserts as they happen", async () => {
        await http({}, { body: "CREATE TABLE m_rows (id UInt32) ENGINE = MergeTree ORDER BY id" });
        const before = (await scrape()).families;
        const ok = await http({ query: "INSERT INTO m_rows FORMAT TabSeparated" }, { body: "1\n2\n3\n" });
        assert.equal(ok.status, 200, ok.text);
        const bad = await http({ query: "INSERT INTO m_rows FORMAT TabSeparated" }, { body: "not-a-number\n" });
        assert.notEqual(bad.status, 200);
        const after = (await scrape()).families;
        const delta = (n: string): number => value(after, n) - value(before, n);
        assert.ok(delta("ClickHouseProfileEvents_InsertedRows") >= 3, "InsertedRows grew by the 3 rows");
        assert.ok(delta("ClickHouseProfileEvents_InsertQuery") >= 2, "both INSERTs counted");
        assert.ok(delta("ClickHouseProfileEvents_FailedInsertQuery") >= 1, "the bad INSERT counted as failed");
        assert.ok(delta("ClickHouseErrorMetric_ALL") >= 1, "the error counted");
        const code = bad.headers.get("x-clickhouse-exception-code");
        const named = [...after.keys()].filter(
            (n) => n.startsWith("ClickHouseErrorMetric_") && n !== "ClickHouseErrorMetric_ALL",
        );
        assert.ok(named.length > 0, `the failed insert (code ${code}) shows under its error name`);
    });

    it("computes MaxPartCountForPartition from the active parts, as the server's asynchronous metric", async () => {
        await http({}, { body: "CREATE TABLE m_parts (id UInt32) ENGINE = MergeTree ORDER BY id" });
        await http({}, { body: "SYSTEM STOP MERGES m_parts" });
        const insert = async (i: number): Promise<void> => {
            const r = await http(
                { query: "INSERT INTO m_parts FORMAT TabSeparated", async_insert: "0" },
                { body: `${i}\n` },
            );
            assert.equal(r.status, 200, r.text);
        };
        for (let i = 0; i < 6; i++) await insert(i);
        const six = value((await scrape()).families, "ClickHouseAsyncMetrics_MaxPartCountForPartition");
        assert.ok(six >= 6, `six unmerged parts in one partition, served ${six}`);
        await insert(6);
        const seven = value((await scrape()).families, "ClickHouseAsyncMetrics_MaxPartCountForPartition");
        assert.equal(seven, Math.max(six, 7), "one more part");
        assert.ok(value((await scrape()).families, "ClickHouseAsyncMetrics_TotalPartsOfMergeTreeTables") >= 7);
    });

    it("is valid exposition text to promtool check metrics", async (t) => {
        if (!prometheusBuilt()) {
            t.skip("promtool is not built (scripts/warm-caches.sh); the parse above still checks the format");
            return;
        }
        const { text } = await scrape();
        const out = await new Promise<{ code: number; output: string }>((resolve) => {
            const child = execFile(prometheusBinPath("promtool"), ["check", "metrics"], (err, stdout, stderr) =>
                resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, output: stdout + stderr }),
            );
            child.stdin?.end(text);
        });
        // promtool exits 3 for lint findings only (ClickHouse's counter names lack `_total`, as on a server);
        // a parse error exits 1.
        assert.ok(out.code === 0 || out.code === 3, `promtool check metrics: ${out.output.slice(0, 2000)}`);
        assert.doesNotMatch(out.output, /error while linting|text format parsing error/i);
    });
});
