/**
 * Backup and restore on the embedded engine with a real Kafka and Kafka Connect (tools/backup).
 *
 * The sink is the suite's stand-in, Kafka's FileStreamSink, which cannot write ClickHouse: a
 * bridge in this process appends each line it writes to bronze. The records carry the bronze
 * row (raw_data and the Kafka coordinates, which equal the offsets Kafka assigns: one partition,
 * produced in order into fresh topics), so the sink's consumer group, its committed offsets, the
 * stop and the offsets PATCH of a restore, and the replay are Kafka Connect's own; only the last
 * hop (file → bronze) is the test's. The bridge is drained before each backup, as the real sink
 * writes before it commits.
 *
 * Seed + changes → full backup → more changes → incremental backup → more changes → the database
 * dropped (a lost volume) → restore of the incremental backup → the gap replayed → every silver
 * and gold model equals the oracle over all events and bronze holds each event exactly once; the
 * same from the full backup over the live database, with no gold refresh while bronze is
 * half-restored; a restore whose gap is past retention refuses before changing anything.
 */
import { after, before, describe, it, type TestContext } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Admin, Producer, stringSerializers } from "@platformatic/kafka";
import type { ClickHouseClient } from "@clickhouse/client";
import { dbtVenvProblem } from "../../components/providers/dbt/venv";
import { DEFAULT_RETRY_POLICY } from "../../components/providers/shared/retry";
import { getConnectorStatus } from "../../components/providers/kafkaConnector/connectClient";
import type { ChdbGateway } from "../../tools/chdb-gateway";
import type { BronzeInsertRow, BronzeTable } from "../../tools/analytics/replay/bronzeFiles";
import { buildModels, insertBronzeRows, readBronzeInput, readModelRows } from "../../tools/analytics/replay/index";
import { serverNow, waitForGoldAfter } from "../../tools/analytics/refresh";
import { createBackup } from "../../tools/backup/create";
import { restoreBackup, RestoreRefused, type RestoreStep } from "../../tools/backup/restore";
import { listBackups, masker, type BackupContext } from "../../tools/backup/context";
import { startBronzeGateway } from "../support/bronze-gateway";
import { startKafkaConnect, kafkaToolchainProblem, type KafkaConnectCluster } from "../support/kafka";
import { FILE_SINK, STRINGS } from "../support/stand-in-connectors";
import { compareModel } from "../support/compare";
import { computeGold, foldBronze, MODEL_NAMES, type BronzeTables } from "../support/oracle";
import type { Collection } from "../support/oracle/documents";
import { EDGE_FIXTURES } from "../support/edge-fixtures";
import { requireTier } from "../support/tier";
import { chdbProblem } from "../support/chdb";

const DB = "ecom_backup";
const VARS = { gold_refresh_seconds: "1" };
const SINK = "bronze-sink";
const SOURCE = "mongo-source";
const TABLE_OF: Record<Collection, BronzeTable> = {
    customers: "mongo_ecom_customers",
    products: "mongo_ecom_products",
    orders: "mongo_ecom_orders",
};
const COLLECTIONS = Object.keys(TABLE_OF) as Collection[];
const INPUT = readBronzeInput(EDGE_FIXTURES);
const TOPIC_OF = Object.fromEntries(COLLECTIONS.map((c) => [c, INPUT[TABLE_OF[c]][0]!._topic])) as Record<
    Collection,
    string
>;
/** Phase k holds the rows with offset in [CUTS[k-1], CUTS[k]) of every topic. */
const CUTS = [0, 4, 8, Infinity];

let kafka: KafkaConnectCluster | undefined;
let gw: ChdbGateway | undefined;
let client: ClickHouseClient | undefined;
let stopGateway: (() => Promise<void>) | undefined;
let setupError: unknown;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "backup-engine-"));
const sinkFile = path.join(tmp, "sink.jsonl");
const produced: BronzeTables = { customers: [], products: [], orders: [] };
let bridgeTimer: NodeJS.Timeout | undefined;
let bridgePos = 0;
let bridgeBusy = false;

async function problem(): Promise<string | undefined> {
    return chdbProblem() ?? dbtVenvProblem() ?? (await kafkaToolchainProblem());
}

async function ready(t: TestContext): Promise<boolean> {
    if (!requireTier(t, "kafka", await problem())) return false;
    if (setupError) throw setupError;
    return true;
}

/** The file → bronze hop of the stand-in sink: new complete lines, inserted; a failed insert is retried. */
async function bridgeOnce(): Promise<void> {
    if (bridgeBusy || !fs.existsSync(sinkFile)) return;
    bridgeBusy = true;
    try {
        const buf = fs.readFileSync(sinkFile);
        const end = buf.lastIndexOf(0x0a) + 1;
        if (end <= bridgePos) return;
        const rows = buf
            .subarray(bridgePos, end)
            .toString("utf8")
            .split("\n")
            .filter(Boolean)
            .map((l) => JSON.parse(l) as BronzeInsertRow);
        for (const c of COLLECTIONS) {
            const batch = rows.filter((r) => r._topic === TOPIC_OF[c]);
            if (batch.length > 0) await insertBronzeRows(client!, DB, TABLE_OF[c], batch);
        }
        bridgePos = end;
    } catch {
        // the database may be gone (a lost volume) or being restored: the lines are taken again next time
    } finally {
        bridgeBusy = false;
    }
}

function context(): BackupContext {
    return {
        clickhouse: client!,
        database: DB,
        bronzeTables: Object.values(TABLE_OF),
        target: { kind: "disk", disk: "backups" },
        connect: {
            baseUrl: kafka!.connectUrl,
            secretValues: [],
            retry: DEFAULT_RETRY_POLICY,
            requestTimeoutMs: 30_000,
        },
        sink: SINK,
        source: SOURCE,
        kafka: { bootstrap: kafka!.bootstrap, timeoutMs: 30_000 },
        log: (l) => (process.env.CDC_TEST_VERBOSE ? process.stderr.write(`${l}\n`) : undefined),
        mask: masker([]),
    };
}

function admin(): Admin {
    return new Admin({ clientId: "backup-test", bootstrapBrokers: [kafka!.bootstrap] });
}

/** Produces the rows of phase `k` (in offset order, so Kafka's offsets are the rows' own). */
async function producePhase(k: number): Promise<void> {
    const producer = new Producer({
        clientId: "backup-test",
        bootstrapBrokers: [kafka!.bootstrap],
        serializers: stringSerializers,
    });
    try {
        for (const c of COLLECTIONS) {
            const rows = INPUT[TABLE_OF[c]].filter((r) => r._offset >= CUTS[k - 1]! && r._offset < CUTS[k]!);
            for (const r of rows) {
                await producer.send({ messages: [{ topic: TOPIC_OF[c], partition: 0, value: JSON.stringify(r) }] });
                produced[c].push(r);
            }
        }
    } finally {
        await producer.close();
    }
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 120_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
        const v = await probe().catch(() => undefined);
        if (v !== undefined) return v;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 300));
    }
}

/** Bronze rows per topic: count and distinct offsets. */
async function bronzeCounts(): Promise<Record<string, { rows: number; offsets: number }>> {
    const out: Record<string, { rows: number; offsets: number }> = {};
    for (const c of COLLECTIONS) {
        const rs = await client!.query({
            query: `SELECT count() AS rows, uniqExact(_offset) AS offsets FROM ${DB}.${TABLE_OF[c]}`,
            format: "JSONEachRow",
        });
        const [r] = await rs.json<{ rows: string; offsets: string }>();
        out[c] = { rows: Number(r!.rows), offsets: Number(r!.offsets) };
    }
    return out;
}

/**
 * Waits until bronze holds every produced event (each offset at least once), with no bridge INSERT
 * in flight, and gold refreshed after it. An INSERT's bronze rows are visible before its
 * insert-time views (silver) have committed; only when no INSERT is running are the silver rows
 * of every counted bronze row committed, so a gold refresh started after that reads them.
 */
async function waitFlowed(): Promise<Record<string, { rows: number; offsets: number }>> {
    const counts = await until("every produced event in bronze, no INSERT in flight", async () => {
        await bridgeOnce();
        if (bridgeBusy) return undefined;
        const b = await bronzeCounts();
        if (bridgeBusy) return undefined;
        return COLLECTIONS.every((c) => b[c]!.offsets === produced[c].length) ? b : undefined;
    });
    await waitForGoldAfter(client!, DB, await serverNow(client!), 60_000);
    return counts;
}

async function assertModelsMatchOracle(label: string): Promise<void> {
    const docs = foldBronze(produced);
    const gold = computeGold(docs, new Date());
    for (const model of MODEL_NAMES) {
        const res = compareModel(model, gold[model], await readModelRows(client!, DB, model));
        assert.ok(res.equal, `${label}: ${model}\n${res.report}`);
    }
}

const rebuild = async () => {
    await buildModels(gw!, DB, { vars: VARS, fullRefresh: true, command: "run" });
};

before(async () => {
    if (await problem()) return;
    try {
        let engine;
        [kafka, engine] = await Promise.all([
            startKafkaConnect({
                log: process.env.CDC_TEST_VERBOSE ? (l) => process.stderr.write(`${l}\n`) : undefined,
            }),
            startBronzeGateway(DB, { backupsDir: path.join(tmp, "backups") }),
        ]);
        ({ gw, client, stop: stopGateway } = engine);
        const a = admin();
        try {
            await a.createTopics({ topics: Object.values(TOPIC_OF), partitions: 1, replicas: 1 });
        } finally {
            await a.close();
        }
        await buildModels(gw, DB, { vars: VARS, command: "run" });
        const r = await fetch(`${kafka.connectUrl}/connectors/${SINK}/config`, {
            method: "PUT",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({
                "connector.class": FILE_SINK,
                ...STRINGS,
                "tasks.max": "1",
                topics: Object.values(TOPIC_OF).join(","),
                file: sinkFile,
                "offset.flush.interval.ms": "500",
                "consumer.override.auto.offset.reset": "earliest",
            }),
        });
        assert.ok(r.status < 300, `PUT ${SINK}: ${r.status} ${await r.text()}`);
        bridgeTimer = setInterval(() => void bridgeOnce(), 250);
    } catch (e) {
        setupError = e;
    }
});

after(async () => {
    if (bridgeTimer) clearInterval(bridgeTimer);
    await Promise.all([kafka?.stop(), stopGateway?.()]);
    fs.rmSync(tmp, { recursive: true, force: true });
});

/** The sink's committed offsets, once they reach every topic's end (so the backup records the whole of bronze). */
async function waitCommitted(): Promise<void> {
    await until("the sink's commits at the topics' ends", async () => {
        const res = await fetch(`${kafka!.connectUrl}/connectors/${SINK}/offsets`);
        const body = (await res.json()) as {
            offsets: { partition: { kafka_topic: string }; offset: { kafka_offset: number } }[];
        };
        return COLLECTIONS.every((c) =>
            body.offsets.some(
                (o) => o.partition.kafka_topic === TOPIC_OF[c] && o.offset.kafka_offset === produced[c].length,
            ),
        )
            ? true
            : undefined;
    });
}

describe("backup and restore: bronze with its Kafka positions, replayed after a restore", () => {
    it("a restore from an incremental backup after a lost volume replays the gap: models equal the oracle, bronze holds each event once", async (t) => {
        if (!(await ready(t))) return;
        const ctx = context();
        await producePhase(1);
        await waitFlowed();
        await waitCommitted();
        const full = await createBackup(ctx, { name: "full-1" });
        assert.equal(full.status, "ok");
        assert.deepEqual(
            full.manifest.sink.offsets.map((p) => [p.topic, p.offset]),
            COLLECTIONS.map((c) => [TOPIC_OF[c], produced[c].length]).sort(),
        );
        await producePhase(2);
        await waitFlowed();
        await waitCommitted();
        const inc = await createBackup(ctx, { name: "inc-1", base: "latest" });
        assert.equal(inc.base, "full-1");
        await producePhase(3);
        await waitFlowed();
        await assertModelsMatchOracle("before the loss");
        assert.deepEqual(
            (await listBackups(ctx)).map((e) => [e.name, e.status]),
            [
                ["full-1", "ok"],
                ["inc-1", "ok"],
            ],
        );

        // A lost volume: bronze, silver, gold and the catalog gone.
        await client!.command({ query: `DROP DATABASE ${DB} SYNC` });
        const r = await restoreBackup(ctx, { name: "inc-1", rebuild, replayTimeoutMs: 120_000, pollMs: 300 });
        assert.deepEqual(
            r.replayFrom.map((p) => p.offset),
            inc.manifest.sink.offsets.map((p) => p.offset),
        );
        const counts = await waitFlowed();
        for (const c of COLLECTIONS)
            assert.deepEqual(counts[c], { rows: produced[c].length, offsets: produced[c].length }, `bronze ${c}`);
        await assertModelsMatchOracle("after restoring inc-1 and replaying the gap");
        assert.deepEqual(
            (await listBackups(ctx)).map((e) => e.name),
            ["full-1", "inc-1"],
            "the catalog came back with the backup",
        );
    });

    it("a restore from the full backup over the live database holds the refreshes while bronze is half-restored", async (t) => {
        if (!(await ready(t))) return;
        const ctx = context();
        const refreshes = async () =>
            (
                await (
                    await client!.query({
                        query: `SELECT view, status, toString(last_refresh_time) AS last FROM system.view_refreshes WHERE database = '${DB}' ORDER BY view`,
                        format: "JSONEachRow",
                    })
                ).json<{ view: string; status: string; last: string }>()
            ).map((v) => `${v.view} ${v.status === "Running" ? "running" : v.last}`);
        let held: string[] = [];
        const onStep = async (s: RestoreStep) => {
            if (s === "held") {
                held = await refreshes();
                assert.ok(held.length >= 4, `the gold refreshes: ${held.join("; ")}`);
            }
            if (s === "bronze-restored") {
                // more than one refresh interval (1 s) after the views were stopped
                await new Promise((res) => setTimeout(res, 2500));
                assert.deepEqual(await refreshes(), held, "no gold refresh ran while bronze was being restored");
            }
        };
        const r = await restoreBackup(ctx, { name: "full-1", rebuild, replayTimeoutMs: 120_000, pollMs: 300, onStep });
        assert.deepEqual(
            r.replayFrom.map((p) => p.offset),
            COLLECTIONS.map((c) => INPUT[TABLE_OF[c]].filter((x) => x._offset < CUTS[1]!).length),
        );
        const counts = await waitFlowed();
        for (const c of COLLECTIONS)
            assert.deepEqual(counts[c], { rows: produced[c].length, offsets: produced[c].length }, `bronze ${c}`);
        await assertModelsMatchOracle("after restoring full-1 and replaying the gap");
    });

    it("refuses a restore whose gap is past Kafka's retention, before changing anything", async (t) => {
        if (!(await ready(t))) return;
        const ctx = context();
        const a = admin();
        try {
            await a.deleteRecords({ topics: [{ name: TOPIC_OF.orders, partitions: [{ partition: 0, offset: 6n }] }] });
        } finally {
            await a.close();
        }
        const before = await bronzeCounts();
        const models = await readModelRows(client!, DB, "fact_orders");
        await assert.rejects(restoreBackup(ctx, { name: "full-1", rebuild, replayTimeoutMs: 60_000 }), (e: unknown) => {
            assert.ok(e instanceof RestoreRefused, String(e));
            assert.match(e.message, new RegExp(`${TOPIC_OF.orders.replace(/\./g, "\\.")}/0 offsets 4–5`));
            assert.match(e.message, /nothing was changed/);
            assert.match(e.message, /cdc:connectors\.snapshots/);
            return true;
        });
        assert.deepEqual(await bronzeCounts(), before);
        assert.deepEqual(await readModelRows(client!, DB, "fact_orders"), models);
        const status = await getConnectorStatus(ctx.connect!, SINK);
        assert.equal(status?.connector.state, "RUNNING");
        // the incremental backup's gap (from offset 8) is still there: it is not refused
        const ok = await restoreBackup(ctx, { name: "inc-1", rebuild, replayTimeoutMs: 120_000, pollMs: 300 });
        assert.equal(ok.replayFrom.find((p) => p.topic === TOPIC_OF.orders)?.offset, 8);
    });
});
