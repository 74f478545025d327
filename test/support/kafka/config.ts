/**
 * Pure renderers of the property files that the test Kafka broker and Connect worker start with.
 * Every address is 127.0.0.1: nothing here ever listens beyond loopback.
 */

/** Ports and directories of one single-node KRaft broker (combined broker + controller). */
export interface BrokerSettings {
    /** Port of the PLAINTEXT client listener. */
    brokerPort: number;
    /** Port of the CONTROLLER listener. */
    controllerPort: number;
    /** Directory holding the partition logs and the KRaft metadata log. */
    dataDir: string;
}

/** Settings of one distributed Connect worker. */
export interface ConnectSettings {
    /** `host:port` of the broker. */
    bootstrap: string;
    /** Port of the REST API. */
    restPort: number;
    /** Directory whose sub-directories are connector plugins. */
    pluginPath: string;
    /** Consumer group of the worker (also prefixes its internal topics). */
    groupId: string;
}

/** Renders a `java.util.Properties` text from key/value pairs (values are never multi-line here). */
export function renderProperties(props: Record<string, string | number | boolean>): string {
    return (
        Object.entries(props)
            .map(([k, v]) => `${k}=${String(v).replace(/\\/g, "\\\\")}`)
            .join("\n") + "\n"
    );
}

/** `server.properties` of a single combined-mode KRaft node with every replication factor at 1. */
export function brokerProperties(s: BrokerSettings): string {
    return renderProperties(brokerPropertyMap(s));
}

/** {@link brokerProperties} as key/value pairs (the secure broker replaces the listener ones). */
export function brokerPropertyMap(s: BrokerSettings): Record<string, string | number | boolean> {
    return {
        "process.roles": "broker,controller",
        "node.id": 1,
        "controller.quorum.voters": `1@127.0.0.1:${s.controllerPort}`,
        listeners: `PLAINTEXT://127.0.0.1:${s.brokerPort},CONTROLLER://127.0.0.1:${s.controllerPort}`,
        "advertised.listeners": `PLAINTEXT://127.0.0.1:${s.brokerPort}`,
        "controller.listener.names": "CONTROLLER",
        "inter.broker.listener.name": "PLAINTEXT",
        "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "log.dirs": s.dataDir,
        "num.partitions": 1,
        "default.replication.factor": 1,
        "min.insync.replicas": 1,
        "offsets.topic.replication.factor": 1,
        "offsets.topic.num.partitions": 1,
        "transaction.state.log.replication.factor": 1,
        "transaction.state.log.min.isr": 1,
        "transaction.state.log.num.partitions": 1,
        "share.coordinator.state.topic.replication.factor": 1,
        "share.coordinator.state.topic.min.isr": 1,
        "group.initial.rebalance.delay.ms": 0,
        "auto.create.topics.enable": true,
        "num.network.threads": 2,
        "num.io.threads": 2,
        "background.threads": 2,
        "log.retention.hours": 1,
    };
}

/** `connect-distributed.properties`: JSON converters without schemas, internal topics with replication 1. */
export function connectProperties(s: ConnectSettings): string {
    return renderProperties(connectPropertyMap(s));
}

/** {@link connectProperties} as key/value pairs (the secure worker replaces the REST listener). */
export function connectPropertyMap(s: ConnectSettings): Record<string, string | number | boolean> {
    return {
        "bootstrap.servers": s.bootstrap,
        "group.id": s.groupId,
        "key.converter": "org.apache.kafka.connect.json.JsonConverter",
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
        "key.converter.schemas.enable": false,
        "value.converter.schemas.enable": false,
        "config.storage.topic": `${s.groupId}-configs`,
        "offset.storage.topic": `${s.groupId}-offsets`,
        "status.storage.topic": `${s.groupId}-status`,
        "config.storage.replication.factor": 1,
        "offset.storage.replication.factor": 1,
        "status.storage.replication.factor": 1,
        "offset.storage.partitions": 1,
        "status.storage.partitions": 1,
        "offset.flush.interval.ms": 1000,
        "scheduled.rebalance.max.delay.ms": 0,
        listeners: `http://127.0.0.1:${s.restPort}`,
        "rest.advertised.host.name": "127.0.0.1",
        "rest.advertised.port": s.restPort,
        "plugin.path": s.pluginPath,
        // Every plugin here (Kafka's own and Debezium's) has ServiceLoader manifests: skipping the
        // reflective class-path scan saves ~8 s of startup.
        "plugin.discovery": "service_load",
    };
}

/** A log4j2 properties configuration writing everything at INFO (Kafka's own chatter at WARN) to one file. */
export function log4j2Properties(logFile: string): string {
    return renderProperties({
        status: "warn",
        "appender.file.type": "File",
        "appender.file.name": "file",
        "appender.file.fileName": logFile,
        "appender.file.layout.type": "PatternLayout",
        "appender.file.layout.pattern": "[%d] %p %m (%c)%n",
        "rootLogger.level": "INFO",
        "rootLogger.appenderRef.file.ref": "file",
        "logger.kafka.name": "kafka",
        "logger.kafka.level": "WARN",
        "logger.kafkaorg.name": "org.apache.kafka",
        "logger.kafkaorg.level": "WARN",
        "logger.connect.name": "org.apache.kafka.connect",
        "logger.connect.level": "INFO",
        "logger.reflections.name": "org.reflections",
        "logger.reflections.level": "ERROR",
    });
}
