/**
 * The whole program under Pulumi mocks with `cdc:platform docker`: the services it declares and
 * their inputs. Its credentials, CDC layer, order of creation and outputs: stack-docker-wiring.test.ts.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { DEFAULT_IMAGES } from "../../components/config/versions";
import { ENGINES, roundTrip } from "../support/docker-provider-model";
import {
    containsSecret,
    isSecretValue,
    MOCK_FETCHER_ENV,
    MOCK_FETCHER_PROXY,
    MOCK_SECRET_PREFIX,
    MockRun,
    runUnderMocks,
    unwrapSecret,
    unwrapSecrets,
    withEnv,
} from "../support/mocks";

type Program = typeof import("../../index");
let run: MockRun & { program: Program };

const containers = () => run.resources.filter((r) => r.type === "docker:index/container:Container");
const service = (role: string) => run.byName(`docker-${role}`);

before(async () => {
    run = await withEnv(MOCK_FETCHER_ENV, () =>
        runUnderMocks({ "cdc:platform": "docker" }, () => import("../../index")),
    );
});

describe("docker platform under mocks", () => {
    it("declares long-running containers for MongoDB, Kafka, Kafka Connect and ClickHouse", () => {
        for (const role of ["mongo", "kafka", "connect", "clickhouse"]) {
            const c = service(role);
            assert.equal(c.inputs.restart, "unless-stopped", `${role} restart policy`);
            assert.equal(c.inputs.wait, true, `${role} waits for healthy`);
        }
    });

    it("pulls every image by its pinned reference", () => {
        const pulled = run.resources
            .filter((r) => r.type === "docker:index/remoteImage:RemoteImage")
            .map((r) => r.inputs.name)
            .sort();
        assert.deepEqual(pulled, Object.values(DEFAULT_IMAGES).sort());
    });

    it("keeps every container's command plain, so a preview shows its changes (secrets travel in the env only)", () => {
        for (const c of containers())
            for (const key of ["command", "entrypoints"])
                assert.ok(!containsSecret(c.inputs[key]), `${c.name}.${key} holds a secret`);
    });

    it("gives every long-running service a healthcheck", () => {
        for (const role of ["mongo", "kafka", "connect", "clickhouse"]) {
            const hc = service(role).inputs.healthcheck as { tests: string[] } | undefined;
            assert.ok(hc && hc.tests[0] === "CMD-SHELL" && hc.tests[1].length > 10, `${role} healthcheck`);
        }
        // Connect is healthy only with both plugins loaded.
        const connectHc = (service("connect").inputs.healthcheck as { tests: string[] }).tests[1];
        assert.match(connectHc, /MongoDbConnector/);
        assert.match(connectHc, /ClickHouseSinkConnector/);
    });

    it("binds every published port to 127.0.0.1 only", () => {
        const ports = containers().flatMap(
            (c) => (c.inputs.ports as { ip: string; external: number }[] | undefined) ?? [],
        );
        assert.equal(ports.length, 6);
        for (const p of ports) assert.equal(p.ip, "127.0.0.1");
        // With monitoring (on by default): Grafana 3000 and Prometheus 9090.
        assert.deepEqual(
            ports.map((p) => p.external).sort((a, b) => a - b),
            [3000, 8083, 8123, 9090, 9092, 27017],
        );
    });

    it("keeps data in named volumes for MongoDB, Kafka and ClickHouse", () => {
        for (const [role, path] of [
            ["mongo", "/data/db"],
            ["kafka", "/var/lib/kafka/data"],
            ["clickhouse", "/var/lib/clickhouse"],
        ]) {
            const vols = service(role).inputs.volumes as { volumeName: string; containerPath: string }[];
            assert.ok(
                vols.some((v) => v.containerPath === path && /-physical$/.test(v.volumeName)),
                `${role} volume at ${path}`,
            );
        }
    });

    it("runs MongoDB as replica set rs0 with keyfile auth and a generated root password", () => {
        const mongo = service("mongo");
        const command = (mongo.inputs.command as string[]).join(" ");
        // The keyfile is installed for uid 999 with mode 0400 before the image's entrypoint runs mongod.
        assert.match(
            command,
            /^bash -c install -o 999 -g 999 -m 0400 \/etc\/mongo\/keyfile\.upload \/etc\/mongo\/keyfile && .*exec docker-entrypoint\.sh mongod --replSet rs0 --bind_ip_all --keyFile \/etc\/mongo\/keyfile /,
        );
        // Secure by default: TLS required (the TLS details: stack-docker-mongo-tls.test.ts).
        assert.match(command, / --tlsMode requireTLS /);
        // A nested secret makes the whole `uploads` property secret on the wire.
        const uploads = mongo.inputs.uploads as { value: { file: string; content: unknown; permissions: string }[] };
        assert.ok(isSecretValue(uploads), "uploads (with the keyfile) travel as a secret");
        const upload = uploads.value.find((u) => u.file === "/etc/mongo/keyfile.upload")!;
        assert.equal(upload.file, "/etc/mongo/keyfile.upload");
        assert.equal(upload.permissions, "0400");
        assert.match(String(upload.content), new RegExp(`^${MOCK_SECRET_PREFIX}-cdc-docker-mongo-keyfile$`));
    });

    it("initialises the replica set, Debezium user and pre-images in a one-shot job after MongoDB", () => {
        const init = service("mongo-init");
        assert.equal(init.inputs.attach, true);
        assert.ok(run.dependsOn(init.name).has(service("mongo").name));
    });

    it("installs the ClickHouse sink plugin with a checksum before Kafka Connect starts", () => {
        const job = service("sink-plugin");
        const script = (job.inputs.command as string[])[2];
        assert.match(script, /sha256sum -c/);
        assert.match(script, /clickhouse-kafka-connect-v\d+\.\d+\.\d+\.zip/);
        assert.ok(run.dependsOn(service("connect").name).has(job.name));
    });

    it("writes limits and healthchecks in the form the provider reads back (a second up changes nothing)", () => {
        const expected: Record<string, { cpus: string; memory: number; startPeriod: string }> = {
            mongo: { cpus: "1.0", memory: 1024, startPeriod: "30s" },
            kafka: { cpus: "1.0", memory: 1024, startPeriod: "40s" },
            connect: { cpus: "1.0", memory: 1536, startPeriod: "1m0s" },
            clickhouse: { cpus: "2.0", memory: 2048, startPeriod: "30s" },
        };
        for (const [role, e] of Object.entries(expected)) {
            const i = service(role).inputs;
            assert.equal(i.cpus, e.cpus, `${role} cpus`);
            assert.equal(i.memory, e.memory, `${role} memory`);
            assert.equal(i.memorySwap, -1, `${role} memorySwap`);
            const hc = i.healthcheck as { interval: string; timeout: string; startPeriod: string; retries: number };
            assert.deepEqual(
                [hc.interval, hc.timeout, hc.startPeriod, hc.retries],
                ["10s", "10s", e.startPeriod, 12],
                `${role} healthcheck`,
            );
        }
    });

    it("round-trips every container input through the provider's read-back unchanged, with and without swap accounting", () => {
        // The four services, two jobs, the JMX agent's fetcher for Kafka and for Connect, and
        // Prometheus, Grafana and the exporter.
        assert.equal(containers().length, 11);
        for (const [engine, traits] of Object.entries(ENGINES)) {
            for (const c of containers())
                assert.deepEqual(
                    roundTrip(unwrapSecrets(c.inputs) as Record<string, unknown>, traits),
                    [],
                    `${c.name} (${engine})`,
                );
        }
    });

    it("labels the one-shot jobs so a failed one is found and re-run", () => {
        for (const role of ["mongo-init", "sink-plugin"]) {
            const i = service(role).inputs;
            assert.deepEqual([i.attach, i.logs, i.mustRun, i.restart], [true, true, false, "no"], role);
            assert.ok(
                (i.labels as { label: string; value: string }[]).some((l) => l.label === "cdc.job" && l.value === role),
                `${role} label`,
            );
        }
        for (const role of ["mongo", "kafka", "connect", "clickhouse"]) {
            assert.ok(
                !(service(role).inputs.labels as { label: string }[]).some((l) => l.label === "cdc.job"),
                `${role} is not a job`,
            );
        }
    });

    it("runs Kafka's healthcheck tool with a small heap of its own, not the broker's", () => {
        const test = (service("kafka").inputs.healthcheck as { tests: string[] }).tests[1];
        assert.match(
            test,
            /^KAFKA_HEAP_OPTS='-Xms16m -Xmx96m' KAFKA_JVM_PERFORMANCE_OPTS='[^']*' \/opt\/kafka\/bin\/kafka-broker-api-versions\.sh --bootstrap-server localhost:9092 --command-config \S+ > \/dev\/null 2>&1$/,
        );
    });

    it("hands the user's proxy to the plugin fetcher, as a secret when it carries credentials", () => {
        const envs = service("sink-plugin").inputs.envs as unknown;
        assert.ok(isSecretValue(envs), "envs with a proxy password travel as a secret");
        assert.deepEqual(unwrapSecrets(envs), [
            `https_proxy=${MOCK_FETCHER_PROXY}`,
            `HTTPS_PROXY=${MOCK_FETCHER_PROXY}`,
            "no_proxy=localhost,.corp",
            "NO_PROXY=localhost,.corp",
        ]);
    });

    it("starts Kafka Connect only once the plugin install exited 0", () => {
        // The worker's CDC_SINK_PLUGIN_SHA256 is derived from the job's exit code (onlyOnSuccess).
        const connect = service("connect");
        assert.ok(connect.deps.includes(service("sink-plugin").urn), "an input of connect comes from the job");
    });

    it("retries the one-shot MongoDB init within its run", () => {
        const script = (service("mongo-init").inputs.command as string[])[2];
        assert.match(script, /^for attempt in \$\(seq 1 \d+\); do mongosh .* && exit 0;/);
    });

    it("checks health on the container's own name (its certificate's), not the first-start server on 127.0.0.1", () => {
        const test = (role: string) => (service(role).inputs.healthcheck as { tests: string[] }).tests[1];
        assert.match(test("mongo"), / --tls --tlsCAFile \/etc\/cdc\/tls\/ca\.crt --host mongo /);
        assert.match(test("clickhouse"), /--ca-certificate=\/etc\/cdc\/tls\/ca\.crt https:\/\/clickhouse:8443\/ping/);
        for (const role of ["mongo", "clickhouse"]) assert.doesNotMatch(test(role), /127\.0\.0\.1|localhost/, role);
    });

    it("configures Kafka Connect with names Debezium's image reads, and recreates it for a new sink plugin", () => {
        // The list carries the connector secrets (for the config provider), so it travels as a secret.
        assert.ok(isSecretValue(service("connect").inputs.envs), "the worker's env is a secret as a whole");
        const env = unwrapSecret<unknown[]>(service("connect").inputs.envs).filter(
            (e): e is string => typeof e === "string",
        );
        for (const k of ["CONFIG", "OFFSET", "STATUS"])
            assert.ok(env.includes(`CONNECT_${k}_STORAGE_REPLICATION_FACTOR=1`), k);
        assert.ok(
            !env.some((e) => /^(CONFIG|OFFSET|STATUS)_STORAGE_REPLICATION_FACTOR=/.test(e)),
            "bare names are ignored by the image",
        );
        assert.ok(env.some((e) => /^CDC_SINK_PLUGIN_SHA256=[a-f0-9]{64}$/.test(e)));
    });

    it("gives the worker the connector secrets through Kafka's EnvVarConfigProvider, and the connectors only references", () => {
        const env = unwrapSecret<string[]>(service("connect").inputs.envs);
        assert.ok(env.includes("CONNECT_CONFIG_PROVIDERS=env"));
        assert.ok(
            env.includes(
                "CONNECT_CONFIG_PROVIDERS_ENV_CLASS=org.apache.kafka.common.config.provider.EnvVarConfigProvider",
            ),
        );
        assert.ok(env.some((e) => e.startsWith(`CDC_CLICKHOUSE_PASSWORD=${MOCK_SECRET_PREFIX}`)));
        assert.ok(env.some((e) => /^CDC_DEBEZIUM_CONNECTION_STRING=mongodb:\/\/debezium:MOCKPW/.test(e)));
        const refs = (n: string) => run.byName(n).inputs.secretRefs;
        assert.deepEqual(refs("cdc-sink"), { password: "${env:CDC_CLICKHOUSE_PASSWORD}" });
        assert.deepEqual(refs("cdc-source"), { "mongodb.connection.string": "${env:CDC_DEBEZIUM_CONNECTION_STRING}" });
    });

    it("gives Kafka a heap that fits its memory limit", () => {
        const kafka = service("kafka");
        const env = (unwrapSecrets(kafka.inputs.envs) as unknown[]).filter((e): e is string => typeof e === "string");
        const heap = Number(
            /^KAFKA_HEAP_OPTS=.*-Xmx(\d+)m$/.exec(env.find((e) => e.startsWith("KAFKA_HEAP_OPTS="))!)![1],
        );
        assert.ok(
            heap <= (kafka.inputs.memory as number) * 0.75,
            `heap ${heap} MiB vs limit ${kafka.inputs.memory} MiB`,
        );
    });

    it("runs Kafka in KRaft mode without ZooKeeper", () => {
        // Secure by default: the node's properties are written by its start script (shared/kafkaSecurity.ts).
        const text = JSON.stringify(unwrapSecrets(service("kafka").inputs));
        assert.match(text, /process\.roles=broker,controller/);
        assert.doesNotMatch(text, /ZOOKEEPER|zookeeper/);
    });
});
