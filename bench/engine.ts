/**
 * What every benchmark runs on: the embedded engine behind the chdb gateway, a client of it, and
 * the entry point that prints a failure's stack and exits non-zero.
 */
import { type ClickHouseClient, ClickHouseLogLevel, createClient } from "@clickhouse/client";
import { type ChdbGateway, type ChdbGatewayOptions, startChdbGateway } from "../tools/chdb-gateway";

export interface BenchEngine {
    gw: ChdbGateway;
    client: ClickHouseClient;
    /** Closes the client, then stops the gateway. */
    stop(): Promise<void>;
}

/** A gateway and a client of it (errors only logged; `requestTimeoutMs` per request, an hour by default). */
export async function startBenchEngine(
    options: ChdbGatewayOptions = {},
    requestTimeoutMs = 3_600_000,
): Promise<BenchEngine> {
    const gw = await startChdbGateway(options);
    const client = createClient({
        url: gw.url,
        username: gw.user,
        password: gw.password,
        request_timeout: requestTimeoutMs,
        log: { level: ClickHouseLogLevel.ERROR },
    });
    return {
        gw,
        client,
        stop: async () => {
            await client.close();
            await gw.stop();
        },
    };
}

/** Runs a benchmark's `main`: on failure, its stack on stderr and exit code 1. */
export function runBench(main: () => Promise<void>): void {
    main().catch((e: unknown) => {
        process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
        process.exit(1);
    });
}
