/**
 * The comparison layer against ClickHouse's real encodings: every model the oracle computes is
 * typed by the real engine (Decimal(18,2), DateTime64(3, 'UTC'), Date, Int64, Nullable) and read
 * back as JSONEachRow — the form the replay's output takes — and must normalise to the same
 * rows. So a mismatch in the gold-vs-oracle tests is a data difference, never an encoding one.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { simulateHistory } from "../../seed/index";
import { compareModel, normalizeRows } from "../support/compare";
import { computeGold, foldBronze, MODEL_NAMES, MODEL_SCHEMAS, type ModelName } from "../support/oracle";
import type { ColumnKind } from "../support/oracle/schema";
import { requireTier } from "../support/tier";

type Chdb = { query(sql: string, format?: string): string };

function loadChdb(): Chdb | string {
    try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        return require("chdb") as Chdb;
    } catch (e) {
        return `npm package chdb cannot be loaded (${(e as Error).message.split("\n")[0]}); run npm ci`;
    }
}

const CH_TYPE: Record<ColumnKind, string> = {
    string: "Nullable(String)",
    int: "Nullable(Int64)",
    money: "Nullable(Decimal(18, 2))",
    datetime: "Nullable(DateTime64(3, 'UTC'))",
    date: "Nullable(Date)",
};

const sqlString = (s: string): string => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

/** Rows per query: the data travels inside the SQL text, which ClickHouse caps at 256 KiB. */
const BATCH = 200;

/** Types canonical rows through the engine and returns them as ClickHouse writes JSONEachRow. */
function throughClickHouse(chdb: Chdb, model: ModelName, rows: Record<string, unknown>[]): Record<string, unknown>[] {
    if (rows.length > BATCH) {
        const out: Record<string, unknown>[] = [];
        for (let i = 0; i < rows.length; i += BATCH)
            out.push(...throughClickHouse(chdb, model, rows.slice(i, i + BATCH)));
        return out;
    }
    if (rows.length === 0) return [];
    const columns = MODEL_SCHEMAS[model].columns as Record<string, ColumnKind>;
    const structure = Object.entries(columns)
        .map(([c, k]) => `${c} ${CH_TYPE[k]}`)
        .join(", ");
    const data = rows.map((r) => JSON.stringify(r)).join("\n");
    const out = chdb.query(
        `SELECT * FROM format(JSONEachRow, ${sqlString(structure)}, ${sqlString(data)}) SETTINGS date_time_input_format = 'best_effort'`,
        "JSONEachRow",
    );
    return out
        .split("\n")
        .filter((l) => l.trim() !== "")
        .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe("gold-vs-oracle comparison on ClickHouse encodings", () => {
    const history = simulateHistory({ seed: 5, customers: 40, products: 20, orders: 300, changes: 400 });
    const gold = computeGold(foldBronze(history.bronze), new Date("2025-06-01T00:00:00Z"));

    for (const model of MODEL_NAMES) {
        it(`reads ${model} back from the engine as the same rows`, (t) => {
            const chdb = loadChdb();
            if (!requireTier(t, "chdb", typeof chdb === "string" ? chdb : undefined) || typeof chdb === "string")
                return;
            assert.ok(gold[model].length > 0, `the history yields ${model} rows`);
            const back = throughClickHouse(chdb, model, normalizeRows(model, gold[model]));
            const result = compareModel(model, gold[model], back);
            assert.equal(result.equal, true, result.report);
        });
    }

    it("still finds a one-cent difference after the engine round trip", (t) => {
        const chdb = loadChdb();
        if (!requireTier(t, "chdb", typeof chdb === "string" ? chdb : undefined) || typeof chdb === "string") return;
        const rows = normalizeRows("fct_daily_sales", gold.fct_daily_sales);
        const changed = rows.map((r, i) =>
            i === 0 ? { ...r, total_revenue: (Number(r.total_revenue) + 0.01).toFixed(2) } : r,
        );
        const result = compareModel(
            "fct_daily_sales",
            gold.fct_daily_sales,
            throughClickHouse(chdb, "fct_daily_sales", changed),
        );
        assert.equal(result.equal, false);
        assert.match(result.report, /total_revenue: expected/);
    });
});
