/**
 * Row-set comparison of model outputs with readable diffs.
 *
 * `normalizeRows` brings rows from either side — the oracle's plain values, or rows read back
 * from ClickHouse (JSONEachRow text, numbers, quoted 64-bit integers, `YYYY-MM-DD hh:mm:ss.sss`
 * times) — into one canonical text form per column kind (see {@link ColumnKind}), so encoding
 * details of either side never decide a comparison. `compareModel` then matches rows by the
 * model's key and describes the first mismatches.
 */
import { MODEL_SCHEMAS, type ColumnKind, type ModelName } from "./oracle/schema";

/** A row in canonical form: every contract column as text or NULL. */
export type CanonicalRow = Record<string, string | null>;

const DECIMAL = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Exact decimal text with at least 2 decimal places and no further trailing zeros: `19.9` → `19.90`, `"12.3400"` →
 * `"12.34"`.
 */
export function canonicalMoney(v: unknown): string {
    const text = typeof v === "number" || typeof v === "bigint" ? String(v) : String(v).trim();
    const m = DECIMAL.exec(text);
    if (m === null || (!m[2] && !m[3])) return `<not a decimal: ${JSON.stringify(v)}>`;
    let digits = (m[2] ?? "") + (m[3] ?? "");
    let pointPos = (m[2] ?? "").length + (m[4] === undefined ? 0 : Number(m[4]));
    if (pointPos < 0) {
        digits = "0".repeat(-pointPos) + digits;
        pointPos = 0;
    }
    if (digits.length < pointPos) digits += "0".repeat(pointPos - digits.length);
    const whole = digits.slice(0, pointPos).replace(/^0+/, "") || "0";
    let frac = digits.slice(pointPos).replace(/0+$/, "");
    if (frac.length < 2) frac = frac.padEnd(2, "0");
    const zero = /^0*$/.test(whole + frac);
    const sign = m[1] === "-" && !zero ? "-" : "";
    return `${sign}${whole}.${frac}`;
}

/** Integer text without sign noise or leading zeros: `"0042"` → `"42"`, `7` → `"7"`. */
export function canonicalInt(v: unknown): string {
    if (typeof v === "bigint") return v.toString();
    if (typeof v === "number" && Number.isInteger(v)) return BigInt(v).toString();
    if (typeof v === "string" && /^[+-]?\d+$/.test(v.trim())) return BigInt(v.trim()).toString();
    return `<not an integer: ${JSON.stringify(v)}>`;
}

const CH_DATETIME = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * ISO-8601 UTC with milliseconds. Numbers and digit-only text are epoch milliseconds; text
 * without a zone is UTC (the pipeline's ClickHouse runs in UTC); fraction digits beyond
 * milliseconds are kept when non-zero so that a precision mismatch shows.
 */
export function canonicalDateTime(v: unknown): string {
    if (v instanceof Date) return v.toISOString();
    if (typeof v === "number" || typeof v === "bigint" || (typeof v === "string" && /^-?\d+$/.test(v))) {
        return new Date(Number(v)).toISOString();
    }
    if (typeof v === "string") {
        const m = CH_DATETIME.exec(v.trim());
        if (m !== null) {
            const fraction = (m[3] ?? "").padEnd(3, "0");
            const ms = fraction.slice(0, 3);
            const extra = fraction.slice(3).replace(/0+$/, "");
            const base = new Date(`${m[1]}T${m[2]}.${ms}${m[4] ?? "Z"}`);
            if (!Number.isNaN(base.getTime())) {
                const iso = base.toISOString();
                return extra === "" ? iso : `${iso.slice(0, -1)}${extra}Z`;
            }
        }
    }
    return `<not a date-time: ${JSON.stringify(v)}>`;
}

/** `YYYY-MM-DD`; a number is a ClickHouse day number (days since 1970-01-01). */
export function canonicalDate(v: unknown): string {
    if (v instanceof Date) return v.toISOString().slice(0, 10);
    if (typeof v === "number" && Number.isInteger(v)) return new Date(v * 86_400_000).toISOString().slice(0, 10);
    if (typeof v === "string" && /^\d{4}-\d{2}-\d{2}/.test(v)) {
        const time = v.slice(10).trim();
        return time === "" || /^[T ]?00:00:00(\.0+)?Z?$/.test(time) ? v.slice(0, 10) : `<date with a time: ${v}>`;
    }
    return `<not a date: ${JSON.stringify(v)}>`;
}

function canonicalValue(kind: ColumnKind, v: unknown): string | null {
    if (v === null || v === undefined) return null;
    switch (kind) {
        case "string":
            return typeof v === "string" ? v : `<not a string: ${JSON.stringify(v)}>`;
        case "int":
            return canonicalInt(v);
        case "money":
            return canonicalMoney(v);
        case "datetime":
            return canonicalDateTime(v);
        case "date":
            return canonicalDate(v);
    }
}

/** Marks a contract column absent from a row (as opposed to present and NULL). */
export const MISSING_COLUMN = "<column missing>";

/**
 * Canonical form of rows of `model`: exactly the contract's columns (extra columns dropped,
 * an absent column becomes {@link MISSING_COLUMN}), each value in its kind's canonical text.
 */
export function normalizeRows(model: ModelName, rows: readonly Record<string, unknown>[]): CanonicalRow[] {
    const columns = MODEL_SCHEMAS[model].columns as Record<string, ColumnKind>;
    return rows.map((row) => {
        const out: CanonicalRow = {};
        for (const [column, kind] of Object.entries(columns)) {
            out[column] = column in row ? canonicalValue(kind, row[column]) : MISSING_COLUMN;
        }
        return out;
    });
}

/** Outcome of comparing one model. */
export interface ModelComparison {
    model: ModelName;
    equal: boolean;
    expectedRows: number;
    actualRows: number;
    /** Human-readable description of the first mismatches (empty when equal). */
    report: string;
}

function keyOf(row: CanonicalRow, key: readonly string[]): string {
    return key.map((k) => `${k}=${row[k] ?? "NULL"}`).join(", ");
}

function index(
    rows: CanonicalRow[],
    key: readonly string[],
    problems: string[],
    side: string,
): Map<string, CanonicalRow> {
    const byKey = new Map<string, CanonicalRow>();
    for (const row of rows) {
        const k = keyOf(row, key);
        if (byKey.has(k)) problems.push(`duplicate key in ${side}: ${k}`);
        byKey.set(k, row);
    }
    return byKey;
}

const show = (v: string | null | undefined): string => (v === null || v === undefined ? "NULL" : JSON.stringify(v));

/**
 * Compares the rows of one model as sets keyed by the model's key. `expected` are oracle rows,
 * `actual` rows read back from the models; both are normalised here. At most `limit` mismatches
 * of each sort are described.
 */
export function compareModel(
    model: ModelName,
    expected: readonly Record<string, unknown>[],
    actual: readonly Record<string, unknown>[],
    limit = 10,
): ModelComparison {
    const key = MODEL_SCHEMAS[model].key;
    const problems: string[] = [];
    const exp = index(normalizeRows(model, expected), key, problems, "expected");
    const act = index(normalizeRows(model, actual), key, problems, "actual");
    const missing: string[] = [];
    const unexpected: string[] = [];
    const differing: string[] = [];
    let missingCount = 0;
    let unexpectedCount = 0;
    let differingCount = 0;
    for (const [k, e] of exp) {
        const a = act.get(k);
        if (a === undefined) {
            if (missingCount++ < limit) missing.push(`  ${k}: ${JSON.stringify(e)}`);
            continue;
        }
        const diffs = Object.keys(e)
            .filter((c) => e[c] !== a[c])
            .map((c) => `${c}: expected ${show(e[c])}, got ${show(a[c])}`);
        if (diffs.length > 0 && differingCount++ < limit) differing.push(`  ${k}: ${diffs.join("; ")}`);
    }
    for (const [k, a] of act) {
        if (!exp.has(k) && unexpectedCount++ < limit) unexpected.push(`  ${k}: ${JSON.stringify(a)}`);
    }
    const sections: string[] = [];
    if (problems.length > 0)
        sections.push(`${problems.length} duplicate key(s):\n  ${problems.slice(0, limit).join("\n  ")}`);
    if (missingCount > 0) sections.push(`${missingCount} row(s) expected but missing:\n${missing.join("\n")}`);
    if (unexpectedCount > 0) sections.push(`${unexpectedCount} row(s) not expected:\n${unexpected.join("\n")}`);
    if (differingCount > 0) sections.push(`${differingCount} row(s) differ:\n${differing.join("\n")}`);
    const equal = sections.length === 0;
    return {
        model,
        equal,
        expectedRows: expected.length,
        actualRows: actual.length,
        report: equal
            ? ""
            : `${model} (key ${key.join(", ")}; expected ${expected.length} rows, got ${actual.length}):\n${sections.join("\n")}`,
    };
}
