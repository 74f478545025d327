/**
 * Silver's insert-time cost for orders, one-view (dbt var silver_fast_path=false) vs two-path
 * (macros/silver_paths.sql), against one JSONExtract pass (bench/dbt-baseline.ts), interleaved on
 * the same bronze rows so that the load of a shared machine hits every variant alike:
 *   npx tsx bench/silver-paths.ts [--events 100000] [--rounds 2]
 * Each batch (10k, then 1k rows) goes into three databases in rotating order: bronze alone, bronze
 * with base_orders_positions + base_orders one-view, and with them two-path. Silver cost = insert
 * time minus the plain insert's; printed per variant as seconds and as a ratio to the pass.
 */
import * as os from "node:os";
import { createBronze, deployModels } from "../tools/analytics/deploy";
import { timeBaselinePass } from "./dbt-baseline";
import { blockInserts, historyBlocks, shapeFor } from "./dbt-data";
import { bronzeBatches } from "./live-data";
import { flag, timed } from "./stats";
import { runBench, startBenchEngine } from "./engine";

const TABLE = "mongo_ecom_orders";
const SRC = "sp_src";
const PLAIN = "sp_plain";
const VARIANTS = { sp_one_view: "false", sp_two_path: "true" } as const;
const out = (s: string): void => void process.stdout.write(`${s}\n`);

async function main(): Promise<void> {
    const events = flag("--events", 100_000);
    const rounds = flag("--rounds", 2);
    const { gw, client, stop } = await startBenchEngine();
    try {
        const shape = shapeFor(events / 0.8); // orders are ~80% of the generated events
        await createBronze(client, SRC);
        for (const ins of blockInserts(SRC, historyBlocks(shape), shape, {}))
            if (ins.table === TABLE) await client.command({ query: ins.sql });
        const dbs = [PLAIN, ...Object.keys(VARIANTS)];
        const insertS: Record<string, Record<string, number>> = { "10k": {}, "1k": {} };
        const passS: Record<string, number> = { "10k": Infinity, "1k": Infinity };
        let rows = 0;
        for (let r = 0; r < rounds; r++) {
            for (const [name, batch] of [
                ["10k", 10_000],
                ["1k", 1_000],
            ] as const) {
                for (const db of dbs) await createBronze(client, db);
                for (const [db, fast] of Object.entries(VARIANTS))
                    await deployModels(
                        { url: gw.url, user: gw.user, password: gw.password, database: db },
                        {
                            command: "run",
                            select: ["base_orders_positions", "base_orders"],
                            extraVars: { silver_fast_path: fast },
                        },
                    );
                let i = 0;
                rows = 0;
                for await (const values of bronzeBatches(client, SRC, TABLE, 0, events, batch)) {
                    const order = dbs.map((_, k) => dbs[(i + k) % dbs.length]!);
                    for (const db of order) {
                        const [, s] = await timed(() =>
                            client.insert({ table: `${db}.${TABLE}`, values, format: "JSONEachRow" }),
                        );
                        insertS[name]![db] = (insertS[name]![db] ?? 0) + s;
                    }
                    rows += values.length;
                    i++;
                }
                passS[name] = Math.min(passS[name]!, await timeBaselinePass(client, PLAIN, `${name}_${r}`));
            }
        }
        out(
            `machine: ${os.cpus().length} cores, load avg ${os
                .loadavg()
                .map((x) => x.toFixed(1))
                .join(" ")}`,
        );
        for (const name of ["10k", "1k"]) {
            const t = insertS[name]!;
            const pass = passS[name]! * rounds; // inserts are summed over the rounds
            const cost = (db: string): number => t[db]! - t[PLAIN]!;
            out(
                `${name}-row batches, ${rows} orders rows × ${rounds} rounds: plain ${t[PLAIN]!.toFixed(2)} s, pass ${pass.toFixed(2)} s; ` +
                    Object.keys(VARIANTS)
                        .map(
                            (db) => `${db} silver ${cost(db).toFixed(2)} s = ${(cost(db) / pass).toFixed(2)}× the pass`,
                        )
                        .join("; ") +
                    `; two-path/one-view ${(cost("sp_two_path") / cost("sp_one_view")).toFixed(2)}`,
            );
        }
    } finally {
        await stop();
    }
}

runBench(main);
