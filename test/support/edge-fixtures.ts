/** The hand-written bronze edge-case fixtures (test/fixtures/bronze-edge) and their expected models. */
import * as fs from "node:fs";
import * as path from "node:path";

export const EDGE_FIXTURES = path.join(__dirname, "..", "fixtures", "bronze-edge");

/** Expected rows of `model`, derived by hand (see the fixture README). */
export function readExpected(model: string): Record<string, unknown>[] {
    return fs
        .readFileSync(path.join(EDGE_FIXTURES, "expected", `${model}.jsonl`), "utf8")
        .split("\n")
        .filter((l) => l.trim() !== "")
        .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Projects actual rows onto the expected rows' columns (expected may omit run-dependent ones). */
export function project(rows: Record<string, unknown>[], like: Record<string, unknown>[]): Record<string, unknown>[] {
    const columns = like.length > 0 ? Object.keys(like[0]!) : [];
    return rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c]])));
}
