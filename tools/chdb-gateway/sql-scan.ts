/**
 * A small scanner over the head of a ClickHouse statement, just enough for the HTTP gateway:
 * the statement's first keyword, its explicit output `FORMAT`, and for `INSERT ... FORMAT X`
 * where the inline data begins. It works on bytes because the data after an INSERT's FORMAT
 * clause may be binary (Native, RowBinary); it never looks past that point.
 *
 * It is not a parser: it skips strings, quoted identifiers and comments, tracks bracket depth,
 * and looks at top-level words. Anything it cannot classify is passed to the engine unchanged,
 * and the engine has the last word.
 */

/** What the gateway needs to know about one statement. */
export interface StatementInfo {
    /** First keyword, upper-cased (`SELECT`, `INSERT`, `WITH`, `SET`, `USE`, `CREATE`, ...); '' when empty. */
    kind: string;
    /** The explicit top-level `FORMAT <name>` of a non-INSERT statement, if any. */
    outputFormat?: string;
    /** For `INSERT ... FORMAT <name>`: the statement text up to the format name and the data offset. */
    insert?: { format: string; head: string; dataOffset: number };
    /** An `INSERT ... VALUES` (rows as SQL literals). */
    insertValues?: boolean;
    /** Name after `USE` (unquoted), for `USE db`. */
    useDatabase?: string;
    /** Byte offset of a second statement after a top-level `;` (ClickHouse's HTTP interface refuses those). */
    secondStatementAt?: number;
}

function isWordByte(b: number): boolean {
    return (
        (b >= 0x30 && b <= 0x39) ||
        (b >= 0x41 && b <= 0x5a) ||
        (b >= 0x61 && b <= 0x7a) ||
        b === 0x5f ||
        b === 0x24 ||
        b >= 0x80
    );
}

function isSpace(b: number): boolean {
    return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0x0c || b === 0x0b;
}

interface Token {
    /** 'word' | 'quoted' (identifier in "" or ``) | 'string' | 'punct' */
    type: "word" | "quoted" | "string" | "punct";
    start: number;
    end: number;
    depth: number;
}

/** Iterates the tokens of `buf` from `from`, skipping whitespace and comments. */
function* tokens(buf: Buffer, from = 0): Generator<Token> {
    let i = from;
    let depth = 0;
    const n = buf.length;
    while (i < n) {
        const b = buf[i];
        if (isSpace(b)) {
            i++;
            continue;
        }
        // -- comment, # comment
        if ((b === 0x2d && buf[i + 1] === 0x2d) || b === 0x23) {
            while (i < n && buf[i] !== 0x0a) i++;
            continue;
        }
        // /* nested comment */
        if (b === 0x2f && buf[i + 1] === 0x2a) {
            let level = 0;
            while (i < n) {
                if (buf[i] === 0x2f && buf[i + 1] === 0x2a) {
                    level++;
                    i += 2;
                } else if (buf[i] === 0x2a && buf[i + 1] === 0x2f) {
                    level--;
                    i += 2;
                    if (level === 0) break;
                } else i++;
            }
            continue;
        }
        if (b === 0x27 || b === 0x22 || b === 0x60) {
            const start = i;
            i++;
            while (i < n) {
                if (buf[i] === 0x5c) {
                    i += 2;
                    continue;
                }
                if (buf[i] === b) {
                    if (buf[i + 1] === b) {
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                i++;
            }
            yield { type: b === 0x27 ? "string" : "quoted", start, end: i, depth };
            continue;
        }
        if (isWordByte(b)) {
            const start = i;
            while (i < n && isWordByte(buf[i])) i++;
            yield { type: "word", start, end: i, depth };
            continue;
        }
        if (b === 0x28 || b === 0x5b || b === 0x7b) {
            yield { type: "punct", start: i, end: i + 1, depth };
            depth++;
            i++;
            continue;
        }
        if (b === 0x29 || b === 0x5d || b === 0x7d) {
            depth = Math.max(0, depth - 1);
            yield { type: "punct", start: i, end: i + 1, depth };
            i++;
            continue;
        }
        yield { type: "punct", start: i, end: i + 1, depth };
        i++;
    }
}

function text(buf: Buffer, t: Token): string {
    return buf.toString("utf8", t.start, t.end);
}

function unquote(buf: Buffer, t: Token): string {
    if (t.type !== "quoted") return text(buf, t);
    return buf.toString("utf8", t.start + 1, t.end - 1).replace(/\\(.)/g, "$1");
}

/**
 * Where ClickHouse starts reading inline INSERT data after the format name: horizontal
 * whitespace is skipped, then at most one line break.
 */
function dataStart(buf: Buffer, afterFormat: number): number {
    let i = afterFormat;
    while (i < buf.length && (buf[i] === 0x20 || buf[i] === 0x09 || buf[i] === 0x0c)) i++;
    if (buf[i] === 0x0d) i++;
    if (buf[i] === 0x0a) i++;
    return i;
}

/** Scans one statement (query text, possibly followed by inline INSERT data). */
export function scanStatement(buf: Buffer): StatementInfo {
    const it = tokens(buf);
    const first = it.next();
    if (first.done) return { kind: "" };
    const kind = first.value.type === "word" ? text(buf, first.value).toUpperCase() : "";
    const info: StatementInfo = { kind };
    let prev: Token | undefined;
    let prevUpper = "";
    for (let r = it.next(); !r.done; r = it.next()) {
        const t = r.value;
        if (kind === "USE" && info.useDatabase === undefined && (t.type === "word" || t.type === "quoted")) {
            info.useDatabase = unquote(buf, t);
        }
        if (
            prev &&
            prevUpper === "FORMAT" &&
            prev.depth === 0 &&
            t.depth === 0 &&
            (t.type === "word" || t.type === "quoted")
        ) {
            const format = unquote(buf, t);
            if (kind === "INSERT") {
                info.insert = { format, head: buf.toString("utf8", 0, t.end), dataOffset: dataStart(buf, t.end) };
                return info;
            }
            info.outputFormat = format;
        }
        // INSERT ... VALUES / SELECT: the rest is SQL, nothing to split.
        if (kind === "INSERT" && t.depth === 0 && t.type === "word") {
            const u = text(buf, t).toUpperCase();
            if (u === "VALUES") info.insertValues = true;
            if (u === "VALUES" || u === "SELECT" || u === "WITH") return info;
        }
        if (
            prev &&
            prev.type === "punct" &&
            buf[prev.start] === 0x3b &&
            prev.depth === 0 &&
            !(t.type === "punct" && buf[t.start] === 0x3b)
        ) {
            info.secondStatementAt = t.start;
            return info;
        }
        prev = t;
        prevUpper = t.type === "word" ? text(buf, t).toUpperCase() : "";
    }
    return info;
}

/** Statement kinds that only read (allowed over GET, like ClickHouse's readonly=2 for GET). */
export const READ_ONLY_KINDS = new Set([
    "SELECT",
    "WITH",
    "SHOW",
    "DESCRIBE",
    "DESC",
    "EXISTS",
    "EXPLAIN",
    "CHECK",
    "SET",
    "USE",
    "",
]);

/** True when `s` is a plain identifier usable unquoted as a setting name. */
export function isSettingName(s: string): boolean {
    return /^[A-Za-z_][A-Za-z0-9_]*$/.test(s);
}

/** Quotes a value as a ClickHouse string literal. */
export function quoteString(s: string): string {
    return "'" + s.replace(/\\/g, "\\\\").replace(/'/g, "\\'") + "'";
}

/** Quotes an identifier with backticks. */
export function quoteIdentifier(s: string): string {
    return "`" + s.replace(/\\/g, "\\\\").replace(/`/g, "\\`") + "`";
}
