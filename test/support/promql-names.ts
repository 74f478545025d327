/**
 * The metric names a PromQL expression selects, for tests that check queries against the metric catalog
 * (test/support/metric-catalog.ts). No PromQL parser is installed for Node, so this is a small scanner of PromQL's
 * lexical rules; whether the expression parses at all is promtool's job (test/unit/monitoring-dashboard.test.ts).
 *
 * Skipped: string literals, label matchers `{…}` (except a `__name__="…"` matcher, whose value is a name), range and
 * subquery brackets `[…]`, numbers and durations, Grafana variables (`$__rate_interval`), function and aggregation
 * calls (an identifier followed by `(`), the label lists of `by`/`without`/`on`/`ignoring`/`group_left`/`group_right`,
 * and PromQL's keywords. What is left is a metric name.
 */

const KEYWORDS = new Set(["and", "or", "unless", "bool", "offset", "atan2", "inf", "nan"]);
const LABEL_LIST_KEYWORDS = new Set(["by", "without", "on", "ignoring", "group_left", "group_right"]);

const isIdentStart = (c: string) => /[A-Za-z_:]/.test(c);
const isIdentPart = (c: string) => /[A-Za-z0-9_:]/.test(c);

/** Index just past the string literal that starts at `i` (quote `"`, `'` or a backtick). */
function skipString(expr: string, i: number): number {
    const quote = expr[i];
    let j = i + 1;
    while (j < expr.length && expr[j] !== quote) j += quote !== "`" && expr[j] === "\\" ? 2 : 1;
    if (j >= expr.length) throw new Error(`unterminated string literal at ${i} in PromQL: ${expr}`);
    return j + 1;
}

/** Index just past the bracket that closes the one at `i`, skipping strings inside. */
function skipGroup(expr: string, i: number, open: string, close: string): number {
    let depth = 0;
    let j = i;
    while (j < expr.length) {
        const c = expr[j];
        if (c === '"' || c === "'" || c === "`") {
            j = skipString(expr, j);
            continue;
        }
        if (c === open) depth++;
        if (c === close && --depth === 0) return j + 1;
        j++;
    }
    throw new Error(`unbalanced "${open}" at ${i} in PromQL: ${expr}`);
}

/** The `__name__` values of the label matchers between `i` and `end` (`{__name__="x"}` selects metric x). */
function namesInMatchers(expr: string, start: number, end: number): string[] {
    const names: string[] = [];
    const pattern = /__name__\s*=\s*(["'`])((?:\\.|(?!\1).)*)\1/g;
    for (const match of expr.slice(start, end).matchAll(pattern)) names.push(match[2]);
    return names;
}

const nextNonSpace = (expr: string, i: number): number => {
    let j = i;
    while (j < expr.length && /\s/.test(expr[j])) j++;
    return j;
};

/** The distinct metric names `expr` selects, in order of first appearance. */
export function metricNamesIn(expr: string): string[] {
    const names: string[] = [];
    const add = (name: string) => {
        if (!names.includes(name)) names.push(name);
    };
    let i = 0;
    while (i < expr.length) {
        const c = expr[i];
        if (c === "#") {
            const eol = expr.indexOf("\n", i);
            i = eol < 0 ? expr.length : eol;
        } else if (c === '"' || c === "'" || c === "`") {
            i = skipString(expr, i);
        } else if (c === "{") {
            const end = skipGroup(expr, i, "{", "}");
            namesInMatchers(expr, i, end).forEach(add);
            i = end;
        } else if (c === "[") {
            i = skipGroup(expr, i, "[", "]");
        } else if (c === "$") {
            i++;
            while (i < expr.length && (isIdentPart(expr[i]) || expr[i] === "{" || expr[i] === "}")) i++;
        } else if (/[0-9.]/.test(c)) {
            // A number (1, 0.5, 1e3, 0x1f) or a duration (5m, 1h30m): letters glued to it belong to it.
            while (i < expr.length && /[0-9A-Za-z_.]/.test(expr[i])) i++;
        } else if (isIdentStart(c)) {
            let j = i + 1;
            while (j < expr.length && isIdentPart(expr[j])) j++;
            const word = expr.slice(i, j);
            const after = nextNonSpace(expr, j);
            const lower = word.toLowerCase();
            if (LABEL_LIST_KEYWORDS.has(lower)) {
                i = expr[after] === "(" ? skipGroup(expr, after, "(", ")") : j;
            } else if (expr[after] === "(" || KEYWORDS.has(lower) || /^(by|without)\b/i.test(expr.slice(after))) {
                i = j; // a function or aggregation call (`sum by (x) (…)`), or a keyword
            } else {
                add(word);
                i = j;
            }
        } else {
            i++;
        }
    }
    return names;
}
