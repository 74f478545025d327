/**
 * The Prometheus JMX exporter agent's configuration for Kafka brokers and Kafka Connect workers:
 * which MBeans are read (`includeObjectNames`, so a scrape walks only these) and the rules that
 * turn them into the metric names the dashboard and the alerts use (the list in docs/monitoring.md
 * and {@link JMX_METRIC_NAMES}). The agent's own JVM metrics (`jvm_memory_used_bytes` …) come on
 * top, from the agent itself. Pure: the platforms write the text into the containers.
 *
 * MBeans read (facts from the sources of Kafka 4.1, Debezium 3.3 and clickhouse-kafka-connect v1.5.0):
 * - broker: `kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec|BytesInPerSec[,topic=…]`
 *   (meters: `Count`), `kafka.server:type=ReplicaManager,name=UnderReplicatedPartitions` and
 *   `kafka.controller:type=KafkaController,name=ActiveControllerCount|OfflinePartitionsCount`
 *   (gauges: `Value`);
 * - Connect: `kafka.connect:type=connector-metrics,connector=…` and
 *   `type=connector-task-metrics,connector=…,task=…` (attribute `status`, a lower-case string,
 *   exported as a label of a series whose value is 1), `type=task-error-metrics`,
 *   `type=sink-task-metrics`, `type=source-task-metrics` (counters, per connector and task);
 * - Debezium's MongoDB streaming metrics:
 *   `debezium.mongodb:type=connector-metrics,context=streaming,server=<topic.prefix>,task=<n>`;
 * - the ClickHouse sink: `com.clickhouse:type=ClickHouseKafkaConnector,name=SinkTask<n>,version=<v>`
 *   and, per table it wrote, the same with `,topic=<table>`. `<n>` counts the sink tasks started in
 *   the JVM (it is not Connect's task id; a restarted task gets a new one), hence the label
 *   `sink_task`, not `task`.
 */
import { createHash } from "node:crypto";
import * as yaml from "js-yaml";

/** The port every agent serves `/metrics` on (the Prometheus jobs `kafka` and `connect`). */
export const JMX_AGENT_PORT = 9404;

/** The basic auth user Prometheus scrapes the agents as. */
export const JMX_METRICS_USER = "metrics";

/** How the agent's HTTP server is secured: HTTPS with the service's keystore, basic auth; neither when unset. */
export interface JmxHttpOptions {
    /** HTTPS with this PKCS12 keystore (key + chain under `alias`). */
    tls?: { keyStore: string; keyStorePassword: string; alias: string };
    /** Basic auth with a salted SHA-256 hash ({@link jmxPasswordHash}); the password itself is never written. */
    basicAuth?: { user: string; passwordHash: string; salt: string };
}

/** A rule of the exporter: a pattern over `domain<key=value, …><>attribute: value`, and the series it makes. */
interface Rule {
    pattern: string;
    name: string;
    type: "GAUGE" | "COUNTER";
    labels?: Record<string, string>;
    value?: number;
    help: string;
}

/** A connector or task name as the JMX reporter writes it: quoted when it holds special characters. */
const NAME = '"?([^",>]+)"?';

const brokerRules: Rule[] = [
    ...(["messagesin", "bytesin"] as const).flatMap((m): Rule[] => {
        const bean = m === "messagesin" ? "MessagesInPerSec" : "BytesInPerSec";
        const help = m === "messagesin" ? "Messages written to the broker" : "Bytes written to the broker";
        return [
            {
                pattern: `kafka.server<type=BrokerTopicMetrics, name=${bean}, topic=${NAME}><>Count`,
                name: `kafka_server_brokertopicmetrics_${m}_total`,
                type: "COUNTER",
                labels: { topic: "$1" },
                help: `${help}, per topic`,
            },
            {
                pattern: `kafka.server<type=BrokerTopicMetrics, name=${bean}><>Count`,
                name: `kafka_server_brokertopicmetrics_${m}_total`,
                type: "COUNTER",
                help: `${help}, all topics`,
            },
        ];
    }),
    {
        pattern: "kafka.server<type=ReplicaManager, name=UnderReplicatedPartitions><>Value",
        name: "kafka_server_replicamanager_underreplicatedpartitions",
        type: "GAUGE",
        help: "Partitions led by this broker with fewer in-sync replicas than replicas",
    },
    ...(["ActiveControllerCount", "OfflinePartitionsCount"] as const).map((bean): Rule => ({
        pattern: `kafka.controller<type=KafkaController, name=${bean}><>Value`,
        name: `kafka_controller_kafkacontroller_${bean.toLowerCase()}`,
        type: "GAUGE",
        help:
            bean === "ActiveControllerCount"
                ? "1 on the node that is the active controller"
                : "Partitions without a leader",
    })),
];

/** Connect's error, sink and source counters kept, by MBean type and attribute. */
const CONNECT_COUNTERS: { type: string; prefix: string; attributes: string[]; help: string }[] = [
    {
        type: "task-error-metrics",
        prefix: "kafka_connect_task_error_",
        attributes: ["total-record-failures", "total-records-skipped", "deadletterqueue-produce-requests"],
        help: "Kafka Connect task errors",
    },
    {
        type: "sink-task-metrics",
        prefix: "kafka_connect_sink_task_",
        attributes: ["sink-record-read-total", "sink-record-send-total"],
        help: "Kafka Connect sink task records",
    },
    {
        type: "source-task-metrics",
        prefix: "kafka_connect_source_task_",
        attributes: ["source-record-poll-total"],
        help: "Kafka Connect source task records",
    },
];

/** Debezium MongoDB streaming attributes → metric name suffix. */
const DEBEZIUM_STREAMING: [attribute: string, suffix: string, type: Rule["type"], help: string][] = [
    ["MilliSecondsBehindSource", "milliseconds_behind_source", "GAUGE", "Lag of the last event behind its source"],
    ["MilliSecondsSinceLastEvent", "milliseconds_since_last_event", "GAUGE", "Time since the last event"],
    ["Connected", "connected", "GAUGE", "1 while the connector is connected to MongoDB"],
    ["QueueRemainingCapacity", "queue_remaining_capacity", "GAUGE", "Free slots in the connector's queue"],
    ["TotalNumberOfEventsSeen", "total_number_of_events_seen", "GAUGE", "Change events seen since start"],
];

/** ClickHouse sink attributes → metric name (task-level bean, then per-topic bean). */
const CLICKHOUSE_SINK_TASK: [attribute: string, name: string, type: Rule["type"]][] = [
    ["ReceivedRecords", "clickhouse_sink_received_records_total", "COUNTER"],
    ["ReceivedBatches", "clickhouse_sink_received_batches_total", "COUNTER"],
    ["InsertedRecords", "clickhouse_sink_inserted_records_total", "COUNTER"],
    ["InsertedBytes", "clickhouse_sink_inserted_bytes_total", "COUNTER"],
    ["FailedRecords", "clickhouse_sink_failed_records_total", "COUNTER"],
    ["MessagesSentToDLQ", "clickhouse_sink_dead_letter_records_total", "COUNTER"],
    ["RecordProcessingTime", "clickhouse_sink_record_processing_milliseconds_total", "COUNTER"],
    ["TaskProcessingTime", "clickhouse_sink_task_processing_milliseconds_total", "COUNTER"],
    ["MeanReceiveLag", "clickhouse_sink_receive_lag_milliseconds", "GAUGE"],
];
const CLICKHOUSE_SINK_TOPIC: [attribute: string, name: string, type: Rule["type"]][] = [
    ["TotalSuccessfulRecords", "clickhouse_sink_topic_inserted_records_total", "COUNTER"],
    ["TotalSuccessfulBatches", "clickhouse_sink_topic_inserted_batches_total", "COUNTER"],
    ["TotalFailedRecords", "clickhouse_sink_topic_failed_records_total", "COUNTER"],
    ["TotalFailedBatches", "clickhouse_sink_topic_failed_batches_total", "COUNTER"],
    ["MeanInsertTime", "clickhouse_sink_topic_insert_time_milliseconds", "GAUGE"],
];

/**
 * The agent (client_java 1.x) writes a COUNTER as `<name>_total`, adding the suffix when the name
 * lacks it: the design's names without it (e.g. `kafka_connect_task_error_total_record_failures`)
 * are cumulative values typed GAUGE so that they keep their exact name.
 */
function counterOrGauge(attribute: string): Rule["type"] {
    return attribute.endsWith("-total") ? "COUNTER" : "GAUGE";
}

const connectRules: Rule[] = [
    {
        pattern: `kafka.connect<type=connector-metrics, connector=${NAME}><>status: ([a-z-]+)`,
        name: "kafka_connect_connector_status",
        type: "GAUGE",
        value: 1,
        labels: { connector: "$1", status: "$2" },
        help: "1 for the connector's current status",
    },
    {
        pattern: `kafka.connect<type=connector-task-metrics, connector=${NAME}, task=${NAME}><>status: ([a-z-]+)`,
        name: "kafka_connect_connector_task_status",
        type: "GAUGE",
        value: 1,
        labels: { connector: "$1", task: "$2", status: "$3" },
        help: "1 for the task's current status",
    },
    ...CONNECT_COUNTERS.flatMap((c) =>
        c.attributes.map((a): Rule => ({
            pattern: `kafka.connect<type=${c.type}, connector=${NAME}, task=${NAME}><>${a}`,
            name: c.prefix + a.replace(/-/g, "_"),
            type: counterOrGauge(a),
            labels: { connector: "$1", task: "$2" },
            help: `${c.help}: ${a}`,
        })),
    ),
    ...DEBEZIUM_STREAMING.map(([attribute, suffix, type, help]): Rule => ({
        pattern: `debezium.mongodb<type=connector-metrics, context=streaming, server=${NAME}, task=${NAME}><>${attribute}`,
        name: `debezium_mongodb_streaming_${suffix}`,
        type,
        labels: { server: "$1", task: "$2" },
        help: `Debezium MongoDB streaming: ${help}`,
    })),
    ...CLICKHOUSE_SINK_TOPIC.map(([attribute, name, type]): Rule => ({
        pattern: `com.clickhouse<type=ClickHouseKafkaConnector, name=SinkTask(\\d+), version=${NAME}, topic=${NAME}><>${attribute}`,
        name,
        type,
        labels: { sink_task: "$1", topic: "$3" },
        help: `ClickHouse sink, per table: ${attribute}`,
    })),
    ...CLICKHOUSE_SINK_TASK.map(([attribute, name, type]): Rule => ({
        pattern: `com.clickhouse<type=ClickHouseKafkaConnector, name=SinkTask(\\d+), version=${NAME}><>${attribute}`,
        name,
        type,
        labels: { sink_task: "$1" },
        help: `ClickHouse sink task: ${attribute}`,
    })),
];

/** The MBeans each service's agent reads (everything else is skipped before any rule runs). */
const INCLUDED: Record<"kafka" | "connect", string[]> = {
    kafka: [
        "kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec,*",
        "kafka.server:type=BrokerTopicMetrics,name=BytesInPerSec,*",
        "kafka.server:type=ReplicaManager,name=UnderReplicatedPartitions",
        "kafka.controller:type=KafkaController,name=ActiveControllerCount",
        "kafka.controller:type=KafkaController,name=OfflinePartitionsCount",
    ],
    connect: [
        "kafka.connect:type=connector-metrics,*",
        "kafka.connect:type=connector-task-metrics,*",
        ...CONNECT_COUNTERS.map((c) => `kafka.connect:type=${c.type},*`),
        "debezium.mongodb:type=connector-metrics,context=streaming,*",
        "com.clickhouse:type=ClickHouseKafkaConnector,*",
    ],
};

/** Every metric name the rules of `service` can produce (the agent's JVM metrics aside). */
export function jmxMetricNames(service: "kafka" | "connect"): string[] {
    return [...new Set((service === "kafka" ? brokerRules : connectRules).map((r) => r.name))];
}

/**
 * The agent's hash of `password` for its `SHA-256` basic auth: the hex SHA-256 of `salt:password`
 * as jmx_exporter 1.x compares it (`BigInteger.toString(16)`: lower case, leading zeros dropped).
 */
export function jmxPasswordHash(password: string, salt: string): string {
    return createHash("sha256")
        .update(`${salt}:${password}`, "utf8")
        .digest("hex")
        .replace(/^0+(?=.)/, "");
}

/** The agent's YAML configuration for a broker (`kafka`) or a Connect worker (`connect`). */
export function renderJmxExporterConfig(service: "kafka" | "connect", opts: JmxHttpOptions): string {
    const rules = service === "kafka" ? brokerRules : connectRules;
    const httpServer: Record<string, unknown> = {};
    if (opts.tls) {
        httpServer.ssl = {
            keyStore: { filename: opts.tls.keyStore, password: opts.tls.keyStorePassword },
            certificate: { alias: opts.tls.alias },
        };
    }
    if (opts.basicAuth) {
        httpServer.authentication = {
            basic: {
                username: opts.basicAuth.user,
                passwordHash: opts.basicAuth.passwordHash,
                algorithm: "SHA-256",
                salt: opts.basicAuth.salt,
            },
        };
    }
    const doc = {
        lowercaseOutputName: true,
        lowercaseOutputLabelNames: true,
        includeObjectNames: INCLUDED[service],
        rules: rules.map((r) => ({
            pattern: r.pattern,
            name: r.name,
            type: r.type,
            help: r.help,
            ...(r.value !== undefined ? { value: r.value } : {}),
            ...(r.labels ? { labels: r.labels } : {}),
        })),
        ...(Object.keys(httpServer).length ? { httpServer } : {}),
    };
    return yaml.dump(doc, { lineWidth: -1, noRefs: true, quotingType: "'" });
}
