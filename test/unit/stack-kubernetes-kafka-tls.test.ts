/**
 * The kubernetes platform's Kafka and Kafka Connect with TLS on (`creds.tls` set), under Pulumi
 * mocks: no PLAINTEXT listener or port, TLS files from a Secret, passwords from Secrets only,
 * probes over SASL_SSL / HTTPS, an https URL with basic auth for the host-side tools.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { loadConfig } from "../../components/config/load";
import type { KubernetesConfig } from "../../components/config";
import { credentials } from "../../components/platform/shared/credentials";
import { kubernetesContext } from "../../components/platform/kubernetes/context";
import { kafkaCluster } from "../../components/platform/kubernetes/kafka";
import { connectWorkers } from "../../components/platform/kubernetes/connect";
import { mongoReplicaSet } from "../../components/platform/kubernetes/mongo";
import { MOCK_SECRET_PREFIX, MockRun, plainStrings, runUnderMocks, unwrapSecrets } from "../support/mocks";
import { mockStackTls } from "../support/mock-tls";
import { KUBERNETES_PRODUCTION } from "../support/stack-graph";

class Parent extends pulumi.ComponentResource {
    constructor() {
        super("cdc:test:Parent", "kubernetes", {});
    }
}

function program() {
    const cfg = loadConfig() as KubernetesConfig;
    const parent = new Parent();
    const ctx = kubernetesContext("kubernetes", parent, cfg.kubernetes, cfg);
    const creds = { ...credentials("kubernetes", parent), tls: mockStackTls() };
    const mongo = mongoReplicaSet(ctx, creds);
    const kafka = kafkaCluster(ctx, creds);
    const connect = connectWorkers(ctx, creds, { mongo, kafka });
    return { kafka, connect };
}

let run: MockRun & { program: ReturnType<typeof program> };

type Container = {
    name: string;
    command?: string[];
    env: { name: string; value?: string; valueFrom?: unknown }[];
    ports: { containerPort: number }[];
    volumeMounts: { name: string; mountPath: string }[];
    readinessProbe: { exec?: { command: string[] } };
};
const pod = (name: string) => {
    const r = run.byName(name);
    const spec = unwrapSecrets(r.inputs.spec) as {
        template: { spec: { containers: Container[]; volumes: unknown[] } };
    };
    return spec.template.spec;
};

before(async () => {
    run = await runUnderMocks(
        { "cdc:platform": "kubernetes", "cdc:kubernetes": JSON.stringify(KUBERNETES_PRODUCTION) },
        () => Promise.resolve(program()),
    );
});

describe("kubernetes Kafka and Connect with TLS on", () => {
    it("runs brokers without a PLAINTEXT listener, the TLS Secret mounted, passwords from a Secret", () => {
        const spec = pod("kubernetes-kafka");
        const kafka = spec.containers[0];
        const script = kafka.command!.join(" ");
        assert.doesNotMatch(script, /PLAINTEXT/);
        assert.match(script, /INTERNAL:SASL_SSL/);
        assert.match(script, /listener\.name\.controller\.ssl\.client\.auth=required/);
        assert.ok(kafka.volumeMounts.some((m) => m.mountPath === "/etc/cdc/tls"));
        for (const e of kafka.env) {
            if (/PASSWORD/.test(e.name)) assert.ok(e.valueFrom && e.value === undefined, `${e.name} from a Secret`);
        }
        assert.match(kafka.readinessProbe.exec!.command.join(" "), /--command-config/);
    });

    it("runs workers with SASL_SSL clients and HTTPS REST, passwords by reference only", async () => {
        const spec = pod("kubernetes-connect");
        const c = spec.containers[0];
        const env = Object.fromEntries(c.env.map((e) => [e.name, e]));
        assert.equal(env.CONNECT_SECURITY_PROTOCOL.value, "SASL_SSL");
        assert.equal(env.CONNECT_PRODUCER_SECURITY_PROTOCOL.value, "SASL_SSL");
        assert.equal(env.CONNECT_LISTENERS.value, "https://0.0.0.0:8083");
        assert.match(String(env.CONNECT_SASL_JAAS_CONFIG.value), /\$\{env:CDC_KAFKA_CONNECT_PASSWORD\}/);
        for (const e of c.env) {
            if (/PASSWORD/.test(e.name) && e.name.startsWith("CDC_")) assert.ok(e.valueFrom, `${e.name} from a Secret`);
        }
        assert.match(c.command!.join(" "), /java\.security\.auth\.login\.config/);
        assert.match(c.readinessProbe.exec!.command.join(" "), /https:\/\/localhost:8083/);
        const { connect, kafka } = run.program;
        assert.match((await run.output(connect.url as never)).value as string, /^https:\/\//);
        assert.equal(connect.auth?.user, "cdc");
        assert.equal(kafka.sasl?.user, "status");
    });

    it("gives every container each env name once (the API server refuses duplicates)", () => {
        for (const name of ["kubernetes-kafka", "kubernetes-connect"])
            for (const c of pod(name).containers) {
                const names = c.env.map((e) => e.name);
                assert.deepEqual(
                    names.filter((n, i) => names.indexOf(n) !== i),
                    [],
                    `${name}/${c.name}: duplicate env names`,
                );
            }
    });

    it("never puts a generated password in a plain input", () => {
        const leaks = run.resources.flatMap((r) =>
            plainStrings(r.inputs)
                .filter((s) => s.value.includes(MOCK_SECRET_PREFIX))
                .map((s) => `${r.name}.${s.path}`),
        );
        assert.deepEqual(leaks, []);
    });
});
