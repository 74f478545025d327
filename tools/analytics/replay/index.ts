/**
 * Replay of captured bronze rows through the dbt project on the embedded ClickHouse engine:
 * fresh gateway + data dir → bronze tables (docs/data-contract.md §3 DDL) → rows loaded → `dbt build`
 * → every silver and gold model written as `OUT/<model>.jsonl`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from "@clickhouse/client";
import { createBronze, deployModels } from "../deploy";
import type { DbtRunSummary } from "../../../components/providers/dbt/summary";
import { startChdbGateway, type ChdbGateway } from "../../chdb-gateway";
import {
    BRONZE_TABLES,
    bronzeFilePaths,
    parseBronzeJsonl,
    type BronzeInsertRow,
    type BronzeTable,
} from "./bronzeFiles";
import { REPLAY_MODELS, REPLAY_OUTPUT_SETTINGS, modelSelectSql, rejectsSelectSql, type ReplayModel } from "./models";

export { PROJECT_DIR } from "../deploy";

/** Database the replay loads bronze into and builds the models in. */
export const REPLAY_DATABASE = "ecom_replay";

/** Rows per INSERT when loading bronze. */
const INSERT_BATCH = 50_000;

/** Options of {@link replay}. */
export interface ReplayOptions {
    bronzeDir: string;
    outDir: string;
    /** Receives progress and dbt output lines. */
    log?: (line: string) => void;
}

/** What a replay did. */
export interface ReplayResult {
    /** Bronze rows loaded per table. */
    loaded: Record<BronzeTable, number>;
    /** Rows written per model. */
    written: Record<ReplayModel | "bronze_rejects", number>;
    dbt: DbtRunSummary;
}

/** A client on a gateway, database set. */
export function gatewayClient(gw: ChdbGateway, database: string): ClickHouseClient {
    return createClient({
        url: gw.url,
        username: gw.user,
        password: gw.password,
        database,
        request_timeout: 600_000,
        log: { level: ClickHouseLogLevel.ERROR },
    });
}

/** Creates the database and the three bronze tables (fresh), as the stack does. */
export { createBronze as createBronzeTables };

/** Inserts bronze rows in batches (the engine stamps `_ingested_at`). */
export async function insertBronzeRows(
    client: ClickHouseClient,
    database: string,
    table: BronzeTable,
    rows: readonly BronzeInsertRow[],
): Promise<void> {
    for (let i = 0; i < rows.length; i += INSERT_BATCH) {
        await client.insert({
            table: `${database}.${table}`,
            values: rows.slice(i, i + INSERT_BATCH),
            format: "JSONEachRow",
        });
    }
}

/** Reads one model's rows in key order, encoded as in the replay output files. */
export async function readModelRows(
    client: ClickHouseClient,
    database: string,
    model: ReplayModel,
): Promise<Record<string, unknown>[]> {
    const rs = await client.query({
        query: modelSelectSql(database, model),
        format: "JSONEachRow",
        clickhouse_settings: REPLAY_OUTPUT_SETTINGS,
    });
    return rs.json<Record<string, unknown>>();
}

/**
 * Writes every replay model as `<outDir>/<model>.jsonl` and the rejects as `bronze_rejects.jsonl`; returns row counts.
 */
export async function exportModels(
    client: ClickHouseClient,
    database: string,
    outDir: string,
): Promise<Record<ReplayModel | "bronze_rejects", number>> {
    fs.mkdirSync(outDir, { recursive: true });
    const written = {} as Record<ReplayModel | "bronze_rejects", number>;
    const queries: [ReplayModel | "bronze_rejects", string][] = (Object.keys(REPLAY_MODELS) as ReplayModel[]).map(
        (m) => [m, modelSelectSql(database, m)],
    );
    queries.push(["bronze_rejects", rejectsSelectSql(database)]);
    for (const [model, query] of queries) {
        const rs = await client.query({ query, format: "JSONEachRow", clickhouse_settings: REPLAY_OUTPUT_SETTINGS });
        const text = await rs.text();
        const body = text.endsWith("\n") || text === "" ? text : `${text}\n`;
        fs.writeFileSync(path.join(outDir, `${model}.jsonl`), body);
        written[model] = body === "" ? 0 : body.split("\n").length - 1;
    }
    return written;
}

/** Reads and validates the three bronze files of a directory. */
export function readBronzeInput(bronzeDir: string): Record<BronzeTable, BronzeInsertRow[]> {
    const files = bronzeFilePaths(bronzeDir);
    const input = {} as Record<BronzeTable, BronzeInsertRow[]>;
    for (const table of BRONZE_TABLES)
        input[table] = parseBronzeJsonl(fs.readFileSync(files[table], "utf8"), files[table]);
    return input;
}

/** Options of {@link buildModels}. */
export interface BuildOptions {
    /** dbt project variables (e.g. `gold_refresh_seconds`, `bronze_orders`). */
    vars?: Record<string, string>;
    fullRefresh?: boolean;
    /** Only these nodes (dbt `--select`). */
    select?: string[];
    /** `build` (models + tests, the default) or `run` (models only). */
    command?: "build" | "run";
    log?: (line: string) => void;
}

/** Runs `dbt build` of the dbt project (ecom_analytics/) against a gateway, into `database`. */
export function buildModels(gw: ChdbGateway, database: string, o: BuildOptions = {}): Promise<DbtRunSummary> {
    return deployModels(
        { url: gw.url, user: gw.user, password: gw.password, database },
        { extraVars: o.vars, command: o.command, fullRefresh: o.fullRefresh, select: o.select, log: o.log },
    );
}

/**
 * Runs the whole replay. Rejects with the dbt error lines (a `DbtRunError`) when a model or a
 * test fails, with a `BronzeFileError` for missing/malformed input.
 */
export async function replay(o: ReplayOptions): Promise<ReplayResult> {
    const log = o.log ?? (() => undefined);
    const input = readBronzeInput(o.bronzeDir);
    const gw = await startChdbGateway({ log: (l) => log(`[gateway] ${l}`) });
    const client = gatewayClient(gw, "default");
    try {
        await createBronze(client, REPLAY_DATABASE);
        const loaded = {} as Record<BronzeTable, number>;
        for (const table of BRONZE_TABLES) {
            await insertBronzeRows(client, REPLAY_DATABASE, table, input[table]);
            loaded[table] = input[table].length;
            log(`loaded ${input[table].length} rows into ${table}`);
        }
        const dbt = await buildModels(gw, REPLAY_DATABASE, { log });
        const written = await exportModels(client, REPLAY_DATABASE, o.outDir);
        return { loaded, written, dbt };
    } finally {
        await client.close();
        await gw.stop();
    }
}
