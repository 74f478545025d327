/**
 * Benchmark (not a test) of what schema_drift adds to every bronze INSERT (docs/analytics.md "Schema evolution"):
 * the same synthetic history (bench/dbt-data.ts) is inserted, batch by batch and in rotating order, into three
 * databases on the embedded engine: bronze with only the drift_* models deployed (their insert-time views), bronze
 * with only silver's storage (base_*, order_index), and plain bronze. The extra time of each over plain bronze is
 * its insert cost; the drift's is also given relative to silver's and to one JSONExtract pass over the rows.
 *
 *   npx tsx bench/drift-cost.ts [--events 200000] [--batch 10000]
 */
import * as os from "node:os";
import { BRONZE_TABLES } from "../tools/analytics/replay/bronzeFiles";
import { createBronze, deployModels } from "../tools/analytics/deploy";
import { timeBaselinePass } from "./dbt-baseline";
import { blockInserts, historyBlocks, shapeFor } from "./dbt-data";
import { bronzeBatches } from "./live-data";
import { flag, timed } from "./stats";
import { runBench, startBenchEngine } from "./engine";

const SRC = "bench_src";
const DRIFT = "bench_drift"; // bronze + drift_* only
const SILVER = "bench_silver"; // bronze + base_* and order_index only
const PLAIN = "bench_plain";
const out = (s: string): void => void process.stdout.write(`${s}\n`);

async function main(): Promise<void> {
    const events = flag("--events", 200_000);
    const batch = flag("--batch", 10_000);
    const { gw, client, stop } = await startBenchEngine();
    const ch = (database: string) => ({ url: gw.url, user: gw.user, password: gw.password, database });
    try {
        out(
            `machine: ${os.cpus().length} cores, load avg ${os
                .loadavg()
                .map((x) => x.toFixed(1))
                .join(" ")}`,
        );
        const shape = shapeFor(events);
        await createBronze(client, SRC);
        for (const ins of blockInserts(SRC, historyBlocks(shape), shape, {})) await client.command({ query: ins.sql });
        for (const db of [DRIFT, SILVER, PLAIN]) await createBronze(client, db);
        const vars = { gold_refresh_seconds: "3600" };
        await deployModels(ch(DRIFT), {
            command: "run",
            extraVars: vars,
            select: ["drift_customers", "drift_products", "drift_orders"],
        });
        await deployModels(ch(SILVER), {
            command: "run",
            extraVars: vars,
            select: ["base_customers", "base_products", "base_orders", "order_index"],
        });
        const time: Record<string, number> = { [DRIFT]: 0, [SILVER]: 0, [PLAIN]: 0 };
        let rows = 0;
        let inserts = 0;
        for (const table of BRONZE_TABLES) {
            for await (const values of bronzeBatches(client, SRC, table, 0, Number.MAX_SAFE_INTEGER, batch)) {
                const order = [DRIFT, SILVER, PLAIN];
                for (let i = 0; i < inserts % 3; i++) order.push(order.shift()!);
                for (const db of order) {
                    const [, s] = await timed(() =>
                        client.insert({ table: `${db}.${table}`, values, format: "JSONEachRow" }),
                    );
                    time[db]! += s;
                }
                rows += values.length;
                inserts++;
            }
        }
        const pass = Math.min(await timeBaselinePass(client, PLAIN, "a"), await timeBaselinePass(client, PLAIN, "b"));
        const drift = time[DRIFT]! - time[PLAIN]!;
        const silver = time[SILVER]! - time[PLAIN]!;
        out(`${rows} rows in ${inserts} INSERTs of ${batch} rows each into each database:`);
        out(`  plain bronze            ${time[PLAIN]!.toFixed(2)} s (${Math.round(rows / time[PLAIN]!)} rows/s)`);
        out(`  bronze + drift_* views  ${time[DRIFT]!.toFixed(2)} s: +${drift.toFixed(2)} s`);
        out(`  bronze + silver views   ${time[SILVER]!.toFixed(2)} s: +${silver.toFixed(2)} s`);
        out(`  one JSONExtract pass    ${pass.toFixed(2)} s`);
        out(
            `drift's extra insert time: ${(drift / silver).toFixed(2)}x silver's, ${(drift / pass).toFixed(2)}x a ` +
                `JSONExtract pass, ${((1000 * drift) / inserts).toFixed(0)} ms per INSERT`,
        );
    } finally {
        await stop();
    }
}

runBench(main);
