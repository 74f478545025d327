/**
 * Container specs of the docker platform as plain values: commands, environments and
 * healthchecks. Healthchecks read credentials from the container's own environment (`$VAR`
 * expanded by the shell inside the container), so no password is written into a spec.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

/** Where Kafka Connect sees the ClickHouse sink plugin (under Debezium's plugin.path). */
export const PLUGIN_DIR = "/kafka/connect/clickhouse-kafka-connect";

/** Where the keyfile is uploaded (root-owned) and where mongod reads it (uid 999, mode 0400). */
export const KEYFILE_UPLOAD = "/etc/mongo/keyfile.upload";
export const KEYFILE = "/etc/mongo/keyfile";

/**
 * mongod as a replica set member with keyfile auth. mongod refuses a keyfile that others can read
 * or that it does not own, so the uploaded copy is installed for the image's mongodb user (uid 999)
 * before the image's own entrypoint starts (it creates the root user on first start).
 */
export function mongoCommand(replicaSet: string): string[] {
    return [
        "bash",
        "-c",
        `install -o 999 -g 999 -m 0400 ${KEYFILE_UPLOAD} ${KEYFILE} && exec docker-entrypoint.sh mongod --replSet ${replicaSet} --bind_ip_all --keyFile ${KEYFILE}`,
    ];
}

/**
 * Runs `command` until it succeeds, at most `attempts` times, `delaySeconds` apart: one-shot jobs
 * run once per `pulumi up`, so a transient failure (a service still starting, a network blip)
 * must not fail them for good.
 */
export function withRetries(command: string, attempts = 30, delaySeconds = 2): string {
    return `for attempt in $(seq 1 ${attempts}); do ${command} && exit 0; echo "attempt $attempt of ${attempts} failed; retrying in ${delaySeconds} s" >&2; sleep ${delaySeconds}; done; exit 1`;
}

/**
 * The container's own address, not 127.0.0.1: the mongo and clickhouse images run a temporary
 * server on 127.0.0.1 during first-start initialisation, which must not count as healthy.
 */
const OWN_ADDRESS = `"$(hostname -i | awk '{print $1}')"`;

const health = (test: string, startPeriod = "30s") => ({
    tests: ["CMD-SHELL", test],
    interval: "10s",
    timeout: "10s",
    retries: 12,
    startPeriod,
});

/** Each service's healthcheck: "healthy" means usable by the next step, not merely started. */
export const healthchecks = {
    mongo: health(
        `mongosh --quiet --host ${OWN_ADDRESS} -u "$MONGO_INITDB_ROOT_USERNAME" -p "$MONGO_INITDB_ROOT_PASSWORD" --authenticationDatabase admin --eval 'db.adminCommand({ ping: 1 }).ok' | grep -q 1`,
    ),
    kafka: health("/opt/kafka/bin/kafka-broker-api-versions.sh --bootstrap-server localhost:9092 > /dev/null 2>&1", "40s"),
    // Healthy only when both plugins are loaded, so connectors can be validated right away.
    connect: health(
        "curl -fsS http://localhost:8083/connector-plugins | grep -q io.debezium.connector.mongodb.MongoDbConnector && curl -fsS http://localhost:8083/connector-plugins | grep -q com.clickhouse.kafka.connect.ClickHouseSinkConnector",
        "60s",
    ),
    clickhouse: health(`clickhouse-client --host ${OWN_ADDRESS} --user "$CLICKHOUSE_USER" --password "$CLICKHOUSE_PASSWORD" --query 'SELECT 1'`),
};

/** Kafka 4 KRaft, single combined node: internal listener for Connect, one for the host. */
export function kafkaEnv(o: { clusterId: pulumi.Input<string>; hostAddress: string; hostPort: number; heapMb: number }): pulumi.Input<string>[] {
    return [
        pulumi.interpolate`CLUSTER_ID=${o.clusterId}`,
        // The launcher's default heap is 1 GiB, the whole default container limit.
        kafkaHeapOpts(o.heapMb),
        "KAFKA_NODE_ID=1",
        "KAFKA_PROCESS_ROLES=broker,controller",
        "KAFKA_LISTENERS=PLAINTEXT://:9092,CONTROLLER://:9093,HOST://:19092",
        `KAFKA_ADVERTISED_LISTENERS=PLAINTEXT://kafka:9092,HOST://${o.hostAddress}:${o.hostPort}`,
        "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,HOST:PLAINTEXT",
        "KAFKA_CONTROLLER_LISTENER_NAMES=CONTROLLER",
        "KAFKA_INTER_BROKER_LISTENER_NAME=PLAINTEXT",
        "KAFKA_CONTROLLER_QUORUM_VOTERS=1@kafka:9093",
        "KAFKA_LOG_DIRS=/var/lib/kafka/data",
        // One broker: every internal topic has replication 1.
        "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR=1",
        "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR=1",
        "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR=1",
        "KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS=0",
        "KAFKA_AUTO_CREATE_TOPICS_ENABLE=true",
    ];
}

/** `KAFKA_HEAP_OPTS` for a heap of `heapMb` (the image passes it to the JVM, not to server.properties). */
export function kafkaHeapOpts(heapMb: number): string {
    return `KAFKA_HEAP_OPTS=-Xms${Math.min(256, heapMb)}m -Xmx${heapMb}m`;
}

/**
 * Kafka Connect worker: distributed mode, internal topics with replication matching the broker
 * count, JSON converters without schemas. Debezium's image maps a fixed set of bare names
 * (BOOTSTRAP_SERVERS, GROUP_ID, *_STORAGE_TOPIC, KEY/VALUE_CONVERTER, HEAP_OPTS,
 * ADVERTISED_HOST_NAME, ...) and every `CONNECT_<PROPERTY>` variable to worker properties;
 * anything else is ignored, so replication factors must use the `CONNECT_` form.
 */
export function connectEnv(o: { bootstrap: string; groupId: string; heapMb: number; replication?: number }): string[] {
    const rf = o.replication ?? 1;
    return [
        `BOOTSTRAP_SERVERS=${o.bootstrap}`,
        `GROUP_ID=${o.groupId}`,
        `CONFIG_STORAGE_TOPIC=_${o.groupId}-configs`,
        `OFFSET_STORAGE_TOPIC=_${o.groupId}-offsets`,
        `STATUS_STORAGE_TOPIC=_${o.groupId}-status`,
        `CONNECT_CONFIG_STORAGE_REPLICATION_FACTOR=${rf}`,
        `CONNECT_OFFSET_STORAGE_REPLICATION_FACTOR=${rf}`,
        `CONNECT_STATUS_STORAGE_REPLICATION_FACTOR=${rf}`,
        "KEY_CONVERTER=org.apache.kafka.connect.json.JsonConverter",
        "VALUE_CONVERTER=org.apache.kafka.connect.json.JsonConverter",
        "CONNECT_KEY_CONVERTER_SCHEMAS_ENABLE=false",
        "CONNECT_VALUE_CONVERTER_SCHEMAS_ENABLE=false",
        // The image derives rest.advertised.host.name from this (default: the container's IP).
        "ADVERTISED_HOST_NAME=connect",
        // Let connectors override client settings (the sink's consumer, the DLQ producer).
        "CONNECT_CONNECTOR_CLIENT_CONFIG_OVERRIDE_POLICY=All",
        `HEAP_OPTS=-Xms${Math.min(256, o.heapMb)}m -Xmx${o.heapMb}m`,
    ];
}

/** ClickHouse image variables: creates the database and the pipeline user with access management. */
export function clickhouseEnv(o: { database: string; user: string; password: pulumi.Input<string> }): pulumi.Input<string>[] {
    return [
        `CLICKHOUSE_DB=${o.database}`,
        `CLICKHOUSE_USER=${o.user}`,
        pulumi.interpolate`CLICKHOUSE_PASSWORD=${o.password}`,
        "CLICKHOUSE_DEFAULT_ACCESS_MANAGEMENT=1",
    ];
}

/**
 * `value` once the one-shot container `job` exited 0; an error naming the job and pointing at its
 * logs otherwise. Anything built from the result waits for the job.
 */
export function onlyOnSuccess(job: docker.Container, what: string, value: pulumi.Output<string>): pulumi.Output<string> {
    return pulumi.all([job.exitCode, job.containerLogs, value]).apply(([code, logs, v]) => {
        if (code !== undefined && code !== null && code !== 0) {
            const tail = (logs ?? "").split("\n").slice(-15).join("\n");
            throw new Error(`${what} failed with exit code ${code}. Last log lines:\n${tail}`);
        }
        return v;
    });
}
