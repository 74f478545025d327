/**
 * What the docker and kubernetes platforms run the same way, as plain values: JVM heaps as a share
 * of each container's memory limit, the Kafka Connect worker's environment, the commands that
 * decide a service is usable (docker healthchecks, kubernetes readiness probes), MongoDB's init
 * options and the Debezium user's connection string.
 */
import * as pulumi from "@pulumi/pulumi";
import { collectionNames, type PipelineSettings } from "../../config";
import { envRef, mongoConnectionString, type DebeziumMongoTls } from "../../../connectors";
import { signalCollectionName } from "../../../connectors/debeziumMongoSource";
import type { MongoInitOptions } from "../scripts";
import { TLS_DIR } from "./tls";
import { CONNECT_TRUSTSTORE, connectHttpsGet, KAFKA_CLIENT_CONFIG, TLS_STORE_PASSWORD_ENV } from "./kafkaSecurity";

/**
 * Share of a container's memory limit given to the JVM heap: Kafka's broker leaves the rest to
 * the page cache; Kafka Connect needs room for metaspace, threads and the connectors' buffers.
 */
export const HEAP_RATIO = { kafka: 0.5, connect: 0.6 } as const;

/** Heap in MiB of `service` for a container limit of `memoryMb`. */
export function heapMb(service: keyof typeof HEAP_RATIO, memoryMb: number): number {
    return Math.floor(memoryMb * HEAP_RATIO[service]);
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

/** Kafka Connect's group id (and the prefix of its internal topics) for a stack. */
export function connectGroupId(stack: string): string {
    return `cdc-${stack}`;
}

/** Heap of the Kafka CLI tool the healthcheck runs (not the broker's). */
export const KAFKA_TOOL_HEAP_OPTS = "-Xms16m -Xmx96m";

/**
 * Kafka's healthcheck: asks the broker for its API versions over the internal listener. The image's
 * tools inherit `KAFKA_HEAP_OPTS` from the container (the broker's heap, see `kafkaHeapOpts`), so
 * without an override every check would start a second broker-sized JVM inside the container's
 * memory limit; `kafka-run-class.sh` keeps a `KAFKA_HEAP_OPTS` that is already set, so the one
 * given here wins. Serial GC and C1 only: the tool lives for a second. The exit status is the
 * tool's own: it fails when no broker answers on 9092.
 */
export function kafkaHealthcheckCommand(bin = "/opt/kafka/bin", commandConfig?: string): string {
    return (
        `KAFKA_HEAP_OPTS='${KAFKA_TOOL_HEAP_OPTS}' KAFKA_JVM_PERFORMANCE_OPTS='-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true' ` +
        `${bin}/kafka-broker-api-versions.sh --bootstrap-server localhost:9092` +
        (commandConfig ? ` --command-config ${commandConfig}` : "") +
        " > /dev/null 2>&1"
    );
}

/**
 * The container's own address, not 127.0.0.1: the mongo and clickhouse images run a temporary
 * server on 127.0.0.1 during first-start initialisation, which must not count as healthy.
 */
const OWN_ADDRESS = `"$(hostname -i | awk '{print $1}')"`;

/** The stack's CA inside every container (`ca.crt` of {@link TLS_DIR}). */
export const TLS_CA_FILE = `${TLS_DIR}/ca.crt`;

/** mongosh's options for a member that requires TLS: verify its certificate against the stack's CA. */
export const MONGOSH_TLS = `--tls --tlsCAFile ${TLS_CA_FILE}`;

/**
 * mongod's TLS options: TLS required on every connection (clients and the other members), the
 * member's certificate + key from `pemFile` (mongod reads both from one PEM file), the stack's
 * CA to verify the certificates other members present when they connect to it. Clients present
 * none: they authenticate with SCRAM over the TLS channel
 * (`--tlsAllowConnectionsWithoutCertificates`); members authenticate to each other with the keyfile.
 */
export function mongodTlsArgs(pemFile: string): string {
    return `--tlsMode requireTLS --tlsCertificateKeyFile ${pemFile} --tlsCAFile ${TLS_CA_FILE} --tlsAllowConnectionsWithoutCertificates`;
}

/**
 * MongoDB's usable-check as root. Plaintext: the container's own address (see OWN_ADDRESS).
 * TLS: `host`, a name the member's certificate carries (its hostname on the network, which
 * resolves to the same address), verified against the stack's CA.
 */
export function mongoUsableCommand(tls?: { host: string }): string {
    const target = tls ? `${MONGOSH_TLS} --host ${tls.host}` : `--host ${OWN_ADDRESS}`;
    return `mongosh --quiet ${target} -u "$MONGO_INITDB_ROOT_USERNAME" -p "$MONGO_INITDB_ROOT_PASSWORD" --authenticationDatabase admin --eval 'db.adminCommand({ ping: 1 }).ok' | grep -q 1`;
}

/**
 * Shell commands that succeed when a service is usable by the next step, not merely started.
 * Credentials come from the container's own environment (`$VAR` expanded inside it), so no
 * password is written into a spec. Docker runs them as healthchecks, kubernetes as readiness
 * probes (except MongoDB's, see kubernetes/specs.ts).
 */
export const USABLE_COMMANDS = {
    mongo: mongoUsableCommand(),
    kafka: kafkaHealthcheckCommand(),
    // Usable only when both plugins are loaded, so connectors can be validated right away.
    connect:
        "curl -fsS http://localhost:8083/connector-plugins | grep -q io.debezium.connector.mongodb.MongoDbConnector && curl -fsS http://localhost:8083/connector-plugins | grep -q com.clickhouse.kafka.connect.ClickHouseSinkConnector",
    clickhouse: `clickhouse-client --host ${OWN_ADDRESS} --user "$CLICKHOUSE_USER" --password "$CLICKHOUSE_PASSWORD" --query 'SELECT 1'`,
} as const;

/** Environment variable of the Connect workers holding the keystores' and truststore's password (tls-design.md). */
export { TLS_STORE_PASSWORD_ENV } from "./kafkaSecurity";

/**
 * How Debezium on the platform's Connect workers trusts the members' certificates: the stack's
 * truststore the workers mount at {@link TLS_DIR}, its password by reference to the worker's env.
 */
export function debeziumMongoTls(): DebeziumMongoTls {
    return {
        // The PKCS12 store the worker's start script makes from the CA with keytool (kafkaSecurity.ts).
        truststore: CONNECT_TRUSTSTORE,
        truststoreType: "PKCS12",
        truststorePasswordRef: envRef(TLS_STORE_PASSWORD_ENV),
    };
}

/**
 * {@link USABLE_COMMANDS} of Kafka and Kafka Connect with TLS on: the broker's API versions asked as
 * the connect user over SASL_SSL (so "healthy" also means its SCRAM user exists), Connect's plugins
 * over HTTPS with basic auth. Passwords come from the container's env.
 */
export const SECURE_USABLE_COMMANDS = {
    kafka: kafkaHealthcheckCommand("/opt/kafka/bin", KAFKA_CLIENT_CONFIG),
    connect:
        `${connectHttpsGet("/connector-plugins")} | grep -q io.debezium.connector.mongodb.MongoDbConnector && ` +
        `${connectHttpsGet("/connector-plugins")} | grep -q com.clickhouse.kafka.connect.ClickHouseSinkConnector`,
} as const;

/** The init script's options for a replica set of `members` (`host:port`, the first preferred primary). */
export function mongoInitOptions(p: PipelineSettings, members: string[]): MongoInitOptions {
    return {
        replicaSet: p.mongo.replicaSet,
        members,
        database: p.mongo.database,
        collections: collectionNames(p.mongo.collections),
        debeziumUser: p.mongo.debeziumUser,
        signalCollection: signalCollectionName(pulumi.getStack()),
    };
}

/** The Debezium user's connection string to `members` (carries the password); `tls=true` when `tls`. */
export function debeziumConnectionString(
    p: PipelineSettings,
    members: string[],
    password: pulumi.Output<string>,
    tls = false,
): pulumi.Output<string> {
    return password.apply((pw) =>
        mongoConnectionString({
            hosts: members,
            user: p.mongo.debeziumUser,
            password: pw,
            replicaSet: p.mongo.replicaSet,
            tls,
        }),
    );
}
