/**
 * What `npm run status` observes and reports. Observations (`*Obs`) are what the collectors read
 * from Kafka Connect, Kafka and ClickHouse, each with an `error` when that read failed; the
 * report (`StatusReport`) is what verdict.ts makes of them and what `--json` prints. The JSON
 * shape is versioned (`version`); docs/operations.md describes it.
 */
import type { DriftObs } from "./drift";
import type { BackupObs, BackupReport } from "./backup";
import type { OffendingRow } from "./offending-row";

export type Verdict = "ok" | "lagging" | "failed";
export type StageName = "source" | "sink" | "bronze" | "silver" | "gold" | "drift";

/** Thresholds of the verdicts (flags of the same name, documented in docs/operations.md). */
export interface Thresholds {
    /** Newest record on the source's topics older than this → source lagging. */
    sourceMaxAgeSeconds: number;
    /** Sum of the sink group's lag (records) above this → sink lagging. */
    maxLag: number;
    /** Records in the dead-letter topic above this → sink lagging. */
    maxDeadLetters: number;
    /** Rows in bronze_rejects above this → silver lagging. */
    maxRejects: number;
    /** Newest bronze arrival ahead of the newest silver arrival by more than this → silver lagging. */
    silverMaxDelaySeconds: number;
    /** Oldest latest successful gold refresh older than this → gold lagging. */
    goldMaxAgeSeconds: number;
    /** Last successful backup older than this → backup lagging (backup.ts). */
    backupMaxAgeSeconds: number;
}

export interface TaskObs {
    id: number;
    state: string;
    workerId: string;
    trace?: string;
}

export interface ConnectorObs {
    name: string;
    /** Why the status could not be read (unreachable, 404, …): the connector counts as failed. */
    error?: string;
    /** Set when Connect itself gave no usable answer (no connection, deadline, TLS, login), not e.g. a 404. */
    unreachable?: boolean;
    state?: string;
    workerId?: string;
    trace?: string;
    tasks: TaskObs[];
}

export interface PartitionObs {
    partition: number;
    /** First offset still held (log start). */
    startOffset: number;
    /** Offset the next record will get (log end). */
    endOffset: number;
    /** Largest record timestamp in the partition, epoch ms; null when it holds no record. */
    newestTimestampMs: number | null;
}

export interface TopicObs {
    topic: string;
    /** Set when the topic could not be read; `missing` when it does not exist. */
    error?: string;
    missing?: boolean;
    partitions: PartitionObs[];
}

export interface SourceObs {
    connector: ConnectorObs;
    topics: TopicObs[];
    /** Set when Kafka could not be asked at all. */
    kafkaError?: string;
}

export interface LagObs {
    topic: string;
    partition: number;
    /** Committed offset of the group; null when it has committed nothing for this partition. */
    committed: number | null;
    startOffset: number;
    endOffset: number;
}

export interface SinkObs {
    connector: ConnectorObs;
    group: string;
    topics: string[];
    lag: LagObs[];
    kafkaError?: string;
    deadLetter?: { topic: string; depth: number | null; error?: string };
}

export interface TableObs {
    table: string;
    missing?: boolean;
    rows: number | null;
    /** Newest `_ingested_at`, epoch ms (null: no rows, or no such column). */
    newestIngestedMs: number | null;
    /** Newest `_event_timestamp_ms` (null: no rows, or no such column). */
    newestEventMs: number | null;
}

export interface RefreshObs {
    view: string;
    status: string;
    lastSuccessMs: number | null;
    lastRefreshMs: number | null;
    exception: string;
    /** How long the last successful refresh took, when the server's system.view_refreshes has it. */
    lastSuccessDurationMs?: number | null;
}

export interface LayerObs {
    /** Set when ClickHouse could not be asked. */
    error?: string;
    tables: TableObs[];
}

/** Rows of `bronze_rejects` with one collection and reason. */
export interface RejectCount {
    collection: string;
    reason: string;
    rows: number;
}

export interface SilverObs extends LayerObs {
    rejects: number | null;
    /** `rejects` by collection and reason (absent when bronze_rejects could not be read). */
    rejectsBy?: RejectCount[];
    rejectsError?: string;
}

export interface GoldObs extends LayerObs {
    refreshes: RefreshObs[];
    /** After a failed refresh: the silver rows a silver view fails on, with their bronze coordinates. */
    offending?: OffendingRow[];
}

/** Everything one run observed, at server-independent time `nowMs` (this machine's clock). */
export interface Observations {
    nowMs: number;
    source: SourceObs;
    sink: SinkObs;
    bronze: LayerObs;
    silver: SilverObs;
    gold: GoldObs;
    /** Schema drift and the deployed models' version (drift.ts); absent when ClickHouse could not be asked. */
    drift?: DriftObs;
    /** The backup catalog (backup.ts); absent in observations made without it. */
    backup?: BackupObs;
}

/** One stage of the report. */
export interface StageReport {
    stage: StageName;
    verdict: Verdict;
    /** Why the verdict is not ok, each with what to do; empty when ok. */
    problems: string[];
    /** What was observed (stage-specific, documented in docs/operations.md). */
    details: Record<string, unknown>;
}

/** The services a run reads; `up` = it answered the reads (within the deadline, TLS and login accepted). */
export type ComponentName = "connect" | "kafka" | "clickhouse";
export interface ComponentReport {
    up: boolean;
    /** Why it is down; null when up. */
    error: string | null;
}

export interface StatusReport {
    version: 1;
    checkedAt: string;
    verdict: Verdict;
    /** Whether each service answered (the exporter's `cdc_component_up`). */
    components: Record<ComponentName, ComponentReport>;
    /** The process's exit code: 2 when any stage failed, else 0. */
    exitCode: 0 | 2;
    thresholds: Thresholds;
    stages: StageReport[];
    /** The last successful backup and its verdict (absent from reports built without it, e.g. in tests). */
    backup?: BackupReport;
}
