/**
 * Benchmark (not a test) of continuous analytics on the embedded ClickHouse engine (chdb
 * gateway, which gives its INSERTs the sink's settings), with bronze and the dbt models deployed
 * exactly as the stack does. Measures, in one run, through public surfaces only (bronze INSERTs
 * over HTTP, the gold tables, the database's rows of system.view_refreshes, the engine process's
 * CPU time, timings taken here):
 *
 *   1. bronze INSERT throughput with the silver views attached vs plain bronze tables (another
 *      database), in sink-sized batches of 10k rows (the ~N-event history) and 1k rows (a further
 *      10% of live-like changes), the two variants interleaved batch by batch; gold refreshes are
 *      stopped meanwhile (SYSTEM STOP VIEW) so only silver is measured;            target >= 0.5x
 *   2. silver cost per event: (insert time with views - without) vs one JSONExtract pass over the
 *      same rows (bench/dbt-baseline.ts, the faster of two);  target <= 1.5x (10k rows), <= 2x (1k)
 *   3. bronze -> gold visible latency of a new order (fact_orders and fct_daily_sales), p50/p95
 *      over --trials trials, each started at a random phase of the interval; target p95 <= interval + 1 s
 *   4. CPU of the engine process (gold refreshes on, nothing changing) over --idle-seconds, as a
 *      fraction of one core; also with the refreshes stopped, as the floor;     target <= 2%
 *   5. the refreshes that follow a single-order change (views stopped, one change, views started:
 *      sum of last_success_duration_ms of each view's first refresh; median of --refresh-reps)
 *      vs a full gold rebuild (the four gold models' times in `dbt run --full-refresh`; median of
 *      --rebuilds, which vary 2x between runs of one size);                          target <= 1%
 *
 *   npm run bench:live -- [--events 1000000] [--refresh-seconds 1] [--trials 20] [--idle-seconds 30]
 *                         [--refresh-reps 5] [--rebuilds 3] [--json]
 *
 * --json: the measures as one JSON object on stdout (bench/stats.ts, LiveMeasures); the progress
 * lines and the table go to stderr then.
 */
import * as os from "node:os";
import { type ClickHouseClient } from "@clickhouse/client";
import { BRONZE_TABLES } from "../tools/analytics/replay/bronzeFiles";
import { createBronze, deployModels } from "../tools/analytics/deploy";
import { serverNow, waitForGoldAfter } from "../tools/analytics/refresh";
import { timeBaselinePass } from "./dbt-baseline";
import { blockInserts, historyBlocks, incrementBlocks, shapeFor } from "./dbt-data";
import {
    bronzeBatches,
    cpuSeconds,
    firstRefreshesSince,
    ids,
    orderEvent,
    setRefreshes,
    sleep,
    viewRefreshes,
    type BronzeRow,
} from "./live-data";
import { flag, has, liveMeasures, modelSeconds, timed, type LiveMeasures } from "./stats";
import { runBench, startBenchEngine } from "./engine";

const SRC = "bench_src"; // generated events, read back as client-side rows
const LIVE = "bench_live"; // bronze with the models deployed
const PLAIN = "bench_plain"; // bronze alone
const GOLD = ["dim_customers", "dim_products", "fact_orders", "fct_daily_sales"];
const DAY_MS = 86_400_000;
const JSON_OUT = has("--json");
/** Progress and the table: stdout, or stderr when stdout carries the JSON. */
const out = (s: string): void => void (JSON_OUT ? process.stderr : process.stdout).write(`${s}\n`);

/**
 * Inserts the SRC rows of each table in [from, to) offsets into LIVE and PLAIN, `batch` rows per INSERT, alternating
 * which goes first.
 */
async function insertBoth(
    client: ClickHouseClient,
    from: Record<string, number>,
    to: Record<string, number>,
    batch: number,
): Promise<{ rows: number; inserts: number; live: number; plain: number }> {
    const r = { rows: 0, inserts: 0, live: 0, plain: 0 };
    for (const table of BRONZE_TABLES) {
        for await (const values of bronzeBatches(
            client,
            SRC,
            table,
            from[table] ?? 0,
            to[table] ?? Number.MAX_SAFE_INTEGER,
            batch,
        )) {
            for (const db of r.inserts % 2 ? [PLAIN, LIVE] : [LIVE, PLAIN]) {
                const [, s] = await timed(() =>
                    client.insert({ table: `${db}.${table}`, values, format: "JSONEachRow" }),
                );
                r[db === LIVE ? "live" : "plain"] += s;
            }
            r.rows += values.length;
            r.inserts++;
        }
    }
    return r;
}

async function insertOrder(client: ClickHouseClient, row: BronzeRow): Promise<void> {
    await client.insert({ table: `${LIVE}.mongo_ecom_orders`, values: [row], format: "JSONEachRow" });
}

/** Seconds from the INSERT of a new order until fact_orders and fct_daily_sales show it. */
async function latencyTrial(client: ClickHouseClient, row: BronzeRow, id: string, date: string): Promise<number> {
    const t0 = performance.now();
    await insertOrder(client, row);
    for (;;) {
        const rs = await client.query({
            query: `SELECT (SELECT count() FROM ${LIVE}.fact_orders WHERE order_date = '${date}' AND order_id = '${id}') AS f, (SELECT count() FROM ${LIVE}.fct_daily_sales WHERE order_date = '${date}') AS d`,
            format: "JSONEachRow",
        });
        const [{ f, d }] = await rs.json<{ f: string | number; d: string | number }>();
        if (Number(f) > 0 && Number(d) > 0) return (performance.now() - t0) / 1000;
        if (performance.now() - t0 > 300_000)
            throw new Error(`order ${id} did not reach fact_orders and fct_daily_sales of ${LIVE} within 300 s`);
        await sleep(50);
    }
}

async function main(): Promise<void> {
    const events = flag("--events", 1_000_000);
    const refreshS = flag("--refresh-seconds", 1);
    const trials = flag("--trials", 20);
    const idleS = flag("--idle-seconds", 30);
    const reps = flag("--refresh-reps", 5);
    const rebuilds = flag("--rebuilds", 3);
    const { gw, client, stop } = await startBenchEngine();
    const dbt = { url: gw.url, user: gw.user, password: gw.password, database: LIVE };
    try {
        out(
            `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"}), load avg ${os
                .loadavg()
                .map((x) => x.toFixed(1))
                .join(" ")}; engine pid ${gw.pid}`,
        );
        out(`gold refresh interval (--refresh-seconds, dbt var gold_refresh_seconds): ${refreshS} s`);
        // Events: a history of ~N events (sent in 10k-row batches) and 10% more live-like changes (1k-row batches).
        const shape = shapeFor(events);
        await createBronze(client, SRC);
        const offsets: Record<string, number> = {};
        for (const ins of blockInserts(SRC, historyBlocks(shape), shape, offsets))
            await client.command({ query: ins.sql });
        const boundary = { ...offsets };
        for (const ins of blockInserts(SRC, incrementBlocks(shape, Math.round(events / 10)), shape, offsets))
            await client.command({ query: ins.sql });

        await createBronze(client, LIVE);
        await createBronze(client, PLAIN);
        const [deployed, deployS] = await timed(() =>
            deployModels(dbt, { extraVars: { gold_refresh_seconds: String(refreshS) } }),
        );
        const views = (await viewRefreshes(client, LIVE)).map((v) => v.view);
        out(
            `deployed ${deployed.modelsBuilt} models into ${LIVE} (dbt build, ${deployS.toFixed(1)} s); refreshable views: ${views.join(", ")}`,
        );

        // 1 + 2: silver at insert time, gold paused.
        await setRefreshes(client, LIVE, views, "STOP");
        const big = await insertBoth(client, {}, boundary, 10_000);
        const passBig = Math.min(
            await timeBaselinePass(client, PLAIN, "a"),
            await timeBaselinePass(client, PLAIN, "b"),
        );
        const small = await insertBoth(client, boundary, {}, 1_000);
        const passSmall = Math.min(
            await timeBaselinePass(client, PLAIN, "c", boundary),
            await timeBaselinePass(client, PLAIN, "d", boundary),
        );
        for (const [name, x, pass] of [
            ["10k", big, passBig],
            ["1k", small, passSmall],
        ] as const) {
            out(
                `${name}-row batches: ${x.rows} rows in ${x.inserts} INSERTs each; with views ${x.live.toFixed(2)} s (${Math.round(x.rows / x.live)} rows/s), plain ${x.plain.toFixed(2)} s (${Math.round(x.rows / x.plain)} rows/s); JSONExtract pass over them ${pass.toFixed(2)} s`,
            );
        }

        // Gold catches up with everything once its refreshes start again.
        await setRefreshes(client, LIVE, views, "START");
        const [, catchUpS] = await timed(async () =>
            waitForGoldAfter(client, LIVE, await serverNow(client), 1_800_000),
        );
        const afterLoad = await viewRefreshes(client, LIVE);
        out(
            `gold caught up with ${big.rows + small.rows} events in ${catchUpS.toFixed(1)} s; latest refresh per view: ${afterLoad.map((v) => `${v.view} ${v.durationMs} ms`).join(", ")}`,
        );

        // 3: bronze -> gold latency of new orders, each on a day of its own (so fct_daily_sales shows it too).
        let offset = offsets.mongo_ecom_orders! + 1;
        const latencies: number[] = [];
        for (let i = 0; i < trials; i++) {
            await sleep(Math.random() * refreshS * 1000);
            const id = ids.order(0xbe000000 + i);
            const day = Date.UTC(2031, 0, 1) + i * DAY_MS;
            const row = orderEvent({
                id,
                customer: ids.customer(1),
                product: ids.product(1),
                status: "paid",
                orderedAtMs: day + 3_600_000,
                tsMs: Date.now(),
                op: "c",
                offset: offset++,
            });
            latencies.push(await latencyTrial(client, row, id, new Date(day).toISOString().slice(0, 10)));
        }
        out(`latency over ${trials} trials (s): ${latencies.map((x) => x.toFixed(2)).join(" ")}`);

        // 4: CPU while nothing changes, refreshes on; then the floor with them stopped.
        await waitForGoldAfter(client, LIVE, await serverNow(client), 600_000);
        const cpuOver = async (seconds: number): Promise<number> => {
            const c0 = cpuSeconds(gw.pid);
            const t0 = performance.now();
            await sleep(seconds * 1000);
            return (cpuSeconds(gw.pid) - c0) / ((performance.now() - t0) / 1000);
        };
        const idleCpu = await cpuOver(idleS);
        await setRefreshes(client, LIVE, views, "STOP");
        await sleep(2000);
        const floorCpu = await cpuOver(Math.max(5, idleS / 2));
        await setRefreshes(client, LIVE, views, "START");
        out(
            `engine CPU while idle: ${(100 * idleCpu).toFixed(1)}% of one core with refreshes every ${refreshS} s (${idleS} s), ${(100 * floorCpu).toFixed(1)}% with them stopped`,
        );

        // 5: the refreshes after one single-order change (a new order on a busy day, then its update).
        await waitForGoldAfter(client, LIVE, await serverNow(client), 600_000);
        const costs: number[] = [];
        for (let r = 0; r < reps; r++) {
            await setRefreshes(client, LIVE, views, "STOP");
            await sleep(1100); // every refresh that started before the stop is in an earlier second than `since`
            const id = ids.order(0xbf000000 + Math.floor(r / 2));
            await insertOrder(
                client,
                orderEvent({
                    id,
                    customer: ids.customer(1),
                    product: ids.product(1),
                    status: r % 2 ? "shipped" : "paid",
                    orderedAtMs: 1_700_000_000_000,
                    tsMs: Date.now(),
                    op: r % 2 ? "u" : "c",
                    offset: offset++,
                }),
            );
            const since = await serverNow(client);
            await setRefreshes(client, LIVE, views, "START");
            const got = await firstRefreshesSince(client, LIVE, views, since);
            costs.push([...got.values()].reduce((a, b) => a + b, 0));
            out(
                `single-order change ${r + 1} (${r % 2 ? "update" : "new order"}): ${[...got].map(([v, ms]) => `${v} ${ms} ms`).join(", ")}; sum ${costs[r]} ms`,
            );
        }

        // Full rebuilds: dbt run --full-refresh (gold interval 3600 s, so no periodic refresh competes).
        const rebuildsMs: number[] = [];
        for (let b = 0; b < rebuilds; b++) {
            const log: string[] = [];
            await deployModels(dbt, {
                command: "run",
                fullRefresh: true,
                extraVars: { gold_refresh_seconds: "3600" },
                log: (l) => log.push(l),
            });
            const per = modelSeconds(log).perModel;
            const missing = GOLD.filter((m) => per[m] === undefined);
            if (missing.length)
                throw new Error(
                    `dbt run --full-refresh printed no time for ${missing.join(", ")}:\n${log.slice(-20).join("\n")}`,
                );
            rebuildsMs.push(1000 * GOLD.reduce((a, m) => a + per[m]!, 0));
            const models = GOLD.map((m) => `${m} ${per[m]!.toFixed(2)} s`).join(", ");
            out(
                `full gold rebuild ${b + 1} (dbt run --full-refresh, model times): ${models}; ` +
                    `sum ${(rebuildsMs[b]! / 1000).toFixed(2)} s`,
            );
        }

        const m = liveMeasures({
            events,
            refreshSeconds: refreshS,
            big,
            small,
            passBig,
            passSmall,
            latencies,
            idleCores: idleCpu,
            refreshCostsMs: costs,
            rebuildsMs,
        });
        summary(m, big.rows + small.rows, trials, reps, rebuilds, floorCpu);
        if (JSON_OUT) process.stdout.write(`${JSON.stringify(m)}\n`);
    } finally {
        await stop();
    }
}

function summary(
    m: LiveMeasures,
    bronze: number,
    trials: number,
    reps: number,
    rebuilds: number,
    floorCores: number,
): void {
    const rows: [string, number, string, string, ((x: number) => boolean) | undefined][] = [
        ["bronze INSERT throughput, views/plain, 10k-row batches", m.insert_ratio_10k, "x", ">= 0.5x", (x) => x >= 0.5],
        ["bronze INSERT throughput, views/plain, 1k-row batches", m.insert_ratio_1k, "x", ">= 0.5x", (x) => x >= 0.5],
        ["silver cost/event vs JSONExtract pass, 10k-row batches", m.silver_ratio_10k, "x", "<= 1.5x", (x) => x <= 1.5],
        ["silver cost/event vs JSONExtract pass, 1k-row batches", m.silver_ratio_1k, "x", "<= 2x", (x) => x <= 2],
        [`bronze->gold latency p50 (${trials} trials)`, m.latency_p50_s, "s", "(info)", undefined],
        [
            `bronze->gold latency p95 (${trials} trials)`,
            m.latency_p95_s,
            "s",
            `<= ${m.refresh_seconds + 1} s`,
            (x) => x <= m.refresh_seconds + 1,
        ],
        [
            `engine CPU idle, refresh every ${m.refresh_seconds} s`,
            100 * m.idle_core_fraction,
            "%",
            "<= 2%",
            (x) => x <= 2,
        ],
        ["engine CPU idle, refreshes stopped (floor)", 100 * floorCores, "%", "(info)", undefined],
        [`refresh after 1-order change (median of ${reps}), ms`, m.refresh_after_change_ms, "ms", "(info)", undefined],
        [`full gold rebuild (median of ${rebuilds}), ms`, m.full_rebuild_ms, "ms", "(info)", undefined],
        [
            "refresh after 1-order change / full rebuild",
            (100 * m.refresh_after_change_ms) / m.full_rebuild_ms,
            "%",
            "<= 1%",
            (x) => x <= 1,
        ],
    ];
    out("");
    out(
        `summary (--events ${m.events}: ${bronze} bronze events; gold refresh interval ${m.refresh_seconds} s; ${os.cpus().length} cores)`,
    );
    out(`${"measure".padEnd(58)}${"value".padStart(12)}  ${"target".padEnd(9)}result`);
    for (const [what, x, unit, target, ok] of rows) {
        const value =
            unit === "x"
                ? `${x.toFixed(2)}x`
                : unit === "%"
                  ? `${x.toFixed(2)}%`
                  : unit === "s"
                    ? `${x.toFixed(2)} s`
                    : `${Math.round(x)} ms`;
        out(`${what.padEnd(58)}${value.padStart(12)}  ${target.padEnd(9)}${ok ? (ok(x) ? "met" : "NOT met") : ""}`);
    }
}

runBench(main);
