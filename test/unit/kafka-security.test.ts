/** The Kafka / Connect security renderers: every listener encrypted, every password a reference. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
    brokerSecurityProperties,
    CONNECT_REST_USER,
    CONTAINER_TLS_FILES,
    connectRestCredentialsCommand,
    KAFKA_USERS,
    scramFormatArgs,
    scramUpsertCommand,
    workerSecurityProperties,
} from "../../components/platform/shared/kafkaSecurity";

const broker = (host?: { port: number; advertised: string }) =>
    brokerSecurityProperties({
        bindHost: "",
        advertisedHost: "kafka-0.kafka",
        quorumVoters: "0@kafka-0.kafka:9093",
        tls: CONTAINER_TLS_FILES,
        ...(host ? { host } : {}),
    });

describe("broker security properties", () => {
    it("maps every listener to SSL or SASL_SSL, never PLAINTEXT", () => {
        for (const p of [broker(), broker({ port: 19092, advertised: "127.0.0.1:19092" })]) {
            const names = p.listeners.split(",").map((l) => l.split(":")[0]);
            const map = Object.fromEntries(p["listener.security.protocol.map"].split(",").map((e) => e.split(":")));
            for (const n of names) assert.match(map[n], /^(SSL|SASL_SSL)$/, `${n} is ${map[n]}`);
            assert.doesNotMatch(JSON.stringify(p), /PLAINTEXT/);
        }
        const withHost = broker({ port: 19092, advertised: "127.0.0.1:19092" });
        assert.match(withHost["advertised.listeners"], /HOST:\/\/127\.0\.0\.1:19092/);
        assert.equal(withHost["listener.security.protocol.map"].includes("HOST:SASL_SSL"), true);
    });

    it("requires client certificates on the controller and inter-broker listeners", () => {
        const p = broker();
        assert.equal(p["listener.name.controller.ssl.client.auth"], "required");
        assert.equal(p["listener.name.broker.ssl.client.auth"], "required");
        assert.equal(p["inter.broker.listener.name"], "BROKER");
        assert.equal(p["sasl.enabled.mechanisms"], "SCRAM-SHA-512");
    });

    it("reads the keystore password from the environment", () => {
        assert.equal(broker()["ssl.keystore.password"], "${env:CDC_TLS_STORE_PASSWORD}");
    });
});

describe("worker security properties", () => {
    const w = workerSecurityProperties({ restPort: 8083, restBindHost: "0.0.0.0", tls: CONTAINER_TLS_FILES });

    it("puts the worker and its producer, consumer and admin clients on SASL_SSL with a password reference", () => {
        for (const prefix of ["", "producer.", "consumer.", "admin."]) {
            assert.equal(w[`${prefix}security.protocol`], "SASL_SSL", prefix);
            assert.equal(w[`${prefix}sasl.mechanism`], "SCRAM-SHA-512", prefix);
            assert.match(
                w[`${prefix}sasl.jaas.config`],
                /username="connect" password="\$\{env:CDC_KAFKA_CONNECT_PASSWORD\}";$/,
            );
            assert.equal(w[`${prefix}ssl.truststore.location`], "/etc/cdc/tls/ca.crt");
        }
    });

    it("serves REST on HTTPS with basic auth and advertises https to the other workers", () => {
        assert.equal(w.listeners, "https://0.0.0.0:8083");
        assert.equal(w["rest.advertised.listener"], "https");
        assert.match(w["rest.extension.classes"], /BasicAuthSecurityRestExtension$/);
        for (const [k, v] of Object.entries(w)) if (/password/.test(k)) assert.match(v, /^\$\{env:[A-Z_]+\}$/, k);
    });
});

describe("shell snippets", () => {
    it("carry no password, only the env vars that hold them", () => {
        const text = [
            ...scramFormatArgs(),
            scramUpsertCommand({
                bin: "/opt/kafka/bin",
                adminConfig: "/tmp/a.properties",
                bootstrap: "localhost:9094",
            }),
            connectRestCredentialsCommand("/tmp/users.properties"),
        ].join("\n");
        for (const u of Object.values(KAFKA_USERS)) assert.ok(text.includes(`$${u.passwordEnv}`), u.name);
        assert.ok(text.includes(`$${CONNECT_REST_USER.passwordEnv}`));
        assert.doesNotMatch(text, /password=[A-Za-z0-9]/);
    });
});
