/**
 * A chdb gateway for the gateway's own tests (test/engine/chdb-gateway*.test.ts): fixed
 * credentials, a quiet @clickhouse/client, and a raw-HTTP helper.
 */
import { ClickHouseLogLevel, createClient as createClientLoud } from "@clickhouse/client";
import type { ChdbGateway } from "../../tools/chdb-gateway";

export const USER = "gw_user";
export const PASSWORD = "gw-pass-1";

/** A client that does not log the errors these tests provoke on purpose. */
export const createClient: typeof createClientLoud = (config) => createClientLoud({ ...config, log: { level: ClickHouseLogLevel.OFF } });

/** Basic auth with the test credentials. */
export function auth(): Record<string, string> {
    return { Authorization: "Basic " + Buffer.from(`${USER}:${PASSWORD}`).toString("base64") };
}

/** POSTs (or GETs) to the gateway with the configured credentials. */
export async function gatewayHttp(
    gw: ChdbGateway,
    params: Record<string, string>,
    init: { method?: string; body?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: Buffer; text: string }> {
    const url = `${gw.url}/?${new URLSearchParams(params)}`;
    const r = await fetch(url, {
        method: init.method ?? (init.body !== undefined ? "POST" : "GET"),
        headers: { ...auth(), ...(init.headers ?? {}) },
        body: init.body,
    });
    const body = Buffer.from(await r.arrayBuffer());
    return { status: r.status, headers: r.headers, body, text: body.toString("utf8") };
}
