/**
 * The live analytics on the embedded engine, as the fuzz test drives it: one gateway, bronze
 * tables and one dbt deploy, then batches inserted over HTTP (as the sink does) and checked
 * after gold's own refreshes against the oracle. Every check names what failed: the INSERT,
 * the refresh (with ClickHouse's exception as soon as a refresh after the batch fails), a
 * model's rows, or a reject.
 */
import type { ClickHouseClient } from "@clickhouse/client";
import { startChdbGateway, type ChdbGateway } from "../../../tools/chdb-gateway";
import {
    buildModels,
    createBronzeTables,
    gatewayClient,
    insertBronzeRows,
} from "../../../tools/analytics/replay/index";
import {
    modelSelectSql,
    REPLAY_OUTPUT_SETTINGS,
    rejectsSelectSql,
    type ReplayModel,
} from "../../../tools/analytics/replay/models";
import type { BronzeInsertRow } from "../../../tools/analytics/replay/bronzeFiles";
import { serverNow } from "../../../tools/analytics/refresh";
import { compareModel } from "../compare";
import { computeGold, foldBronze, MODEL_NAMES, rejectsAsRows, type BronzeTables } from "../oracle";
import type { Collection } from "../oracle/documents";
import type { BronzeRow } from "../oracle/types";

const COLLECTIONS: Collection[] = ["customers", "products", "orders"];
/**
 * The replay's output encoding, but 64-bit integers quoted: the generators write `source.ts_ms`
 * beyond 2^53, which a JSON number cannot carry exactly (compare.ts reads digit strings exactly).
 */
const EXACT_OUTPUT = { ...REPLAY_OUTPUT_SETTINGS, output_format_json_quote_64bit_integers: 1 } as const;

/** The embedded engine with the models deployed, and every bronze row inserted into it so far. */
export class FuzzEngine {
    /** Every row inserted so far (the oracle's input). */
    readonly inserted: BronzeTables = { customers: [], products: [], orders: [] };

    private constructor(
        private readonly gw: ChdbGateway,
        readonly client: ClickHouseClient,
        readonly database: string,
    ) {}

    /** Starts a gateway, creates bronze and deploys the models (`dbt run`, gold refreshed every `refreshSeconds`). */
    static async start(database: string, refreshSeconds = 1): Promise<FuzzEngine> {
        const gw = await startChdbGateway();
        const client = gatewayClient(gw, "default");
        try {
            await createBronzeTables(client, database);
            await buildModels(gw, database, { command: "run", vars: { gold_refresh_seconds: String(refreshSeconds) } });
        } catch (e) {
            await client.close();
            await gw.stop();
            throw e;
        }
        return new FuzzEngine(gw, client, database);
    }

    async stop(): Promise<void> {
        await this.client.close();
        await this.gw.stop();
    }

    /** One INSERT per collection; the error names the table and the rows' offsets. */
    async insert(rows: Record<Collection, BronzeRow[]>): Promise<void> {
        for (const c of COLLECTIONS) {
            if (rows[c].length === 0) continue;
            try {
                await insertBronzeRows(this.client, this.database, `mongo_ecom_${c}`, rows[c] as BronzeInsertRow[]);
            } catch (e) {
                const offsets = `${String(rows[c][0]!._offset)}…${String(rows[c].at(-1)!._offset)}`;
                const what = `INSERT of ${rows[c].length} rows (offsets ${offsets}) into mongo_ecom_${c}`;
                throw new Error(`${what} failed: ${(e as Error).message}`);
            }
            this.inserted[c].push(...rows[c]);
        }
    }

    /**
     * Resolves once every gold refresh has succeeded after now; rejects at once when a refresh
     * that started after now failed (ClickHouse's exception in the message), or after `timeoutMs`.
     */
    async refreshed(timeoutMs = 60_000): Promise<void> {
        const since = await serverNow(this.client);
        const deadline = Date.now() + timeoutMs;
        for (;;) {
            const rs = await this.client.query({
                query: `SELECT view, toString(status) AS status, exception,
                               toUnixTimestamp(ifNull(last_success_time, toDateTime(0))) AS ok,
                               toUnixTimestamp(ifNull(last_refresh_time, toDateTime(0))) AS tried
                        FROM system.view_refreshes WHERE database = {db:String} ORDER BY view`,
                query_params: { db: this.database },
                format: "JSONEachRow",
            });
            const views = await rs.json<{
                view: string;
                status: string;
                exception: string;
                ok: number | string;
                tried: number | string;
            }>();
            const failed = views.filter((v) => v.exception !== "" && Number(v.tried) > since && Number(v.ok) <= since);
            if (failed.length > 0)
                throw new Error(`gold refresh failed: ${failed.map((v) => `${v.view}: ${v.exception}`).join("; ")}`);
            if (views.length > 0 && views.every((v) => Number(v.ok) > since)) return;
            if (Date.now() > deadline) {
                const states = views.map((v) => `${v.view} ${v.status} ${v.exception}`).join("; ");
                throw new Error(`gold did not refresh within ${timeoutMs} ms: ${states}`);
            }
            await new Promise((r) => setTimeout(r, 100));
        }
    }

    /**
     * Mismatches of `bronze_rejects` with the oracle's rejects of `rows` (compared at exactly
     * those coordinates: reason and raw text), and of every silver and gold model with the
     * oracle of everything inserted. `days` are candidate values of `today()` (a refresh can
     * straddle midnight). Empty when all is equal.
     */
    async mismatches(rows: Record<Collection, BronzeRow[]>, days: Date[]): Promise<string[]> {
        const reports: string[] = [];
        const coordinate = (r: { _topic?: unknown; _offset?: unknown }) => `${String(r._topic)}/${String(r._offset)}`;
        const wanted = new Set(COLLECTIONS.flatMap((c) => rows[c].map(coordinate)));
        const expected = rejectsAsRows(foldBronze(rows));
        const rs = await this.client.query({
            query: rejectsSelectSql(this.database),
            format: "JSONEachRow",
            clickhouse_settings: REPLAY_OUTPUT_SETTINGS,
        });
        const actual = new Map(
            (await rs.json<Record<string, unknown>>())
                .filter((r) => wanted.has(coordinate(r)))
                .map((r) => [coordinate(r), r]),
        );
        const excerpt = (text: unknown): string => JSON.stringify(String(text).slice(0, 300));
        for (const e of expected) {
            const a = actual.get(coordinate(e));
            actual.delete(coordinate(e));
            if (a === undefined)
                reports.push(
                    `bronze_rejects: ${coordinate(e)} missing (oracle: ${e.reason}) raw ${excerpt(e.raw_data)}`,
                );
            else if (a.reason !== e.reason || a.raw_data !== e.raw_data) {
                reports.push(
                    `bronze_rejects: ${coordinate(e)} reason ${String(a.reason)}, oracle ${e.reason}` +
                        `${a.raw_data === e.raw_data ? "" : " (raw_data differs)"}; raw ${excerpt(e.raw_data)}`,
                );
            }
        }
        for (const [k, a] of actual)
            reports.push(
                `bronze_rejects: ${k} rejected as ${String(a.reason)}, the oracle keeps it; raw ${excerpt(a.raw_data)}`,
            );

        const docs = foldBronze(this.inserted);
        const models = days.map((d) => computeGold(docs, d));
        for (const model of MODEL_NAMES) {
            let actualRows: Record<string, unknown>[];
            try {
                const out = await this.client.query({
                    query: modelSelectSql(this.database, model as ReplayModel),
                    format: "JSONEachRow",
                    clickhouse_settings: EXACT_OUTPUT,
                });
                actualRows = await out.json<Record<string, unknown>>();
            } catch (e) {
                reports.push(`${model}: SELECT failed: ${(e as Error).message}`);
                continue;
            }
            const results = models.map((m) => compareModel(model, m[model], actualRows, 5));
            if (!results.some((r) => r.equal)) reports.push(results[0]!.report);
        }
        return reports;
    }
}
