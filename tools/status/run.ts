/** One status run: reads Connect, Kafka and ClickHouse concurrently, each call bounded, and judges. */
import { judgeBackups, readBackups } from "./backup";
import { readLayers } from "./clickhouse";
import { readConnector, readConnectorConfig, sinkTopicsOf, sourceTopicsOf } from "./connect";
import { readKafka } from "./kafka";
import { modelLayersOf } from "./layers";
import { buildReport } from "./verdict";
import type { Target } from "./flags";
import type { Observations, StatusReport, Thresholds } from "./types";

export interface RunOptions {
    timeoutMs: number;
    traceLines: number;
    thresholds: Thresholds;
    /** The clock (tests). Default Date.now. */
    now?: () => number;
}

/** Everything the target shows now. Never throws for a service that is down: that is in the observations. */
export async function observe(t: Target, o: RunOptions): Promise<Observations> {
    const connect = {
        url: t.connectUrl,
        timeoutMs: o.timeoutMs,
        secrets: t.secrets,
        traceLines: o.traceLines,
        ...(t.connectAuth ? { auth: t.connectAuth } : {}),
        ...(t.caPem ? { caPem: t.caPem } : {}),
    };
    const layers = modelLayersOf(t.projectDir);
    const chTarget = {
        ...t.clickhouse,
        timeoutMs: o.timeoutMs,
        secrets: t.secrets,
        ...(t.caPem ? { caPem: t.caPem } : {}),
    };
    const clickhouse = readLayers(chTarget, { bronze: t.bronzeTables, ...layers });
    const backup = readBackups(chTarget);
    const [source, sink, sourceConfig, sinkConfig] = await Promise.all([
        readConnector(connect, t.source),
        readConnector(connect, t.sink),
        readConnectorConfig(connect, t.source),
        readConnectorConfig(connect, t.sink),
    ]);
    const sinkTopics = sinkConfig ? sinkTopicsOf(t.sink, sinkConfig) : { topics: [], group: `connect-${t.sink}` };
    const kafka = await readKafka(
        { bootstrap: t.kafka, timeoutMs: o.timeoutMs, secrets: t.secrets, security: t.kafkaSecurity },
        {
            sourceTopics: t.sourceTopics ?? (sourceConfig ? sourceTopicsOf(sourceConfig) : []),
            sinkTopics: sinkTopics.topics,
            group: sinkTopics.group,
            deadLetterTopic: sinkTopics.deadLetterTopic,
        },
    );
    const { bronze, silver, gold, drift } = await clickhouse;
    return {
        nowMs: (o.now ?? Date.now)(),
        source: { connector: source, ...kafka.source },
        sink: { connector: sink, group: sinkTopics.group, topics: sinkTopics.topics, ...kafka.sink },
        bronze,
        silver,
        gold,
        drift,
        backup: await backup,
    };
}

export async function status(t: Target, o: RunOptions): Promise<StatusReport> {
    const obs = await observe(t, o);
    return {
        ...buildReport(obs, o.thresholds),
        ...(obs.backup ? { backup: judgeBackups(obs.backup, obs.nowMs, o.thresholds.backupMaxAgeSeconds) } : {}),
    };
}
