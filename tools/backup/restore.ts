/**
 * `backup restore NAME [--no-replay]`: brings bronze back from a backup, rebuilds silver and gold
 * from it, and has Kafka replay exactly the gap since the backup.
 *
 * 1. Read the backup's own manifest (its copy of the catalog, restored into a scratch database).
 * 2. Replay: the sink's topics must still hold every offset from the recorded ones; when retention
 *    has passed, refuse here, before anything changed, naming the lost offsets.
 * 3. Stop the sink (Connect `PUT …/stop`: PATCHing offsets needs STOPPED) and the gold refreshes
 *    of the database (`SYSTEM STOP VIEW`), so no refresh reads half-restored tables.
 * 4. Empty the bronze tables that exist and RESTORE bronze (and the catalog, when it is gone).
 * 5. Rebuild silver and gold from bronze (`rebuild`: the dbt project with --full-refresh, whose
 *    streaming materializations back-fill silver from bronze and build gold in full), then let
 *    the refreshes run again.
 * 6. Set the sink's offsets to the recorded positions (`PATCH …/offsets`), resume it, and wait
 *    until its committed offsets reach the topics' ends as they were at the resume.
 * `--no-replay` does 1, 4 and 5 (the sink and Connect are left alone) and returns the offsets a
 * replay would start from.
 */
import { randomBytes } from "node:crypto";
import { getConnectorStatus } from "../../components/providers/kafkaConnector/connectClient";
import {
    getOffsets,
    patchOffsets,
    resumeConnector,
    stopConnector,
} from "../../components/providers/kafkaConnector/lifecycleClient";
import { waitForState } from "../../components/providers/kafkaConnector/wait";
import { createDatabaseDdl } from "../../components/providers/bronzeTables/ddl";
import { CATALOG_TABLE, type BackupManifest } from "./manifest";
import {
    behind,
    describePositions,
    lostHistory,
    replayStart,
    sinkOffsetsBody,
    sinkPositions,
    type LostRange,
    type PartitionPosition,
} from "./positions";
import { readLogs } from "./kafkaLogs";
import { describeTarget, destinationSql } from "../../components/backup/target";
import { quoteIdentifier, readCatalog, tableExists, type BackupContext } from "./context";

/** The steps a restore goes through, in order (tests hook into them). */
export type RestoreStep = "checked" | "held" | "bronze-restored" | "rebuilt" | "offsets-set" | "replayed";

/** What `restore` is asked for. */
export interface RestoreOptions {
    name: string;
    /** Restore ClickHouse only; Connect and Kafka are not contacted. */
    noReplay?: boolean;
    /** Rebuilds silver and gold from the restored bronze (the dbt project, --full-refresh). */
    rebuild: () => Promise<void>;
    /** How long to wait for the sink to replay the gap, in ms. */
    replayTimeoutMs: number;
    /** Called after each step (tests). */
    onStep?: (step: RestoreStep) => Promise<void>;
    /** Poll interval while waiting, in ms. Default 1000. */
    pollMs?: number;
}

/** What a restore did. */
export interface RestoreResult {
    manifest: BackupManifest;
    /** Where the sink reads from after the restore (or would, with --no-replay). */
    replayFrom: PartitionPosition[];
    /** The topics' ends the replay reached (empty with --no-replay). */
    replayedTo: PartitionPosition[];
}

/** A restore refused before it changed anything. */
export class RestoreRefused extends Error {
    constructor(
        message: string,
        readonly lost: LostRange[],
    ) {
        super(message);
        this.name = "RestoreRefused";
    }
}

/** Restores backup `o.name` (see the module comment). */
export async function restoreBackup(ctx: BackupContext, o: RestoreOptions): Promise<RestoreResult> {
    const step = async (s: RestoreStep) => {
        ctx.log(`restore ${o.name}: ${s}`);
        await o.onStep?.(s);
    };
    const manifest = await readManifest(ctx, o.name);
    const db = ctx.database;
    if (manifest.database !== db)
        ctx.log(`restore ${o.name}: the backup is of database ${manifest.database}; restoring into ${db}`);
    const bronze = manifest.tables.filter((t) => t !== CATALOG_TABLE);

    // 2. Check the gap is still in Kafka before touching anything.
    let start: PartitionPosition[];
    if (o.noReplay) {
        start = manifest.sink.offsets;
    } else {
        if (!ctx.connect || !ctx.kafka)
            throw new Error("a replaying restore needs Kafka Connect and Kafka (or pass --no-replay)");
        const topics = [...new Set(manifest.sink.offsets.map((p) => p.topic))];
        const live = await getOffsets(ctx.connect, ctx.sink);
        const liveTopics = live ? sinkPositions(live).map((p) => p.topic) : [];
        const logs = await readLogs(ctx.kafka, [...new Set([...topics, ...liveTopics])].sort());
        start = replayStart(manifest.sink.offsets, logs);
        const lost = lostHistory(start, logs);
        if (lost.length > 0) throw refusal(o.name, manifest, lost);
    }
    await step("checked");

    // 3. Hold the sink and the refreshes.
    const stoppedViews = await refreshViews(ctx);
    if (!o.noReplay) {
        await stopConnector(ctx.connect!, ctx.sink);
        await waitForState(ctx.connect!, ctx.sink, "STOPPED", o.replayTimeoutMs, o.pollMs ?? 1000);
    }
    for (const v of stoppedViews) await ctx.clickhouse.command({ query: `SYSTEM STOP VIEW ${v}` });
    // A refresh already running when its view was stopped finishes first: wait for it.
    await waitNoRefreshRunning(ctx, Date.now() + o.replayTimeoutMs, o.pollMs ?? 1000);
    await step("held");

    // 4. Bronze (and the catalog when it is gone).
    await ctx.clickhouse.command({ query: createDatabaseDdl(db) });
    const restoreList: string[] = [];
    for (const t of bronze) {
        if (await tableExists(ctx.clickhouse, db, t))
            await ctx.clickhouse.command({ query: `TRUNCATE TABLE ${quoteIdentifier(db)}.${quoteIdentifier(t)}` });
        restoreList.push(t);
    }
    if (!(await tableExists(ctx.clickhouse, db, CATALOG_TABLE))) restoreList.push(CATALOG_TABLE);
    const from = destinationSql(ctx.target, o.name);
    const tables = restoreList
        .map(
            (t) =>
                `TABLE ${quoteIdentifier(manifest.database)}.${quoteIdentifier(t)} AS ${quoteIdentifier(db)}.${quoteIdentifier(t)}`,
        )
        .join(", ");
    ctx.log(`restore ${o.name}: RESTORE ${restoreList.join(", ")} from ${describeTarget(ctx.target, o.name)}`);
    try {
        await ctx.clickhouse.command({ query: `RESTORE ${tables} FROM ${from} SETTINGS allow_non_empty_tables = 1` });
    } catch (e) {
        throw new Error(
            `restore ${o.name}: RESTORE failed: ${ctx.mask((e as Error).message)}; the sink is left STOPPED and the ` +
                "gold refreshes stopped: fix the cause and run the restore again",
        );
    }
    await step("bronze-restored");

    // 5. Silver and gold from bronze; the refreshes the rebuild did not re-create run again.
    await o.rebuild();
    for (const v of stoppedViews) {
        const [d, n] = v.split(".").map((x) => x.replace(/`/g, ""));
        if (await tableExists(ctx.clickhouse, d, n)) await ctx.clickhouse.command({ query: `SYSTEM START VIEW ${v}` });
    }
    await step("rebuilt");
    if (o.noReplay) return { manifest, replayFrom: start, replayedTo: [] };

    // 6. Replay the gap.
    await patchOffsets(ctx.connect!, ctx.sink, sinkOffsetsBody(start));
    await step("offsets-set");
    const ends = await readLogs(ctx.kafka!, [...new Set(start.map((p) => p.topic))].sort());
    const target = ends.map((l) => ({ topic: l.topic, partition: l.partition, offset: l.end }));
    await resumeConnector(ctx.connect!, ctx.sink);
    ctx.log(
        `restore ${o.name}: sink resumed from ${describePositions(start)}; replaying to ${describePositions(target)}`,
    );
    const deadline = Date.now() + o.replayTimeoutMs;
    for (;;) {
        const committed = sinkPositions((await getOffsets(ctx.connect!, ctx.sink)) ?? []);
        const lagging = behind(committed, target);
        if (lagging.length === 0) break;
        if (Date.now() > deadline) {
            const status = await getConnectorStatus(ctx.connect!, ctx.sink).catch(() => undefined);
            throw new Error(
                `restore ${o.name}: bronze is restored and the sink resumed, but it has not replayed the gap within ` +
                    `${Math.round(o.replayTimeoutMs / 1000)} s (still behind: ` +
                    `${lagging.map((l) => `${l.topic}/${l.partition} at ${l.committed} of ${l.offset}`).join(", ")}; ` +
                    `sink ${status?.connector.state ?? "state unknown"}): it keeps replaying; ` +
                    "watch it with npm run status, or raise --timeout",
            );
        }
        await new Promise((r) => setTimeout(r, o.pollMs ?? 1000));
    }
    await step("replayed");
    return { manifest, replayFrom: start, replayedTo: target };
}

/** Waits until no refresh of the database runs (`system.view_refreshes.status`), up to `deadline`. */
async function waitNoRefreshRunning(ctx: BackupContext, deadline: number, pollMs: number): Promise<void> {
    for (;;) {
        const rs = await ctx.clickhouse.query({
            query: "SELECT view FROM system.view_refreshes WHERE database = {d:String} AND status = 'Running' ORDER BY view",
            query_params: { d: ctx.database },
            format: "JSONEachRow",
        });
        const running = (await rs.json<{ view: string }>()).map((r) => r.view);
        if (running.length === 0) return;
        if (Date.now() > deadline)
            throw new Error(
                `the gold refreshes ${running.join(", ")} are still running after they were stopped; nothing was ` +
                    "restored, the sink and those refreshes are left stopped: run the restore again once they finish",
            );
        await new Promise((r) => setTimeout(r, pollMs));
    }
}

/** The refreshable views of the database, as `db`.`view`. */
async function refreshViews(ctx: BackupContext): Promise<string[]> {
    const rs = await ctx.clickhouse.query({
        query: "SELECT database, view FROM system.view_refreshes WHERE database = {d:String} ORDER BY view",
        query_params: { d: ctx.database },
        format: "JSONEachRow",
    });
    return (await rs.json<{ database: string; view: string }>()).map(
        (r) => `${quoteIdentifier(r.database)}.${quoteIdentifier(r.view)}`,
    );
}

/** The manifest of backup `name`, from the backup itself (its catalog restored into a scratch database). */
export async function readManifest(ctx: BackupContext, name: string): Promise<BackupManifest> {
    const scratch = `cdc_backup_read_${randomBytes(4).toString("hex")}`;
    const from = destinationSql(ctx.target, name);
    await ctx.clickhouse.command({ query: `CREATE DATABASE ${scratch} ENGINE = Atomic` });
    try {
        let found: BackupManifest | undefined;
        try {
            await ctx.clickhouse.command({
                query: `RESTORE TABLE ${quoteIdentifier(ctx.database)}.${CATALOG_TABLE} AS ${scratch}.${CATALOG_TABLE} FROM ${from}`,
            });
            found = (await readCatalog(ctx.clickhouse, scratch, CATALOG_TABLE)).find((e) => e.name === name)?.manifest;
        } catch (e) {
            throw new Error(
                `backup ${name} cannot be read at ${describeTarget(ctx.target, name)}: ${(e as Error).message} ` +
                    "(npm run backup -- list shows the backups this ClickHouse knows; --target picks where they are)",
            );
        }
        if (!found)
            throw new Error(
                `backup ${name} at ${describeTarget(ctx.target, name)} holds no manifest (${CATALOG_TABLE}): ` +
                    "it was not taken by npm run backup, or the name is wrong (npm run backup -- list)",
            );
        return found;
    } catch (e) {
        throw new Error(ctx.mask((e as Error).message));
    } finally {
        await ctx.clickhouse.command({ query: `DROP DATABASE IF EXISTS ${scratch} SYNC` }).catch(() => undefined);
    }
}

function refusal(name: string, m: BackupManifest, lost: LostRange[]): RestoreRefused {
    const ranges = lost.map((l) => `${l.topic}/${l.partition} offsets ${l.from}–${l.to}`).join(", ");
    return new RestoreRefused(
        `restore ${name} refused, nothing was changed: Kafka no longer holds the events since the backup ` +
            `(${m.createdAt}): ${ranges} are past the topics' retention. Restoring it would leave those ` +
            "changes out of bronze for good. To converge instead, restore with --no-replay and re-snapshot " +
            'the collections (cdc:connectors.snapshots, docs/operations.md "Re-snapshot one collection"): ' +
            "the snapshot brings every document's current state, but the versions and deletions in the lost " +
            "offsets are gone from history.",
        lost,
    );
}
