/**
 * The services test/engine/status-cli.test.ts runs `npm run status` against: a KRaft Kafka broker
 * with a distributed Kafka Connect worker (test/support/kafka) and the embedded ClickHouse behind
 * its HTTP gateway, with bronze tables from the stack's DDL and silver, bronze_rejects and gold made
 * minimal under the dbt project's real relation names (gold fed by real refreshable views); and the
 * CLI run as a process.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, type TestContext } from "node:test";
import type { ClickHouseClient } from "@clickhouse/client";
import type { ChdbGateway } from "../../tools/chdb-gateway";
import { dbtModelLayers } from "../../components/analytics/relations";
import type { StatusReport } from "../../tools/status/types";
import { startBronzeGateway, type BronzeGateway } from "./bronze-gateway";
import { chdbProblem } from "./chdb";
import {
    kafkaToolchainProblem,
    startKafkaConnect,
    type KafkaConnectCluster,
    type StartKafkaConnectOptions,
} from "./kafka";
import { requireTier } from "./tier";

export const ROOT = path.resolve(__dirname, "..", "..");
export const DB = "ecom_status";
export const PASSWORD = "status-Pa55-secret";
export const BRONZE = ["mongo_ecom_customers", "mongo_ecom_products", "mongo_ecom_orders"] as const;
export const { silverStorage: SILVER_STORAGE, gold: GOLD } = dbtModelLayers(path.join(ROOT, "ecom_analytics"));

/** Runs the CLI; resolves with its exit code, parsed JSON (when --json) and stderr. */
export function runStatus(
    args: string[],
    env: NodeJS.ProcessEnv = { CDC_STATUS_CLICKHOUSE_PASSWORD: PASSWORD },
): Promise<{ code: number; report?: StatusReport; stdout: string; stderr: string; ms: number }> {
    const t0 = Date.now();
    return new Promise((resolve) => {
        execFile(
            process.execPath,
            ["--import", "tsx", path.join(ROOT, "tools", "status", "index.ts"), ...args],
            { cwd: ROOT, env: { ...process.env, ...env }, timeout: 120_000 },
            (err, stdout, stderr) => {
                const code = err ? Number((err as { code?: number }).code ?? 1) : 0;
                let report: StatusReport | undefined;
                try {
                    report = JSON.parse(stdout) as StatusReport;
                } catch {
                    /* table output */
                }
                resolve({ code, report, stdout, stderr, ms: Date.now() - t0 });
            },
        );
    });
}

/** Polls `probe` every 500 ms until it returns a value, or throws naming `what` after `ms`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 90_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
        const v = await probe().catch(() => undefined);
        if (v !== undefined) return v;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 500));
    }
}

export const stage = (r: StatusReport, name: string) => r.stages.find((s) => s.stage === name)!;

/**
 * Minimal silver/gold under the project's names: silver's storage tables (base_*) with the columns the status reads,
 * a rejects view, gold fed by real refreshable views.
 */
async function createLayers(c: ClickHouseClient): Promise<void> {
    for (const s of SILVER_STORAGE) {
        await c.command({
            query: `CREATE TABLE ${DB}.${s} (id String, _event_timestamp_ms Int64, _reject_reason String, _ingested_at DateTime64(3) DEFAULT now64(3)) ENGINE = MergeTree ORDER BY id`,
        });
    }
    // collection: the role, as the project's bronze_rejects names it (base_orders → orders)
    const union = SILVER_STORAGE.map(
        (s) =>
            `SELECT '${s.replace(/^base_/, "")}' AS collection, id, _reject_reason AS reason ` +
            `FROM ${DB}.${s} WHERE _reject_reason != ''`,
    ).join(" UNION ALL ");
    await c.command({ query: `CREATE VIEW ${DB}.bronze_rejects AS ${union}` });
    for (const g of GOLD) {
        await c.command({ query: `CREATE TABLE ${DB}.${g} (n UInt64) ENGINE = MergeTree ORDER BY n` });
        await c.command({
            query: `CREATE MATERIALIZED VIEW ${DB}.${g}__refresh REFRESH EVERY 1 SECOND TO ${DB}.${g} AS SELECT count() AS n FROM ${DB}.${SILVER_STORAGE[0]}`,
        });
    }
}

/** The running services of the file, and what the cases do with them. */
export interface StatusEnv {
    /** A directory for the file connectors' files, removed after the file's tests. */
    readonly tmp: string;
    /** False (the case skipped, out loud) when Kafka or chdb cannot run here; throws when they failed to start. */
    ready(t: TestContext): Promise<boolean>;
    readonly kafka: KafkaConnectCluster;
    readonly gw: ChdbGateway;
    readonly ch: ClickHouseClient;
    /** The CLI's flags for every endpoint, naming these two connectors. */
    endpointFlags(source: string, sink: string): string[];
    /** Creates or reconfigures a connector on the worker. */
    connector(name: string, config: Record<string, string>): Promise<void>;
    /** Inserts the rows into every silver table. */
    insertSilver(rows: { id: string; reason?: string }[]): Promise<void>;
}

/**
 * Called at the top of the test file: starts the services before its tests and stops them after.
 * `kafkaOptions` (called in the `before` hook) adds options of the Kafka + Connect start, e.g. JVM agents.
 */
export function statusEnv(
    opts: { kafkaOptions?: () => Promise<Omit<StartKafkaConnectOptions, "log">> } = {},
): StatusEnv {
    let kafka: KafkaConnectCluster | undefined;
    let gw: ChdbGateway | undefined;
    let ch: ClickHouseClient | undefined;
    let stopGateway: (() => Promise<void>) | undefined;
    let setupError: unknown;
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "status-engine-"));
    const problem = async (): Promise<string | undefined> => chdbProblem() ?? (await kafkaToolchainProblem());
    const started = <T>(what: string, v: T | undefined): T => {
        if (v === undefined)
            throw new Error(`the status test's ${what} is not running: use it after ready(t) returned true`);
        return v;
    };

    before(async () => {
        if (await problem()) return;
        try {
            let engine: BronzeGateway;
            [kafka, engine] = await Promise.all([
                startKafkaConnect({
                    ...(await opts.kafkaOptions?.()),
                    log: process.env.CDC_TEST_VERBOSE ? (l) => process.stderr.write(`${l}\n`) : undefined,
                }),
                startBronzeGateway(DB, { password: PASSWORD }),
            ]);
            ({ gw, client: ch, stop: stopGateway } = engine);
            await createLayers(ch);
        } catch (e) {
            setupError = e;
        }
    });

    after(async () => {
        await Promise.all([kafka?.stop(), stopGateway?.()]);
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    const env: StatusEnv = {
        tmp,
        async ready(t) {
            if (!requireTier(t, "kafka", await problem())) return false;
            if (setupError) throw setupError;
            return true;
        },
        get kafka() {
            return started("Kafka", kafka);
        },
        get gw() {
            return started("gateway", gw);
        },
        get ch() {
            return started("ClickHouse client", ch);
        },
        endpointFlags(source, sink) {
            return [
                "--connect-url",
                env.kafka.connectUrl,
                "--kafka",
                env.kafka.bootstrap,
                "--clickhouse-url",
                env.gw.url,
                "--clickhouse-user",
                env.gw.user,
                "--database",
                DB,
                "--source",
                source,
                "--sink",
                sink,
                "--bronze-tables",
                BRONZE.join(","),
                // The cases share the topics for a minute or two on a busy machine: the age rule itself is unit-tested.
                "--source-max-age",
                "900",
            ];
        },
        async connector(name, config) {
            const r = await fetch(`${env.kafka.connectUrl}/connectors/${name}/config`, {
                method: "PUT",
                headers: { "content-type": "application/json" },
                body: JSON.stringify(config),
                signal: AbortSignal.timeout(30_000),
            });
            assert.ok(r.status < 300, `PUT ${name}: HTTP ${r.status} ${await r.text()}`);
        },
        async insertSilver(rows) {
            for (const s of SILVER_STORAGE) {
                await env.ch.insert({
                    table: `${DB}.${s}`,
                    values: rows.map((r) => ({
                        id: r.id,
                        _event_timestamp_ms: Date.now(),
                        _reject_reason: r.reason ?? "",
                    })),
                    format: "JSONEachRow",
                });
            }
        },
    };
    return env;
}
