/**
 * The JMX exporter agent on the docker platform (`jmxAgent` given to the Kafka and Connect builders,
 * TLS on), under Pulumi mocks: the pinned jar fetched and checked by a job per service, mounted
 * read-only, `-javaagent:` on port 9404 for the broker's JVM only (not its tools), HTTPS with the
 * service keystore and basic auth by a salted SHA-256 hash (no password in any spec).
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import * as yaml from "js-yaml";
import { loadConfig } from "../../components/config/load";
import type { DockerConfig } from "../../components/config";
import { DEFAULT_JMX_EXPORTER_AGENT } from "../../components/config/versions";
import { jmxPasswordHash } from "../../components/monitoring/jmx";
import { credentials } from "../../components/platform/shared/credentials";
import { jmxPasswordSalt } from "../../components/platform/shared/jmxAgent";
import { dockerContext } from "../../components/platform/docker/context";
import { kafkaCluster } from "../../components/platform/docker/kafka";
import { connectWorkers } from "../../components/platform/docker/connect";
import { mongoReplicaSet } from "../../components/platform/docker/mongo";
import {
    containsSecret,
    isSecretValue,
    MOCK_FETCHER_ENV,
    MockRun,
    plainStrings,
    runUnderMocks,
    unwrapSecrets,
    withEnv,
} from "../support/mocks";
import { mockStackTls } from "../support/mock-tls";

const METRICS_PASSWORD = "MOCKPW-metrics";
const JAVAAGENT = "-javaagent:/opt/cdc/jmx-exporter/jmx_prometheus_javaagent.jar=9404:/tmp/cdc-jmx/config.yml";

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
    const jmxAgent = { metricsPassword: pulumi.secret(METRICS_PASSWORD) };
    const mongo = mongoReplicaSet(ctx, creds);
    const kafka = kafkaCluster(ctx, creds, { jmxAgent });
    const connect = connectWorkers(ctx, creds, { mongo, kafka }, { jmxAgent });
    return { kafka, connect };
}

let run: MockRun & { program: ReturnType<typeof program> };
const container = (role: string) => run.byName(`docker-${role}`);
const script = (role: string) => {
    const inputs = container(role).inputs;
    return (unwrapSecrets(inputs.command ?? []) as string[])
        .concat(unwrapSecrets(inputs.entrypoints ?? []) as string[])
        .join("\n");
};
/**
 * The agent's YAML as the start script writes it: its lines run by bash into a temporary
 * directory, the store password env set to `storePassword`.
 */
const configOf = (s: string, storePassword = "@CDC_TLS_STORE_PASSWORD@", passwordHash = "@CDC_JMX_PASSWORD_HASH@") => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cdc-jmx-unit-"));
    try {
        const from = s.indexOf(`q="'"`);
        const end = "/tmp/cdc-jmx/config.yml )";
        const to = s.indexOf(end, from);
        assert.ok(from >= 0 && to > from, "the start script writes the agent's config");
        const lines = [s.slice(from, to + end.length)];
        execFileSync("bash", ["-c", lines.join("\n").split("/tmp/cdc-jmx/").join(`${dir}/`)], {
            env: { PATH: process.env.PATH, CDC_TLS_STORE_PASSWORD: storePassword, CDC_JMX_PASSWORD_HASH: passwordHash },
        });
        assert.equal(fs.statSync(path.join(dir, "config.yml")).mode & 0o777, 0o600, "readable by its owner only");
        return yaml.load(fs.readFileSync(path.join(dir, "config.yml"), "utf8")) as {
            httpServer: Record<string, Record<string, unknown>>;
        };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
};

before(async () => {
    run = await withEnv(MOCK_FETCHER_ENV, () =>
        runUnderMocks({ "cdc:platform": "docker" }, () => Promise.resolve(program())),
    );
});

describe("docker: the JMX exporter agent in Kafka and Connect", () => {
    it("fetches the pinned jar per service, refusing a checksum mismatch, before the service starts", () => {
        const url = DEFAULT_JMX_EXPORTER_AGENT.url.replace(/\{version\}/g, DEFAULT_JMX_EXPORTER_AGENT.version);
        for (const role of ["kafka", "connect"]) {
            const job = run.byName(`docker-${role}-jmx-fetch`);
            const text = (job.inputs.command as string[]).join(" ");
            assert.ok(text.includes(`URL='${url}'`), role);
            assert.ok(text.includes(`SHA256='${DEFAULT_JMX_EXPORTER_AGENT.sha256}'`), role);
            assert.match(text, /sha256sum -c - \|\| \{ echo "checksum mismatch/);
            assert.match(text, /cp "\$TMP\/plugin\.zip" "\$TMP\/unpacked\/"'jmx_prometheus_javaagent\.jar'/);
            assert.ok(run.dependsOn(`docker-${role}`).has(`docker-${role}-jmx-fetch`), `${role} waits for the job`);
            const volumes = container(role).inputs.volumes as { containerPath: string; readOnly?: boolean }[];
            assert.ok(
                volumes.some((v) => v.containerPath === "/opt/cdc/jmx-exporter" && v.readOnly === true),
                role,
            );
            const env = unwrapSecrets(container(role).inputs.envs) as string[];
            assert.ok(env.includes(`CDC_JMX_AGENT_SHA256=${DEFAULT_JMX_EXPORTER_AGENT.sha256}`), role);
            // KAFKA_OPTS only in the start script: Kafka's tools in the container must not load the agent.
            assert.ok(!env.some((e) => e.startsWith("KAFKA_OPTS=")), role);
        }
    });

    it("starts the broker's JVM with the agent after the tools the start script runs", () => {
        const s = script("kafka");
        const agent = s.indexOf(JAVAAGENT);
        assert.ok(agent > 0, "the broker gets -javaagent");
        assert.ok(s.indexOf("kafka-configs.sh") < agent, "the SCRAM upsert tool is forked before KAFKA_OPTS");
        assert.ok(s.indexOf("kafka-storage.sh format") < agent, "the storage tool runs without the agent");
        assert.ok(agent < s.indexOf("exec /opt/kafka/bin/kafka-server-start.sh"));
    });

    it("starts Connect with the agent ahead of the image's entrypoint", () => {
        const s = script("connect");
        assert.ok(s.indexOf(JAVAAGENT) > 0 && s.indexOf(JAVAAGENT) < s.indexOf("exec /docker-entrypoint.sh start"));
    });

    it("serves HTTPS with the service keystore and basic auth by a salted hash, no password in a spec", () => {
        for (const role of ["kafka", "connect"] as const) {
            // The hash reaches the container as a secret env only; the command stays plain.
            const raw = container(role).inputs.envs;
            const envs = (isSecretValue(raw) ? (raw as { value: unknown[] }).value : raw) as unknown[];
            const hashEntry = envs.find((e) => String(unwrapSecrets(e)).startsWith("CDC_JMX_PASSWORD_HASH="));
            assert.ok(hashEntry !== undefined, `${role}: the hash in the env`);
            assert.ok(isSecretValue(raw) || isSecretValue(hashEntry), `${role}: the hash's env entry is secret`);
            const hashEnv = String(unwrapSecrets(hashEntry));
            const command = [container(role).inputs.command, container(role).inputs.entrypoints].flat();
            assert.ok(!command.some(containsSecret), `${role}: the start command is plain (readable in a preview)`);
            assert.doesNotMatch(script(role), /[0-9a-f]{40,}/, `${role}: no hash in the start script`);
            const http = configOf(script(role), undefined, hashEnv.slice("CDC_JMX_PASSWORD_HASH=".length)).httpServer;
            assert.deepEqual(http.ssl, {
                keyStore: { filename: "/etc/cdc/tls/keystore.p12", password: "@CDC_TLS_STORE_PASSWORD@" },
                certificate: { alias: "tls" },
            });
            const salt = jmxPasswordSalt("cdc", "test", role);
            assert.deepEqual(http.authentication, {
                basic: {
                    username: "metrics",
                    passwordHash: jmxPasswordHash(METRICS_PASSWORD, salt),
                    algorithm: "SHA-256",
                    salt,
                },
            });
            const { envs: _e, uploads: _u, ...rest } = container(role).inputs;
            const leaks = plainStrings(unwrapSecrets(rest)).filter((v) => v.value.includes(METRICS_PASSWORD));
            assert.deepEqual(leaks, [], role);
        }
        assert.notEqual(jmxPasswordSalt("cdc", "test", "kafka"), jmxPasswordSalt("cdc", "test", "connect"));
        // The store password is filled in at start, whatever characters it holds.
        const odd = "a'b&c\\d$e";
        assert.equal((configOf(script("kafka"), odd).httpServer.ssl.keyStore as { password: string }).password, odd);
    });
});
