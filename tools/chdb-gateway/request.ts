/**
 * The request side of the gateway's HTTP interface: who is asking (credentials from the
 * X-ClickHouse-* headers, Basic auth or URL), what (query text from the URL and/or body, multipart
 * forms), and how (database, format, settings, `param_*` bindings) — resolved into a Plan.
 */
import type { IncomingMessage } from "node:http";
import { Codes, GatewayError } from "./errors";
import { parseMultipart } from "./multipart";
import { isSettingName } from "./sql-scan";

/** The one user the gateway accepts. */
export interface Credentials {
    user: string;
    password: string;
}

/** URL parameters that steer the HTTP interface and are not settings. */
const TRANSPORT_PARAMS = new Set([
    "query",
    "database",
    "default_format",
    "session_id",
    "session_timeout",
    "session_check",
    "close_session",
    "compress",
    "decompress",
    "user",
    "password",
    "quota_key",
    "query_id",
    "buffer_size",
    "wait_end_of_query",
    "client_protocol_version",
    "role",
    "stacktrace",
    "with_stacktrace",
    "enable_http_compression",
    "http_zlib_compression_level",
    "send_progress_in_http_headers",
    "http_headers_progress_interval_ms",
    "cancel_http_readonly_queries_on_client_close",
    "http_wait_end_of_query",
    "http_response_buffer_size",
    "add_http_cors_header",
    "http_native_compression_disable_checksumming_on_decompress",
]);

/** One decoded HTTP request. */
export interface QueryRequest {
    method: string;
    params: URLSearchParams;
    headers: IncomingMessage["headers"];
    body: Buffer;
}

/** Everything a query needs from the request, resolved. */
export interface Plan {
    sql: Buffer;
    database?: string;
    format: string;
    settings: [string, string][];
    bindings: Record<string, string>;
    queryId: string;
}

/** A boolean URL parameter as ClickHouse parses one (`1` or `true`). */
export function flag(params: URLSearchParams, name: string): boolean {
    const v = params.get(name)?.trim().toLowerCase();
    return v === "1" || v === "true";
}

export function header(req: QueryRequest, name: string): string | undefined {
    const v = req.headers[name.toLowerCase()];
    return Array.isArray(v) ? v[0] : v;
}

/** Checks the credentials of a request against the configured user. */
export function authenticate(req: QueryRequest, credentials: Credentials): void {
    let user: string | undefined;
    let password: string | undefined;
    const xUser = header(req, "x-clickhouse-user");
    const authz = header(req, "authorization");
    if (xUser !== undefined) {
        user = xUser;
        password = header(req, "x-clickhouse-key") ?? "";
    } else if (authz && /^basic /i.test(authz)) {
        const decoded = Buffer.from(authz.slice(6).trim(), "base64").toString("utf8");
        const colon = decoded.indexOf(":");
        user = colon < 0 ? decoded : decoded.slice(0, colon);
        password = colon < 0 ? "" : decoded.slice(colon + 1);
    } else if (req.params.has("user")) {
        user = req.params.get("user") ?? "";
        password = req.params.get("password") ?? "";
    }
    const { user: expectedUser, password: expected } = credentials;
    if (user === undefined) {
        if (expectedUser === "default" && expected === "") return;
        throw new GatewayError(Codes.REQUIRED_PASSWORD, "Invalid authentication: Required password", {
            "WWW-Authenticate": 'Basic realm="ClickHouse server HTTP API"',
        });
    }
    if (user === "") user = "default";
    if (user !== expectedUser || password !== expected) {
        throw new GatewayError(
            Codes.AUTHENTICATION_FAILED,
            `${user}: Authentication failed: password is incorrect, or there is no user with such name`,
        );
    }
}

/** Moves multipart form fields into the parameters (`query`, `param_*`); files are refused. */
export function absorbMultipart(req: QueryRequest, ctype: string): void {
    const parts = parseMultipart(req.body, ctype);
    for (const part of parts) {
        if (part.filename !== undefined) {
            throw new GatewayError(
                Codes.NOT_IMPLEMENTED,
                "External data (multipart file parts) is not supported by this gateway",
            );
        }
        req.params.set(part.name, part.data.toString("utf8"));
    }
    req.body = Buffer.alloc(0);
}

/** Resolves the statement text, database, format, settings and bindings of a request. */
export function planRequest(req: QueryRequest, queryId: string): Plan {
    const q = req.params.get("query");
    let sql: Buffer;
    if (q !== null && q !== "")
        sql = req.body.length > 0 ? Buffer.concat([Buffer.from(q + "\n"), req.body]) : Buffer.from(q);
    else sql = req.body;
    const database = header(req, "x-clickhouse-database") || req.params.get("database") || undefined;
    const format = header(req, "x-clickhouse-format") || req.params.get("default_format") || "TabSeparated";
    const settings: [string, string][] = [];
    const bindings: Record<string, string> = {};
    for (const [k, v] of req.params) {
        if (k.startsWith("param_")) {
            bindings[k.slice(6)] = v;
            continue;
        }
        if (TRANSPORT_PARAMS.has(k) || /_(structure|format|types)$/.test(k)) continue;
        if (!isSettingName(k)) throw new GatewayError(Codes.UNKNOWN_SETTING, `Unknown setting '${k}'`);
        settings.push([k, v]);
    }
    return { sql, database, format, settings, bindings, queryId };
}

/** The whole request body. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => resolve(Buffer.concat(chunks)));
        req.on("error", reject);
    });
}
