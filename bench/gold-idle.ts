/**
 * Benchmark (not a test) of what idle gold costs on the embedded engine (chdb gateway): the gold
 * refresh as refreshed_table deploys it (gated: a cheap refreshable `<mart>__refresh` appends a
 * row to the Null table `<mart>__gate` only when a watched relation moved, and the recompute is
 * the materialized view `<mart>__apply` on it) against the previous design rebuilt here from the
 * deployed objects (`<mart>__refresh` = `REFRESH EVERY N SECOND [DEPENDS ON …] APPEND TO
 * <mart>__state AS <recompute>`, which analyses the whole recompute every interval), in the same
 * engine process, at the same interval.
 *
 * Each database gets the same synthetic history and `dbt build` (tools/analytics/deploy.ts).
 * Then, per --rounds round (alternating the order): engine CPU (/proc/<pid>/stat) per wall
 * second over --idle-seconds with only one database's refreshes running (and with none: the
 * floor), and per --trials the bronze→gold latency of one new order in that database (INSERT
 * until fact_orders and fct_daily_sales show it, started at a random phase of the interval).
 *
 *   npx tsx bench/gold-idle.ts [--events 20000] [--refresh-seconds 5] [--idle-seconds 20] [--rounds 3] [--trials 5]
 */
import * as os from "node:os";
import { type ClickHouseClient } from "@clickhouse/client";
import { createBronze, deployModels } from "../tools/analytics/deploy";
import { serverNow, waitForGoldAfter } from "../tools/analytics/refresh";
import { blockInserts, historyBlocks, shapeFor } from "./dbt-data";
import { cpuSeconds, ids, orderEvent, setRefreshes, sleep, viewRefreshes } from "./live-data";
import { flag, median, percentile } from "./stats";
import { runBench, startBenchEngine } from "./engine";

const EVERY = "gold_idle_every"; // the previous design, rebuilt here from the deployed one
const GATED = "gold_idle_gated"; // the design as refreshed_table deploys it
const DAY_MS = 86_400_000;
const out = (s: string): void => void process.stdout.write(`${s}\n`);

async function rows<T>(client: ClickHouseClient, query: string, params: Record<string, unknown> = {}): Promise<T[]> {
    const rs = await client.query({ query, query_params: params, format: "JSONEachRow" });
    return rs.json<T>();
}

/**
 * Turns the gated gold of `db` (as refreshed_table deploys it) back into the previous design: `<mart>__refresh`
 * becomes `REFRESH EVERY N SECOND [DEPENDS ON …] APPEND TO <mart>__state AS <recompute>`, the recompute query being
 * the one of `<mart>__apply`, which is dropped with the gate table.
 */
async function ungate(client: ClickHouseClient, db: string): Promise<void> {
    const q = (n: string): string => `\`${db}\`.\`${n}\``;
    const tables = await rows<{ name: string; as_select: string; create: string }>(
        client,
        `SELECT name, as_select, create_table_query AS create FROM system.tables
         WHERE database = {db:String} AND (name LIKE '%\\_\\_refresh' OR name LIKE '%\\_\\_apply')`,
        { db },
    );
    const refreshes = tables.filter((t) => t.name.endsWith("__refresh"));
    // `DEPENDS ON a, b APPEND`: the view names, unqualified.
    const depsOf = (create: string): string[] =>
        (/DEPENDS ON (.*?) APPEND/.exec(create)?.[1] ?? "")
            .split(",")
            .map((d) => d.trim().split(".").pop()!.replace(/`/g, ""))
            .filter(Boolean);
    // Views that others depend on first, so DEPENDS ON names an existing view.
    refreshes.sort((a, b) => depsOf(a.create).length - depsOf(b.create).length);
    for (const r of refreshes) {
        const mart = r.name.replace(/__refresh$/, "");
        const apply = tables.find((t) => t.name === `${mart}__apply`)?.as_select ?? "";
        const from = apply.indexOf("CROSS JOIN (");
        const to = apply.lastIndexOf(") AS recompute");
        if (from < 0 || to < 0)
            throw new Error(`${db}.${mart}__apply is not "… CROSS JOIN (<recompute>) AS recompute"`);
        const recompute = apply.slice(from + "CROSS JOIN (".length, to);
        const seconds = /REFRESH EVERY (\d+) SECOND/.exec(r.create)![1];
        const deps = depsOf(r.create);
        await client.command({ query: `DROP VIEW ${q(r.name)} SYNC` });
        await client.command({ query: `DROP VIEW ${q(`${mart}__apply`)} SYNC` });
        await client.command({ query: `DROP TABLE ${q(`${mart}__gate`)} SYNC` });
        await client.command({
            query: `CREATE MATERIALIZED VIEW ${q(r.name)} REFRESH EVERY ${seconds} SECOND${
                deps.length ? ` DEPENDS ON ${deps.map(q).join(", ")}` : ""
            } APPEND TO ${q(`${mart}__state`)} AS ${recompute}`,
        });
    }
}

/** Seconds from the INSERT of a new order into `db` until its fact_orders and fct_daily_sales show it. */
async function latencyTrial(client: ClickHouseClient, db: string, n: number, offset: number): Promise<number> {
    const id = ids.order(0xbd000000 + n);
    const day = Date.UTC(2032, 0, 1) + n * DAY_MS;
    const date = new Date(day).toISOString().slice(0, 10);
    const row = orderEvent({
        id,
        customer: ids.customer(1),
        product: ids.product(1),
        status: "paid",
        orderedAtMs: day + 3_600_000,
        tsMs: Date.now(),
        op: "c",
        offset,
    });
    const t0 = performance.now();
    await client.insert({ table: `${db}.mongo_ecom_orders`, values: [row], format: "JSONEachRow" });
    for (;;) {
        const [{ f, d }] = await rows<{ f: string; d: string }>(
            client,
            `SELECT (SELECT count() FROM ${db}.fact_orders WHERE order_date = '${date}' AND order_id = '${id}') AS f,
                    (SELECT count() FROM ${db}.fct_daily_sales WHERE order_date = '${date}') AS d`,
        );
        if (Number(f) > 0 && Number(d) > 0) return (performance.now() - t0) / 1000;
        if (performance.now() - t0 > 120_000) throw new Error(`order ${id} did not reach the gold of ${db} in 120 s`);
        await sleep(50);
    }
}

async function main(): Promise<void> {
    const events = flag("--events", 20_000);
    const refreshS = flag("--refresh-seconds", 5);
    const idleS = flag("--idle-seconds", 20);
    const rounds = flag("--rounds", 3);
    const trials = flag("--trials", 5);
    const { gw, client, stop } = await startBenchEngine({}, 600_000);
    const load = (): string =>
        os
            .loadavg()
            .map((x) => x.toFixed(1))
            .join(" ");
    try {
        out(`machine: ${os.cpus().length} cores, load avg ${load()}; engine pid ${gw.pid}; interval ${refreshS} s`);
        const shape = shapeFor(events);
        const offsets: Record<string, number> = {};
        for (const db of [EVERY, GATED]) {
            await createBronze(client, db);
            const o: Record<string, number> = {};
            for (const ins of blockInserts(db, historyBlocks(shape), shape, o))
                await client.command({ query: ins.sql });
            Object.assign(offsets, o);
            await deployModels(
                { url: gw.url, user: gw.user, password: gw.password, database: db },
                { extraVars: { gold_refresh_seconds: String(refreshS) } },
            );
        }
        await ungate(client, EVERY);
        const views: Record<string, string[]> = {
            [EVERY]: (await viewRefreshes(client, EVERY)).map((v) => v.view),
            [GATED]: (await viewRefreshes(client, GATED)).map((v) => v.view),
        };
        out(`deployed both (history of ~${events} events); refreshable views ${JSON.stringify(views)}`);

        const cpu: Record<string, number[]> = { [EVERY]: [], [GATED]: [], floor: [] };
        const latency: Record<string, number[]> = { [EVERY]: [], [GATED]: [] };
        let offset = (offsets.mongo_ecom_orders ?? 0) + 1;
        let n = 0;
        for (let r = 0; r < rounds; r++) {
            const order = r % 2 ? [GATED, EVERY, "floor"] : ["floor", EVERY, GATED];
            for (const db of order) {
                for (const d of [EVERY, GATED]) await setRefreshes(client, d, views[d]!, d === db ? "START" : "STOP");
                if (db !== "floor") await waitForGoldAfter(client, db, await serverNow(client), 120_000);
                await sleep(1000);
                const c0 = cpuSeconds(gw.pid);
                const t0 = performance.now();
                await sleep(idleS * 1000);
                cpu[db]!.push((cpuSeconds(gw.pid) - c0) / ((performance.now() - t0) / 1000));
                if (db === "floor") continue;
                for (let t = 0; t < trials; t++) {
                    await sleep(Math.random() * refreshS * 1000);
                    latency[db]!.push(await latencyTrial(client, db, n++, offset++));
                }
            }
            out(
                `round ${r + 1}: idle CPU every ${(100 * cpu[EVERY]!.at(-1)!).toFixed(1)}%, gated ${(100 * cpu[GATED]!.at(-1)!).toFixed(1)}%, floor ${(100 * cpu.floor!.at(-1)!).toFixed(1)}% of a core; load ${load()}`,
            );
        }
        out("");
        out(`summary (${events} events, interval ${refreshS} s, ${rounds} rounds of ${idleS} s, load ${load()})`);
        for (const db of [EVERY, GATED])
            out(
                `${db}: idle CPU median ${(100 * median(cpu[db]!)).toFixed(2)}% of a core (${cpu[db]!.map((x) => (100 * x).toFixed(1)).join(" ")}); ` +
                    `latency p50 ${percentile(latency[db]!, 50).toFixed(2)} s, p95 ${percentile(latency[db]!, 95).toFixed(2)} s (${latency[db]!.length} trials)`,
            );
        out(`floor (all refreshes stopped): ${(100 * median(cpu.floor!)).toFixed(2)}% of a core`);

        // A change that gives a mart nothing to append (a new customer without orders: fact_orders watches
        // dim_customers__state but has no line of it) must not keep that mart's gate open.
        await setRefreshes(client, EVERY, views[EVERY]!, "STOP");
        await setRefreshes(client, GATED, views[GATED]!, "START");
        const lonely = { table: "mongo_ecom_customers" as const, from: shape.customers + 7, to: shape.customers + 8 };
        for (const ins of blockInserts(GATED, [{ ...lonely, seq: 0, op: "r" }], shape, { ...offsets }))
            await client.command({ query: ins.sql });
        await waitForGoldAfter(client, GATED, await serverNow(client), 120_000);
        await sleep(1000);
        const c0 = cpuSeconds(gw.pid);
        const t0 = performance.now();
        await sleep(idleS * 1000);
        const after = (cpuSeconds(gw.pid) - c0) / ((performance.now() - t0) / 1000);
        out(
            `${GATED} after a new customer without orders: idle CPU ${(100 * after).toFixed(2)}% of a core (load ${load()})`,
        );
    } finally {
        await stop();
    }
}

runBench(main);
