/**
 * A chdb gateway for the gateway's own tests (test/engine/chdb-gateway*.test.ts): fixed
 * credentials, a quiet @clickhouse/client, a raw-HTTP helper, and a gateway per suite.
 */
import { after, before } from "node:test";
import { ClickHouseLogLevel, createClient as createClientLoud } from "@clickhouse/client";
import { startChdbGateway, type ChdbGateway } from "../../tools/chdb-gateway";

export const USER = "gw_user";
export const PASSWORD = "gw-pass-1";

/** A client that does not log the errors these tests provoke on purpose. */
export const createClient: typeof createClientLoud = (config) =>
    createClientLoud({ ...config, log: { level: ClickHouseLogLevel.OFF } });

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

type GatewayRequest = (
    params: Record<string, string>,
    init?: Parameters<typeof gatewayHttp>[2],
) => ReturnType<typeof gatewayHttp>;

/**
 * Called inside a describe(): starts a gateway with the test credentials before the suite's tests
 * and stops it after them. `gateway()` is the running gateway, `url()` its address, `http` a raw
 * request to it (gatewayHttp), `logs` the lines it logged.
 */
export function gatewayForSuite(): {
    gateway: () => ChdbGateway;
    url: () => string;
    http: GatewayRequest;
    logs: string[];
} {
    let gw: ChdbGateway | undefined;
    const logs: string[] = [];
    before(async () => {
        gw = await startChdbGateway({ user: USER, password: PASSWORD, log: (l) => logs.push(l) });
    });
    after(async () => {
        await gw?.stop();
    });
    const running = (): ChdbGateway => {
        if (!gw)
            throw new Error(
                "the suite's gateway is not running: call gatewayForSuite() inside describe(), use it inside it()",
            );
        return gw;
    };
    return {
        gateway: running,
        url: () => running().url,
        http: (params, init) => gatewayHttp(running(), params, init),
        logs,
    };
}
