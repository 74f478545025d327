/**
 * The ClickHouse HTTP interface, as far as this gateway implements it (see README.md for the
 * limits): request → credentials, query text and data, settings, session → one engine
 * statement → ClickHouse-shaped response.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { decodeBody, encodeBody, pickResponseEncoding } from "./compression";
import { compressNative, decompressNative } from "./native-compression";
import type { Connection, Engine, NativeInsertResult, NativeResult } from "./engine";
import { Codes, GatewayError, httpStatusFor, renderError } from "./errors";
import { parseMultipart } from "./multipart";
import type { SessionState, Sessions } from "./sessions";
import { READ_ONLY_KINDS, isSettingName, quoteIdentifier, quoteString, scanStatement } from "./sql-scan";

/** The one user the gateway accepts. */
export interface Credentials {
    user: string;
    password: string;
}

/** URL parameters that steer the HTTP interface and are not settings. */
const TRANSPORT_PARAMS = new Set([
    "query", "database", "default_format", "session_id", "session_timeout", "session_check", "close_session",
    "compress", "decompress", "user", "password", "quota_key", "query_id", "buffer_size", "wait_end_of_query",
    "client_protocol_version", "role", "stacktrace", "with_stacktrace", "enable_http_compression",
    "http_zlib_compression_level", "send_progress_in_http_headers", "http_headers_progress_interval_ms",
    "cancel_http_readonly_queries_on_client_close", "http_wait_end_of_query", "http_response_buffer_size",
    "add_http_cors_header", "http_native_compression_disable_checksumming_on_decompress",
]);

/** One decoded HTTP request. */
interface QueryRequest {
    method: string;
    params: URLSearchParams;
    headers: IncomingMessage["headers"];
    body: Buffer;
}

/** Everything a query needs from the request, resolved. */
interface Plan {
    sql: Buffer;
    database?: string;
    format: string;
    settings: [string, string][];
    bindings: Record<string, string>;
    queryId: string;
}

interface Outcome {
    bytes: Buffer;
    format: string;
    summary: Record<string, string>;
}

/** A boolean URL parameter as ClickHouse parses one (`1` or `true`). */
function flag(params: URLSearchParams, name: string): boolean {
    const v = params.get(name)?.trim().toLowerCase();
    return v === "1" || v === "true";
}

function header(req: QueryRequest, name: string): string | undefined {
    const v = req.headers[name.toLowerCase()];
    return Array.isArray(v) ? v[0] : v;
}

/** Handles HTTP requests for one engine. */
export class Handler {
    constructor(
        private readonly engine: Engine,
        private readonly sessions: Sessions,
        private readonly credentials: Credentials,
        private readonly log: (line: string) => void,
    ) {}

    /** Node `http` request listener. */
    async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
        const url = new URL(req.url ?? "/", "http://gateway");
        const queryId = url.searchParams.get("query_id") || randomUUID();
        const common: Record<string, string> = {
            "X-ClickHouse-Server-Display-Name": "chdb-gateway",
            "X-ClickHouse-Query-Id": queryId,
            "X-ClickHouse-Timezone": this.engine.timezone,
        };
        try {
            const raw = await readBody(req);
            if (url.pathname === "/ping" || url.pathname === "/replicas_status") {
                return send(res, 200, { "Content-Type": "text/plain; charset=UTF-8" }, Buffer.from("Ok.\n"));
            }
            if (url.pathname !== "/") {
                return send(res, 404, { "Content-Type": "text/plain; charset=UTF-8" }, Buffer.from(`There is no handle ${url.pathname}\n`));
            }
            const request: QueryRequest = { method: req.method ?? "GET", params: url.searchParams, headers: req.headers, body: raw };
            this.authenticate(request);
            request.body = decodeBody(raw, header(request, "content-encoding"));
            if (flag(request.params, "decompress")) {
                request.body = decompressNative(request.body, !flag(request.params, "http_native_compression_disable_checksumming_on_decompress"));
            }
            // Only multipart/form-data bodies are forms to ClickHouse; any other body, also one sent as
            // application/x-www-form-urlencoded (curl --data-binary), is query text and/or data.
            const ctype = header(request, "content-type") ?? "";
            if (/^multipart\/form-data/i.test(ctype)) this.absorbMultipart(request, ctype);
            if (!request.params.has("query") && request.body.length === 0) {
                return send(res, 200, { "Content-Type": "text/plain; charset=UTF-8" }, Buffer.from("Ok.\n"));
            }
            const plan = this.plan(request, queryId);
            const outcome = await this.execute(request, plan);
            const headers: Record<string, string> = {
                ...common,
                "Content-Type": contentTypeFor(outcome.format),
                "X-ClickHouse-Format": outcome.format,
                "X-ClickHouse-Summary": JSON.stringify(outcome.summary),
            };
            if (plan.database) headers["X-ClickHouse-Database"] = plan.database;
            const tz = plan.settings.find(([k]) => k === "session_timezone")?.[1];
            if (tz) headers["X-ClickHouse-Timezone"] = tz;
            let body = outcome.bytes;
            if (flag(request.params, "compress") && body.length > 0) body = compressNative(body);
            const encoding = request.params.get("enable_http_compression") === "1" ? pickResponseEncoding(header(request, "accept-encoding")) : undefined;
            if (encoding && body.length > 0) {
                const level = Number(request.params.get("http_zlib_compression_level") ?? NaN);
                body = encodeBody(body, encoding, Number.isInteger(level) && level >= 1 && level <= 9 ? level : undefined);
                headers["Content-Encoding"] = encoding;
            }
            return send(res, 200, headers, body);
        } catch (err) {
            const { code, body } = renderError(err, this.engine.version, this.engine.errorNames);
            const status = httpStatusFor(code, this.engine.errorNames);
            this.log(`query ${queryId} failed (${status}): ${body.trim().slice(0, 300)}`);
            const extra = err instanceof GatewayError ? err.extraHeaders : {};
            return send(res, status, {
                ...common,
                ...extra,
                "Content-Type": "text/plain; charset=UTF-8",
                "X-ClickHouse-Exception-Code": String(code),
            }, Buffer.from(body));
        }
    }

    /** Checks the credentials of a request against the configured user. */
    private authenticate(req: QueryRequest): void {
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
        const { user: expectedUser, password: expected } = this.credentials;
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
    private absorbMultipart(req: QueryRequest, ctype: string): void {
        const parts = parseMultipart(req.body, ctype);
        for (const part of parts) {
            if (part.filename !== undefined) {
                throw new GatewayError(Codes.NOT_IMPLEMENTED, "External data (multipart file parts) is not supported by this gateway");
            }
            req.params.set(part.name, part.data.toString("utf8"));
        }
        req.body = Buffer.alloc(0);
    }

    /** Resolves the statement text, database, format, settings and bindings of a request. */
    private plan(req: QueryRequest, queryId: string): Plan {
        const q = req.params.get("query");
        let sql: Buffer;
        if (q !== null && q !== "") sql = req.body.length > 0 ? Buffer.concat([Buffer.from(q + "\n"), req.body]) : Buffer.from(q);
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

    /** Runs the statement on a session's connection or a fresh one. */
    private async execute(req: QueryRequest, plan: Plan): Promise<Outcome> {
        const info = scanStatement(plan.sql);
        if (info.kind === "") throw new GatewayError(Codes.SYNTAX_ERROR, "Empty query");
        if (info.secondStatementAt !== undefined) {
            throw new GatewayError(
                Codes.SYNTAX_ERROR,
                `Syntax error (Multi-statements are not allowed): failed at position ${info.secondStatementAt + 1} (end of query)`,
            );
        }
        if (req.method === "GET" && !READ_ONLY_KINDS.has(info.kind)) {
            throw new GatewayError(
                Codes.READONLY,
                "Cannot execute query in readonly mode. For queries over HTTP, method GET implies readonly. You should use method POST for modifying queries",
            );
        }
        const run = async (conn: Connection, session?: SessionState): Promise<Outcome> => {
            const restore: string[] = [];
            if (plan.database && plan.database !== (session?.currentDatabase ?? "default")) {
                await conn.query(`USE ${quoteIdentifier(plan.database)}`, "TabSeparated");
                if (session && info.kind !== "USE") restore.push(`USE ${quoteIdentifier(session.currentDatabase)}`);
            }
            if (plan.settings.length > 0) {
                let apply = true;
                if (session) {
                    // A session keeps its own settings: apply the request's for this statement only.
                    const snapshot = await this.settingsSnapshot(conn, plan.settings.map(([k]) => k));
                    apply = plan.settings.some(([k, v]) => snapshot.get(k)?.value !== v);
                    if (apply) {
                        const back = [...snapshot].map(([k, { value, changed }]) => `${k} = ${changed ? quoteString(value) : "DEFAULT"}`);
                        if (back.length > 0) restore.push(`SET ${back.join(", ")}`);
                    }
                }
                if (apply) await conn.query(`SET ${plan.settings.map(([k, v]) => `${k} = ${quoteString(v)}`).join(", ")}`, "TabSeparated");
            }
            try {
                const outcome = await this.statement(conn, plan, info);
                if (session && info.kind === "USE" && info.useDatabase) session.currentDatabase = info.useDatabase;
                return outcome;
            } finally {
                for (const stmt of restore) {
                    try {
                        await conn.query(stmt, "TabSeparated");
                    } catch (e) {
                        this.log(`session ${session?.id}: could not restore state with ${stmt}: ${(e as Error).message}`);
                    }
                }
            }
        };
        const sessionId = req.params.get("session_id");
        if (sessionId) {
            const timeout = req.params.get("session_timeout");
            return this.sessions.run(
                sessionId,
                {
                    timeoutSec: timeout !== null ? Number(timeout) : undefined,
                    check: req.params.get("session_check") === "1",
                    close: req.params.get("close_session") === "1",
                },
                (s) => run(s.conn, s),
            );
        }
        const conn = this.engine.connect();
        try {
            return await run(conn);
        } finally {
            conn.close();
        }
    }

    /** Current values of the named settings on a connection (unknown names are absent). */
    private async settingsSnapshot(conn: Connection, names: string[]): Promise<Map<string, { value: string; changed: boolean }>> {
        const rows = await conn.text(
            `SELECT name, value, changed FROM system.settings WHERE name IN (${names.map(quoteString).join(", ")})`,
        );
        const out = new Map<string, { value: string; changed: boolean }>();
        for (const line of rows.split("\n")) {
            if (!line) continue;
            const [name, value, changed] = line.split("\t");
            out.set(name, { value: unescapeTsv(value), changed: changed === "1" });
        }
        return out;
    }

    /** Runs the statement itself: an INSERT with inline data, or anything else. */
    private async statement(conn: Connection, plan: Plan, info: ReturnType<typeof scanStatement>): Promise<Outcome> {
        const started = process.hrtime.bigint();
        if (info.insert) {
            const data = plan.sql.subarray(info.insert.dataOffset);
            const r: NativeInsertResult = await conn.insert(info.insert.head, data);
            return {
                bytes: Buffer.alloc(0),
                format: plan.format,
                summary: summary({ writtenRows: r.rowsWritten, writtenBytes: r.bytesWritten, elapsedNs: process.hrtime.bigint() - started }),
            };
        }
        const format = info.outputFormat ?? plan.format;
        const r: NativeResult = await conn.query(plan.sql.toString("utf8"), format, plan.bindings);
        return {
            bytes: Buffer.from(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength),
            format,
            summary: summary({
                readRows: r.rowsRead,
                readBytes: r.bytesRead,
                resultRows: r.rowsRead,
                resultBytes: r.bytes.byteLength,
                elapsedNs: process.hrtime.bigint() - started,
            }),
        };
    }
}

function summary(s: { readRows?: number; readBytes?: number; writtenRows?: number; writtenBytes?: number; resultRows?: number; resultBytes?: number; elapsedNs: bigint }): Record<string, string> {
    return {
        read_rows: String(s.readRows ?? 0),
        read_bytes: String(s.readBytes ?? 0),
        written_rows: String(s.writtenRows ?? 0),
        written_bytes: String(s.writtenBytes ?? 0),
        total_rows_to_read: String(s.readRows ?? 0),
        result_rows: String(s.resultRows ?? s.writtenRows ?? 0),
        result_bytes: String(s.resultBytes ?? s.writtenBytes ?? 0),
        elapsed_ns: String(s.elapsedNs),
    };
}

function unescapeTsv(s: string): string {
    return s.replace(/\\(.)/g, (_, c: string) => ({ t: "\t", n: "\n", r: "\r", "0": "\0", b: "\b", f: "\f" })[c] ?? c);
}

/** The Content-Type clickhouse-server sends for an output format. */
export function contentTypeFor(format: string): string {
    const f = format.toLowerCase();
    if (f.startsWith("json") && f.includes("eachrow")) return "application/x-ndjson; charset=UTF-8";
    if (f.startsWith("json")) return "application/json; charset=UTF-8";
    if (f.startsWith("tabseparated") || f.startsWith("tsv")) return "text/tab-separated-values; charset=UTF-8";
    if (f.startsWith("csv")) return "text/csv; charset=UTF-8; header=" + (f.includes("withnames") ? "present" : "absent");
    if (["native", "parquet", "arrow", "arrowstream", "orc", "avro", "protobuf", "msgpack", "capnproto", "bsoneachrow", "npy"].includes(f) || f.startsWith("rowbinary")) {
        return "application/octet-stream";
    }
    return "text/plain; charset=UTF-8";
}

function readBody(req: IncomingMessage): Promise<Buffer> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => resolve(Buffer.concat(chunks)));
        req.on("error", reject);
    });
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: Buffer): void {
    res.writeHead(status, { ...headers, "Content-Length": String(body.length) });
    res.end(body);
}
