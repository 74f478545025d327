/**
 * The embedded ClickHouse the analytics tests build on: a chdb gateway with the database and the
 * bronze tables the stack creates (tools/analytics/deploy.ts), and a client on it. One place for
 * what test/engine/dbt-models, analytics-continuous, status-cli (test/support/status-env.ts) and
 * the e2e gold tests start and stop.
 */
import type { ClickHouseClient } from "@clickhouse/client";
import { startChdbGateway, type ChdbGateway, type ChdbGatewayOptions } from "../../tools/chdb-gateway";
import { createBronzeTables, gatewayClient } from "../../tools/analytics/replay/index";

/** A running gateway with bronze in one database. */
export interface BronzeGateway {
    gw: ChdbGateway;
    /** A client on the gateway (default database `default`). */
    client: ClickHouseClient;
    /** Closes the client and stops the gateway. */
    stop(): Promise<void>;
}

/**
 * Starts a gateway (options as `startChdbGateway`'s) and creates `database` with the three bronze
 * tables; when creating them fails, stops what it started before rethrowing.
 */
export async function startBronzeGateway(database: string, options: ChdbGatewayOptions = {}): Promise<BronzeGateway> {
    const gw = await startChdbGateway(options);
    const client = gatewayClient(gw, "default");
    const stop = async (): Promise<void> => {
        await client.close();
        await gw.stop();
    };
    try {
        await createBronzeTables(client, database);
    } catch (e) {
        await stop();
        throw e;
    }
    return { gw, client, stop };
}
