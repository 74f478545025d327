/**
 * MongoDB on docker with the stack's TLS material, under Pulumi mocks: the builder given
 * `creds.tls` (a StackTls of fixed values, test/support/mock-tls.ts) and the CDC layer on its
 * endpoints. The member requires TLS, every client verifies it against the stack's CA, the key
 * travels only as a secret, and Debezium trusts the stack's truststore by reference.
 */
import { CONNECT_TRUSTSTORE, connectStartScript } from "../../components/platform/shared/kafkaSecurity";
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { CONNECT_SECRET_REFS } from "../../connectors";
import type { DockerMongo } from "../../components/platform/docker/mongo";
import {
    isSecretValue,
    MOCK_SECRET_PREFIX,
    type MockRun,
    plainStrings,
    runUnderMocks,
    unwrapSecret,
} from "../support/mocks";
import { MOCK_CA_PEM, mockCertPem, mockKeyPem, mockStackTls } from "../support/mock-tls";

let run: MockRun & { program: { mongo: DockerMongo } };
const container = (role: string) => run.byName(`cdc-docker-${role}`);
type Upload = { file: string; content: unknown; permissions?: string };
const uploads = (role: string) => unwrapSecret<Upload[]>(container(role).inputs.uploads);
const command = (role: string) => (container(role).inputs.command as string[]).join(" ");

before(async () => {
    run = await runUnderMocks({ "cdc:platform": "docker" }, async () => {
        const { loadConfig } = await import("../../components/config/load");
        const { dockerContext } = await import("../../components/platform/docker/context");
        const { mongoReplicaSet } = await import("../../components/platform/docker/mongo");
        const { credentials } = await import("../../components/platform/shared/credentials");
        const { CdcPipeline } = await import("../../components/pipeline");
        const cfg = loadConfig();
        if (cfg.platform !== "docker") throw new Error("expected the docker platform");
        const parent = new pulumi.ComponentResource("cdc:platform:Docker", "cdc-docker");
        const ctx = dockerContext("cdc-docker", parent, cfg.docker, cfg);
        const mongo = mongoReplicaSet(ctx, { ...credentials("cdc-docker", parent), tls: mockStackTls() });
        new CdcPipeline("cdc", {
            settings: cfg,
            endpoints: {
                mongo: {
                    connectorConnectionString: mongo.connectorConnectionString,
                    hostConnectionString: mongo.hostConnectionString,
                    connectorTls: mongo.connectorTls,
                },
                kafka: { internalBootstrap: "kafka:9092", hostBootstrap: "127.0.0.1:19092", replicationFactor: 1 },
                connect: { url: "http://127.0.0.1:8083", secretRefs: CONNECT_SECRET_REFS },
                clickhouse: {
                    internal: { host: "clickhouse", port: 8123, ssl: false },
                    url: "http://127.0.0.1:8123",
                    database: "default",
                    user: "cdc",
                    password: pulumi.secret("ch"),
                },
                ready: { mongo: [mongo.container, mongo.init], connect: [], clickhouse: [] },
            },
        });
        return { mongo };
    });
});

describe("MongoDB on docker with TLS (mocks)", () => {
    it("runs the member with TLS required, its certificate + key joined for mongod, the stack's CA, keyfile auth kept", () => {
        const c = command("mongo");
        assert.match(c, /--tlsMode requireTLS /);
        assert.match(c, /--tlsCertificateKeyFile \/etc\/mongo\/tls\.pem /);
        assert.match(c, /--tlsCAFile \/etc\/cdc\/tls\/ca\.crt /);
        assert.match(c, /--tlsAllowConnectionsWithoutCertificates$/);
        assert.match(c, /--keyFile \/etc\/mongo\/keyfile /, "members still authenticate with the keyfile");
        assert.match(
            c,
            /awk 1 \/etc\/cdc\/tls\/tls\.crt \/etc\/cdc\/tls\/tls\.key \| install -o 999 -g 999 -m 0400 \/dev\/stdin \/etc\/mongo\/tls\.pem && exec docker-entrypoint\.sh mongod /,
        );
        assert.ok(!/tlsMode (allow|prefer)TLS|tlsAllowInvalid/.test(c), "no plaintext or unverified mode");
    });

    it("uploads the CA and certificate readable and the key root-only, the key as a secret", () => {
        const up = Object.fromEntries(uploads("mongo").map((u) => [u.file, u]));
        assert.equal(unwrapSecret(up["/etc/cdc/tls/ca.crt"].content), MOCK_CA_PEM);
        assert.equal(unwrapSecret(up["/etc/cdc/tls/tls.crt"].content), mockCertPem("mongo"));
        assert.equal(up["/etc/cdc/tls/tls.key"].permissions, "0400");
        assert.equal(unwrapSecret(up["/etc/cdc/tls/tls.key"].content), mockKeyPem("mongo"));
        assert.ok(isSecretValue(container("mongo").inputs.uploads), "the uploads carry the key: secret as a whole");
    });

    it("has the healthcheck and the init job verify the member by its name against the stack's CA", () => {
        const hc = (container("mongo").inputs.healthcheck as { tests: string[] }).tests[1];
        assert.match(hc, /^mongosh --quiet --tls --tlsCAFile \/etc\/cdc\/tls\/ca\.crt --host mongo -u /);
        assert.match(
            command("mongo-init"),
            /mongosh --quiet --tls --tlsCAFile \/etc\/cdc\/tls\/ca\.crt "mongodb:\/\/mongo:27017\/admin/,
        );
        const init = uploads("mongo-init").map((u) => u.file);
        assert.deepEqual(init.sort(), ["/cdc/init.js", "/etc/cdc/tls/ca.crt"], "the job gets the CA, not the key");
    });

    it("gives Debezium and the host tls=true connection strings, secret", async () => {
        const debezium = await run.output(run.program.mongo.debeziumUri);
        assert.match(
            debezium.value,
            /^mongodb:\/\/debezium:MOCKPW[^@]*@mongo:27017\/\?replicaSet=rs0&authSource=admin&tls=true$/,
        );
        const host = await run.output(run.program.mongo.hostConnectionString);
        assert.equal(host.secret, true);
        assert.match(host.value, /@127\.0\.0\.1:27017\/\?authSource=admin&directConnection=true&tls=true$/);
        assert.ok(!/tlsAllowInvalid|tlsInsecure/.test(host.value + debezium.value));
    });

    it("renders the source connector with TLS, hostname verification and the truststore password by reference", () => {
        const config = run.byName("cdc-source").inputs.config as Record<string, string>;
        assert.equal(config["mongodb.ssl.enabled"], "true");
        assert.equal(config["mongodb.ssl.invalid.hostname.allowed"], "false");
        // The store the Connect worker's start script makes from the CA (keytool), not an uploaded file.
        assert.equal(config["mongodb.ssl.truststore"], CONNECT_TRUSTSTORE);
        assert.match(connectStartScript("start"), new RegExp(`-keystore ${CONNECT_TRUSTSTORE} `));
        assert.equal(config["mongodb.ssl.truststore.type"], "PKCS12");
        assert.equal(config["mongodb.ssl.truststore.password"], "${env:CDC_TLS_STORE_PASSWORD}");
    });

    it("never puts the member's key or a password in a plain input", () => {
        for (const r of run.resources)
            for (const { path, value } of plainStrings(r.inputs))
                assert.ok(!value.includes(MOCK_SECRET_PREFIX), `${r.name}.${path} carries a secret in clear`);
    });
});
