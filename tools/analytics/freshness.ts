/**
 * How fresh each layer is, read from ClickHouse: newest bronze arrival, newest arrival that
 * reached silver, the moment gold was last refreshed from silver, and the reject count.
 */
import type { ClickHouseClient } from "@clickhouse/client";

/** Freshness of the layers, epoch milliseconds (null when a layer holds nothing yet). */
export interface Freshness {
    now: number;
    bronzeRows: number;
    bronzeNewest: number | null;
    silverNewest: number | null;
    /** Start of the oldest of the gold tables' latest successful refreshes (gold reflects silver as of then). */
    goldAsOf: number | null;
    rejects: number;
}

/** Reads {@link Freshness} of `database` whose bronze tables are `tables`. */
export async function readFreshness(client: ClickHouseClient, database: string, tables: string[]): Promise<Freshness> {
    const q = (t: string) => `\`${database}\`.\`${t}\``;
    const bronze = tables
        .map((t) => `SELECT count() AS n, max(_ingested_at) AS newest FROM ${q(t)}`)
        .join(" UNION ALL ");
    const silver = ["base_customers", "base_products", "base_orders"]
        .map((t) => `SELECT max(_ingested_at) AS newest FROM ${q(t)} WHERE _reject_reason = ''`)
        .join(" UNION ALL ");
    const sql = `SELECT
        toUnixTimestamp64Milli(now64(3)) AS now,
        (SELECT sum(n) FROM (${bronze})) AS bronze_rows,
        (SELECT if(sum(n) = 0, NULL, toUnixTimestamp64Milli(max(newest))) FROM (${bronze})) AS bronze_newest,
        (SELECT if(max(newest) = toDateTime64(0, 3), NULL, toUnixTimestamp64Milli(max(newest))) FROM (${silver})) AS silver_newest,
        (SELECT if(count() = 0 OR countIf(last_success_time IS NULL) > 0, NULL, toUnixTimestamp(min(last_success_time)) * 1000)
           FROM system.view_refreshes WHERE database = '${database}') AS gold_as_of,
        (SELECT count() FROM ${q("bronze_rejects")}) AS rejects`;
    const rs = await client.query({
        query: sql,
        format: "JSONEachRow",
        clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
    });
    const [r] = await rs.json<Record<string, number | null>>();
    const num = (v: number | null | undefined) => (v === null || v === undefined ? null : Number(v));
    return {
        now: Number(r!.now),
        bronzeRows: Number(r!.bronze_rows),
        bronzeNewest: num(r!.bronze_newest),
        silverNewest: num(r!.silver_newest),
        goldAsOf: num(r!.gold_as_of),
        rejects: Number(r!.rejects),
    };
}

/** One line for a terminal: `bronze 1,204 rows, newest 0.3 s ago │ silver 0.3 s │ gold as of 2.1 s │ rejects 0`. */
export function freshnessLine(f: Freshness): string {
    const age = (t: number | null) => (t === null ? "—" : `${(Math.max(0, f.now - t) / 1000).toFixed(1)} s ago`);
    return `bronze ${f.bronzeRows.toLocaleString("en-US")} rows, newest ${age(f.bronzeNewest)} │ silver newest ${age(f.silverNewest)} │ gold as of ${age(f.goldAsOf)} │ rejects ${f.rejects}`;
}
