/**
 * Container specs of the docker platform as plain values: commands, environments and
 * healthchecks. Healthchecks read credentials from the container's own environment (`$VAR`
 * expanded by the shell inside the container), so no password is written into a spec.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { FETCHER_PROXY_VARS, JOB_LABEL } from "./names";

export { FETCHER_PROXY_VARS, JOB_LABEL };

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
 * Runs `command` until it succeeds, at most `attempts` times, `delaySeconds` apart. A one-shot job
 * runs once when its container is created, not on every `pulumi up` (the provider leaves an exited
 * container alone), so a transient failure (a service still starting, a network blip) is retried
 * here first; a job that still fails is replaced by the next `npm run up` (see `failedJobs` in
 * `preflight.ts`).
 */
export function withRetries(command: string, attempts = 30, delaySeconds = 2): string {
    return `for attempt in $(seq 1 ${attempts}); do ${command} && exit 0; echo "attempt $attempt of ${attempts} failed; retrying in ${delaySeconds} s" >&2; sleep ${delaySeconds}; done; exit 1`;
}

/**
 * The container's own address, not 127.0.0.1: the mongo and clickhouse images run a temporary
 * server on 127.0.0.1 during first-start initialisation, which must not count as healthy.
 */
const OWN_ADDRESS = `"$(hostname -i | awk '{print $1}')"`;

/**
 * A duration in the form the docker provider reads back (Go's `time.Duration.String()`:
 * `10s`, `1m0s`, `1h0m0s`). The provider stores what Docker reports, so `"60s"` would come back
 * as `"1m0s"` and show as a change on every `up`.
 */
export function goDuration(seconds: number): string {
    if (!Number.isInteger(seconds) || seconds < 0) throw new Error(`goDuration: whole seconds >= 0 expected, got ${seconds}`);
    if (seconds === 0) return "0s";
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    const s = seconds % 60;
    if (h > 0) return `${h}h${m}m${s}s`;
    if (m > 0) return `${m}m${s}s`;
    return `${s}s`;
}

/** `cpuMillis` as decimal CPUs, exactly (`1500` → `1.5`, `10000` → `10`); for messages. */
function millisToDecimal(millis: number): string {
    const frac = String(millis % 1000).padStart(3, "0").replace(/0+$/, "");
    return `${Math.floor(millis / 1000)}${frac ? `.${frac}` : ""}`;
}

/**
 * The `cpus` string the docker provider reads back for `millis` (its `nanoInt64ToDecimalString`:
 * nine decimals, then "1.0" when the text has exactly nine zeros, else trailing zeros trimmed).
 */
function providerCpusReadBack(millis: number): string {
    const nine = `${Math.floor(millis / 1000)}.${String(millis % 1000).padStart(3, "0")}000000`;
    if ((nine.match(/0/g) ?? []).length === 9) {
        // big.Rat.FloatString(1): rounded to one decimal, halves away from zero.
        const tenths = Math.floor((millis + 50) / 100);
        return `${Math.floor(tenths / 10)}.${tenths % 10}`;
    }
    return nine.replace(/0+$/, "");
}

/** Millicores a `cpus` string stands for (what Docker's ParseCPUs makes of it). */
function decimalToMillis(cpus: string): number {
    const [whole, frac = ""] = cpus.split(".");
    return Number(whole) * 1000 + Number((frac + "000").slice(0, 3));
}

/**
 * The container's `cpus` input for `millis`, written the way the provider reads it back (`"1.0"`,
 * not `"1.00"`): `cpus` forces replacement, so any other spelling replaces the container on every
 * `up`. For the few values the provider cannot read back exactly (it rounds e.g. 10.05 CPUs to
 * `"10.1"`), this throws, naming `key` and the nearest values that work.
 */
export function dockerCpus(millis: number, key: string): string {
    const stable = (m: number) => decimalToMillis(providerCpusReadBack(m)) === m;
    if (!Number.isInteger(millis) || millis <= 0) throw new Error(`${key}: ${millis} is not a positive number of millicores`);
    if (!stable(millis)) {
        let lower = millis - 1;
        while (lower > 0 && !stable(lower)) lower--;
        let upper = millis + 1;
        while (!stable(upper)) upper++;
        throw new Error(
            `${key}: ${millis} (${millisToDecimal(millis)} CPUs) cannot be set on docker: the docker provider reads it back as ` +
                `"${providerCpusReadBack(millis)}" and would replace the container on every up. ` +
                `Use ${lower} or ${upper}: pulumi config set --path ${key} ${upper}`,
        );
    }
    return providerCpusReadBack(millis);
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
export function kafkaHealthcheckCommand(bin = "/opt/kafka/bin"): string {
    return (
        `KAFKA_HEAP_OPTS='${KAFKA_TOOL_HEAP_OPTS}' KAFKA_JVM_PERFORMANCE_OPTS='-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true' ` +
        `${bin}/kafka-broker-api-versions.sh --bootstrap-server localhost:9092 > /dev/null 2>&1`
    );
}

/** Each service's healthcheck: "healthy" means usable by the next step, not merely started. */
export const healthchecks = {
    mongo: health(
        `mongosh --quiet --host ${OWN_ADDRESS} -u "$MONGO_INITDB_ROOT_USERNAME" -p "$MONGO_INITDB_ROOT_PASSWORD" --authenticationDatabase admin --eval 'db.adminCommand({ ping: 1 }).ok' | grep -q 1`,
    ),
    kafka: health(kafkaHealthcheckCommand(), 40),
    // Healthy only when both plugins are loaded, so connectors can be validated right away.
    connect: health(
        "curl -fsS http://localhost:8083/connector-plugins | grep -q io.debezium.connector.mongodb.MongoDbConnector && curl -fsS http://localhost:8083/connector-plugins | grep -q com.clickhouse.kafka.connect.ClickHouseSinkConnector",
        60,
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

/** How to re-run a one-shot job by hand: replace its container. */
export function rerunHint(urn: string): string {
    return `The next \`npm run up\` runs it again (a failed job is replaced). To re-run it yourself: bash scripts/pulumi.sh up --replace '${urn}'`;
}

/**
 * Throws when a one-shot job's recorded exit code is not 0: what failed, its last log lines and
 * how to re-run it.
 */
export function checkJobResult(what: string, exitCode: number | null | undefined, logs: string | null | undefined, urn: string): void {
    if (exitCode === undefined || exitCode === null || exitCode === 0) return;
    const tail = (logs ?? "").split("\n").slice(-15).join("\n");
    throw new Error(`${what} failed with exit code ${exitCode}. Last log lines:\n${tail}\n${rerunHint(urn)}`);
}

/**
 * `value` once the one-shot container `job` exited 0; an error naming the job, its last log lines
 * and how to re-run it otherwise (see {@link checkJobResult}). Anything built from the result
 * waits for the job.
 */
export function onlyOnSuccess(job: docker.Container, what: string, value: pulumi.Output<string>): pulumi.Output<string> {
    return pulumi.all([job.exitCode, job.containerLogs, job.urn, value]).apply(([code, logs, urn, v]) => {
        checkJobResult(what, code, logs, urn);
        return v;
    });
}

/**
 * The plugin fetcher's proxy environment. The Docker Engine API does not apply the CLI's proxy
 * settings to containers it creates, so `npm run up` passes the user's (`HTTPS_PROXY` & co., or
 * the docker CLI's `proxies.default`) as `CDC_FETCHER_*`; each is given in both spellings
 * (busybox wget reads the lower-case ones). A proxy URL with credentials travels as a secret.
 */
export function fetcherProxyEnv(env: NodeJS.ProcessEnv): pulumi.Input<string>[] {
    const out: pulumi.Input<string>[] = [];
    const pairs: [string, string][] = [
        [FETCHER_PROXY_VARS.httpProxy, "http_proxy"],
        [FETCHER_PROXY_VARS.httpsProxy, "https_proxy"],
        [FETCHER_PROXY_VARS.noProxy, "no_proxy"],
    ];
    for (const [from, name] of pairs) {
        const value = env[from];
        if (!value) continue;
        const secret = /\/\/[^/@]*@/.test(value);
        for (const n of [name, name.toUpperCase()]) out.push(secret ? pulumi.secret(`${n}=${value}`) : `${n}=${value}`);
    }
    return out;
}
