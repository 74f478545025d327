/**
 * The JMX exporter agent on the kubernetes platform (`jmxAgent` given to the Kafka and Connect
 * builders, without the stack's TLS credentials: the plaintext start path), under Pulumi mocks:
 * an init container fetches and checks the pinned jar into
 * an emptyDir, mounted read-only, port 9404 named `metrics`, `-javaagent:` before the image's start;
 * plain HTTP without basic auth when no password is given.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { loadConfig } from "../../components/config/load";
import type { KubernetesConfig } from "../../components/config";
import { DEFAULT_JMX_EXPORTER_AGENT } from "../../components/config/versions";
import { credentials } from "../../components/platform/shared/credentials";
import { kubernetesContext } from "../../components/platform/kubernetes/context";
import { kafkaCluster } from "../../components/platform/kubernetes/kafka";
import { connectWorkers } from "../../components/platform/kubernetes/connect";
import { mongoReplicaSet } from "../../components/platform/kubernetes/mongo";
import { MockRun, runUnderMocks, unwrapSecrets } from "../support/mocks";
import { KUBERNETES_PRODUCTION } from "../support/stack-graph";

const JAVAAGENT = "-javaagent:/opt/cdc/jmx-exporter/jmx_prometheus_javaagent.jar=9404:/tmp/cdc-jmx/config.yml";

class Parent extends pulumi.ComponentResource {
    constructor() {
        super("cdc:test:Parent", "kubernetes", {});
    }
}

function program() {
    const cfg = loadConfig() as KubernetesConfig;
    const parent = new Parent();
    const ctx = kubernetesContext("kubernetes", parent, cfg.kubernetes, cfg);
    const creds = credentials("kubernetes", parent);
    const mongo = mongoReplicaSet(ctx, creds);
    const kafka = kafkaCluster(ctx, creds, { jmxAgent: {} });
    const connect = connectWorkers(ctx, creds, { mongo, kafka }, { jmxAgent: {} });
    return { kafka, connect };
}

type Container = {
    name: string;
    command?: string[];
    ports?: { name: string; containerPort: number }[];
    volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
};
let run: MockRun & { program: ReturnType<typeof program> };
const pod = (name: string) =>
    (
        unwrapSecrets(run.byName(name).inputs.spec) as {
            template: { spec: { containers: Container[]; initContainers?: Container[]; volumes: { name: string }[] } };
        }
    ).template.spec;

before(async () => {
    run = await runUnderMocks(
        { "cdc:platform": "kubernetes", "cdc:kubernetes": JSON.stringify(KUBERNETES_PRODUCTION) },
        () => Promise.resolve(program()),
    );
});

describe("kubernetes: the JMX exporter agent in Kafka and Connect", () => {
    for (const [workload, main] of [
        ["kubernetes-kafka", "kafka"],
        ["kubernetes-connect", "connect"],
    ] as const) {
        it(`${main}: init container with the pinned jar, the agent on port 9404, plain HTTP with TLS off`, () => {
            const spec = pod(workload);
            const init = spec.initContainers?.find((c) => c.name === "jmx-agent");
            assert.ok(init, "the jmx-agent init container");
            const fetch = (init.command ?? []).join(" ");
            assert.ok(fetch.includes(`SHA256='${DEFAULT_JMX_EXPORTER_AGENT.sha256}'`));
            assert.ok(fetch.includes(`jmx_prometheus_javaagent-${DEFAULT_JMX_EXPORTER_AGENT.version}.jar`));
            assert.deepEqual(init.volumeMounts, [{ name: "jmx-agent", mountPath: "/jmx-agent" }]);
            assert.ok(spec.volumes.some((v) => v.name === "jmx-agent"));
            const c = spec.containers.find((x) => x.name === main)!;
            assert.ok(c.ports?.some((p) => p.name === "metrics" && p.containerPort === 9404));
            assert.ok(
                c.volumeMounts.some(
                    (m) => m.name === "jmx-agent" && m.mountPath === "/opt/cdc/jmx-exporter" && m.readOnly,
                ),
            );
            const script = (c.command ?? []).join("\n");
            const agent = script.indexOf(JAVAAGENT);
            assert.ok(agent > 0, "-javaagent in the start script");
            assert.ok(agent < script.search(/exec \/(etc\/kafka\/docker\/run|docker-entrypoint\.sh start)/));
            assert.doesNotMatch(script, /httpServer/, "no TLS, no basic auth: no httpServer section");
        });
    }
});
