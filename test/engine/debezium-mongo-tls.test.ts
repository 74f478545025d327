/**
 * Debezium 3.3's MongoDB connector (the real plugin on a real Kafka Connect worker) against a
 * TLS-only MongoDB wire-protocol server (FerretDB v1.24), configured exactly as the stack renders
 * it: `tls=true` in the connection string, `mongodb.ssl.*` from `debeziumMongoSourceConfig` with a
 * PKCS12 truststore whose password the worker resolves from `${env:CDC_TLS_STORE_PASSWORD}`.
 * Connect's validate endpoint runs Debezium's own connection check, so it shows the connector
 * trusting the stack's CA through the truststore, and refusing without it or for another host.
 * (FerretDB has no change streams: capture itself is not exercised here.)
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { after, before, describe, it, type TestContext } from "node:test";
import { debeziumMongoSourceConfig, envRef, mongoConnectionString } from "../../connectors";
import { ferretdbBinary, startFerretDb, type FerretDb } from "../support/ferretdb";
import { kafkaToolchainProblem, startKafkaConnect, type KafkaConnectCluster } from "../support/kafka";
import { requireTier } from "../support/tier";
import { makeTestCa, makeTestCert, writeKeyPair } from "../support/tls-pki";

const run = promisify(execFile);
const DEBEZIUM_MONGODB = "io.debezium.connector.mongodb.MongoDbConnector";
const STORE_PASSWORD = "truststore-pw-1";
const AUTH = { user: "debezium", password: "dbz-pw" };

interface Validation {
    configs: { value: { name: string; errors: string[] } }[];
}

describe("Debezium's MongoDB connector over TLS (real plugin, FerretDB)", { timeout: 20 * 60_000 }, () => {
    let problem: string | undefined;
    let dir: string | undefined;
    let truststore: string;
    let cluster: KafkaConnectCluster | undefined;
    const servers: Record<string, FerretDb> = {};

    before(async () => {
        const ferret = await ferretdbBinary();
        problem = ferret.problem ?? (await kafkaToolchainProblem());
        if (problem || !ferret.path) return;
        dir = mkdtempSync(join(tmpdir(), "dbz-tls-"));
        const ca = makeTestCa();
        const caFile = writeKeyPair(dir, "ca", ca).cert;
        truststore = join(dir, "truststore.p12");
        // A truststore as the JVM reads it (keytool marks the CA a trusted certificate entry).
        const keytool = ["-importcert", "-noprompt", "-alias", "cdc-ca", "-file", caFile, "-keystore", truststore];
        await run("keytool", [...keytool, "-storetype", "PKCS12", "-storepass", STORE_PASSWORD]);
        const tls = (name: string, hosts: string[]) => {
            const f = writeKeyPair(dir!, name, makeTestCert(ca, { commonName: name, hosts }));
            return { certFile: f.cert, keyFile: f.key };
        };
        servers.good = await startFerretDb(ferret.path, {
            replSetName: "rs0",
            auth: AUTH,
            tls: tls("mongo", ["127.0.0.1"]),
        });
        servers.otherHost = await startFerretDb(ferret.path, {
            replSetName: "rs0",
            auth: AUTH,
            tls: tls("other", ["mongo.other.example"]),
        });
        cluster = await startKafkaConnect({
            workerProperties: {
                "config.providers": "env",
                "config.providers.env.class": "org.apache.kafka.common.config.provider.EnvVarConfigProvider",
            },
            workerEnv: { CDC_TLS_STORE_PASSWORD: STORE_PASSWORD },
            log: process.env.CDC_TEST_VERBOSE ? (l) => process.stderr.write(`${l}\n`) : undefined,
        });
    });
    after(async () => {
        await cluster?.stop();
        for (const s of Object.values(servers)) await s.stop();
        if (dir) rmSync(dir, { recursive: true, force: true });
    });

    /** The connection string's errors from Debezium's validation of the stack's config against `server`. */
    async function connectionErrors(server: FerretDb, withTruststore: boolean): Promise<string[]> {
        const config = {
            name: "mongo-source",
            ...debeziumMongoSourceConfig({
                topicPrefix: "mongo",
                database: "ecom",
                collections: ["customers"],
                ...(withTruststore
                    ? { tls: { truststore, truststorePasswordRef: envRef("CDC_TLS_STORE_PASSWORD") } }
                    : { ssl: true }),
            }),
            "mongodb.connection.string": mongoConnectionString({
                hosts: [`127.0.0.1:${server.port}`],
                user: AUTH.user,
                password: AUTH.password,
                replicaSet: "rs0",
                authSource: "ecom",
                tls: true,
                options: { serverSelectionTimeoutMS: "3000", directConnection: "true" },
            }),
        };
        const r = await fetch(`${cluster!.connectUrl}/connector-plugins/${DEBEZIUM_MONGODB}/config/validate`, {
            method: "PUT",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(config),
            signal: AbortSignal.timeout(120_000),
        });
        assert.equal(r.status, 200);
        const v = (await r.json()) as Validation;
        const others = v.configs.filter(
            (c) => c.value.errors.length > 0 && c.value.name !== "mongodb.connection.string",
        );
        assert.deepEqual(
            others.map((c) => c.value),
            [],
            "no other field fails",
        );
        return v.configs.find((c) => c.value.name === "mongodb.connection.string")!.value.errors;
    }

    const ready = (t: TestContext) => requireTier(t, "kafka", problem);

    it("connects through the stack's truststore, its password resolved by the worker from the env", async (t) => {
        if (!ready(t)) return;
        assert.deepEqual(await connectionErrors(servers.good, true), []);
    });

    it("fails the connection check without the truststore (the JVM's default trust)", async (t) => {
        if (!ready(t)) return;
        const errors = await connectionErrors(servers.good, false);
        assert.match(errors.join(" "), /SSLHandshakeException: PKIX path building failed/);
    });

    it("fails the connection check for a certificate made for another host", async (t) => {
        if (!ready(t)) return;
        const errors = await connectionErrors(servers.otherHost, true);
        assert.match(errors.join(" "), /No subject alternative names matching IP address 127\.0\.0\.1/);
    });
});
