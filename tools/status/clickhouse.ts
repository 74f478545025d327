/**
 * ClickHouse reads of `npm run status` (HTTP, @clickhouse/client): per table of bronze, silver's
 * storage (`base_*`, under the `stg_*` views) and gold its stored rows, newest `_ingested_at` /
 * `_event_timestamp_ms`; `bronze_rejects` counted by collection and reason; the gold refreshes from
 * `system.view_refreshes` (with the last success's duration where the server has it).
 * Silver-storage and gold names come from the dbt project (`dbtModelLayers`,
 * components/analytics/relations.ts).
 */
import { createClient, ClickHouseLogLevel } from "@clickhouse/client";
import { describeClickHouseFailure } from "../../components/providers/shared/tlsErrors";
import { CA_FIX } from "./flags";
import { describeError, withDeadline } from "./deadline";
import { readDrift, type DriftObs } from "./drift";
import { findOffendingRows } from "./offending-row";
import type { GoldObs, LayerObs, RefreshObs, RejectCount, SilverObs, TableObs } from "./types";

export interface ClickHouseTarget {
    url: string;
    user: string;
    password: string;
    database: string;
    timeoutMs: number;
    secrets: readonly string[];
    /** PEM of the CA trusted for an https URL; the system's CAs when undefined. */
    caPem?: string;
}

/** What fixes a refused ClickHouse login of `npm run status`. */
const LOGIN_FIX =
    "Give the user with --clickhouse-user (default: the stack output clickhouseUser) and its password in " +
    "CDC_STATUS_CLICKHOUSE_PASSWORD (default: the stack's secret output clickhousePassword)";

export interface LayerNames {
    bronze: string[];
    /** The tables silver is stored in (`base_*`; silver itself is the `stg_*` views over them). */
    silverStorage: string[];
    gold: string[];
}

const SETTINGS = { output_format_json_quote_64bit_integers: 0 } as const;
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Reads the three layers (never throws: a failure lands in each layer's `error`). */
export async function readLayers(
    t: ClickHouseTarget,
    names: LayerNames,
): Promise<{ bronze: LayerObs; silver: SilverObs; gold: GoldObs; drift?: DriftObs }> {
    // The URL's own user:password@, when it has them, win over `user`/`password`, as in the client.
    let client: ReturnType<typeof createClient>;
    try {
        client = createClient({
            url: t.url,
            username: t.user,
            password: t.password,
            request_timeout: t.timeoutMs,
            log: { level: ClickHouseLogLevel.OFF },
            ...(t.caPem ? { tls: { ca_cert: Buffer.from(t.caPem) } } : {}),
        });
    } catch (e) {
        const error = `${t.url}: ${describeError(e, [...t.secrets, t.password].filter(Boolean))} (--clickhouse-url)`;
        return {
            bronze: { error, tables: [] },
            silver: { error, tables: [], rejects: null },
            gold: { error, tables: [], refreshes: [] },
        };
    }
    const hint = `is ClickHouse up and ${t.url} reachable from here (--clickhouse-url)?`;
    const query = async <R>(what: string, sql: string, params: Record<string, unknown> = {}): Promise<R[]> =>
        withDeadline(
            client
                .query({ query: sql, query_params: params, format: "JSONEachRow", clickhouse_settings: SETTINGS })
                .then((rs) => rs.json<R>()),
            t.timeoutMs,
            `ClickHouse at ${t.url} (${what})`,
            hint,
        );
    const all = [...names.bronze, ...names.silverStorage, ...names.gold];
    const q = (table: string) => `\`${t.database.replace(/`/g, "``")}\`.\`${table.replace(/`/g, "``")}\``;
    try {
        const existing = new Set(
            (
                await query<{ name: string }>("tables", "SELECT name FROM system.tables WHERE database = {db:String}", {
                    db: t.database,
                })
            ).map((r) => r.name),
        );
        // The layers' time columns, and whether this server's system.view_refreshes has the refresh duration.
        const cols = await query<{ database: string; table: string; name: string }>(
            "columns",
            `SELECT database, table, name FROM system.columns
             WHERE (database = {db:String} AND name IN ('_ingested_at', '_event_timestamp_ms'))
                OR (database = 'system' AND table = 'view_refreshes' AND name = 'last_success_duration_ms')`,
            { db: t.database },
        );
        const has = (table: string, col: string, db = t.database) =>
            cols.some((c) => c.database === db && c.table === table && c.name === col);
        const hasDuration = has("view_refreshes", "last_success_duration_ms", "system");
        const present = all.filter((x) => existing.has(x));
        const stats = new Map<string, TableObs>();
        if (present.length > 0) {
            const parts = present.map((table) => {
                const ingested = has(table, "_ingested_at")
                    ? "toUnixTimestamp64Milli(toDateTime64(max(_ingested_at), 3))"
                    : "NULL";
                const event = has(table, "_event_timestamp_ms") ? "toInt64(max(_event_timestamp_ms))" : "NULL";
                return `SELECT '${table.replace(/'/g, "\\'")}' AS t, count() AS rows, if(rows = 0, NULL, ${ingested}) AS ingested, if(rows = 0, NULL, ${event}) AS event FROM ${q(table)}`;
            });
            const rows = await query<{ t: string; rows: number; ingested: number | null; event: number | null }>(
                "row counts",
                parts.join(" UNION ALL "),
            );
            for (const r of rows)
                stats.set(r.t, {
                    table: r.t,
                    rows: Number(r.rows),
                    newestIngestedMs: num(r.ingested),
                    newestEventMs: num(r.event),
                });
        }
        const obs = (table: string): TableObs =>
            stats.get(table) ?? { table, missing: true, rows: null, newestIngestedMs: null, newestEventMs: null };

        let rejects: number | null = null;
        let rejectsBy: RejectCount[] | undefined;
        let rejectsError: string | undefined;
        if (existing.has("bronze_rejects")) {
            const rows = await query<{ collection: string; reason: string; n: number }>(
                "bronze_rejects",
                `SELECT collection, reason, count() AS n
                 FROM ${q("bronze_rejects")} GROUP BY collection, reason ORDER BY collection, reason`,
            );
            rejectsBy = rows.map((r) => ({ collection: r.collection, reason: r.reason, rows: Number(r.n) }));
            rejects = rejectsBy.reduce((n, r) => n + r.rows, 0);
        } else rejectsError = `${t.database}.bronze_rejects does not exist: \`npm run dbt\` builds it`;

        const refreshes = await query<{
            view: string;
            status: string;
            last_success: number | null;
            last_refresh: number | null;
            exception: string;
            duration: number | null;
        }>(
            "view_refreshes",
            `SELECT view, toString(status) AS status, toUnixTimestamp(last_success_time) * 1000 AS last_success,
                    toUnixTimestamp(last_refresh_time) * 1000 AS last_refresh, exception,
                    ${hasDuration ? "last_success_duration_ms" : "NULL"} AS duration
             FROM system.view_refreshes WHERE database = {db:String} ORDER BY view`,
            { db: t.database },
        );
        const refreshObs: RefreshObs[] = refreshes.map((r) => ({
            view: r.view,
            status: r.status,
            lastSuccessMs: num(r.last_success),
            lastRefreshMs: num(r.last_refresh),
            exception: describeError({ message: r.exception ?? "" }, t.secrets),
            ...(hasDuration ? { lastSuccessDurationMs: num(r.duration) } : {}),
        }));
        // a failed refresh: name the silver row behind it, if a silver view fails on one (offending-row.ts)
        const failed = refreshObs.some(
            (r) => r.exception !== "" && (r.lastSuccessMs === null || (r.lastRefreshMs ?? 0) > r.lastSuccessMs),
        );
        const offending = failed ? await findOffendingRows(query, t.database, names.silverStorage).catch(() => []) : [];
        return {
            bronze: { tables: names.bronze.map(obs) },
            silver: {
                tables: names.silverStorage.map(obs),
                rejects,
                ...(rejectsBy ? { rejectsBy } : {}),
                rejectsError,
            },
            gold: { tables: names.gold.map(obs), refreshes: refreshObs, offending },
            drift: await readDrift(query, t.database, existing),
        };
    } catch (e) {
        const secrets = [...t.secrets, t.password].filter(Boolean);
        const named = describeClickHouseFailure(e, {
            service: "ClickHouse",
            url: t.url,
            caFix: CA_FIX,
            user: t.user,
            credentialsFix: LOGIN_FIX,
        });
        const msg = describeError(named === undefined ? e : { message: named }, secrets);
        const error = /did not answer within/.test(msg) || named !== undefined ? msg : `${t.url}: ${msg}: ${hint}`;
        return {
            bronze: { error, tables: [] },
            silver: { error, tables: [], rejects: null },
            gold: { error, tables: [], refreshes: [] },
        };
    } finally {
        await withDeadline(client.close(), t.timeoutMs, "ClickHouse (close)", "").catch(() => undefined);
    }
}
