/**
 * From observations to verdicts, stage by stage (pure: no I/O, unit-tested). Rules, also in
 * docs/operations.md: a stage is `failed` when it cannot do its job or could not be checked,
 * `lagging` when data is delayed, held back or diverted but the stage works, else `ok`.
 */
import { judgeDrift } from "./drift";
import { DEFAULT_BACKUP_MAX_AGE_SECONDS } from "./backup";
import type {
    ComponentName,
    ComponentReport,
    ConnectorObs,
    GoldObs,
    LayerObs,
    Observations,
    SilverObs,
    SinkObs,
    SourceObs,
    StageReport,
    StatusReport,
    TableObs,
    Thresholds,
    Verdict,
} from "./types";

export const DEFAULT_THRESHOLDS: Thresholds = {
    sourceMaxAgeSeconds: 60,
    maxLag: 1000,
    maxDeadLetters: 0,
    maxRejects: 0,
    silverMaxDelaySeconds: 30,
    goldMaxAgeSeconds: 300,
    backupMaxAgeSeconds: DEFAULT_BACKUP_MAX_AGE_SECONDS,
};

const RANK: Record<Verdict, number> = { ok: 0, lagging: 1, failed: 2 };

/** The worse of the verdicts (ok for none). */
export function worst(verdicts: Verdict[]): Verdict {
    return verdicts.reduce<Verdict>((a, b) => (RANK[b] > RANK[a] ? b : a), "ok");
}

/** Seconds from `ms` to `nowMs`, one decimal, never negative (clocks differ a little); null for null. */
export function ageSeconds(nowMs: number, ms: number | null): number | null {
    return ms === null ? null : Math.round(Math.max(0, nowMs - ms) / 100) / 10;
}

interface Judged {
    verdict: Verdict;
    problems: string[];
}

function judge(failed: string[], lagging: string[]): Judged {
    return { verdict: failed.length ? "failed" : lagging.length ? "lagging" : "ok", problems: [...failed, ...lagging] };
}

/** A connector's own verdict: its state and its tasks'. */
export function judgeConnector(c: ConnectorObs): Judged {
    const failed: string[] = [];
    const lagging: string[] = [];
    if (c.error) failed.push(`connector ${c.name}: ${c.error}`);
    else {
        if (c.state === "FAILED")
            failed.push(
                `connector ${c.name} FAILED on ${c.workerId ?? "?"}: see its trace; fix the cause, then \`curl -X POST <connectUrl>/connectors/${c.name}/restart?includeTasks=true&onlyFailed=true\``,
            );
        else if (c.state !== "RUNNING")
            lagging.push(`connector ${c.name} is ${c.state ?? "in no known state"}: no data moves until it runs again`);
        for (const t of c.tasks) {
            if (t.state === "FAILED")
                failed.push(
                    `task ${c.name}/${t.id} FAILED on ${t.workerId}: see its trace; fix the cause, then restart it (\`POST /connectors/${c.name}/tasks/${t.id}/restart\`)`,
                );
            else if (t.state !== "RUNNING" && c.state === "RUNNING")
                lagging.push(`task ${c.name}/${t.id} is ${t.state}`);
        }
        if (c.state === "RUNNING" && c.tasks.length === 0)
            lagging.push(`connector ${c.name} has no task assigned yet (the worker group may be rebalancing)`);
    }
    return judge(failed, lagging);
}

function connectorDetails(c: ConnectorObs): Record<string, unknown> {
    return {
        name: c.name,
        state: c.state ?? null,
        workerId: c.workerId ?? null,
        trace: c.trace ?? null,
        error: c.error ?? null,
        tasks: c.tasks,
    };
}

export function judgeSource(s: SourceObs, nowMs: number, th: Thresholds): StageReport {
    const conn = judgeConnector(s.connector);
    const failed = conn.verdict === "failed" ? conn.problems : [];
    const lagging = conn.verdict === "lagging" ? conn.problems : [];
    const topics = s.topics.map((t) => {
        const newest = t.partitions.reduce<number | null>(
            (m, p) => (p.newestTimestampMs === null ? m : Math.max(m ?? 0, p.newestTimestampMs)),
            null,
        );
        return {
            topic: t.topic,
            missing: t.missing ?? false,
            error: t.error ?? null,
            partitions: t.partitions.length,
            records: t.partitions.reduce((n, p) => n + (p.endOffset - p.startOffset), 0),
            newestTimestampMs: newest,
            ageSeconds: ageSeconds(nowMs, newest),
        };
    });
    if (s.kafkaError) failed.push(`Kafka: ${s.kafkaError}`);
    else if (topics.length === 0)
        lagging.push("no source topic is known (the source connector's config names none): pass --source-topics");
    else {
        for (const t of topics) if (t.error) failed.push(`topic ${t.topic}: ${t.error}`);
        const newest = topics.reduce<number | null>(
            (m, t) => (t.newestTimestampMs === null ? m : Math.max(m ?? 0, t.newestTimestampMs)),
            null,
        );
        const names = topics.map((t) => t.topic).join(", ");
        if (topics.every((t) => !t.error) && newest === null) {
            failed.push(
                `no record has ever reached ${names}: the source connector has not produced (for Debezium: MongoDB must be a replica set with change streams, the connector's credentials must be valid and the server reachable from Connect; see the connector trace and the worker log)`,
            );
        } else if (newest !== null && (nowMs - newest) / 1000 > th.sourceMaxAgeSeconds) {
            lagging.push(
                `newest record on ${names} is ${ageSeconds(nowMs, newest)} s old (> --source-max-age ${th.sourceMaxAgeSeconds} s): the source stopped producing heartbeats/events; check the connector and the worker log`,
            );
        }
    }
    const j = judge(failed, lagging);
    return {
        stage: "source",
        ...j,
        details: { connector: connectorDetails(s.connector), kafkaError: s.kafkaError ?? null, topics },
    };
}

export function judgeSink(s: SinkObs, th: Thresholds): StageReport {
    const conn = judgeConnector(s.connector);
    const failed = conn.verdict === "failed" ? conn.problems : [];
    const lagging = conn.verdict === "lagging" ? conn.problems : [];
    const lag = s.lag.map((l) => ({ ...l, lag: l.endOffset - (l.committed ?? l.startOffset) }));
    const totalLag = lag.reduce((n, l) => n + l.lag, 0);
    if (s.kafkaError) failed.push(`Kafka: ${s.kafkaError}`);
    else {
        const uncommitted = lag.filter((l) => l.committed === null && l.endOffset > l.startOffset);
        if (uncommitted.length > 0)
            lagging.push(
                `group ${s.group} has committed nothing on ${uncommitted.map((l) => `${l.topic}[${l.partition}]`).join(", ")} yet`,
            );
        if (totalLag > th.maxLag)
            lagging.push(
                `group ${s.group} is ${totalLag} records behind (> --max-lag ${th.maxLag}): the sink is slow or stuck; check the connector and ClickHouse`,
            );
        const dlq = s.deadLetter;
        if (dlq?.error) failed.push(`dead-letter topic ${dlq.topic}: ${dlq.error}`);
        else if (dlq && dlq.depth !== null && dlq.depth > th.maxDeadLetters) {
            lagging.push(
                `${dlq.depth} records in the dead-letter topic ${dlq.topic} (> --max-dead-letters ${th.maxDeadLetters}): they did not reach bronze; read their headers (__connect.errors.*) for the cause`,
            );
        }
    }
    const j = judge(failed, lagging);
    return {
        stage: "sink",
        ...j,
        details: {
            connector: connectorDetails(s.connector),
            kafkaError: s.kafkaError ?? null,
            group: s.group,
            topics: s.topics,
            totalLag,
            lag,
            deadLetter: s.deadLetter ?? null,
        },
    };
}

function tableDetails(t: TableObs, nowMs: number): Record<string, unknown> {
    return {
        ...t,
        ingestedAgeSeconds: ageSeconds(nowMs, t.newestIngestedMs),
        eventAgeSeconds: ageSeconds(nowMs, t.newestEventMs),
    };
}

function layerFailures(l: LayerObs, what: string): string[] {
    if (l.error) return [`ClickHouse: ${l.error}`];
    return l.tables
        .filter((t) => t.missing)
        .map(
            (t) =>
                `${what} table ${t.table} does not exist: run \`npm run up\` (bronze) or \`npm run dbt\` (silver, gold)`,
        );
}

const newestOf = (tables: TableObs[]): number | null =>
    tables.reduce<number | null>(
        (m, t) => (t.newestIngestedMs === null ? m : Math.max(m ?? 0, t.newestIngestedMs)),
        null,
    );

export function judgeBronze(b: LayerObs, nowMs: number): StageReport {
    const j = judge(layerFailures(b, "bronze"), []);
    return {
        stage: "bronze",
        ...j,
        details: {
            tables: b.tables.map((t) => tableDetails(t, nowMs)),
            rows: b.tables.reduce((n, t) => n + (t.rows ?? 0), 0),
        },
    };
}

export function judgeSilver(s: SilverObs, bronze: LayerObs, nowMs: number, th: Thresholds): StageReport {
    const failed = layerFailures(s, "silver");
    const lagging: string[] = [];
    if (!s.error && s.rejectsError) failed.push(`bronze_rejects: ${s.rejectsError}`);
    const bronzeNewest = newestOf(bronze.tables);
    const silverNewest = newestOf(s.tables);
    const delaySeconds = bronzeNewest === null ? 0 : Math.max(0, bronzeNewest - (silverNewest ?? 0)) / 1000;
    if (!s.error && !bronze.error && bronzeNewest !== null && delaySeconds > th.silverMaxDelaySeconds) {
        lagging.push(
            `silver's newest arrival is ${silverNewest === null ? "none" : `${Math.round(delaySeconds)} s`} behind bronze's (> --silver-max-delay ${th.silverMaxDelaySeconds} s): the insert-time views (base_*__mv) are not following; \`npm run dbt\` rebuilds them`,
        );
    }
    if (s.rejects !== null && s.rejects > th.maxRejects) {
        lagging.push(
            `${s.rejects} rows in bronze_rejects (> --max-rejects ${th.maxRejects}): bronze rows that cannot shape silver; \`SELECT collection, reason, count() FROM bronze_rejects GROUP BY ALL\` names the causes (docs/analytics.md)`,
        );
    }
    const j = judge(failed, lagging);
    return {
        stage: "silver",
        ...j,
        details: {
            tables: s.tables.map((t) => tableDetails(t, nowMs)),
            rejects: s.rejects,
            rejectsBy: s.rejectsBy ?? null,
            delayBehindBronzeSeconds: bronzeNewest === null ? null : Math.round(delaySeconds * 10) / 10,
        },
    };
}

export function judgeGold(g: GoldObs, nowMs: number, th: Thresholds): StageReport {
    const failed = layerFailures(g, "gold");
    const lagging: string[] = [];
    if (!g.error) {
        for (const t of g.tables) {
            if (t.missing) continue;
            const r = g.refreshes.find((x) => x.view === `${t.table}__refresh`);
            if (!r) {
                failed.push(
                    `gold table ${t.table} has no refreshable view ${t.table}__refresh: \`npm run dbt\` recreates it`,
                );
                continue;
            }
            const lastFailed =
                r.exception !== "" && (r.lastSuccessMs === null || (r.lastRefreshMs ?? 0) > r.lastSuccessMs);
            if (lastFailed)
                failed.push(
                    `refresh of ${t.table} failed: ${r.exception.split("\n")[0]} (fix the cause; \`SYSTEM REFRESH VIEW ${r.view}\` retries now)${offendingText(g)}`,
                );
            else if (r.lastSuccessMs === null) lagging.push(`${t.table} has not refreshed yet (status ${r.status})`);
            else if ((nowMs - r.lastSuccessMs) / 1000 > th.goldMaxAgeSeconds) {
                lagging.push(
                    `${t.table} last refreshed ${ageSeconds(nowMs, r.lastSuccessMs)} s ago (> --gold-max-age ${th.goldMaxAgeSeconds} s), status ${r.status}`,
                );
            }
        }
    }
    const j = judge(failed, lagging);
    const refreshes = g.refreshes.map((r) => ({ ...r, ageSeconds: ageSeconds(nowMs, r.lastSuccessMs) }));
    return {
        stage: "gold",
        ...j,
        details: { tables: g.tables.map((t) => tableDetails(t, nowMs)), refreshes, offending: g.offending ?? [] },
    };
}

/** The silver rows a failed refresh stops on (offending-row.ts), as a sentence; '' when none was found. */
function offendingText(g: GoldObs): string {
    const rows = g.offending ?? [];
    if (rows.length === 0) return "";
    const each = rows.map(
        (r) =>
            `${r.view} fails on ${r.key} ${r.id} (${r.error}), from bronze row _topic ${r.topic}, _partition ${r.partition}, _offset ${r.offset}`,
    );
    return `; ${each.join("; ")}: fix or delete that document in the source`;
}

/**
 * Whether each service answered: Connect unless a connector read got no usable answer (a 404 is an
 * answer), Kafka unless it could not be asked at all, ClickHouse unless the layers could not be read.
 */
export function judgeComponents(o: Observations): Record<ComponentName, ComponentReport> {
    const down = (error: string | undefined): ComponentReport => ({ up: error === undefined, error: error ?? null });
    const connect = [o.source.connector, o.sink.connector].find((c) => c.unreachable);
    return {
        connect: down(connect?.error),
        kafka: down(o.source.kafkaError),
        clickhouse: down(o.bronze.error),
    };
}

/** The whole report: stages in data-flow order, the worst verdict, the exit code. */
export function buildReport(o: Observations, th: Thresholds): StatusReport {
    const stages = [
        judgeSource(o.source, o.nowMs, th),
        judgeSink(o.sink, th),
        judgeBronze(o.bronze, o.nowMs),
        judgeSilver(o.silver, o.bronze, o.nowMs, th),
        judgeGold(o.gold, o.nowMs, th),
        judgeDrift(o.drift),
    ];
    const verdict = worst(stages.map((s) => s.verdict));
    return {
        version: 1,
        checkedAt: new Date(o.nowMs).toISOString(),
        verdict,
        exitCode: verdict === "failed" ? 2 : 0,
        components: judgeComponents(o),
        thresholds: th,
        stages,
    };
}
