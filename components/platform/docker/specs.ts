/**
 * Container specs of the docker platform as plain values: commands, environments and
 * healthchecks. Healthchecks read credentials from the container's own environment (`$VAR`
 * expanded by the shell inside the container), so no password is written into a spec.
 */
import * as pulumi from "@pulumi/pulumi";
import {
    CLICKHOUSE_FILES,
    CLICKHOUSE_TLS_ENV,
    CLICKHOUSE_TLS_FILES,
    clickhouseTlsUsableCommand,
} from "../shared/clickhouse";
import {
    brokerSecurityProperties,
    CONNECT_REST_USER,
    CONTAINER_TLS_FILES,
    KAFKA_PORTS,
    KAFKA_USERS,
    kafkaStartScript,
    TLS_STORE_PASSWORD_ENV,
} from "../shared/kafkaSecurity";
import {
    kafkaHeapOpts,
    mongodTlsArgs,
    mongoUsableCommand,
    SECURE_USABLE_COMMANDS,
    USABLE_COMMANDS,
} from "../shared/services";
import { TLS_DIR, type StackTls, type TlsService } from "../shared/tls";
import { goDuration } from "./cpus";

export { dockerCpus, goDuration } from "./cpus";

/** Where the keyfile is uploaded (root-owned) and where mongod reads it (uid 999, mode 0400). */
export const KEYFILE_UPLOAD = "/etc/mongo/keyfile.upload";
export const KEYFILE = "/etc/mongo/keyfile";

/** mongod's certificate + key in one PEM file (its form), built at start for uid 999, mode 0400. */
export const MONGO_TLS_PEM = "/etc/mongo/tls.pem";

/** The member's TLS files as uploaded (root-owned): the CA, its certificate and its key. */
export const MONGO_TLS_UPLOADS = { ca: `${TLS_DIR}/ca.crt`, cert: `${TLS_DIR}/tls.crt`, key: `${TLS_DIR}/tls.key` };

/**
 * mongod as a replica set member with keyfile auth. mongod refuses a keyfile that others can read
 * or that it does not own, so the uploaded copy is installed for the image's mongodb user (uid 999)
 * before the image's own entrypoint starts (it creates the root user on first start). With `tls`,
 * the certificate and key are joined into {@link MONGO_TLS_PEM} the same way (`awk 1` ends each
 * file with a newline, so the two PEM blocks never run together) and mongod requires TLS
 * (`mongodTlsArgs`). The entrypoint's temporary first-start server keeps the certificate but
 * allows plaintext (its `tlsMode allowTLS`), on loopback only, to create the root user.
 */
export function mongoCommand(replicaSet: string, tls = false): string[] {
    const pem = tls
        ? `awk 1 ${MONGO_TLS_UPLOADS.cert} ${MONGO_TLS_UPLOADS.key} | install -o 999 -g 999 -m 0400 /dev/stdin ${MONGO_TLS_PEM} && `
        : "";
    const args = tls ? ` ${mongodTlsArgs(MONGO_TLS_PEM)}` : "";
    return [
        "bash",
        "-c",
        `install -o 999 -g 999 -m 0400 ${KEYFILE_UPLOAD} ${KEYFILE} && ${pem}exec docker-entrypoint.sh mongod --replSet ${replicaSet} --bind_ip_all --keyFile ${KEYFILE}${args}`,
    ];
}

/**
 * Runs `command` until it succeeds, at most `attempts` times, `delaySeconds` apart. A one-shot job
 * runs once when its container is created, not on every `pulumi up` (the provider leaves an exited
 * container alone), so a transient failure (a service still starting, a network blip) is retried
 * here first; a job that still fails is replaced by the next `npm run up` (see `failedJobs` in
 * `preflight/`).
 */
export function withRetries(command: string, attempts = 30, delaySeconds = 2): string {
    return `for attempt in $(seq 1 ${attempts}); do ${command} && exit 0; echo "attempt $attempt of ${attempts} failed; retrying in ${delaySeconds} s" >&2; sleep ${delaySeconds}; done; exit 1`;
}

/**
 * `memory_swap` for every service: -1 (no separate swap limit). It is the one value Docker keeps as
 * given on every host: left unset, Docker stores twice the memory limit, and on hosts without swap
 * accounting (some cgroup v1 kernels) it replaces any positive value with -1 — either way the
 * provider reads back something other than the input and updates the container on every `up`.
 * The memory limit itself still caps the container's RAM.
 */
export const MEMORY_SWAP = -1;

const health = (test: string, startPeriodSeconds = 30) => ({
    tests: ["CMD-SHELL", test],
    interval: goDuration(10),
    timeout: goDuration(10),
    retries: 12,
    startPeriod: goDuration(startPeriodSeconds),
});

/**
 * MongoDB's healthcheck; with TLS it dials the member by its network name `host` (which its
 * certificate carries) and verifies the certificate against the stack's CA.
 */
export function mongoHealthcheck(tls?: { host: string }) {
    return health(mongoUsableCommand(tls));
}

/** Each service's healthcheck: "healthy" means usable by the next step, not merely started. */
export const healthchecks = {
    mongo: health(USABLE_COMMANDS.mongo),
    kafka: health(USABLE_COMMANDS.kafka, 40),
    connect: health(USABLE_COMMANDS.connect, 60),
    clickhouse: health(USABLE_COMMANDS.clickhouse),
    /** With TLS: HTTPS verified with the stack's CA; `clickhouse`, the container's hostname, is its own address. */
    clickhouseTls: health(clickhouseTlsUsableCommand("clickhouse")),
};

/** Kafka 4 KRaft, single combined node: internal listener for Connect, one for the host. */
export function kafkaEnv(o: {
    clusterId: pulumi.Input<string>;
    hostAddress: string;
    hostPort: number;
    heapMb: number;
}): pulumi.Input<string>[] {
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

/** The scripts of the apache/kafka image. */
export const KAFKA_BIN = "/opt/kafka/bin";

/** Healthchecks of Kafka and Kafka Connect when TLS is on (SASL_SSL / HTTPS with their credentials). */
export const secureHealthchecks = {
    kafka: health(SECURE_USABLE_COMMANDS.kafka, 40),
    connect: health(SECURE_USABLE_COMMANDS.connect, 60),
};

/**
 * The secure Kafka container's command: one KRaft node, every listener encrypted (see
 * shared/kafkaSecurity.ts): INTERNAL 9092 for Connect and HOST 19092 for the host, both SASL_SSL.
 */
export function kafkaSecureCommand(o: { hostAddress: string; hostPort: number; preExec?: string[] }): string[] {
    const properties = {
        "node.id": "1",
        "process.roles": "broker,controller",
        "log.dirs": "/var/lib/kafka/data",
        // One broker: every internal topic has replication 1.
        "offsets.topic.replication.factor": "1",
        "transaction.state.log.replication.factor": "1",
        "transaction.state.log.min.isr": "1",
        "share.coordinator.state.topic.replication.factor": "1",
        "share.coordinator.state.topic.min.isr": "1",
        "group.initial.rebalance.delay.ms": "0",
        "auto.create.topics.enable": "true",
        ...brokerSecurityProperties({
            bindHost: "",
            advertisedHost: "kafka",
            quorumVoters: `1@kafka:${KAFKA_PORTS.controller}`,
            host: { port: KAFKA_PORTS.host, advertised: `${o.hostAddress}:${o.hostPort}` },
            tls: CONTAINER_TLS_FILES,
        }),
    };
    return [
        "bash",
        "-c",
        kafkaStartScript({ properties, bin: KAFKA_BIN, tls: CONTAINER_TLS_FILES, preExec: o.preExec }),
    ];
}

/** The secure Kafka container's env: cluster id, heap, and the passwords its script and JVM read. */
export function kafkaSecureEnv(o: {
    clusterId: pulumi.Input<string>;
    heapMb: number;
    storePassword: pulumi.Input<string>;
    connectPassword: pulumi.Input<string>;
    statusPassword: pulumi.Input<string>;
}): pulumi.Input<string>[] {
    return [
        pulumi.interpolate`CLUSTER_ID=${o.clusterId}`,
        kafkaHeapOpts(o.heapMb),
        pulumi.interpolate`${TLS_STORE_PASSWORD_ENV}=${o.storePassword}`,
        pulumi.interpolate`${KAFKA_USERS.connect.passwordEnv}=${o.connectPassword}`,
        pulumi.interpolate`${KAFKA_USERS.status.passwordEnv}=${o.statusPassword}`,
    ];
}

/** The secure Connect worker's password env (store, SCRAM user, REST user). */
export function connectSecureEnv(o: {
    storePassword: pulumi.Input<string>;
    kafkaPassword: pulumi.Input<string>;
    restPassword: pulumi.Input<string>;
}): pulumi.Input<string>[] {
    return [
        pulumi.interpolate`${TLS_STORE_PASSWORD_ENV}=${o.storePassword}`,
        pulumi.interpolate`${KAFKA_USERS.connect.passwordEnv}=${o.kafkaPassword}`,
        pulumi.interpolate`${CONNECT_REST_USER.passwordEnv}=${o.restPassword}`,
    ];
}

/**
 * The TLS files of `service` written into its container at {@link CONTAINER_TLS_FILES}: the CA and
 * the service's keystore, owned by the service's user `owner`, readable by it only.
 */
export function tlsUploads(tls: StackTls, service: TlsService, owner: number) {
    const file = { owner: String(owner), group: String(owner), permissions: "0400" };
    return [
        { file: CONTAINER_TLS_FILES.ca, content: tls.caPem, ...file, permissions: "0444" },
        { file: CONTAINER_TLS_FILES.keystore, contentBase64: tls.services[service].keystoreP12Base64, ...file },
    ];
}

/** ClickHouse image variables: creates the database and the pipeline user with access management. */
export function clickhouseEnv(o: {
    database: string;
    user: string;
    password: pulumi.Input<string>;
}): pulumi.Input<string>[] {
    return [
        `CLICKHOUSE_DB=${o.database}`,
        `CLICKHOUSE_USER=${o.user}`,
        pulumi.interpolate`CLICKHOUSE_PASSWORD=${o.password}`,
        "CLICKHOUSE_DEFAULT_ACCESS_MANAGEMENT=1",
    ];
}

/** ClickHouse image variables with TLS: no user, no password; the users file is uploaded instead. */
export function clickhouseTlsEnv(): string[] {
    return Object.entries(CLICKHOUSE_TLS_ENV).map(([k, v]) => `${k}=${v}`);
}

/**
 * ClickHouse with TLS: the server drops to uid 101 (clickhouse) and must read the key and the users
 * file, which are uploaded root-owned with mode 0400; they are handed to it before the image's own
 * entrypoint starts the server (the mongo keyfile's way, see {@link mongoCommand}).
 */
export function clickhouseTlsCommand(backupsDisk = false): string[] {
    const backups = backupsDisk ? ` ${CLICKHOUSE_FILES.backupsDir}` : "";
    return [
        "bash",
        "-c",
        `chown clickhouse:clickhouse ${CLICKHOUSE_TLS_FILES.key} ${CLICKHOUSE_FILES.users}${backups} && exec /entrypoint.sh`,
    ];
}

/**
 * Without TLS, with the backups disk: a new volume is root's; the server (uid 101) must write to it,
 * and the image's entrypoint hands over only the directories it knows.
 */
export function clickhouseBackupsCommand(): string[] {
    return ["bash", "-c", `chown clickhouse:clickhouse ${CLICKHOUSE_FILES.backupsDir} && exec /entrypoint.sh`];
}
