/**
 * The replicated ClickHouse stand-in of the kubernetes API tier (issue 26): an HTTPS proxy in front of the chdb
 * gateway, handed to the stack as `cdc:kubernetes.access.clickhouseUrl`. The embedded engine cannot run the
 * replicated shape's DDL (no interserver address, no DDL worker: docs/platforms.md, "Replicated ClickHouse — SQL
 * side"), so this proxy maps the bronze provider's replicated statements onto what chdb runs, and nothing else:
 *
 * - `CREATE DATABASE IF NOT EXISTS <db> ON CLUSTER <cluster> ENGINE = Replicated(…)` → the same database as
 *   `Atomic`; a cluster other than {@link STANDIN_CLUSTER} fails with ClickHouse's code 701, as a server without
 *   it in `remote_servers` would. A database this statement creates counts as replicated from then on; one that
 *   already existed does not (IF NOT EXISTS keeps it, as on a server: an existing database is not converted);
 * - `ENGINE = ReplicatedMergeTree` → `ENGINE = MergeTree`;
 * - the provider's two engine queries (`system.databases`, `system.tables`) answer, for a replicated database,
 *   `Replicated` and `Replicated<engine>` for its `*MergeTree` tables: what a server answers for objects that the
 *   replicated DDL created.
 *
 * {@link ReplicatedStandIn.convertByHand} plays the operator's manual move of an existing database into a
 * Replicated one (the migration the provider does not do yet). Every other request, the single node's DDL
 * included, passes through unchanged; the product has no switch for any of this.
 */
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";

/** The `remote_servers` cluster the stand-in declares (the platform's REPLICATION_CLUSTER). */
export const STANDIN_CLUSTER = "cdc";

export interface ReplicatedStandIn {
    /** `https://127.0.0.1:<port>`, to give the stack instead of the gateway's URL. */
    url: string;
    /** Databases that answer as `Replicated`. */
    replicated: Set<string>;
    /** Each statement the proxy rewrote, as the provider sent it. */
    rewritten: string[];
    /** Marks an existing database as moved into a Replicated one by hand. */
    convertByHand(database: string): void;
    close(): Promise<void>;
}

const CREATE_DB =
    /^CREATE DATABASE IF NOT EXISTS (`?)(\w+)\1 ON CLUSTER (`?)(\w+)\3 ENGINE = Replicated\('[^']*', '\{shard\}', '\{replica\}'\)\s*$/;
const DB_ENGINE = /^SELECT engine FROM system\.databases WHERE name = '(\w+)'/;
const TABLE_ENGINES = /^SELECT name, engine FROM system\.tables WHERE database = '(\w+)'/;

/** The caller's headers for the gateway: its host, the (possibly rewritten) body's length, no chunked encoding. */
function forwardedHeaders(h: http.IncomingHttpHeaders, host: string, length: number): http.OutgoingHttpHeaders {
    const out: http.OutgoingHttpHeaders = { ...h, host, "content-length": String(length) };
    delete out["transfer-encoding"];
    return out;
}

/** Starts the proxy on 127.0.0.1, serving with `serve` and reaching `upstream` (the gateway) trusting `ca`. */
export async function startReplicatedStandIn(o: {
    upstream: string;
    ca: string;
    serve: { certPem: string; keyPem: string };
}): Promise<ReplicatedStandIn> {
    const replicated = new Set<string>();
    const rewritten: string[] = [];
    const target = new URL(o.upstream);

    /** One request to the gateway with the caller's headers; resolves with status, headers and body. */
    const forward = (req: http.IncomingMessage, pathAndQuery: string, body: Buffer) =>
        new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
            const up = https.request(
                {
                    host: target.hostname,
                    port: target.port,
                    method: req.method,
                    path: pathAndQuery,
                    headers: forwardedHeaders(req.headers, target.host, body.length),
                    ca: o.ca,
                },
                (res) => {
                    const chunks: Buffer[] = [];
                    res.on("data", (c: Buffer) => chunks.push(c));
                    res.on("end", () =>
                        resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
                    );
                    res.on("error", reject);
                },
            );
            up.on("error", reject);
            up.end(body);
        });

    /** Whether `database` exists on the gateway, asked with the caller's credentials. */
    const exists = async (req: http.IncomingMessage, database: string): Promise<boolean> => {
        const r = await forward(
            req,
            "/?default_format=TabSeparated",
            Buffer.from(`SELECT count() FROM system.databases WHERE name = '${database}'`),
        );
        return r.status === 200 && r.body.toString().trim() === "1";
    };

    /** The statement chdb runs for `sql`, or an error answer; undefined: unchanged. */
    const rewrite = async (
        req: http.IncomingMessage,
        sql: string,
    ): Promise<{ sql: string } | { error: string } | undefined> => {
        const text = sql.trim();
        const db = CREATE_DB.exec(text);
        if (db) {
            rewritten.push(text);
            if (db[4] !== STANDIN_CLUSTER)
                return {
                    error: `Code: 701. DB::Exception: Requested cluster '${db[4]}' not found. (CLUSTER_DOESNT_EXIST)`,
                };
            if (!(await exists(req, db[2]))) replicated.add(db[2]);
            return { sql: `CREATE DATABASE IF NOT EXISTS \`${db[2]}\` ENGINE = Atomic` };
        }
        if (/^CREATE TABLE IF NOT EXISTS [\s\S]*\bENGINE = ReplicatedMergeTree\b/.test(text)) {
            rewritten.push(text);
            return { sql: text.replace(/\bENGINE = ReplicatedMergeTree\b/, "ENGINE = MergeTree") };
        }
        const dbEngine = DB_ENGINE.exec(text);
        if (dbEngine && replicated.has(dbEngine[1]))
            return { sql: text.replace(/^SELECT engine /, "SELECT 'Replicated' AS engine ") };
        const tableEngines = TABLE_ENGINES.exec(text);
        if (tableEngines && replicated.has(tableEngines[1]))
            return {
                sql: text.replace(
                    /^SELECT name, engine /,
                    "SELECT name, if(endsWith(engine, 'MergeTree') AND NOT startsWith(engine, 'Replicated'), " +
                        "concat('Replicated', engine), engine) AS engine ",
                ),
            };
        return undefined;
    };

    const server = https.createServer({ cert: o.serve.certPem, key: o.serve.keyPem }, (req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            void (async () => {
                const url = new URL(req.url ?? "/", "https://stand-in");
                let body = Buffer.concat(chunks);
                // The provider's statements come as the body (no request compression); a `query` parameter too.
                const encoded = req.headers["content-encoding"] !== undefined;
                const param = url.searchParams.get("query");
                const r =
                    param !== null
                        ? await rewrite(req, param)
                        : encoded
                          ? undefined
                          : await rewrite(req, body.toString());
                if (r && "error" in r) {
                    res.writeHead(500, { "X-ClickHouse-Exception-Code": "701" }).end(r.error);
                    return;
                }
                if (r && param !== null) url.searchParams.set("query", r.sql);
                else if (r) body = Buffer.from(r.sql);
                const up = await forward(req, `${url.pathname}${url.search}`, body);
                const headers = { ...up.headers, "content-length": String(up.body.length) };
                delete headers["transfer-encoding"];
                res.writeHead(up.status, headers).end(up.body);
            })().catch((e: unknown) => res.writeHead(502).end(String(e)));
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    return {
        url: `https://127.0.0.1:${port}`,
        replicated,
        rewritten,
        convertByHand: (database) => void replicated.add(database),
        close: () =>
            new Promise<void>((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}
