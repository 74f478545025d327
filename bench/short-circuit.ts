/**
 * Benchmark (not a test): does `short_circuit_function_evaluation` reach silver at INSERT time, and
 * what does it cost? On the embedded engine (chdb gateway), with the dbt models deployed as the
 * stack does into three databases and plain bronze in a fourth, the same sink-sized batches go into
 * all four, the order rotating batch by batch (interleaved: the machine's noise hits every variant
 * alike). The gateway adds no INSERT settings of its own here (`insertSettings: {}`); each INSERT
 * into a database with the models passes none (the engine's default, `enable`: what the view's
 * `SETTINGS` clause alone gives), `enable` or `disable` as the INSERT's own setting. Were the
 * clause what counts, all three would cost the same. Prints, per bronze table, silver's extra
 * seconds (INSERT with the models minus plain) for each and their ratio to one JSONExtract pass.
 *
 *   npx tsx bench/short-circuit.ts [--events 100000] [--batch 10000]
 */
import { BRONZE_TABLES } from "../tools/analytics/replay/bronzeFiles";
import { createBronze, deployModels } from "../tools/analytics/deploy";
import { timeBaselinePass } from "./dbt-baseline";
import { blockInserts, historyBlocks, shapeFor } from "./dbt-data";
import { bronzeBatches, setRefreshes, viewRefreshes } from "./live-data";
import { flag, timed } from "./stats";
import { runBench, startBenchEngine } from "./engine";

const SRC = "sc_src";
const PLAIN = "sc_plain";
const VARIANTS = [
    { db: "sc_none", value: undefined },
    { db: "sc_enable", value: "enable" },
    { db: "sc_disable", value: "disable" },
] as const;
const out = (s: string): void => void process.stdout.write(`${s}\n`);

async function main(): Promise<void> {
    const events = flag("--events", 100_000);
    const batch = flag("--batch", 10_000);
    const { gw, client, stop } = await startBenchEngine({ insertSettings: {} });
    try {
        const shape = shapeFor(events);
        await createBronze(client, SRC);
        const offsets: Record<string, number> = {};
        for (const ins of blockInserts(SRC, historyBlocks(shape), shape, offsets))
            await client.command({ query: ins.sql });
        await createBronze(client, PLAIN);
        for (const { db } of VARIANTS) {
            await createBronze(client, db);
            await deployModels({ url: gw.url, user: gw.user, password: gw.password, database: db });
            await setRefreshes(
                client,
                db,
                (await viewRefreshes(client, db)).map((v) => v.view),
                "STOP",
            );
        }
        const targets = [{ db: PLAIN, value: undefined }, ...VARIANTS];
        const secs: Record<string, Record<string, number>> = {};
        const rows: Record<string, number> = {};
        let n = 0;
        for (const table of BRONZE_TABLES) {
            secs[table] = {};
            rows[table] = 0;
            for await (const values of bronzeBatches(client, SRC, table, 0, Number.MAX_SAFE_INTEGER, batch)) {
                const order = targets.map((_, i) => targets[(i + n) % targets.length]!);
                for (const t of order) {
                    const [, s] = await timed(() =>
                        client.insert({
                            table: `${t.db}.${table}`,
                            values,
                            format: "JSONEachRow",
                            clickhouse_settings:
                                t.value === undefined ? {} : { short_circuit_function_evaluation: t.value },
                        }),
                    );
                    secs[table][t.db] = (secs[table][t.db] ?? 0) + s;
                }
                rows[table] += values.length;
                n++;
            }
        }
        const pass = Math.min(await timeBaselinePass(client, PLAIN, "a"), await timeBaselinePass(client, PLAIN, "b"));
        out(
            `${events} events, ${batch}-row INSERTs, ${n} batches per variant, interleaved; ` +
                `JSONExtract pass ${pass.toFixed(2)} s`,
        );
        const total: Record<string, number> = {};
        for (const table of BRONZE_TABLES) {
            const s = secs[table]!;
            const extra = VARIANTS.map((v) => s[v.db]! - s[PLAIN]!);
            VARIANTS.forEach((v, i) => (total[v.db] = (total[v.db] ?? 0) + extra[i]!));
            const each = VARIANTS.map((v, i) => `${v.value ?? "none"} ${extra[i]!.toFixed(2)} s`).join(", ");
            out(
                `${table} (${rows[table]} rows): plain ${s[PLAIN]!.toFixed(2)} s; silver extra ${each}; ` +
                    `none/disable ${(extra[0]! / extra[2]!).toFixed(2)}x`,
            );
        }
        const ratios = VARIANTS.map((v) => `${v.value ?? "none"} ${(total[v.db]! / pass).toFixed(2)}x`);
        out(`silver cost vs the pass: ${ratios.join(", ")}`);
    } finally {
        await stop();
    }
}

runBench(main);
