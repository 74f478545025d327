/**
 * Waiting for the gold layer: ClickHouse refreshes each gold table with a refreshable
 * materialized view (`<model>__refresh`, see ecom_analytics/macros/materializations). Tests,
 * benchmarks and the live mode use this to know when a change in bronze has reached gold.
 */
import type { ClickHouseClient } from "@clickhouse/client";

/** One refreshable view as `system.view_refreshes` reports it. */
export interface GoldRefreshState {
    view: string;
    status: string;
    /** Start of the latest successful refresh, epoch seconds (0 when none yet). */
    lastSuccess: number;
    exception: string;
}

/** The refreshable views of `database`. */
export async function goldRefreshStates(client: ClickHouseClient, database: string): Promise<GoldRefreshState[]> {
    const rs = await client.query({
        query: `SELECT view, toString(status) AS status, toUnixTimestamp(ifNull(last_success_time, toDateTime(0))) AS last_success, exception
                FROM system.view_refreshes WHERE database = {db:String} ORDER BY view`,
        query_params: { db: database },
        format: "JSONEachRow",
    });
    const rows = await rs.json<{ view: string; status: string; last_success: number | string; exception: string }>();
    return rows.map((r) => ({
        view: r.view,
        status: r.status,
        lastSuccess: Number(r.last_success),
        exception: r.exception,
    }));
}

/** The server's clock, epoch seconds. */
export async function serverNow(client: ClickHouseClient): Promise<number> {
    const rs = await client.query({ query: "SELECT toUnixTimestamp(now()) AS t", format: "JSONEachRow" });
    const [row] = await rs.json<{ t: number | string }>();
    return Number(row!.t);
}

/**
 * Resolves once every gold refresh of `database` has completed a refresh that STARTED after
 * `since` (server epoch seconds, e.g. from {@link serverNow} taken after an insert), so gold
 * reflects everything committed before `since`. Rejects after `timeoutMs` naming the views still
 * behind and their last error.
 */
export async function waitForGoldAfter(
    client: ClickHouseClient,
    database: string,
    since: number,
    timeoutMs = 60_000,
): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const states = await goldRefreshStates(client, database);
        const behind = states.filter((s) => s.lastSuccess <= since);
        if (states.length > 0 && behind.length === 0) return;
        if (Date.now() > deadline) {
            const detail =
                states.length === 0
                    ? "no refreshable views exist (has the dbt project been deployed?)"
                    : behind.map((s) => `${s.view} (${s.status}${s.exception ? `: ${s.exception}` : ""})`).join(", ");
            throw new Error(`gold in ${database} did not refresh within ${timeoutMs} ms: ${detail}`);
        }
        await new Promise((r) => setTimeout(r, 100));
    }
}
