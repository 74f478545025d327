/**
 * A stand-in for ClickHouse's HTTPS interface (node:https on 127.0.0.1) for the unit tests of the
 * host-side ClickHouse clients' TLS handling: `/ping` answers `Ok.`, every query answers one
 * JSONEachRow row, and a request without the right basic-auth credentials gets what ClickHouse
 * sends then (HTTP 401 with `Code: 516 … AUTHENTICATION_FAILED`). Only the transport and the login
 * are real here; the SQL is not looked at (the chdb gateway is the engine for that).
 */
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import type { TestKeyPair } from "./tls-pki";

export interface HttpsClickHouse {
    /** `https://<host>:<port>`; `host` as given to {@link startHttpsClickHouse}. */
    url: string;
    /** Queries (the SQL text) that passed the login. */
    readonly queries: string[];
    /** Requests refused with 401. */
    refused: number;
    close(): Promise<void>;
}

/** Starts the server with certificate `tls`; only `user`/`password` may log in. */
export async function startHttpsClickHouse(o: {
    tls: TestKeyPair;
    user: string;
    password: string;
    host?: string;
}): Promise<HttpsClickHouse> {
    const expected = `Basic ${Buffer.from(`${o.user}:${o.password}`).toString("base64")}`;
    const state: HttpsClickHouse = { url: "", queries: [], refused: 0, close: async () => undefined };
    const server = https.createServer({ cert: o.tls.certPem, key: o.tls.keyPem }, (req, res) => {
        let body = "";
        req.on("data", (c) => (body += c));
        req.on("end", () => {
            const url = new URL(req.url ?? "/", "https://x");
            if (url.pathname === "/ping") return void res.end("Ok.\n");
            const user = req.headers["x-clickhouse-user"];
            const key = req.headers["x-clickhouse-key"];
            const ok =
                req.headers.authorization === expected || (user === o.user && key === o.password && key !== undefined);
            if (!ok) {
                state.refused++;
                res.writeHead(401, { "Content-Type": "text/plain", "X-ClickHouse-Exception-Code": "516" });
                return void res.end(
                    `Code: 516. DB::Exception: ${o.user}: Authentication failed: password is incorrect, or there is no user with such name. (AUTHENTICATION_FAILED) (version 25.8.1.1)\n`,
                );
            }
            state.queries.push(url.searchParams.get("query") ?? body);
            res.writeHead(200, { "Content-Type": "application/x-ndjson", "X-ClickHouse-Format": "JSONEachRow" });
            res.end('{"one":1}\n');
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    state.url = `https://${o.host ?? "localhost"}:${(server.address() as AddressInfo).port}`;
    state.close = async () => {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
    };
    return state;
}
