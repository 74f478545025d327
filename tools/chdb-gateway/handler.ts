/**
 * The ClickHouse HTTP interface, as far as this gateway implements it (see README.md for the
 * limits): request → credentials, query text and data, settings, session → one engine
 * statement → ClickHouse-shaped response. The request is read in request.ts, the response
 * shaped in response.ts; this file runs the statement (sessions, settings, database).
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { decodeBody, encodeBody, pickResponseEncoding } from "./compression";
import { compressNative, decompressNative } from "./native-compression";
import type { Connection, Engine, NativeInsertResult, NativeResult } from "./engine";
import { Codes, GatewayError, httpStatusFor, renderError } from "./errors";
import {
    absorbMultipart,
    authenticate,
    flag,
    header,
    planRequest,
    readBody,
    type Credentials,
    type Plan,
    type QueryRequest,
} from "./request";
import { METRICS_CONTENT_TYPE, renderEngineMetrics } from "./metrics";
import { contentTypeFor, send, summary } from "./response";
import type { SessionState, Sessions } from "./sessions";
import { READ_ONLY_KINDS, quoteIdentifier, quoteString, scanStatement } from "./sql-scan";

export type { Credentials } from "./request";
export { contentTypeFor } from "./response";

interface Outcome {
    bytes: Buffer;
    format: string;
    summary: Record<string, string>;
}

/** Handles HTTP requests for one engine. */
export class Handler {
    constructor(
        private readonly engine: Engine,
        private readonly sessions: Sessions,
        private readonly credentials: Credentials,
        private readonly log: (line: string) => void,
        /** Settings of every INSERT with its rows (FORMAT or VALUES), unless the request or its session sets them. */
        private readonly insertSettings: Record<string, string> = {},
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
            // clickhouse-server's prometheus handler: no credentials asked (the counters hold no row data).
            if (url.pathname === "/metrics") {
                const text = await renderEngineMetrics(this.engine);
                return send(res, 200, { "Content-Type": METRICS_CONTENT_TYPE }, Buffer.from(text));
            }
            if (url.pathname !== "/") {
                return send(
                    res,
                    404,
                    { "Content-Type": "text/plain; charset=UTF-8" },
                    Buffer.from(`There is no handle ${url.pathname}\n`),
                );
            }
            const request: QueryRequest = {
                method: req.method ?? "GET",
                params: url.searchParams,
                headers: req.headers,
                body: raw,
            };
            authenticate(request, this.credentials);
            request.body = decodeBody(raw, header(request, "content-encoding"));
            if (flag(request.params, "decompress")) {
                request.body = decompressNative(
                    request.body,
                    !flag(request.params, "http_native_compression_disable_checksumming_on_decompress"),
                );
            }
            // Only multipart/form-data bodies are forms to ClickHouse; any other body, also one sent as
            // application/x-www-form-urlencoded (curl --data-binary), is query text and/or data.
            const ctype = header(request, "content-type") ?? "";
            if (/^multipart\/form-data/i.test(ctype)) absorbMultipart(request, ctype);
            if (!request.params.has("query") && request.body.length === 0) {
                return send(res, 200, { "Content-Type": "text/plain; charset=UTF-8" }, Buffer.from("Ok.\n"));
            }
            const plan = planRequest(request, queryId);
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
            const encoding =
                request.params.get("enable_http_compression") === "1"
                    ? pickResponseEncoding(header(request, "accept-encoding"))
                    : undefined;
            if (encoding && body.length > 0) {
                const level = Number(request.params.get("http_zlib_compression_level") ?? NaN);
                body = encodeBody(
                    body,
                    encoding,
                    Number.isInteger(level) && level >= 1 && level <= 9 ? level : undefined,
                );
                headers["Content-Encoding"] = encoding;
            }
            return send(res, 200, headers, body);
        } catch (err) {
            const { code, body } = renderError(err, this.engine.version, this.engine.errorNames);
            const status = httpStatusFor(code, this.engine.errorNames);
            this.log(`query ${queryId} failed (${status}): ${body.trim().slice(0, 300)}`);
            const extra = err instanceof GatewayError ? err.extraHeaders : {};
            return send(
                res,
                status,
                {
                    ...common,
                    ...extra,
                    "Content-Type": "text/plain; charset=UTF-8",
                    "X-ClickHouse-Exception-Code": String(code),
                },
                Buffer.from(body),
            );
        }
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
            const settings =
                info.insert || info.insertValues
                    ? await this.withInsertSettings(conn, plan.settings, session)
                    : plan.settings;
            if (plan.database && plan.database !== (session?.currentDatabase ?? "default")) {
                await conn.query(`USE ${quoteIdentifier(plan.database)}`, "TabSeparated");
                if (session && info.kind !== "USE") restore.push(`USE ${quoteIdentifier(session.currentDatabase)}`);
            }
            if (settings.length > 0) {
                let apply = true;
                if (session) {
                    // A session keeps its own settings: apply the request's for this statement only.
                    const snapshot = await this.settingsSnapshot(
                        conn,
                        settings.map(([k]) => k),
                    );
                    apply = settings.some(([k, v]) => snapshot.get(k)?.value !== v);
                    if (apply) {
                        const back = [...snapshot].map(
                            ([k, { value, changed }]) => `${k} = ${changed ? quoteString(value) : "DEFAULT"}`,
                        );
                        if (back.length > 0) restore.push(`SET ${back.join(", ")}`);
                    }
                }
                if (apply)
                    await conn.query(
                        `SET ${settings.map(([k, v]) => `${k} = ${quoteString(v)}`).join(", ")}`,
                        "TabSeparated",
                    );
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
                        this.log(
                            `session ${session?.id}: could not restore state with ${stmt}: ${(e as Error).message}`,
                        );
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

    /**
     * The request's settings with the gateway's INSERT settings before them, less those the
     * request names or its session has SET: as a server profile's, they are only defaults.
     */
    private async withInsertSettings(
        conn: Connection,
        settings: [string, string][],
        session?: SessionState,
    ): Promise<[string, string][]> {
        const named = new Set(settings.map(([k]) => k));
        let defaults = Object.entries(this.insertSettings).filter(([k]) => !named.has(k));
        if (session && defaults.length > 0) {
            const current = await this.settingsSnapshot(
                conn,
                defaults.map(([k]) => k),
            );
            defaults = defaults.filter(([k]) => !current.get(k)?.changed);
        }
        return [...defaults, ...settings];
    }

    /** Current values of the named settings on a connection (unknown names are absent). */
    private async settingsSnapshot(
        conn: Connection,
        names: string[],
    ): Promise<Map<string, { value: string; changed: boolean }>> {
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
                summary: summary({
                    writtenRows: r.rowsWritten,
                    writtenBytes: r.bytesWritten,
                    elapsedNs: process.hrtime.bigint() - started,
                }),
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

function unescapeTsv(s: string): string {
    return s.replace(/\\(.)/g, (_, c: string) => ({ t: "\t", n: "\n", r: "\r", "0": "\0", b: "\b", f: "\f" })[c] ?? c);
}
