/**
 * `npm run --silent analytics:live -- --port P [--rate R] [--seed S] [--user U --password PW]
 *  [--refresh-seconds N] [--data-dir D]`
 *
 * The analytics half, live, without Docker: the embedded ClickHouse engine serves ClickHouse's
 * HTTP interface on 127.0.0.1:P (database `default`, user `default` without a password unless
 * given, as a ClickHouse server); the bronze tables and the dbt models are deployed exactly as
 * the stack deploys them; simulated Debezium events (the seed generator's history: a snapshot,
 * then changes) stream into bronze at R events/s (default 0: none — insert your own). Prints
 * `ready http://127.0.0.1:P` on stdout once queries are accepted, then (on a terminal) one
 * refreshing line of freshness per layer. SIGINT/SIGTERM stop it cleanly (the data directory is
 * removed unless --data-dir was given). Started again on the same --data-dir, it reuses the
 * relations there (dbt runs again only when the models or their vars changed). When the engine
 * process dies (killed, out of memory), it exits 1 with the engine's last stderr lines.
 */
import { parseArgs } from "node:util";
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from "@clickhouse/client";
import { ChdbGatewayStartError, startChdbGateway, type ChdbGateway, type GatewayExit } from "../chdb-gateway";
import { HistoryGenerator, type TableRow } from "../../seed/index";
import { dbtModelNames } from "../../components/analytics/relations";
import { analyticsVars, DEFAULT_ANALYTICS_NAMES } from "../../components/analytics/vars";
import { dbtProjectHash } from "../../components/providers/dbt/hash";
import { bronzeTablesOf, createBronze, deployModels, PROJECT_DIR } from "./deploy";
import { freshnessLine, readFreshness } from "./freshness";
import {
    checkDataDir,
    forgetDeployed,
    readDeployed,
    sameDeploy,
    writeDeployed,
    type DeployedRecord,
} from "./live-data-dir";

/** Parsed command line. */
export interface LiveOptions {
    port: number;
    rate: number;
    seed: number;
    user: string;
    password: string;
    refreshSeconds: number;
    dataDir?: string;
}

const USAGE =
    "usage: analytics:live -- --port P [--rate EVENTS_PER_S] [--seed S] [--user U --password PW] [--refresh-seconds N] [--data-dir DIR]";

function integer(name: string, text: string | undefined, def: number | undefined, min: number, max: number): number {
    if (text === undefined) {
        if (def === undefined) throw new Error(`--${name} is required; ${USAGE}`);
        return def;
    }
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < min || n > max)
        throw new Error(`--${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
    return n;
}

/** Parses and checks the flags; throws with the flag and the fix. */
export function parseLiveArgs(argv: string[]): LiveOptions {
    const { values } = parseArgs({
        args: argv,
        strict: true,
        options: {
            port: { type: "string" },
            rate: { type: "string" },
            seed: { type: "string" },
            user: { type: "string" },
            password: { type: "string" },
            "refresh-seconds": { type: "string" },
            "data-dir": { type: "string" },
        },
    });
    if (values.password !== undefined && values.user === undefined)
        throw new Error("--password needs --user (the user it belongs to)");
    if (values.user !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(values.user))
        throw new Error(`--user must be letters, digits and _, got ${JSON.stringify(values.user)}`);
    return {
        port: integer("port", values.port, undefined, 1, 65535),
        rate: integer("rate", values.rate, 0, 0, 1_000_000),
        seed: integer("seed", values.seed, 1, 0, 2 ** 31 - 1),
        user: values.user ?? "default",
        password: values.password ?? "",
        refreshSeconds: integer(
            "refresh-seconds",
            values["refresh-seconds"],
            DEFAULT_ANALYTICS_NAMES.refreshSeconds,
            1,
            86_400,
        ),
        dataDir: values["data-dir"],
    };
}

/** Streams the seed generator's history into bronze at `rate` events/s until `signal` aborts. */
async function stream(client: ClickHouseClient, o: LiveOptions, signal: AbortSignal): Promise<void> {
    const tables = bronzeTablesOf();
    const rows = new HistoryGenerator({
        seed: o.seed,
        customers: 200,
        products: 80,
        orders: 400,
        changes: 1_000_000_000,
        baseTime: new Date(),
    }).rows();
    const tickMs = 200;
    let due = 0;
    while (!signal.aborted) {
        const started = Date.now();
        due += (o.rate * tickMs) / 1000;
        const batch: Record<string, TableRow["row"][]> = { customers: [], products: [], orders: [] };
        for (; due >= 1; due--) {
            const next = rows.next();
            if (next.done) return;
            batch[next.value.collection]!.push(next.value.row);
        }
        for (const [collection, values] of Object.entries(batch)) {
            if (values.length > 0)
                await client.insert({
                    table: tables[collection as keyof typeof tables],
                    values,
                    format: "JSONEachRow",
                });
        }
        await new Promise((r) => setTimeout(r, Math.max(0, tickMs - (Date.now() - started))));
    }
}

/** Why the engine stopped, with its last stderr lines. */
export function engineDiedMessage(x: GatewayExit): string {
    const oom = x.signal === "SIGKILL" ? ", as the out-of-memory killer stops a process" : "";
    const how = x.signal ? `killed by ${x.signal}${oom}` : `exit code ${x.code}`;
    const words = x.lastLines.length
        ? `; its last stderr lines:\n${x.lastLines.map((l) => `  ${l}`).join("\n")}`
        : "; it wrote nothing to stderr";
    return `analytics:live: the engine process stopped unexpectedly (${how}), so the port no longer answers${words}`;
}

/** A start failure of the gateway, said in terms of the flag that caused it. */
function startFailure(e: unknown, o: LiveOptions): string {
    if (e instanceof ChdbGatewayStartError && e.code === "EADDRINUSE") {
        return (
            `--port ${o.port}: 127.0.0.1:${o.port} is already in use by another process ` +
            "(another analytics:live, a ClickHouse server?); stop it or pick another port with --port"
        );
    }
    if (e instanceof ChdbGatewayStartError && o.dataDir !== undefined) return `--data-dir ${o.dataDir}: ${e.message}`;
    return (e as Error).message;
}

/** Deploys bronze and the models, or reuses them when `dataDir` records this very deploy and holds every model. */
async function deploy(
    client: ClickHouseClient,
    gw: ChdbGateway,
    o: LiveOptions,
    log: (l: string) => void,
): Promise<void> {
    await createBronze(client, "default");
    const extraVars = { gold_refresh_seconds: String(o.refreshSeconds) };
    const record: DeployedRecord = {
        projectHash: dbtProjectHash(PROJECT_DIR),
        vars: { ...analyticsVars(DEFAULT_ANALYTICS_NAMES), ...extraVars },
    };
    if (o.dataDir !== undefined && sameDeploy(readDeployed(o.dataDir), record)) {
        const rs = await client.query({
            query: "SELECT name FROM system.tables WHERE database = 'default'",
            format: "JSONEachRow",
        });
        const present = new Set((await rs.json<{ name: string }>()).map((r) => r.name));
        const missing = dbtModelNames(PROJECT_DIR).filter((m) => !present.has(m));
        if (missing.length === 0) {
            log(
                `the models are unchanged since the last deploy into ${o.dataDir}: its relations are used as they are; ` +
                    `gold refreshes every ${o.refreshSeconds} s`,
            );
            return;
        }
        log(`${missing.join(", ")} missing in ${o.dataDir}: deploying the models again`);
    }
    if (o.dataDir !== undefined) forgetDeployed(o.dataDir);
    const clickhouse = { url: gw.url, user: o.user, password: o.password, database: "default" };
    const summary = await deployModels(clickhouse, { extraVars, log });
    if (o.dataDir !== undefined) writeDeployed(o.dataDir, record);
    log(
        `deployed ${summary.modelsBuilt} models, ${summary.testsPassed} tests passed; ` +
            `gold refreshes every ${o.refreshSeconds} s`,
    );
}

async function main(): Promise<void> {
    const o = parseLiveArgs(process.argv.slice(2));
    if (o.dataDir !== undefined) checkDataDir(o.dataDir);
    const log = (l: string) => process.stderr.write(`${l}\n`);
    const stop = new AbortController();
    let gw: ChdbGateway | undefined;
    let client: ClickHouseClient | undefined;
    let stopping = false;
    const shutdown = async (code: number) => {
        if (stopping) return;
        stopping = true;
        stop.abort();
        await client?.close().catch(() => undefined);
        await gw?.stop().catch(() => undefined);
        process.exit(code);
    };
    process.once("SIGINT", () => void shutdown(0));
    process.once("SIGTERM", () => void shutdown(0));
    try {
        gw = await startChdbGateway({
            port: o.port,
            user: o.user,
            password: o.password,
            dataDir: o.dataDir,
            onUnexpectedExit: (x) => {
                log(engineDiedMessage(x));
                void shutdown(1);
            },
        });
    } catch (e) {
        log(`analytics:live: ${startFailure(e, o)}`);
        return shutdown(1);
    }
    try {
        client = createClient({
            url: gw.url,
            username: o.user,
            password: o.password,
            database: "default",
            log: { level: ClickHouseLogLevel.OFF },
        });
        await deploy(client, gw, o, log);
        if (stopping) return;
        process.stdout.write(`ready ${gw.url}\n`);
    } catch (e) {
        if (stopping) return;
        log(`analytics:live: ${(e as Error).message}`);
        return shutdown(1);
    }
    // The gateway does not hold the event loop open by itself; this does, until a signal arrives.
    const keepAlive = setInterval(() => undefined, 60_000);
    stop.signal.addEventListener("abort", () => clearInterval(keepAlive));
    if (o.rate > 0)
        stream(client, o, stop.signal).catch(
            (e: Error) => stop.signal.aborted || log(`streaming stopped: ${e.message}`),
        );
    if (process.stderr.isTTY) {
        const tables = Object.values(bronzeTablesOf());
        for (;;) {
            await new Promise((r) => setTimeout(r, 1000));
            if (stop.signal.aborted) return;
            const line = await readFreshness(client, "default", tables).then(
                freshnessLine,
                (e: Error) => `freshness: ${e.message}`,
            );
            process.stderr.write(`\r\x1b[2K${line}`);
        }
    }
}

if (require.main === module) {
    main().catch((e: Error) => {
        process.stderr.write(`analytics:live: ${e.message}\n`);
        process.exit(1);
    });
}
