/**
 * Benchmark (not a test): the dbt project on the embedded ClickHouse engine (chdb gateway, real
 * dbt-core + dbt-clickhouse) against the floor of the same work.
 *
 *   1. silver + gold from N bronze events (default 1,000,000)  vs  one JSONExtract pass over them;
 *   2. an incremental run after 1% new events                  vs  the same pass over only those.
 *
 * Prints both ratios twice: by the models' own execution times as dbt reports them, and by the
 * wall time of the whole `dbt run` (Python start-up, project parse and connection included).
 * Targets: ≤ 2× and ≤ 3×. Results are recorded in docs/analytics.md.
 *
 *   npx tsx bench/dbt.ts [--events 1000000] [--increment-pct 1]
 */
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from "@clickhouse/client";
import { startChdbGateway } from "../scripts/chdb-gateway";
import { BRONZE_TABLES } from "../ecom_analytics/replay/bronzeFiles";
import { buildModels, createBronzeTables } from "../ecom_analytics/replay/index";
import { baselinePassSql } from "./dbt-baseline";
import { blockInserts, historyBlocks, incrementBlocks, shapeFor } from "./dbt-data";

const DATABASE = "bench";

function flag(name: string, fallback: number): number {
    const i = process.argv.indexOf(name);
    if (i < 0) return fallback;
    const v = Number(process.argv[i + 1]);
    if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} needs a positive number`);
    return v;
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
    const t0 = performance.now();
    const r = await f();
    return [r, (performance.now() - t0) / 1000];
}

/** Sums the per-model times dbt prints (`OK created sql … model … [OK in 1.23s]`). */
function modelSeconds(lines: string[]): { total: number; perModel: Record<string, number> } {
    const perModel: Record<string, number> = {};
    for (const l of lines) {
        const m = /OK created sql \w+ model `[^`]+`\.`(\w+)`.*\[\w+ in ([\d.]+)s\]/.exec(l);
        if (m) perModel[m[1]!] = Number(m[2]);
    }
    return { total: Object.values(perModel).reduce((a, b) => a + b, 0), perModel };
}

async function count(client: ClickHouseClient, sql: string): Promise<number> {
    const rs = await client.query({ query: sql, format: "JSONEachRow" });
    const [row] = await rs.json<{ c: string | number }>();
    return Number(row!.c);
}

/** Runs the pass over every bronze table (rows from the given offsets); returns seconds. */
async function baseline(client: ClickHouseClient, tag: string, fromOffsets: Record<string, number>): Promise<number> {
    let seconds = 0;
    for (const table of BRONZE_TABLES) {
        const target = `pass_${tag}_${table}`;
        await client.command({ query: `DROP TABLE IF EXISTS \`${DATABASE}\`.\`${target}\`` });
        const [, s] = await timed(() => client.command({ query: baselinePassSql(DATABASE, table, target, fromOffsets[table] ?? 0) }));
        seconds += s;
    }
    return seconds;
}

async function main(): Promise<void> {
    const events = flag("--events", 1_000_000);
    const pct = flag("--increment-pct", 1);
    const shape = shapeFor(events);
    const gw = await startChdbGateway();
    const client = createClient({ url: gw.url, username: gw.user, password: gw.password, request_timeout: 3_600_000, log: { level: ClickHouseLogLevel.ERROR } });
    const out = (s: string): void => void process.stdout.write(`${s}\n`);
    try {
        await createBronzeTables(client, DATABASE);
        const offsets: Record<string, number> = {};
        const [, genS] = await timed(async () => {
            for (const ins of blockInserts(DATABASE, historyBlocks(shape), shape, offsets)) await client.command({ query: ins.sql });
        });
        const bronzeRows = await count(client, `SELECT (SELECT count() FROM ${DATABASE}.mongo_ecom_customers) + (SELECT count() FROM ${DATABASE}.mongo_ecom_products) + (SELECT count() FROM ${DATABASE}.mongo_ecom_orders) AS c`);
        out(`bronze: ${bronzeRows} events generated in ${genS.toFixed(1)} s (documents: ${JSON.stringify(shape)})`);

        const passFull = Math.min(await baseline(client, "full_a", {}), await baseline(client, "full_b", {}));
        out(`floor  (JSONExtract pass over all ${bronzeRows} rows): ${passFull.toFixed(2)} s`);

        const log1: string[] = [];
        const [, wall1] = await timed(() => buildModels(gw, DATABASE, { command: "run", vars: { bronze_lookback_seconds: "0" }, log: (l) => log1.push(l) }));
        const m1 = modelSeconds(log1);
        out(`dbt run from scratch: models ${m1.total.toFixed(2)} s, wall ${wall1.toFixed(2)} s  ${JSON.stringify(m1.perModel)}`);

        const incOffsets = { ...offsets };
        const incEvents = Math.round((bronzeRows * pct) / 100);
        for (const ins of blockInserts(DATABASE, incrementBlocks(shape, incEvents), shape, offsets)) await client.command({ query: ins.sql });
        const newRows = await count(
            client,
            `SELECT ${BRONZE_TABLES.map((t) => `(SELECT count() FROM ${DATABASE}.${t} WHERE _offset >= ${incOffsets[t] ?? 0})`).join(" + ")} AS c`,
        );
        const passInc = Math.min(await baseline(client, "inc_a", incOffsets), await baseline(client, "inc_b", incOffsets));
        out(`increment: ${newRows} new events (${((100 * newRows) / bronzeRows).toFixed(2)}%); floor pass over them: ${passInc.toFixed(3)} s`);

        const log2: string[] = [];
        const [, wall2] = await timed(() => buildModels(gw, DATABASE, { command: "run", vars: { bronze_lookback_seconds: "0" }, log: (l) => log2.push(l) }));
        const m2 = modelSeconds(log2);
        const silver2 = ["base_customers", "base_products", "base_orders"].reduce((a, m) => a + (m2.perModel[m] ?? 0), 0);
        out(`dbt run incremental: models ${m2.total.toFixed(2)} s (silver ${silver2.toFixed(2)} s), wall ${wall2.toFixed(2)} s  ${JSON.stringify(m2.perModel)}`);

        out("");
        out(`from scratch  models/floor ${(m1.total / passFull).toFixed(2)}x   wall/floor ${(wall1 / passFull).toFixed(2)}x   (target <= 2x)`);
        out(`incremental   models/floor ${(m2.total / passInc).toFixed(2)}x   silver-only/floor ${(silver2 / passInc).toFixed(2)}x   wall/floor ${(wall2 / passInc).toFixed(2)}x   (target <= 3x)`);
    } finally {
        await client.close();
        await gw.stop();
    }
}

main().catch((e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
});
