/**
 * MongoDB on kubernetes (3 members) with the stack's TLS material, under Pulumi mocks: the
 * builder given `creds.tls` (test/support/mock-tls.ts). Every member requires TLS with its
 * certificate from the `mongo-tls` Secret, the probes and the init Job verify the members against
 * the stack's CA by the names the certificate carries, and no key reaches a plain input.
 */
import { CONNECT_TRUSTSTORE } from "../../components/platform/shared/kafkaSecurity";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import type { KubernetesMongo } from "../../components/platform/kubernetes/mongo";
import { containers, podSpec } from "../support/k8s";
import {
    isSecretValue,
    MOCK_SECRET_PREFIX,
    type MockRun,
    plainStrings,
    runUnderMocks,
    unwrapSecrets,
} from "../support/mocks";
import { MOCK_CA_PEM, mockCertPem, mockKeyPem, mockStackTls } from "../support/mock-tls";

let run: MockRun & { program: { mongo: KubernetesMongo } };
const byName = (n: string) => run.byName(`cdc-kubernetes-${n}`);

before(async () => {
    run = await runUnderMocks(
        {
            "cdc:platform": "kubernetes",
            "cdc:kubernetes": JSON.stringify({
                namespace: "cdc-prod",
                mongo: { members: 3 },
                access: { mode: "nodePort", nodeAddress: "10.0.0.5" },
            }),
        },
        async () => {
            const { loadConfig } = await import("../../components/config/load");
            const { kubernetesContext } = await import("../../components/platform/kubernetes/context");
            const { mongoReplicaSet } = await import("../../components/platform/kubernetes/mongo");
            const { credentials } = await import("../../components/platform/shared/credentials");
            const cfg = loadConfig();
            if (cfg.platform !== "kubernetes") throw new Error("expected the kubernetes platform");
            const parent = new pulumi.ComponentResource("cdc:platform:Kubernetes", "cdc-kubernetes");
            const ctx = kubernetesContext("cdc-kubernetes", parent, cfg.kubernetes, cfg);
            const creds = { ...credentials("cdc-kubernetes", parent), tls: mockStackTls() };
            return { mongo: mongoReplicaSet(ctx, creds) };
        },
    );
});

describe("MongoDB on kubernetes with TLS (mocks, 3 members)", () => {
    it("keeps the member certificate, its key and the CA in the auto-named Secret mongo-tls, with mongod's joined PEM", () => {
        const secret = byName("mongo-tls");
        // Auto-named: a re-issued certificate is a new Secret, created before the old one is deleted
        // (a fixed name collides with the Secret it replaces: the API server refuses it).
        assert.equal((secret.inputs.metadata as { name?: string }).name, undefined);
        const raw = secret.inputs.stringData;
        const data = unwrapSecrets(raw) as Record<string, string>;
        const value = (k: string) => data[k];
        assert.equal(value("ca.crt"), MOCK_CA_PEM);
        assert.equal(value("tls.crt"), mockCertPem("mongo"));
        const keySecret = isSecretValue(raw) || isSecretValue((raw as Record<string, unknown>)["tls.key"]);
        assert.ok(keySecret, "the key reaches the engine as a secret");
        assert.equal(value("tls.key"), mockKeyPem("mongo"));
        assert.equal(value("tls.pem"), mockCertPem("mongo") + mockKeyPem("mongo"));
    });

    it("runs every member with TLS required from the mounted Secret, keyfile auth kept", () => {
        const sts = byName("mongo");
        const [mongod] = containers(sts);
        const cmd = mongod.command.join(" ");
        assert.match(
            cmd,
            /--keyFile \/etc\/mongo-keyfile\/keyfile --tlsMode requireTLS --tlsCertificateKeyFile \/etc\/cdc\/tls\/tls\.pem --tlsCAFile \/etc\/cdc\/tls\/ca\.crt --tlsAllowConnectionsWithoutCertificates$/,
        );
        assert.deepEqual(
            mongod.volumeMounts?.find((m) => m.name === "tls"),
            { name: "tls", mountPath: "/etc/cdc/tls", readOnly: true },
        );
        const vol = podSpec(sts).volumes?.find((v) => v.name === "tls") as {
            secret: { secretName: string; defaultMode: number };
        };
        assert.equal(vol.secret.secretName, `${byName("mongo-tls").name}-physical`);
        assert.equal(vol.secret.defaultMode, 0o440, "readable by mongod's group only");
        assert.equal((sts.inputs.spec as { replicas: number }).replicas, 3);
        // A renewed certificate changes the pod template, so the members restart onto it.
        const fingerprint = createHash("sha256").update(mockCertPem("mongo")).digest("hex");
        assert.equal(mongod.env?.find((e) => e.name === "CDC_TLS_CERT_SHA256")?.value, fingerprint);
    });

    it("probes each member by its own DNS name over TLS, verified against the stack's CA", () => {
        const [mongod] = containers(byName("mongo"));
        const probe = mongod.readinessProbe!.exec!.command.join(" ");
        assert.match(
            probe,
            /mongosh --quiet --tls --tlsCAFile \/etc\/cdc\/tls\/ca\.crt --host "\$\(hostname\)\.mongo"/,
        );
    });

    it("runs the init Job over TLS with the CA only, not the members' key", () => {
        const job = byName("mongo-init");
        const [init] = containers(job);
        assert.match(
            init.command.join(" "),
            /mongosh --quiet --tls --tlsCAFile \/etc\/cdc\/tls\/ca\.crt "mongodb:\/\/mongo-0\.mongo:27017\/admin/,
        );
        const ca = podSpec(job).volumes?.find((v) => v.name === "ca") as {
            secret: { secretName: string; items: { key: string; path: string }[] };
        };
        assert.deepEqual(ca.secret.items, [{ key: "ca.crt", path: "ca.crt" }]);
    });

    it("gives Debezium and the host tls=true connection strings to every member, and the truststore settings", async () => {
        const debezium = await run.output(run.program.mongo.debeziumUri);
        assert.equal(debezium.secret, true);
        assert.match(
            debezium.value,
            /@mongo-0\.mongo:27017,mongo-1\.mongo:27017,mongo-2\.mongo:27017\/\?replicaSet=rs0&authSource=admin&tls=true$/,
        );
        const host = await run.output(run.program.mongo.hostConnectionString);
        assert.match(host.value, /&tls=true$/);
        assert.deepEqual(run.program.mongo.connectorTls, {
            truststore: CONNECT_TRUSTSTORE,
            truststoreType: "PKCS12",
            truststorePasswordRef: "${env:CDC_TLS_STORE_PASSWORD}",
        });
    });

    it("never puts a key or a password in a plain input", () => {
        for (const r of run.resources)
            for (const { path, value } of plainStrings(r.inputs))
                assert.ok(!value.includes(MOCK_SECRET_PREFIX), `${r.name}.${path} carries a secret in clear`);
    });
});
