/**
 * Benchmark (not a test): the dbt project on the embedded ClickHouse engine (chdb gateway, real
 * dbt-core + dbt-clickhouse) against the floor of the same work.
 *
 *   1. silver + gold from N bronze events (default 1,000,000)  vs  one JSONExtract pass over them;
 *   2. an incremental run after 1% new events                  vs  the same pass over only those,
 *      repeated for `--rounds` successive increments (default 3); the ratios use the medians.
 *
 * Prints both ratios twice: by the models' own execution times as dbt reports them, and by the
 * wall time of the whole `dbt run` (Python start-up, project parse and connection included).
 * Targets: ≤ 2× and ≤ 3×. Results are recorded in docs/analytics.md.
 *
 *   npx tsx bench/dbt.ts [--events 1000000] [--increment-pct 1] [--rounds 3]
 */
import { type ClickHouseClient } from "@clickhouse/client";
import { BRONZE_TABLES } from "../tools/analytics/replay/bronzeFiles";
import { buildModels, createBronzeTables } from "../tools/analytics/replay/index";
import { timeBaselinePass } from "./dbt-baseline";
import { blockInserts, historyBlocks, incrementBlocks, shapeFor } from "./dbt-data";
import { flag, median, modelSeconds, timed } from "./stats";
import { runBench, startBenchEngine } from "./engine";

const DATABASE = "bench";

async function count(client: ClickHouseClient, sql: string): Promise<number> {
    const rs = await client.query({ query: sql, format: "JSONEachRow" });
    const [row] = await rs.json<{ c: string | number }>();
    return Number(row!.c);
}

async function main(): Promise<void> {
    const events = flag("--events", 1_000_000);
    const pct = flag("--increment-pct", 1);
    const roundsWanted = flag("--rounds", 3);
    const shape = shapeFor(events);
    const { gw, client, stop } = await startBenchEngine();
    const out = (s: string): void => void process.stdout.write(`${s}\n`);
    try {
        await createBronzeTables(client, DATABASE);
        const offsets: Record<string, number> = {};
        const [, genS] = await timed(async () => {
            for (const ins of blockInserts(DATABASE, historyBlocks(shape), shape, offsets))
                await client.command({ query: ins.sql });
        });
        const bronzeRows = await count(
            client,
            `SELECT (SELECT count() FROM ${DATABASE}.mongo_ecom_customers) + (SELECT count() FROM ${DATABASE}.mongo_ecom_products) + (SELECT count() FROM ${DATABASE}.mongo_ecom_orders) AS c`,
        );
        out(`bronze: ${bronzeRows} events generated in ${genS.toFixed(1)} s (documents: ${JSON.stringify(shape)})`);

        const passFull = Math.min(
            await timeBaselinePass(client, DATABASE, "full_a", {}),
            await timeBaselinePass(client, DATABASE, "full_b", {}),
        );
        out(`floor  (JSONExtract pass over all ${bronzeRows} rows): ${passFull.toFixed(2)} s`);

        const log1: string[] = [];
        const [, wall1] = await timed(() => buildModels(gw, DATABASE, { command: "run", log: (l) => log1.push(l) }));
        const m1 = modelSeconds(log1);
        out(
            `dbt run from scratch: models ${m1.total.toFixed(2)} s, wall ${wall1.toFixed(2)} s  ${JSON.stringify(m1.perModel)}`,
        );

        // The increment is measured `rounds` times in a row (each round new events, then the floor
        // pass over exactly them, then `dbt run`); the ratios use the medians, since the machine is
        // shared and single runs vary by ±30%.
        const incEvents = Math.round((bronzeRows * pct) / 100);
        const rounds: { newRows: number; floor: number; models: number; silver: number; wall: number }[] = [];
        for (let r = 0; r < roundsWanted; r++) {
            const incOffsets = { ...offsets };
            for (const ins of blockInserts(DATABASE, incrementBlocks(shape, incEvents, r), shape, offsets))
                await client.command({ query: ins.sql });
            const newRows = await count(
                client,
                `SELECT ${BRONZE_TABLES.map((t) => `(SELECT count() FROM ${DATABASE}.${t} WHERE _offset >= ${incOffsets[t] ?? 0})`).join(" + ")} AS c`,
            );
            const floor = Math.min(
                await timeBaselinePass(client, DATABASE, `inc${r}_a`, incOffsets),
                await timeBaselinePass(client, DATABASE, `inc${r}_b`, incOffsets),
            );
            const log2: string[] = [];
            const [, wall] = await timed(() => buildModels(gw, DATABASE, { command: "run", log: (l) => log2.push(l) }));
            const m2 = modelSeconds(log2);
            const silver = ["base_customers", "base_products", "base_orders"].reduce(
                (a, m) => a + (m2.perModel[m] ?? 0),
                0,
            );
            rounds.push({ newRows, floor, models: m2.total, silver, wall });
            out(
                `increment ${r + 1}: ${newRows} new events (${((100 * newRows) / bronzeRows).toFixed(2)}%); floor ${floor.toFixed(3)} s; dbt run: models ${m2.total.toFixed(2)} s (silver ${silver.toFixed(2)} s), wall ${wall.toFixed(2)} s  ${JSON.stringify(m2.perModel)}`,
            );
        }
        const med = (f: (x: (typeof rounds)[number]) => number): number => median(rounds.map(f));
        const [floorInc, modelsInc, silverInc, wallInc] = [
            med((x) => x.floor),
            med((x) => x.models),
            med((x) => x.silver),
            med((x) => x.wall),
        ];

        out("");
        out(
            `from scratch  models/floor ${(m1.total / passFull).toFixed(2)}x   wall/floor ${(wall1 / passFull).toFixed(2)}x   (target <= 2x)`,
        );
        out(
            `incremental (medians of ${rounds.length}: floor ${floorInc.toFixed(3)} s, models ${modelsInc.toFixed(2)} s, silver ${silverInc.toFixed(2)} s, wall ${wallInc.toFixed(2)} s)\n` +
                `              models/floor ${(modelsInc / floorInc).toFixed(2)}x   silver-only/floor ${(silverInc / floorInc).toFixed(2)}x   wall/floor ${(wallInc / floorInc).toFixed(2)}x   (target <= 3x)`,
        );
    } finally {
        await stop();
    }
}

runBench(main);
