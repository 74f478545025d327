/**
 * ClickHouse on docker with the stack's TLS material, its builder under Pulumi mocks with a
 * `StackTls` of plain values (test/support/mock-tls.ts): what it publishes, the files it uploads,
 * how its health is decided, what the CDC layer is told, and that no password travels in clear.
 * Without TLS (`cdc:tls.enabled: false`) the builder keeps the plain shape: the same run builds it too.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import type { DockerConfig } from "../../components/config";
import { ENGINES, roundTrip } from "../support/docker-provider-model";
import {
    isSecretValue,
    MOCK_SECRET_PREFIX,
    MockRun,
    plainStrings,
    runUnderMocks,
    unwrapSecret,
    unwrapSecrets,
} from "../support/mocks";
import {
    MOCK_CA_PEM,
    MOCK_CLICKHOUSE_PASSWORD,
    MockParent,
    mockCertPem,
    mockCredentials,
    mockStackTls,
} from "../support/mock-tls";

type Built = typeof import("../../components/platform/docker/clickhouse") extends {
    clickhouseServer: (...a: never[]) => infer R;
}
    ? R
    : never;
let run: MockRun & { program: { tls: Built; plain: Built } };

const container = (component: string) => run.byName(`${component}-clickhouse`);
type Upload = { file: string; content: string; permissions: string };
const uploads = (component: string) => unwrapSecret<Upload[]>(container(component).inputs.uploads);
const upload = (file: string) => {
    const u = uploads("tls").find((x) => x.file === file);
    assert.ok(u, `an upload at ${file}`);
    return u;
};

before(async () => {
    run = await runUnderMocks({ "cdc:platform": "docker" }, async () => {
        const { parseConfig } = await import("../../components/config");
        const { dockerContext } = await import("../../components/platform/docker/context");
        const { clickhouseServer } = await import("../../components/platform/docker/clickhouse");
        const cfg = parseConfig({ platform: "docker" }) as DockerConfig;
        const build = (name: string, withTls: boolean) =>
            clickhouseServer(
                dockerContext(name, new MockParent(name), cfg.docker, cfg),
                mockCredentials(withTls ? mockStackTls() : undefined),
            );
        const tls = build("tls", true);
        // The CDC layer on top of it, as the docker platform wires it (the other services as values).
        const { generatedEndpoints } = await import("../../components/platform/shared/endpoints");
        const { CONNECT_SECRET_REFS } = await import("../../connectors/secretRefs");
        const { CdcPipeline } = await import("../../components/pipeline");
        const endpoints = generatedEndpoints({
            pipeline: cfg,
            clickhousePassword: mockCredentials().clickhousePassword,
            mongo: {
                connectorConnectionString: pulumi.secret("mongodb://debezium@mongo:27017"),
                hostConnectionString: pulumi.secret("mongodb://root@127.0.0.1:27017"),
            },
            kafka: { internalBootstrap: "kafka:9092", hostBootstrap: "127.0.0.1:9092", replicationFactor: 1 },
            connect: { url: pulumi.output("http://127.0.0.1:8083"), secretRefs: CONNECT_SECRET_REFS },
            clickhouse: tls,
            ready: { mongo: [], connect: [], clickhouse: [tls.container] },
        });
        new CdcPipeline("cdc", { settings: cfg, endpoints });
        return { tls, plain: build("plain", false) };
    });
});

describe("ClickHouse on docker with TLS (builder under mocks)", () => {
    it("publishes only HTTPS (8443) on the host's ClickHouse port, no plain HTTP or native port", () => {
        const ports = container("tls").inputs.ports as { internal: number; external: number; ip: string }[];
        assert.deepEqual(
            ports.map((p) => [p.internal, p.external, p.ip]),
            [[8443, 8123, "127.0.0.1"]],
        );
        // without TLS, as before: plain HTTP
        const plain = container("plain").inputs.ports as { internal: number }[];
        assert.deepEqual(
            plain.map((p) => p.internal),
            [8123],
        );
    });

    it("tells the CDC layer https on the host and HTTPS 8443 with the stack's CA for the sink", async () => {
        assert.equal(run.program.tls.url, "https://127.0.0.1:8123");
        assert.deepEqual(run.program.tls.internal, {
            host: "clickhouse",
            port: 8443,
            ssl: true,
            caFile: "/etc/cdc/tls/ca.crt",
        });
        assert.equal(run.program.plain.url, "http://127.0.0.1:8123");
        assert.deepEqual(run.program.plain.internal, { host: "clickhouse", port: 8123, ssl: false });
    });

    it("gives the sink HTTPS on 8443 and the stack's CA, and the password only by reference", () => {
        const sink = run.byName("cdc-sink");
        const config = sink.inputs.config as Record<string, string>;
        assert.deepEqual(
            [config.hostname, config.port, config.ssl, config.jdbcConnectionProperties, config.clientVersion],
            ["clickhouse", "8443", "true", "sslmode=strict&sslrootcert=/etc/cdc/tls/ca.crt", "V1"],
        );
        assert.deepEqual(sink.inputs.secretRefs, { password: "${env:CDC_CLICKHOUSE_PASSWORD}" });
        assert.ok(!("password" in config));
        // the bronze provider (on the host) gets the https URL
        assert.equal(run.byName("cdc-bronze").inputs.url, "https://127.0.0.1:8123");
    });

    it("keeps the password out of the environment; the image writes no users file", () => {
        const envs = unwrapSecrets(container("tls").inputs.envs) as string[];
        assert.deepEqual(envs, ["CLICKHOUSE_SKIP_USER_SETUP=1"]);
        // the plain shape still hands the image its user variables
        const plain = unwrapSecrets(container("plain").inputs.envs) as string[];
        assert.ok(plain.includes(`CLICKHOUSE_PASSWORD=${MOCK_CLICKHOUSE_PASSWORD}`));
    });

    it("uploads the users file with the password's SHA-256, never the password, as a secret readable by root only", () => {
        assert.ok(isSecretValue(container("tls").inputs.uploads), "uploads (users file, key) travel as a secret");
        const users = upload("/etc/clickhouse-server/users.d/cdc-users.xml");
        const hash = createHash("sha256").update(MOCK_CLICKHOUSE_PASSWORD).digest("hex");
        assert.match(
            users.content,
            new RegExp(`<cdc replace="replace">\\s*<password_sha256_hex>${hash}</password_sha256_hex>`),
        );
        assert.ok(!users.content.includes(MOCK_CLICKHOUSE_PASSWORD), "no password in the users file");
        assert.doesNotMatch(users.content, /<password>/);
        assert.match(users.content, /<default remove="remove"\/>/);
        assert.equal(users.permissions, "0400");
    });

    it("uploads the stack's CA, the ClickHouse certificate and its key at /etc/cdc/tls, the key 0400", () => {
        assert.equal(upload("/etc/cdc/tls/ca.crt").content, MOCK_CA_PEM);
        assert.equal(upload("/etc/cdc/tls/tls.crt").content, mockCertPem("clickhouse"));
        const key = upload("/etc/cdc/tls/tls.key");
        assert.match(key.content, new RegExp(`${MOCK_SECRET_PREFIX}-tls-clickhouse-key`));
        assert.equal(key.permissions, "0400");
        // the server (uid 101) gets the key and the users file before the image's entrypoint runs
        assert.deepEqual(container("tls").inputs.command, [
            "bash",
            "-c",
            "chown clickhouse:clickhouse /etc/cdc/tls/tls.key /etc/clickhouse-server/users.d/cdc-users.xml && exec /entrypoint.sh",
        ]);
    });

    it("configures HTTPS 8443 and native TLS 9440 with the stack's certificate and removes every plaintext listener", () => {
        const xml = upload("/etc/clickhouse-server/config.d/cdc-tls.xml").content;
        assert.match(xml, /<https_port>8443<\/https_port>/);
        assert.match(xml, /<tcp_port_secure>9440<\/tcp_port_secure>/);
        for (const plain of ["http_port", "tcp_port", "mysql_port", "postgresql_port", "interserver_http_port"])
            assert.match(xml, new RegExp(`<${plain} remove="remove"/>`), plain);
        assert.match(xml, /<certificateFile>\/etc\/cdc\/tls\/tls\.crt<\/certificateFile>/);
        assert.match(xml, /<privateKeyFile>\/etc\/cdc\/tls\/tls\.key<\/privateKeyFile>/);
        assert.match(xml, /<caConfig>\/etc\/cdc\/tls\/ca\.crt<\/caConfig>/);
    });

    it("is healthy only when HTTPS answers with a certificate the stack's CA verifies", () => {
        const test = (container("tls").inputs.healthcheck as { tests: string[] }).tests;
        assert.equal(test[0], "CMD-SHELL");
        assert.equal(test[1], "wget -q -O /dev/null --ca-certificate=/etc/cdc/tls/ca.crt https://clickhouse:8443/ping");
        assert.doesNotMatch(test[1], /no-check-certificate|\$CLICKHOUSE_PASSWORD/);
    });

    it("holds no password, hash or key in any plain input", () => {
        const hash = createHash("sha256").update(MOCK_CLICKHOUSE_PASSWORD).digest("hex");
        const leaks = plainStrings(container("tls").inputs).filter(
            (s) => s.value.includes(MOCK_SECRET_PREFIX) || s.value.includes(hash),
        );
        assert.deepEqual(leaks, []);
    });

    it("round-trips through the docker provider's read-back unchanged (a second up changes nothing)", () => {
        for (const [engine, traits] of Object.entries(ENGINES))
            assert.deepEqual(
                roundTrip(unwrapSecrets(container("tls").inputs) as Record<string, unknown>, traits),
                [],
                engine,
            );
    });
});
