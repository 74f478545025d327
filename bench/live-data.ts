/**
 * Helpers of bench/live.ts that only use the pipeline's public surfaces: bronze rows sent over
 * HTTP as the sink sends them, the refreshable views as `system.view_refreshes` lists them
 * (`SYSTEM STOP/START VIEW`), and the engine process's CPU time from /proc.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import type { ClickHouseClient } from "@clickhouse/client";
import type { BronzeRow } from "../seed/model";

/** One bronze row as the sink writes it (JSONEachRow): the seed's shape. */
export type { BronzeRow };

const hex = (prefix: string, n: number): string => prefix + n.toString(16).padStart(20, "0");
/** Customer, product and order ids of the synthetic data (bench/dbt-data.ts numbering). */
export const ids = {
    customer: (n: number) => hex("65f2", n),
    product: (n: number) => hex("65f1", n),
    order: (n: number) => hex("65f0", n),
};

/** A Debezium MongoDB change event (`c` or `u`) of one order with one line, as a bronze row. */
export function orderEvent(o: {
    id: string;
    customer: string;
    product: string;
    status: string;
    orderedAtMs: number;
    tsMs: number;
    op: "c" | "u";
    offset: number;
}): BronzeRow {
    const doc = {
        _id: { $oid: o.id },
        customer_id: { $oid: o.customer },
        status: o.status,
        items: [{ product_id: { $oid: o.product }, quantity: 2, unit_price: { $numberDecimal: "12.50" } }],
        ordered_at: { $date: o.orderedAtMs },
        updated_at: { $date: o.tsMs },
    };
    const source = {
        version: "2.7.3.Final",
        connector: "mongodb",
        name: "mongo",
        ts_ms: o.tsMs,
        snapshot: "false",
        db: "ecom",
        collection: "orders",
        ord: 1,
        lsid: null,
        txnNumber: null,
    };
    return {
        raw_data: JSON.stringify({
            before: null,
            after: JSON.stringify(doc),
            updateDescription: null,
            source,
            op: o.op,
            ts_ms: o.tsMs + 5,
            transaction: null,
        }),
        _topic: "mongo.ecom.orders",
        _partition: 0,
        _offset: o.offset,
        _key: JSON.stringify({ id: JSON.stringify({ $oid: o.id }) }),
    };
}

/**
 * Reads the rows of `database`.`table` with `fromOffset <= _offset < toOffset` in offset order,
 * `batch` rows at a time (keyset pagination on the sort key), as client-side rows.
 */
export async function* bronzeBatches(
    client: ClickHouseClient,
    database: string,
    table: string,
    fromOffset: number,
    toOffset: number,
    batch: number,
): AsyncGenerator<BronzeRow[]> {
    let next = fromOffset;
    for (;;) {
        const rs = await client.query({
            query: `SELECT raw_data, _topic, _partition, _offset, _key FROM \`${database}\`.\`${table}\` WHERE _offset >= ${next} AND _offset < ${toOffset} ORDER BY _offset LIMIT ${batch}`,
            format: "JSONEachRow",
        });
        const rows = (await rs.json<BronzeRow & { _offset: number | string }>()).map((r) => ({
            ...r,
            _offset: Number(r._offset),
        }));
        if (rows.length === 0) return;
        yield rows;
        next = rows[rows.length - 1]!._offset + 1;
    }
}

/** One refreshable view of a database with its latest successful refresh. */
export interface ViewRefresh {
    view: string;
    /** Start of the latest successful refresh, epoch seconds (0 when none). */
    lastSuccess: number;
    durationMs: number;
}

/** The rows of `system.view_refreshes` for `database`. */
export async function viewRefreshes(client: ClickHouseClient, database: string): Promise<ViewRefresh[]> {
    const rs = await client.query({
        query: `SELECT view, toUnixTimestamp(ifNull(last_success_time, toDateTime(0))) AS t, ifNull(last_success_duration_ms, 0) AS ms
                FROM system.view_refreshes WHERE database = {db:String} ORDER BY view`,
        query_params: { db: database },
        format: "JSONEachRow",
    });
    return (await rs.json<{ view: string; t: number | string; ms: number | string }>()).map((r) => ({
        view: r.view,
        lastSuccess: Number(r.t),
        durationMs: Number(r.ms),
    }));
}

/** `SYSTEM STOP VIEW` / `SYSTEM START VIEW` for each of `views` of `database`. */
export async function setRefreshes(
    client: ClickHouseClient,
    database: string,
    views: string[],
    action: "STOP" | "START",
): Promise<void> {
    for (const v of views) await client.command({ query: `SYSTEM ${action} VIEW \`${database}\`.\`${v}\`` });
}

/**
 * Polls (every 25 ms) until each of `views` has a successful refresh that started at or after
 * `since` (server epoch seconds); returns the duration of the first such refresh of each view.
 */
export async function firstRefreshesSince(
    client: ClickHouseClient,
    database: string,
    views: string[],
    since: number,
    timeoutMs = 300_000,
): Promise<Map<string, number>> {
    const got = new Map<string, number>();
    const deadline = Date.now() + timeoutMs;
    while (got.size < views.length) {
        for (const r of await viewRefreshes(client, database))
            if (r.lastSuccess >= since && !got.has(r.view)) got.set(r.view, r.durationMs);
        if (Date.now() > deadline)
            throw new Error(
                `no refresh of ${views.filter((v) => !got.has(v)).join(", ")} in ${database} within ${timeoutMs} ms`,
            );
        await sleep(25);
    }
    return got;
}

let clockTicks: number | undefined;

/** CPU seconds (user + system, all threads) the process `pid` has used so far, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
    clockTicks ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // fields from the 3rd (state) on
    return (Number(fields[11]) + Number(fields[12])) / clockTicks; // utime (14th), stime (15th)
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
    return new Promise((r) => setTimeout(r, ms));
}
