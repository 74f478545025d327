/**
 * The whole program under Pulumi mocks with `cdc:platform docker`: its credentials, the CDC layer
 * on top, the order of creation and the stack outputs. The services themselves: stack-docker.test.ts.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import {
    isSecretValue,
    MOCK_FETCHER_ENV,
    MOCK_SECRET_PREFIX,
    MockRun,
    plainStrings,
    runUnderMocks,
    withEnv,
} from "../support/mocks";

type Program = typeof import("../../index");
let run: MockRun & { program: Program };

const service = (role: string) => run.byName(`docker-${role}`);

before(async () => {
    // With a proxy carrying credentials: it must stay secret too.
    run = await withEnv(MOCK_FETCHER_ENV, () =>
        runUnderMocks({ "cdc:platform": "docker" }, () => import("../../index")),
    );
});

describe("docker platform under mocks: credentials, CDC layer, order and outputs", () => {
    it("declares no credential in plain text in any resource input", () => {
        const leaks = run.resources.flatMap((r) =>
            plainStrings(r.inputs)
                .filter((s) => s.value.includes(MOCK_SECRET_PREFIX))
                .map((s) => `${r.name}.${s.path}`),
        );
        assert.deepEqual(leaks, []);
        // …and the generated passwords are really used somewhere (as secrets).
        const secretInputs = run.resources.flatMap((r) => Object.values(r.inputs)).filter(isSecretValue);
        assert.ok(secretInputs.length > 0);
    });

    it("generates every credential", () => {
        const pw = run.resources
            .filter((r) => r.type === "random:index/randomPassword:RandomPassword")
            .map((r) => r.name)
            .sort();
        assert.deepEqual(pw, [
            "cdc-docker-clickhouse-password",
            "cdc-docker-connect-rest-password",
            // Monitoring (on by default): Grafana's and Prometheus' admins, the scrape login.
            "cdc-docker-grafana-admin-password",
            "cdc-docker-kafka-connect-password",
            "cdc-docker-kafka-status-password",
            "cdc-docker-metrics-password",
            "cdc-docker-mongo-debezium-password",
            "cdc-docker-mongo-keyfile",
            "cdc-docker-mongo-root-password",
            "cdc-docker-prometheus-admin-password",
        ]);
    });

    it("declares dynamic resources for the bronze tables, both connectors and the dbt run", () => {
        const dyn = run.resources
            .filter((r) => r.type.startsWith("pulumi-nodejs:dynamic") && !/Certificate/.test(r.type))
            .map((r) => `${r.type} ${r.name}`)
            .sort();
        assert.deepEqual(dyn, [
            "pulumi-nodejs:dynamic/cdc:BronzeTables cdc-bronze",
            "pulumi-nodejs:dynamic/cdc:DbtRun cdc-dbt",
            "pulumi-nodejs:dynamic/cdc:KafkaConnector cdc-sink",
            "pulumi-nodejs:dynamic/cdc:KafkaConnector cdc-source",
        ]);
    });

    it("makes the stack's CA and a certificate per service, for its alias and the host's addresses", () => {
        const certs = run.resources.filter((r) => r.type === "pulumi-nodejs:dynamic/cdc:ServiceCertificate");
        assert.deepEqual(certs.map((r) => r.name).sort(), [
            "cdc-docker-tls-clickhouse",
            "cdc-docker-tls-connect",
            "cdc-docker-tls-exporter",
            "cdc-docker-tls-grafana",
            "cdc-docker-tls-kafka",
            "cdc-docker-tls-mongo",
            "cdc-docker-tls-prometheus",
        ]);
        for (const c of certs) {
            const service = c.name.replace("cdc-docker-tls-", "");
            assert.deepEqual(c.inputs.dnsNames, ["localhost", service].sort());
            assert.deepEqual(c.inputs.ipAddresses, ["127.0.0.1", "::1"]);
            assert.deepEqual([c.inputs.validityDays, c.inputs.renewBeforeDays], [90, 30]);
            assert.ok(isSecretValue(c.inputs.caKeyPem), "the CA key reaches the certificate as a secret");
            assert.ok(isSecretValue(c.inputs.storePassword));
            assert.ok(run.dependsOn(c.name).has("cdc-docker-tls-ca"));
        }
        const ca = run.byName("tls-ca");
        assert.deepEqual([ca.inputs.validityDays, ca.inputs.givenCertPem], [3650, undefined]);
    });

    it("exports the CA certificate (public) for host tools", async () => {
        const pem = await new Promise<unknown>((resolve) =>
            pulumi.output(run.program.caCertificate).apply((v) => resolve(v)),
        );
        assert.match(String(pem), /^-----BEGIN CERTIFICATE-----\nMOCK cdc-docker-tls-ca\n/);
    });

    it("creates in data-flow order: ClickHouse → bronze → sink → source, MongoDB init → source, bronze → dbt", () => {
        const deps = (n: string) => run.dependsOn(n);
        assert.ok(deps("cdc-bronze").has(service("clickhouse").name));
        assert.ok(deps("cdc-sink").has("cdc-bronze"));
        assert.ok(deps("cdc-sink").has(service("connect").name));
        assert.ok(deps("cdc-source").has("cdc-sink"));
        assert.ok(deps("cdc-source").has(service("mongo-init").name));
        assert.ok(deps("cdc-dbt").has("cdc-bronze"));
        assert.ok(!deps("cdc-bronze").has("cdc-sink"), "no cycle back");
    });

    it("exports the MongoDB URI as a secret and the service URLs in plain", async () => {
        const uri = await run.output(run.program.mongoUri);
        assert.equal(uri.secret, true);
        const chPassword = await run.output(run.program.clickhousePassword);
        assert.equal(chPassword.secret, true);
        assert.equal(chPassword.value, `${MOCK_SECRET_PREFIX}-cdc-docker-clickhouse-password`);
        assert.match(uri.value, /^mongodb:\/\/root:.+@127\.0\.0\.1:27017\//);
        assert.equal((await run.output(run.program.connectUrl as never)).value, "https://127.0.0.1:8083");
        // Secure by default: HTTPS on the published ClickHouse HTTP port.
        assert.equal(run.program.clickhouseUrl, "https://127.0.0.1:8123");
        assert.equal(run.program.kafkaBootstrap, "127.0.0.1:9092");
        assert.deepEqual(run.program.bronzeTables, [
            "mongo_ecom_customers",
            "mongo_ecom_products",
            "mongo_ecom_orders",
        ]);
    });

    it("labels containers, volumes and the network with project and stack", () => {
        const labelled = run.resources.filter((r) =>
            ["docker:index/container:Container", "docker:index/volume:Volume", "docker:index/network:Network"].includes(
                r.type,
            ),
        );
        assert.ok(labelled.length >= 10);
        for (const r of labelled) {
            const labels = r.inputs.labels as { label: string; value: string }[];
            assert.ok(
                labels.some((l) => l.label === "cdc.pulumi.stack" && l.value === "test"),
                `${r.name} has the stack label`,
            );
        }
    });

    it("exports no credential in plain text in any stack output", async () => {
        const leaks: string[] = [];
        for (const [name, value] of Object.entries(run.program)) {
            const o = pulumi.output(value as pulumi.Input<unknown>);
            const { value: v, secret } = await run.output(o);
            if (!secret && JSON.stringify(v ?? null).includes(MOCK_SECRET_PREFIX)) leaks.push(name);
        }
        assert.deepEqual(leaks, []);
    });
});
