/**
 * Pod specs of the kubernetes platform as plain values: environments, probes, resources,
 * security contexts. The readiness commands are the docker platform's healthchecks
 * (`USABLE_COMMANDS` in shared/services.ts: one definition of "usable" on both platforms);
 * credentials come from Secrets through `secretKeyRef`, so no password is ever written into a spec.
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { CLICKHOUSE_TLS_PORTS, clickhouseTlsUsableCommand } from "../shared/clickhouse";
import {
    brokerSecurityProperties,
    CONNECT_TLS_FILES,
    connectImageEnv,
    CONNECT_REST_USER,
    CONTAINER_TLS_FILES,
    KAFKA_PORTS,
    KAFKA_USERS,
    kafkaStartScript,
    TLS_STORE_PASSWORD_ENV,
    withoutConfigProviders,
    workerSecurityProperties,
} from "../shared/kafkaSecurity";
import {
    connectEnv,
    kafkaHeapOpts,
    mongodTlsArgs,
    MONGOSH_TLS,
    SECURE_USABLE_COMMANDS,
    USABLE_COMMANDS,
} from "../shared/services";

type Env = k8s.types.input.core.v1.EnvVar;
type Probe = k8s.types.input.core.v1.Probe;

/** `NAME=value` strings (the docker platform's form) as Kubernetes env entries. */
export function envList(pairs: string[]): Env[] {
    return pairs.map((p) => {
        const i = p.indexOf("=");
        return { name: p.slice(0, i), value: p.slice(i + 1) };
    });
}

/** An env var read from a key of a Secret. */
export function secretEnv(name: string, secret: k8s.types.input.core.v1.SecretKeySelector["name"], key: string): Env {
    return { name, valueFrom: { secretKeyRef: { name: secret, key } } };
}

/**
 * DNS name of pod `ordinal` of a StatefulSet governed by headless service `service`, as resolved
 * from inside the pipeline's namespace (every client of it lives there).
 */
export function podDns(statefulSet: string, ordinal: number, service: string): string {
    return `${statefulSet}-${ordinal}.${service}`;
}

/** Replication of Kafka's and Kafka Connect's internal topics for a cluster of `brokers` nodes. */
export function internalReplication(brokers: number): { replication: number; minIsr: number } {
    const replication = Math.min(3, brokers);
    return { replication, minIsr: replication >= 3 ? 2 : 1 };
}

/**
 * Kafka KRaft, every node broker + controller. The node id and advertised host are per pod, so
 * the container command derives them from the pod's hostname (`kafka-<ordinal>`) before exec'ing
 * the image's own launcher.
 */
export function kafkaEnv(o: {
    clusterId: pulumi.Input<string>;
    brokers: number;
    service: string;
    statefulSet: string;
    heapMb: number;
}): Env[] {
    const voters = Array.from({ length: o.brokers }, (_, i) => `${i}@${podDns(o.statefulSet, i, o.service)}:9093`).join(
        ",",
    );
    const { replication, minIsr } = internalReplication(o.brokers);
    return [
        { name: "CLUSTER_ID", value: o.clusterId },
        ...envList([
            kafkaHeapOpts(o.heapMb),
            "KAFKA_PROCESS_ROLES=broker,controller",
            "KAFKA_LISTENERS=PLAINTEXT://:9092,CONTROLLER://:9093",
            "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "KAFKA_CONTROLLER_LISTENER_NAMES=CONTROLLER",
            "KAFKA_INTER_BROKER_LISTENER_NAME=PLAINTEXT",
            `KAFKA_CONTROLLER_QUORUM_VOTERS=${voters}`,
            // A subdirectory: a fresh volume's root may hold lost+found, which Kafka refuses as a log dir.
            "KAFKA_LOG_DIRS=/var/lib/kafka/data/logs",
            `KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR=${replication}`,
            `KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR=${replication}`,
            `KAFKA_TRANSACTION_STATE_LOG_MIN_ISR=${minIsr}`,
            `KAFKA_DEFAULT_REPLICATION_FACTOR=${replication}`,
            `KAFKA_MIN_INSYNC_REPLICAS=${minIsr}`,
            "KAFKA_AUTO_CREATE_TOPICS_ENABLE=true",
        ]),
    ];
}

/**
 * The secure Kafka pod's command (TLS on): `server.properties` rendered by shared/kafkaSecurity.ts,
 * the node id and advertised host filled in from the pod's name at start; every listener SSL
 * (controller, inter-broker: mutual TLS) or SASL_SSL (clients, SCRAM-SHA-512).
 */
export function kafkaSecureCommand(o: {
    brokers: number;
    service: string;
    statefulSet: string;
    /** Lines run just before the broker starts (the JMX agent's, shared/jmxAgent.ts). */
    preExec?: string[];
}): string[] {
    const voters = Array.from(
        { length: o.brokers },
        (_, i) => `${i}@${podDns(o.statefulSet, i, o.service)}:${KAFKA_PORTS.controller}`,
    ).join(",");
    const { replication, minIsr } = internalReplication(o.brokers);
    const properties = {
        "node.id": "@NODE_ID@",
        "process.roles": "broker,controller",
        // A subdirectory: a fresh volume's root may hold lost+found, which Kafka refuses as a log dir.
        "log.dirs": "/var/lib/kafka/data/logs",
        "offsets.topic.replication.factor": String(replication),
        "transaction.state.log.replication.factor": String(replication),
        "transaction.state.log.min.isr": String(minIsr),
        "default.replication.factor": String(replication),
        "min.insync.replicas": String(minIsr),
        "auto.create.topics.enable": "true",
        ...brokerSecurityProperties({
            bindHost: "",
            advertisedHost: "@HOST@",
            quorumVoters: voters,
            tls: CONTAINER_TLS_FILES,
        }),
    };
    return [
        "bash",
        "-c",
        kafkaStartScript({
            properties,
            bin: "/opt/kafka/bin",
            tls: CONTAINER_TLS_FILES,
            substitutions: { NODE_ID: "${HOSTNAME##*-}", HOST: `\${HOSTNAME}.${o.service}` },
            preExec: o.preExec,
        }),
    ];
}

/** The secure Kafka pod's env: cluster id, heap, and the passwords (from Secret `secret`). */
export function kafkaSecureEnv(o: {
    clusterId: pulumi.Input<string>;
    heapMb: number;
    secret: k8s.types.input.core.v1.SecretKeySelector["name"];
}): Env[] {
    return [
        { name: "CLUSTER_ID", value: o.clusterId },
        ...envList([kafkaHeapOpts(o.heapMb)]),
        secretEnv(TLS_STORE_PASSWORD_ENV, o.secret, "store-password"),
        secretEnv(KAFKA_USERS.connect.passwordEnv, o.secret, "connect-password"),
        secretEnv(KAFKA_USERS.status.passwordEnv, o.secret, "status-password"),
    ];
}

/**
 * The secure Connect worker's env (TLS on): SASL_SSL clients, REST on HTTPS with basic auth, the
 * passwords from Secret `secret`. Workers advertise their pod IP, which no certificate names: the
 * worker-to-worker REST client checks the stack's CA but not the host name.
 */
export function connectSecureEnv(secret: k8s.types.input.core.v1.SecretKeySelector["name"]): Env[] {
    return [
        ...envList(
            connectImageEnv({
                ...withoutConfigProviders(
                    workerSecurityProperties({ restPort: 8083, restBindHost: "0.0.0.0", tls: CONNECT_TLS_FILES }),
                ),
                "listeners.https.ssl.endpoint.identification.algorithm": "",
            }),
        ),
        secretEnv(TLS_STORE_PASSWORD_ENV, secret, "store-password"),
        secretEnv(KAFKA_USERS.connect.passwordEnv, secret, "kafka-password"),
        secretEnv(CONNECT_REST_USER.passwordEnv, secret, "rest-password"),
    ];
}

/** Container command for a Kafka pod: node id and advertised listener from the pod's name. */
export function kafkaCommand(o: { service: string; preExec?: string[] }): string[] {
    const pre = (o.preExec ?? []).map((l) => `${l}\n`).join("");
    return [
        "bash",
        "-c",
        `${pre}export KAFKA_NODE_ID="\${HOSTNAME##*-}"; export KAFKA_ADVERTISED_LISTENERS="PLAINTEXT://\${HOSTNAME}.${o.service}:9092"; exec /etc/kafka/docker/run`,
    ];
}

/**
 * Kafka Connect worker env: the docker platform's, with internal topics replicated per broker
 * count and each worker advertising its own pod IP (workers forward REST calls to the leader).
 */
export function connectWorkerEnv(o: { bootstrap: string; groupId: string; heapMb: number; brokers: number }): Env[] {
    const pairs = connectEnv({
        bootstrap: o.bootstrap,
        groupId: o.groupId,
        heapMb: o.heapMb,
        replication: internalReplication(o.brokers).replication,
    });
    return [
        ...envList(pairs.filter((p) => !p.startsWith("ADVERTISED_HOST_NAME="))),
        { name: "ADVERTISED_HOST_NAME", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
    ];
}

/**
 * mongod as a replica set member. Only member 0 creates the root user (the image's
 * MONGO_INITDB_ROOT_* first-start hook): `rs.initiate` refuses members that already hold data, so
 * the others start empty and receive the user by replication. With `tlsPem` (the member's
 * certificate + key in one PEM file) it requires TLS on every connection (`mongodTlsArgs`).
 */
export function mongoCommand(replicaSet: string, keyfile: string, tlsPem?: string): string[] {
    const tls = tlsPem ? ` ${mongodTlsArgs(tlsPem)}` : "";
    return [
        "bash",
        "-c",
        `if [ "\${HOSTNAME##*-}" != "0" ]; then unset MONGO_INITDB_ROOT_USERNAME MONGO_INITDB_ROOT_PASSWORD; fi; exec docker-entrypoint.sh mongod --replSet ${replicaSet} --bind_ip_all --keyFile ${keyfile}${tls}`,
    ];
}

const exec = (command: string): Probe["exec"] => ({ command: ["sh", "-c", command] });

/**
 * MongoDB's probes. Not the docker healthcheck: it authenticates as root, which exists on
 * secondaries only once the init Job has initiated the set, and members must be up (ready) before
 * that. With `tls` the readiness probe dials the member by its own DNS name under the headless
 * Service `tls.service` (`<pod>.<service>`: the name its certificate carries, published before the
 * pod is ready) and verifies its certificate against the stack's CA.
 */
export function mongoProbes(tls?: { service: string }): { readiness: Probe; liveness: Probe } {
    const target = tls ? ` ${MONGOSH_TLS} --host "$(hostname).${tls.service}"` : "";
    return {
        readiness: {
            exec: exec(`mongosh --quiet${target} --eval 'db.adminCommand({ ping: 1 }).ok' | grep -q 1`),
            initialDelaySeconds: 10,
            periodSeconds: 10,
            timeoutSeconds: 10,
            failureThreshold: 6,
        },
        liveness: { tcpSocket: { port: 27017 }, initialDelaySeconds: 30, periodSeconds: 20, failureThreshold: 6 },
    };
}

/** Timing of the readiness probes of Kafka and Connect (JVM tools: slow to start). */
const USABLE_PROBE_TIMING = {
    kafka: { initialDelaySeconds: 20, periodSeconds: 10, timeoutSeconds: 15, failureThreshold: 12 },
    connect: { initialDelaySeconds: 30, periodSeconds: 10, timeoutSeconds: 10, failureThreshold: 18 },
} satisfies Record<string, Probe>;

/** Readiness ("usable by the next step") and liveness ("restart me") probes per service. */
export const probes: Record<"mongo" | "kafka" | "connect" | "clickhouse", { readiness: Probe; liveness: Probe }> = {
    // Plaintext (TLS: mongoProbes({ service })).
    mongo: mongoProbes(),
    kafka: {
        readiness: { exec: exec(USABLE_COMMANDS.kafka), ...USABLE_PROBE_TIMING.kafka },
        liveness: { tcpSocket: { port: 9092 }, initialDelaySeconds: 60, periodSeconds: 20, failureThreshold: 6 },
    },
    connect: {
        readiness: { exec: exec(USABLE_COMMANDS.connect), ...USABLE_PROBE_TIMING.connect },
        liveness: {
            httpGet: { path: "/", port: 8083 },
            initialDelaySeconds: 120,
            periodSeconds: 20,
            failureThreshold: 6,
        },
    },
    clickhouse: {
        readiness: {
            exec: exec(USABLE_COMMANDS.clickhouse),
            initialDelaySeconds: 10,
            periodSeconds: 10,
            timeoutSeconds: 10,
            failureThreshold: 12,
        },
        liveness: {
            httpGet: { path: "/ping", port: 8123 },
            initialDelaySeconds: 30,
            periodSeconds: 20,
            failureThreshold: 6,
        },
    },
};

/**
 * ClickHouse's probes with TLS. Readiness: HTTPS with the certificate verified by the stack's CA,
 * under the Service's name `clickhouse`, which the pod maps to itself ({@link CLICKHOUSE_SELF_ALIAS}):
 * through the Service it would reach only pods that are ready already. Liveness: the kubelet's
 * HTTPS GET (it does not verify certificates; it only decides a restart).
 */
export const clickhouseTlsProbes: { readiness: Probe; liveness: Probe } = {
    readiness: { ...probes.clickhouse.readiness, exec: exec(clickhouseTlsUsableCommand("clickhouse")) },
    liveness: {
        ...probes.clickhouse.liveness,
        httpGet: { path: "/ping", port: CLICKHOUSE_TLS_PORTS.https, scheme: "HTTPS" },
    },
};

/** The pod's own name for `clickhouse` (a hosts entry), so its readiness probe checks itself. */
export const CLICKHOUSE_SELF_ALIAS: k8s.types.input.core.v1.HostAlias = {
    ip: "127.0.0.1",
    hostnames: ["clickhouse"],
};

/** Requests = limits from `cdc:kubernetes.resources.<service>`. */
export function resourceSpec(r: { memoryMb: number; cpuMillis: number }): k8s.types.input.core.v1.ResourceRequirements {
    const v = { memory: `${r.memoryMb}Mi`, cpu: `${r.cpuMillis}m` };
    return { requests: v, limits: v };
}

/**
 * Non-root where the image allows it. MongoDB (uid 999), Kafka (apache/kafka's appuser, uid
 * 1000), Debezium Connect (kafka, uid 1001) and the plugin fetcher run as their users. ClickHouse
 * cannot: its entrypoint writes the pipeline user into /etc/clickhouse-server/users.d (root-owned
 * in the image) from CLICKHOUSE_USER/PASSWORD and chowns the data dir, then drops to uid 101 itself.
 */
export const securityContexts = {
    mongo: { pod: { runAsUser: 999, runAsGroup: 999, fsGroup: 999, runAsNonRoot: true } },
    kafka: { pod: { runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, runAsNonRoot: true } },
    connect: { pod: { runAsUser: 1001, runAsGroup: 1001, fsGroup: 1001, runAsNonRoot: true } },
    clickhouse: { pod: { fsGroup: 101 } },
} satisfies Record<string, { pod: k8s.types.input.core.v1.PodSecurityContext }>;

/** Container-level hardening for every non-root container. */
export const noEscalation: k8s.types.input.core.v1.SecurityContext = {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
};

/**
 * Probes of Kafka and Connect when TLS is on: readiness with the container's credentials; Connect's
 * liveness on TCP (every REST path wants basic auth).
 */
export const secureProbes: Record<"kafka" | "connect", { readiness: Probe; liveness: Probe }> = {
    kafka: {
        readiness: { ...USABLE_PROBE_TIMING.kafka, exec: { command: ["sh", "-c", SECURE_USABLE_COMMANDS.kafka] } },
        liveness: { tcpSocket: { port: 9092 }, initialDelaySeconds: 60, periodSeconds: 20, failureThreshold: 6 },
    },
    connect: {
        readiness: {
            ...USABLE_PROBE_TIMING.connect,
            exec: { command: ["sh", "-c", SECURE_USABLE_COMMANDS.connect] },
        },
        liveness: { tcpSocket: { port: 8083 }, initialDelaySeconds: 120, periodSeconds: 20, failureThreshold: 6 },
    },
};
