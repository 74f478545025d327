/**
 * The metric names of #22's shared design (/work/monitoring-design.md, "Metric names"), as a list the tests of the
 * dashboard, the alert rules and the exporters share: a query may use only these names, and an exporter must serve
 * the ones of its job. Add a name here only together with the code that serves it (and say so in the design).
 */

/** The Prometheus `job` that serves a metric (docs/monitoring.md, "Scrape targets"); `any` = every job. */
export type MetricJob = "pipeline" | "kafka" | "connect" | "clickhouse" | "prometheus" | "any";

export interface CatalogMetric {
    name: string;
    job: MetricJob;
    /** The labels a query may select or group by (besides the target's `job` and `instance`). */
    labels: readonly string[];
    /** The issue that adds the metric when it is not #22's own (not served yet: no panel or alert may need it). */
    laterIssue?: number;
}

const m = (name: string, job: MetricJob, labels: readonly string[] = [], laterIssue?: number): CatalogMetric =>
    laterIssue === undefined ? { name, job, labels } : { name, job, labels, laterIssue };

export const METRIC_CATALOG: readonly CatalogMetric[] = [
    // Made by Prometheus itself for every scrape target: 1 when the scrape succeeded.
    m("up", "any"),
    // The pipeline exporter (`npm run status -- --serve`), computed by the status collectors.
    m("cdc_component_up", "pipeline", ["component"]),
    m("cdc_status_verdict", "pipeline", ["component"]),
    m("cdc_layer_freshness_seconds", "pipeline", ["layer", "collection"]),
    m("cdc_layer_rows", "pipeline", ["layer", "collection"]),
    m("cdc_bronze_rejects_total", "pipeline", ["collection", "reason"]),
    m("cdc_dead_letter_records", "pipeline", ["topic"]),
    m("cdc_connector_state", "pipeline", ["connector", "role", "state"]),
    m("cdc_connector_failed_tasks", "pipeline", ["connector", "role"]),
    m("cdc_sink_lag_records", "pipeline", ["topic"]),
    m("cdc_gold_refresh_last_success_timestamp_seconds", "pipeline", ["view"]),
    m("cdc_gold_refresh_failures_total", "pipeline", ["view"]),
    m("cdc_gold_refresh_duration_seconds", "pipeline", ["view"]),
    m("cdc_exporter_scrape_duration_seconds", "pipeline"),
    m("cdc_schema_drift_fields", "pipeline", ["collection", "kind"], 23),
    m("cdc_backup_last_success_timestamp_seconds", "pipeline", [], 24),
    // The JMX agent in each Kafka broker.
    m("kafka_server_brokertopicmetrics_messagesin_total", "kafka", ["topic"]),
    m("kafka_server_brokertopicmetrics_bytesin_total", "kafka", ["topic"]),
    m("kafka_server_replicamanager_underreplicatedpartitions", "kafka"),
    m("kafka_controller_kafkacontroller_activecontrollercount", "kafka"),
    m("kafka_controller_kafkacontroller_offlinepartitionscount", "kafka"),
    // The JMX agent in each Connect worker: Connect's own MBeans, then Debezium's MongoDB streaming MBeans.
    m("kafka_connect_connector_status", "connect", ["connector", "status"]),
    m("kafka_connect_connector_task_status", "connect", ["connector", "task", "status"]),
    m("kafka_connect_task_error_total_record_failures", "connect", ["connector", "task"]),
    m("kafka_connect_task_error_total_records_skipped", "connect", ["connector", "task"]),
    m("kafka_connect_task_error_deadletterqueue_produce_requests", "connect", ["connector", "task"]),
    m("kafka_connect_sink_task_sink_record_read_total", "connect", ["connector", "task"]),
    m("kafka_connect_sink_task_sink_record_send_total", "connect", ["connector", "task"]),
    m("kafka_connect_source_task_source_record_poll_total", "connect", ["connector", "task"]),
    m("debezium_mongodb_streaming_milliseconds_behind_source", "connect", ["server", "task"]),
    m("debezium_mongodb_streaming_milliseconds_since_last_event", "connect", ["server", "task"]),
    m("debezium_mongodb_streaming_connected", "connect", ["server", "task"]),
    m("debezium_mongodb_streaming_queue_remaining_capacity", "connect", ["server", "task"]),
    m("debezium_mongodb_streaming_total_number_of_events_seen", "connect", ["server", "task"]),
    // The JVM of both Java services (the JMX agent's defaults).
    m("jvm_memory_used_bytes", "any", ["area"]),
    m("jvm_memory_max_bytes", "any", ["area"]),
    // ClickHouse's own prometheus handler (and the chdb gateway's /metrics, same names).
    m("ClickHouseProfileEvents_InsertedRows", "clickhouse"),
    m("ClickHouseProfileEvents_InsertQuery", "clickhouse"),
    m("ClickHouseProfileEvents_FailedInsertQuery", "clickhouse"),
    m("ClickHouseProfileEvents_RejectedInserts", "clickhouse"),
    m("ClickHouseMetrics_Query", "clickhouse"),
    m("ClickHouseAsyncMetrics_MaxPartCountForPartition", "clickhouse"),
];

/**
 * Name prefixes whose exact names another helper settles later (the ClickHouse sink's own MBeans, researched by
 * h22-jmx): a query may use a name with such a prefix; replace the prefix by the names once they are final.
 */
export const METRIC_PREFIXES: readonly string[] = ["clickhouse_sink_"];

const NAMES = new Set(METRIC_CATALOG.map((metric) => metric.name));

/** True when `name` is in the catalog or carries one of its open prefixes. */
export function isCatalogMetric(name: string): boolean {
    return NAMES.has(name) || METRIC_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/** The catalog entry of `name`, or undefined. */
export function catalogMetric(name: string): CatalogMetric | undefined {
    return METRIC_CATALOG.find((metric) => metric.name === name);
}
