/**
 * What the CDC pipeline dashboard shows: its rows and panels, each panel's PromQL, unit and thresholds, as plain
 * data. `dashboard.ts` turns it into Grafana's JSON with the foundation SDK. The metric names are exactly those of
 * the monitoring design (docs/monitoring.md, "Metrics"); each panel is explained there under "Panels".
 */

/** The alert thresholds a panel draws (the same field names and meanings as alerts.ts' AlertThresholds). */
export interface DashboardThresholds {
    /** Sink consumer lag, in records, above which CdcSinkLagGrowing may fire. */
    sinkLagRecords: number;
    /** Seconds since a gold mart's last successful refresh above which CdcGoldStale fires. */
    goldFreshnessSeconds: number;
    /** Dead-letter records tolerated before CdcDeadLetters fires. */
    deadLettersMax: number;
    /** Parts in one partition above which CdcClickHouseTooManyParts fires. */
    clickhousePartsMax: number;
}

/**
 * The defaults of DEFAULT_ALERT_THRESHOLDS in components/monitoring/alerts.ts (argued in docs/monitoring.md,
 * "Alerts"); the stack passes its `cdc:monitoring.alerts` instead, so the lines on the panels are the rules' own.
 */
export const DEFAULT_DASHBOARD_THRESHOLDS: DashboardThresholds = {
    sinkLagRecords: 10000,
    goldFreshnessSeconds: 900,
    deadLettersMax: 0,
    clickhousePartsMax: 300,
};

export type PanelKind = "timeseries" | "stat" | "table";

export interface QuerySpec {
    expr: string;
    /** Grafana's legend template, e.g. "{{topic}}". */
    legend?: string;
    /** An instant query (the current value) instead of a range. */
    instant?: boolean;
}

export interface ThresholdStep {
    /** null = the base colour below the first value. */
    value: number | null;
    color: string;
}

export interface PanelSpec {
    title: string;
    description: string;
    kind: PanelKind;
    queries: QuerySpec[];
    /** A Grafana unit id: "short", "s", "ms", "bytes", "reqps", "rowsps"… */
    unit?: string;
    /** Steps from low to high; timeseries panels draw them as dashed lines. */
    thresholds?: ThresholdStep[];
    /** Value → text mappings for state panels (e.g. 0 → ok). */
    valueText?: Record<string, { text: string; color: string }>;
    width: number;
    height: number;
}

export interface RowSpec {
    title: string;
    panels: PanelSpec[];
}

/** A rate window that is at least four scrape intervals wide, whatever the zoom (Grafana's variable). */
const RATE = "$__rate_interval";

const green = "green";
const red = "red";
const yellow = "yellow";

/** Green below `limit`, red from it on. */
const redFrom = (limit: number): ThresholdStep[] => [
    { value: null, color: green },
    { value: limit, color: red },
];

export function dashboardRows(t: DashboardThresholds): RowSpec[] {
    return [
        {
            title: "Overview: is every part of the pipeline up?",
            panels: [
                {
                    title: "Components answering the exporter",
                    description:
                        "cdc_component_up: 1 when Connect, Kafka or ClickHouse answered the pipeline exporter within " +
                        "its deadline, 0 when it did not (CdcComponentUnreachable).",
                    kind: "stat",
                    queries: [{ expr: "max by (component) (cdc_component_up)", legend: "{{component}}" }],
                    thresholds: [
                        { value: null, color: red },
                        { value: 1, color: green },
                    ],
                    valueText: { "0": { text: "down", color: red }, "1": { text: "up", color: green } },
                    width: 6,
                    height: 5,
                },
                {
                    title: "Scrape targets up",
                    description:
                        "up: 1 when Prometheus scraped the target (pipeline exporter, Kafka and Connect JMX agents, " +
                        "ClickHouse, Prometheus). 0 fires CdcExporterDown (job pipeline) or CdcServiceDown.",
                    kind: "stat",
                    queries: [{ expr: "min by (job) (up)", legend: "{{job}}" }],
                    thresholds: [
                        { value: null, color: red },
                        { value: 1, color: green },
                    ],
                    valueText: { "0": { text: "down", color: red }, "1": { text: "up", color: green } },
                    width: 6,
                    height: 5,
                },
                {
                    title: "Status verdict by stage",
                    description:
                        "cdc_status_verdict, the verdict of `npm run status` per stage: 0 ok, 1 lagging, 2 failed.",
                    kind: "stat",
                    queries: [{ expr: "max by (component) (cdc_status_verdict)", legend: "{{component}}" }],
                    thresholds: [
                        { value: null, color: green },
                        { value: 1, color: yellow },
                        { value: 2, color: red },
                    ],
                    valueText: {
                        "0": { text: "ok", color: green },
                        "1": { text: "lagging", color: yellow },
                        "2": { text: "failed", color: red },
                    },
                    width: 6,
                    height: 5,
                },
                {
                    title: "Exporter scrape duration",
                    description:
                        "cdc_exporter_scrape_duration_seconds: how long the pipeline exporter took to collect the " +
                        "status for the last scrape (bounded by its deadline).",
                    kind: "stat",
                    queries: [{ expr: "max(cdc_exporter_scrape_duration_seconds)", legend: "scrape" }],
                    unit: "s",
                    width: 6,
                    height: 5,
                },
            ],
        },
        {
            title: "Flow: events per second, MongoDB to gold",
            panels: [
                {
                    title: "Debezium source: events from MongoDB",
                    description:
                        "Rates of kafka_connect_source_task_source_record_poll_total (records the source tasks " +
                        "handed to Kafka) and debezium_mongodb_streaming_total_number_of_events_seen (change " +
                        "events Debezium read from MongoDB's change streams).",
                    kind: "timeseries",
                    queries: [
                        {
                            expr: `sum by (connector) (rate(kafka_connect_source_task_source_record_poll_total[${RATE}]))`,
                            legend: "{{connector}}",
                        },
                        {
                            expr:
                                "sum by (server) " +
                                `(rate(debezium_mongodb_streaming_total_number_of_events_seen[${RATE}]))`,
                            legend: "seen by Debezium {{server}}",
                        },
                    ],
                    unit: "rowsps",
                    width: 8,
                    height: 8,
                },
                {
                    title: "Kafka: messages in",
                    description:
                        "Rate of kafka_server_brokertopicmetrics_messagesin_total: messages written to the brokers, " +
                        "per topic (the series without a topic is the broker's total).",
                    kind: "timeseries",
                    queries: [
                        {
                            expr: `sum by (topic) (rate(kafka_server_brokertopicmetrics_messagesin_total[${RATE}]))`,
                            legend: "{{topic}}",
                        },
                    ],
                    unit: "rowsps",
                    width: 8,
                    height: 8,
                },
                {
                    title: "ClickHouse sink: records read and sent",
                    description:
                        "Rates of kafka_connect_sink_task_sink_record_read_total (read from Kafka) and " +
                        "kafka_connect_sink_task_sink_record_send_total (handed to the ClickHouse writer).",
                    kind: "timeseries",
                    queries: [
                        {
                            expr: `sum by (connector) (rate(kafka_connect_sink_task_sink_record_read_total[${RATE}]))`,
                            legend: "read {{connector}}",
                        },
                        {
                            expr: `sum by (connector) (rate(kafka_connect_sink_task_sink_record_send_total[${RATE}]))`,
                            legend: "sent {{connector}}",
                        },
                    ],
                    unit: "rowsps",
                    width: 8,
                    height: 8,
                },
                {
                    title: "Rows per second by layer",
                    description:
                        "Rate of cdc_layer_rows per layer (bronze, silver, gold): rows arriving in each layer. A " +
                        "gold mart that is rebuilt shows as a spike, not as a loss.",
                    kind: "timeseries",
                    queries: [{ expr: `sum by (layer) (rate(cdc_layer_rows[${RATE}]))`, legend: "{{layer}}" }],
                    unit: "rowsps",
                    width: 12,
                    height: 8,
                },
                {
                    title: "Rows by layer and collection",
                    description: "cdc_layer_rows: rows in each bronze table, silver view and gold mart.",
                    kind: "timeseries",
                    queries: [
                        {
                            expr: "sum by (layer, collection) (cdc_layer_rows)",
                            legend: "{{layer}} {{collection}}",
                        },
                    ],
                    unit: "short",
                    width: 12,
                    height: 8,
                },
            ],
        },
        {
            title: "Lag and freshness",
            panels: [
                {
                    title: "Debezium: behind MongoDB",
                    description:
                        "debezium_mongodb_streaming_milliseconds_behind_source: how far the newest streamed event " +
                        "is behind its write in MongoDB.",
                    kind: "timeseries",
                    queries: [
                        {
                            expr: "max by (server) (debezium_mongodb_streaming_milliseconds_behind_source)",
                            legend: "{{server}}",
                        },
                    ],
                    unit: "ms",
                    width: 8,
                    height: 8,
                },
                {
                    title: "Sink consumer lag",
                    description:
                        "cdc_sink_lag_records: records in each topic the sink's consumer group has not committed " +
                        "yet. The line is the lag of CdcSinkLagGrowing.",
                    kind: "timeseries",
                    queries: [{ expr: "sum by (topic) (cdc_sink_lag_records)", legend: "{{topic}}" }],
                    unit: "short",
                    thresholds: redFrom(t.sinkLagRecords),
                    width: 8,
                    height: 8,
                },
                {
                    title: "Bronze and silver freshness",
                    description:
                        "cdc_layer_freshness_seconds for bronze and silver: seconds since the newest _ingested_at.",
                    kind: "timeseries",
                    queries: [
                        {
                            expr: 'max by (layer, collection) (cdc_layer_freshness_seconds{layer=~"bronze|silver"})',
                            legend: "{{layer}} {{collection}}",
                        },
                    ],
                    unit: "s",
                    width: 8,
                    height: 8,
                },
                {
                    title: "Gold freshness",
                    description:
                        "cdc_layer_freshness_seconds for gold: seconds since each mart's last successful refresh. " +
                        "The line is the age at which CdcGoldStale fires.",
                    kind: "timeseries",
                    queries: [
                        {
                            expr: 'max by (collection) (cdc_layer_freshness_seconds{layer="gold"})',
                            legend: "{{collection}}",
                        },
                    ],
                    unit: "s",
                    thresholds: redFrom(t.goldFreshnessSeconds),
                    width: 8,
                    height: 8,
                },
                {
                    title: "Debezium: since the last event",
                    description:
                        "debezium_mongodb_streaming_milliseconds_since_last_event: quiet time of the change " +
                        "stream (high is normal when nobody writes to MongoDB).",
                    kind: "timeseries",
                    queries: [
                        {
                            expr: "max by (server) (debezium_mongodb_streaming_milliseconds_since_last_event)",
                            legend: "{{server}}",
                        },
                    ],
                    unit: "ms",
                    width: 8,
                    height: 8,
                },
                {
                    title: "Debezium: connected and queue",
                    description:
                        "debezium_mongodb_streaming_connected (1 when the source is connected to MongoDB; 0 fires " +
                        "CdcMongoSourceDisconnected) and the free slots of its internal queue.",
                    kind: "stat",
                    queries: [
                        {
                            expr: "min by (server) (debezium_mongodb_streaming_connected)",
                            legend: "connected {{server}}",
                        },
                        {
                            expr: "min by (server) (debezium_mongodb_streaming_queue_remaining_capacity)",
                            legend: "queue free {{server}}",
                        },
                    ],
                    width: 8,
                    height: 8,
                },
            ],
        },
        {
            title: "Rejects and dead letters",
            panels: [
                {
                    title: "Bronze rejects by reason",
                    description:
                        "cdc_bronze_rejects_total: rows in bronze_rejects per collection and reason (malformed " +
                        "events kept out of silver). Any new reject fires CdcBronzeRejects.",
                    kind: "timeseries",
                    queries: [
                        {
                            expr: "sum by (collection, reason) (cdc_bronze_rejects_total)",
                            legend: "{{collection}} {{reason}}",
                        },
                    ],
                    unit: "short",
                    width: 8,
                    height: 8,
                },
                {
                    title: "Dead-letter records",
                    description:
                        "cdc_dead_letter_records: records in the sink's dead-letter topic. Above the red step " +
                        "CdcDeadLetters fires.",
                    kind: "timeseries",
                    queries: [{ expr: "sum by (topic) (cdc_dead_letter_records)", legend: "{{topic}}" }],
                    unit: "short",
                    thresholds: redFrom(t.deadLettersMax + 1),
                    width: 8,
                    height: 8,
                },
                {
                    title: "Connect task errors",
                    description:
                        "Rates of the Connect task error metrics: records that failed, records skipped by " +
                        "errors.tolerance=all, and produce requests to the dead-letter queue.",
                    kind: "timeseries",
                    queries: [
                        {
                            expr: `sum by (connector) (rate(kafka_connect_task_error_total_record_failures[${RATE}]))`,
                            legend: "failed {{connector}}",
                        },
                        {
                            expr: `sum by (connector) (rate(kafka_connect_task_error_total_records_skipped[${RATE}]))`,
                            legend: "skipped {{connector}}",
                        },
                        {
                            expr:
                                "sum by (connector) " +
                                `(rate(kafka_connect_task_error_deadletterqueue_produce_requests[${RATE}]))`,
                            legend: "to DLQ {{connector}}",
                        },
                    ],
                    unit: "reqps",
                    width: 8,
                    height: 8,
                },
            ],
        },
        {
            title: "Connectors and tasks",
            panels: [
                {
                    title: "Connector state",
                    description:
                        "cdc_connector_state: the current state of each connector as the exporter reads it from " +
                        "Connect's REST API (MISSING = not registered). FAILED fires CdcConnectorFailed.",
                    kind: "table",
                    queries: [{ expr: "max by (connector, role, state) (cdc_connector_state) == 1", instant: true }],
                    width: 8,
                    height: 8,
                },
                {
                    title: "Failed tasks",
                    description: "cdc_connector_failed_tasks: tasks in FAILED per connector (CdcConnectorTaskFailed).",
                    kind: "stat",
                    queries: [
                        {
                            expr: "max by (connector, role) (cdc_connector_failed_tasks)",
                            legend: "{{connector}} ({{role}})",
                        },
                    ],
                    thresholds: redFrom(1),
                    width: 8,
                    height: 8,
                },
                {
                    title: "Connect workers: connector and task status",
                    description:
                        "kafka_connect_connector_status and kafka_connect_connector_task_status from the workers' " +
                        "JMX agents: how many connectors and tasks are in each status.",
                    kind: "timeseries",
                    queries: [
                        {
                            expr: "count by (status) (kafka_connect_connector_status == 1)",
                            legend: "connectors {{status}}",
                        },
                        {
                            expr: "count by (status) (kafka_connect_connector_task_status == 1)",
                            legend: "tasks {{status}}",
                        },
                    ],
                    unit: "short",
                    width: 8,
                    height: 8,
                },
            ],
        },
        {
            title: "Gold refresh",
            panels: [
                {
                    title: "Gold refresh duration",
                    description: "cdc_gold_refresh_duration_seconds: how long each mart's last refresh took.",
                    kind: "timeseries",
                    queries: [{ expr: "max by (view) (cdc_gold_refresh_duration_seconds)", legend: "{{view}}" }],
                    unit: "s",
                    width: 8,
                    height: 8,
                },
                {
                    title: "Gold refresh failures",
                    description:
                        "New failures of each mart's refresh (increase of cdc_gold_refresh_failures_total); any " +
                        "fires CdcGoldRefreshFailing.",
                    kind: "timeseries",
                    queries: [
                        {
                            expr: `sum by (view) (increase(cdc_gold_refresh_failures_total[${RATE}]))`,
                            legend: "{{view}}",
                        },
                    ],
                    unit: "short",
                    thresholds: redFrom(1),
                    width: 8,
                    height: 8,
                },
                {
                    title: "Since the last successful refresh",
                    description:
                        "Now minus cdc_gold_refresh_last_success_timestamp_seconds, per mart. The line is the " +
                        "age at which CdcGoldStale fires.",
                    kind: "timeseries",
                    queries: [
                        {
                            expr: "time() - max by (view) (cdc_gold_refresh_last_success_timestamp_seconds)",
                            legend: "{{view}}",
                        },
                    ],
                    unit: "s",
                    thresholds: redFrom(t.goldFreshnessSeconds),
                    width: 8,
                    height: 8,
                },
            ],
        },
        {
            title: "ClickHouse",
            panels: [
                {
                    title: "Inserted rows",
                    description: "Rate of ClickHouseProfileEvents_InsertedRows: rows written by INSERTs.",
                    kind: "timeseries",
                    queries: [
                        {
                            expr: `sum by (instance) (rate(ClickHouseProfileEvents_InsertedRows[${RATE}]))`,
                            legend: "{{instance}}",
                        },
                    ],
                    unit: "rowsps",
                    width: 6,
                    height: 8,
                },
                {
                    title: "Insert queries: all, failed, rejected",
                    description:
                        "Rates of ClickHouseProfileEvents_InsertQuery, _FailedInsertQuery and _RejectedInserts " +
                        "(refused for too many parts; fires CdcClickHouseRejectingInserts).",
                    kind: "timeseries",
                    queries: [
                        {
                            expr: `sum by (instance) (rate(ClickHouseProfileEvents_InsertQuery[${RATE}]))`,
                            legend: "inserts {{instance}}",
                        },
                        {
                            expr: `sum by (instance) (rate(ClickHouseProfileEvents_FailedInsertQuery[${RATE}]))`,
                            legend: "failed {{instance}}",
                        },
                        {
                            expr: `sum by (instance) (rate(ClickHouseProfileEvents_RejectedInserts[${RATE}]))`,
                            legend: "rejected {{instance}}",
                        },
                    ],
                    unit: "reqps",
                    width: 6,
                    height: 8,
                },
                {
                    title: "Parts in the busiest partition",
                    description:
                        "ClickHouseAsyncMetrics_MaxPartCountForPartition: the most active parts of any one " +
                        "partition. The line is CdcClickHouseTooManyParts' limit.",
                    kind: "timeseries",
                    queries: [
                        {
                            expr: "max by (instance) (ClickHouseAsyncMetrics_MaxPartCountForPartition)",
                            legend: "{{instance}}",
                        },
                    ],
                    unit: "short",
                    thresholds: redFrom(t.clickhousePartsMax),
                    width: 6,
                    height: 8,
                },
                {
                    title: "Running queries",
                    description: "ClickHouseMetrics_Query: queries executing right now.",
                    kind: "timeseries",
                    queries: [{ expr: "sum by (instance) (ClickHouseMetrics_Query)", legend: "{{instance}}" }],
                    unit: "short",
                    width: 6,
                    height: 8,
                },
            ],
        },
        {
            title: "Kafka brokers and JVMs",
            panels: [
                {
                    title: "Broker health",
                    description:
                        "Under-replicated and offline partitions (both should be 0) and active controllers (1 in " +
                        "the cluster).",
                    kind: "timeseries",
                    queries: [
                        {
                            expr: "sum(kafka_server_replicamanager_underreplicatedpartitions)",
                            legend: "under-replicated partitions",
                        },
                        {
                            expr: "sum(kafka_controller_kafkacontroller_offlinepartitionscount)",
                            legend: "offline partitions",
                        },
                        {
                            expr: "sum(kafka_controller_kafkacontroller_activecontrollercount)",
                            legend: "active controllers",
                        },
                    ],
                    unit: "short",
                    width: 8,
                    height: 8,
                },
                {
                    title: "Kafka: bytes in",
                    description:
                        "Rate of kafka_server_brokertopicmetrics_bytesin_total per broker and topic (the series " +
                        "without a topic is the broker's total).",
                    kind: "timeseries",
                    queries: [
                        {
                            expr: `sum by (instance, topic) (rate(kafka_server_brokertopicmetrics_bytesin_total[${RATE}]))`,
                            legend: "{{instance}} {{topic}}",
                        },
                    ],
                    unit: "Bps",
                    width: 8,
                    height: 8,
                },
                {
                    title: "JVM heap used",
                    description:
                        'jvm_memory_used_bytes{area="heap"} of the Kafka brokers and Connect workers, against ' +
                        "each JVM's maximum heap (jvm_memory_max_bytes).",
                    kind: "timeseries",
                    queries: [
                        {
                            expr: 'sum by (job, instance) (jvm_memory_used_bytes{area="heap"})',
                            legend: "used {{job}} {{instance}}",
                        },
                        {
                            expr: 'sum by (job, instance) (jvm_memory_max_bytes{area="heap"})',
                            legend: "max {{job}} {{instance}}",
                        },
                    ],
                    unit: "bytes",
                    width: 8,
                    height: 8,
                },
            ],
        },
    ];
}
