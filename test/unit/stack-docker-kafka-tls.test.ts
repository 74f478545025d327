/**
 * The docker platform's Kafka and Kafka Connect with TLS on (`creds.tls` set), under Pulumi mocks:
 * no PLAINTEXT listener, every Kafka / Connect password a reference or a secret env entry, the TLS
 * files uploaded from secrets, healthchecks over SASL_SSL / HTTPS, the seam's credentials.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { CONNECT_SECRET_ENV } from "../../connectors";
import { loadConfig } from "../../components/config/load";
import type { DockerConfig } from "../../components/config";
import { credentials } from "../../components/platform/shared/credentials";
import { dockerContext } from "../../components/platform/docker/context";
import { kafkaCluster } from "../../components/platform/docker/kafka";
import { connectWorkers } from "../../components/platform/docker/connect";
import { mongoReplicaSet } from "../../components/platform/docker/mongo";
import {
    isSecretValue,
    MOCK_FETCHER_ENV,
    MOCK_SECRET_PREFIX,
    MockRun,
    plainStrings,
    runUnderMocks,
    unwrapSecrets,
    withEnv,
} from "../support/mocks";
import { mockStackTls } from "../support/mock-tls";

class Parent extends pulumi.ComponentResource {
    constructor() {
        super("cdc:test:Parent", "docker", {});
    }
}

function program() {
    const cfg = loadConfig() as DockerConfig;
    const parent = new Parent();
    const ctx = dockerContext("docker", parent, cfg.docker, cfg);
    const creds = { ...credentials("docker", parent), tls: mockStackTls() };
    const mongo = mongoReplicaSet(ctx, creds);
    const kafka = kafkaCluster(ctx, creds);
    const connect = connectWorkers(ctx, creds, { mongo, kafka });
    return { kafka, connect };
}

let run: MockRun & { program: ReturnType<typeof program> };
const container = (role: string) => run.byName(`docker-${role}`);
/** The env as the provider receives it (a secret as a whole: it carries passwords). */
const envOf = (role: string) => unwrapSecrets(container(role).inputs.envs) as string[];
const plainEnv = envOf;

before(async () => {
    run = await withEnv(MOCK_FETCHER_ENV, () =>
        runUnderMocks({ "cdc:platform": "docker" }, () => Promise.resolve(program())),
    );
});

describe("docker Kafka and Connect with TLS on", () => {
    it("runs the broker with every listener SSL or SASL_SSL and publishes only the SASL_SSL host listener", () => {
        const kafka = container("kafka");
        const script = (kafka.inputs.command as string[]).join(" ");
        assert.doesNotMatch(script, /PLAINTEXT/);
        assert.match(
            script,
            /listener\.security\.protocol\.map=CONTROLLER:SSL,BROKER:SSL,INTERNAL:SASL_SSL,HOST:SASL_SSL/,
        );
        assert.match(script, /--add-scram/);
        assert.match(script, /kafka-configs\.sh .*--add-config/);
        const ports = kafka.inputs.ports as { internal: number }[];
        assert.deepEqual(
            ports.map((p) => p.internal),
            [19092],
        );
        assert.doesNotMatch(JSON.stringify(plainEnv("kafka")), /PLAINTEXT|KAFKA_LISTENERS/);
    });

    it("uploads the CA and the service keystore from secrets, readable by the service user only", () => {
        for (const [role, owner] of [
            ["kafka", "1000"],
            ["connect", "1001"],
        ] as const) {
            assert.ok(isSecretValue(container(role).inputs.uploads), `${role} uploads travel as a secret`);
            const uploads = unwrapSecrets(container(role).inputs.uploads) as Record<string, unknown>[];
            const files = uploads.map((u) => u.file);
            assert.deepEqual(files, ["/etc/cdc/tls/ca.crt", "/etc/cdc/tls/keystore.p12"], role);
            const keystore = uploads[1];
            // The service's own keystore (base64 as the StackTls gives it), not another service's.
            assert.match(String(keystore.contentBase64), new RegExp(`tls-${role}-keystore`));
            assert.equal(keystore.owner, owner);
            assert.equal(keystore.permissions, "0400");
        }
    });

    it("gives every Kafka / Connect password as a secret env entry and references it in properties", () => {
        // Outside the env and the uploads (secrets as a whole), no input holds a password.
        for (const role of ["kafka", "connect"]) {
            const { envs: _e, uploads: _u, ...rest } = container(role).inputs;
            const leaks = plainStrings(rest).filter((s) => s.value.includes(MOCK_SECRET_PREFIX));
            assert.deepEqual(leaks, [], role);
            assert.ok(isSecretValue(container(role).inputs.envs), `${role} env travels as a secret`);
            // In the env, a password is only ever the whole value of a CDC_* password variable.
            const holders = envOf(role)
                .filter((e) => e.includes(MOCK_SECRET_PREFIX))
                .map((e) => e.split("=")[0]);
            const expected =
                role === "kafka"
                    ? ["CDC_TLS_STORE_PASSWORD", "CDC_KAFKA_CONNECT_PASSWORD", "CDC_KAFKA_STATUS_PASSWORD"]
                    : [
                          CONNECT_SECRET_ENV.clickhousePassword,
                          CONNECT_SECRET_ENV.debeziumConnectionString,
                          "CDC_TLS_STORE_PASSWORD",
                          "CDC_KAFKA_CONNECT_PASSWORD",
                          "CDC_CONNECT_REST_PASSWORD",
                      ];
            assert.deepEqual(holders.sort(), expected.sort(), role);
        }
        const env = plainEnv("connect");
        for (const prefix of ["", "PRODUCER_", "CONSUMER_", "ADMIN_"]) {
            assert.ok(env.includes(`CONNECT_${prefix}SECURITY_PROTOCOL=SASL_SSL`), prefix);
            const jaas = env.find((e) => e.startsWith(`CONNECT_${prefix}SASL_JAAS_CONFIG=`));
            assert.match(jaas ?? "", /password="\$\{env:CDC_KAFKA_CONNECT_PASSWORD\}"/, prefix);
        }
        assert.ok(env.includes("CONNECT_LISTENERS=https://0.0.0.0:8083"));
        assert.ok(env.includes("BOOTSTRAP_SERVERS=kafka:9092"));
    });

    it("sets each worker variable once (a second CONNECT_CONFIG_PROVIDERS would silently win)", () => {
        const env = (unwrapSecrets(container("connect").inputs.envs) as unknown[]).map((e) => String(e).split("=")[0]);
        assert.deepEqual(
            env.filter((n, i) => env.indexOf(n) !== i),
            [],
        );
    });

    it("checks health over SASL_SSL and HTTPS with the container's own credentials", () => {
        const kafkaHc = (container("kafka").inputs.healthcheck as { tests: string[] }).tests[1];
        assert.match(kafkaHc, /--command-config \/tmp\/cdc-kafka\/client\.properties/);
        const connectHc = (container("connect").inputs.healthcheck as { tests: string[] }).tests[1];
        assert.match(connectHc, /curl -fsS -K - --cacert \/etc\/cdc\/tls\/ca\.crt https:\/\/localhost:8083/);
        assert.match(connectHc, /\$CDC_CONNECT_REST_PASSWORD/);
        assert.doesNotMatch(connectHc, /http:\/\//);
    });

    it("hands the host-side tools an https URL, basic auth and the status SCRAM user, passwords secret", async () => {
        const { kafka, connect } = run.program;
        assert.equal((await run.output(connect.url as never)).value, "https://127.0.0.1:8083");
        assert.equal(connect.auth?.user, "cdc");
        assert.equal(kafka.sasl?.user, "status");
        assert.equal(kafka.sasl?.mechanism, "SCRAM-SHA-512");
        for (const pw of [connect.auth!.password, kafka.sasl!.password]) {
            const o = await run.output(pw as never);
            assert.equal(o.secret, true);
        }
    });
});
