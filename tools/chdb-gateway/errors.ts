/**
 * ClickHouse-style errors for the HTTP gateway: the `Code: N. DB::Exception: ...` body, the
 * exception code, and the HTTP status ClickHouse's HTTP handler maps that code to.
 */

/** An error with a ClickHouse exception code, rendered the way clickhouse-server renders it. */
export class GatewayError extends Error {
    constructor(
        readonly code: number,
        message: string,
        readonly extraHeaders: Record<string, string> = {},
    ) {
        super(message);
    }
}

/** Exception codes the gateway raises itself (numbers as in ClickHouse's ErrorCodes). */
export const Codes = {
    BAD_ARGUMENTS: 36,
    SYNTAX_ERROR: 62,
    UNKNOWN_SETTING: 115,
    READONLY: 164,
    REQUIRED_PASSWORD: 194,
    SESSION_NOT_FOUND: 372,
    AUTHENTICATION_FAILED: 516,
    UNKNOWN_COMPRESSION_METHOD: 89,
    CANNOT_DECOMPRESS: 271,
    NOT_IMPLEMENTED: 48,
} as const;

// Exception names grouped by the HTTP status clickhouse-server answers with (its
// exceptionCodeToHTTPStatus). Names, not numbers: the engine tells us a code's name.
const STATUS_BY_NAME: Record<string, number> = {};
for (const n of ["REQUIRED_PASSWORD"]) STATUS_BY_NAME[n] = 401;
for (const n of ["UNKNOWN_USER", "WRONG_PASSWORD", "AUTHENTICATION_FAILED", "SET_NON_GRANTED_ROLE", "ACCESS_DENIED"])
    STATUS_BY_NAME[n] = 403;
for (const n of [
    "BAD_ARGUMENTS",
    "CANNOT_COMPILE_REGEXP",
    "CANNOT_PARSE_TEXT",
    "CANNOT_PARSE_ESCAPE_SEQUENCE",
    "CANNOT_PARSE_QUOTED_STRING",
    "CANNOT_PARSE_DATE",
    "CANNOT_PARSE_DATETIME",
    "CANNOT_PARSE_NUMBER",
    "CANNOT_PARSE_DOMAIN_VALUE_FROM_STRING",
    "CANNOT_PARSE_IPV4",
    "CANNOT_PARSE_IPV6",
    "CANNOT_PARSE_INPUT_ASSERTION_FAILED",
    "CANNOT_PARSE_UUID",
    "DUPLICATE_COLUMN",
    "ILLEGAL_COLUMN",
    "UNKNOWN_ELEMENT_IN_AST",
    "UNKNOWN_TYPE_OF_AST_NODE",
    "THERE_IS_NO_COLUMN",
    "TOO_DEEP_AST",
    "TOO_BIG_AST",
    "UNEXPECTED_AST_STRUCTURE",
    "SYNTAX_ERROR",
    "INCORRECT_DATA",
    "TYPE_MISMATCH",
    "VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE",
])
    STATUS_BY_NAME[n] = 400;
for (const n of [
    "UNKNOWN_TABLE",
    "UNKNOWN_FUNCTION",
    "UNKNOWN_IDENTIFIER",
    "UNKNOWN_TYPE",
    "UNKNOWN_STORAGE",
    "UNKNOWN_DATABASE",
    "UNKNOWN_SETTING",
    "UNKNOWN_DIRECTION_OF_SORTING",
    "UNKNOWN_AGGREGATE_FUNCTION",
    "UNKNOWN_FORMAT",
    "UNKNOWN_DATABASE_ENGINE",
    "UNKNOWN_TYPE_OF_QUERY",
    "UNKNOWN_ROLE",
])
    STATUS_BY_NAME[n] = 404;
STATUS_BY_NAME.QUERY_IS_TOO_LARGE = 413;
STATUS_BY_NAME.NOT_IMPLEMENTED = 501;
STATUS_BY_NAME.SOCKET_TIMEOUT = 503;
STATUS_BY_NAME.CANNOT_OPEN_FILE = 503;
STATUS_BY_NAME.CANNOT_SCHEDULE_TASK = 503;
STATUS_BY_NAME.HTTP_LENGTH_REQUIRED = 411;
STATUS_BY_NAME.TIMEOUT_EXCEEDED = 408;
STATUS_BY_NAME.UNSUPPORTED_MEDIA_TYPE = 415;

/**
 * HTTP status for an exception code, given the code → name table (from the engine's
 * `errorCodeToName`). Unlisted codes are 500, as in ClickHouse.
 */
export function httpStatusFor(code: number, names: ReadonlyMap<number, string>): number {
    const name = names.get(code);
    return (name !== undefined && STATUS_BY_NAME[name]) || 500;
}

const CODE_PREFIX = /^Code: (\d+)\. DB::Exception: /;

/**
 * Normalises an engine error into `{ code, body }`: one `Code: N. DB::Exception:` prefix
 * (chdb's insert path doubles it), a version trailer, and a final newline.
 */
export function renderError(
    err: unknown,
    version: string,
    names: ReadonlyMap<number, string>,
): { code: number; body: string } {
    if (err instanceof GatewayError) {
        const name = names.get(err.code);
        const body = `Code: ${err.code}. DB::Exception: ${err.message}${name ? ` (${name})` : ""} (version ${version})\n`;
        return { code: err.code, body };
    }
    let message = (err instanceof Error ? err.message : String(err)).replace(/^Query failed: /, "");
    const withCode = err as { clickhouseCode?: unknown };
    let code = typeof withCode?.clickhouseCode === "number" ? withCode.clickhouseCode : undefined;
    const m = CODE_PREFIX.exec(message);
    if (m) {
        code ??= Number(m[1]);
        // "Code: 108. DB::Exception: Code: 108. DB::Exception: ..." → one prefix.
        while (CODE_PREFIX.test(message.replace(CODE_PREFIX, ""))) message = message.replace(CODE_PREFIX, "");
        message = message.replace(CODE_PREFIX, "");
        // drop an inner "(version ...)." the engine left in the middle, and a repeated name.
        message = message.replace(/ \(version [^)]*\)\.( \([A-Z_]+\))$/, "$1").replace(/( \([A-Z_]+\))\1$/, "$1");
    }
    code ??= 1001; // STD_EXCEPTION
    const trailer = /\(version [^)]*\)\s*$/.test(message) ? "" : ` (version ${version})`;
    return { code, body: `Code: ${code}. DB::Exception: ${message.trimEnd()}${trailer}\n` };
}
