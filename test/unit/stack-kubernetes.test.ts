/**
 * The whole program under Pulumi mocks with `cdc:platform kubernetes`, production-sized: 3 MongoDB
 * members, 3 Kafka brokers, 2 Connect workers, custom resources, a named namespace and NodePort
 * access. The 1-node shape is `stack-kubernetes-single.test.ts` (one program per process).
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_IMAGES } from "../../components/config/versions";
import {
    containsSecret,
    isSecretValue,
    MOCK_SECRET_PREFIX,
    MockedResource,
    MockRun,
    plainStrings,
    runUnderMocks,
} from "../support/mocks";
import { containers, env, podSpec, volumeClaims } from "../support/k8s";
import { KUBERNETES_PRODUCTION } from "../support/stack-graph";

type Program = typeof import("../../index");
let run: MockRun & { program: Program };

const settings = KUBERNETES_PRODUCTION;

const ofType = (t: string) => run.resources.filter((r) => r.type === t);
const workload = (role: string) => run.byName(`kubernetes-${role}`);

before(async () => {
    run = await runUnderMocks(
        { "cdc:platform": "kubernetes", "cdc:kubernetes": JSON.stringify(settings) },
        () => import("../../index"),
    );
});

describe("kubernetes platform under mocks (3 members, 3 brokers, 2 workers)", () => {
    it("puts every object in the namespace from cdc:kubernetes.namespace", () => {
        const ns = ofType("kubernetes:core/v1:Namespace");
        assert.equal(ns.length, 1);
        assert.equal((ns[0].inputs.metadata as { name: string }).name, "cdc-prod");
        const namespaced = run.resources.filter(
            (r) => r.type.startsWith("kubernetes:") && r.type !== "kubernetes:core/v1:Namespace",
        );
        assert.ok(namespaced.length >= 15);
        for (const r of namespaced)
            assert.equal((r.inputs.metadata as { namespace: string }).namespace, "cdc-prod", `${r.name} namespace`);
    });

    it("runs MongoDB, Kafka and ClickHouse as StatefulSets and Kafka Connect as a Deployment", () => {
        const sts = ofType("kubernetes:apps/v1:StatefulSet").map((r) => [
            r.name,
            (r.inputs.spec as { replicas: number }).replicas,
        ]);
        assert.deepEqual(Object.fromEntries(sts), {
            "cdc-kubernetes-mongo": 3,
            "cdc-kubernetes-kafka": 3,
            "cdc-kubernetes-clickhouse": 1,
            // Monitoring (on by default).
            "cdc-kubernetes-prometheus": 1,
        });
        // Grafana and the pipeline exporter (monitoring) are Deployments too.
        const deps = ofType("kubernetes:apps/v1:Deployment").filter(
            (r) => !["cdc-kubernetes-grafana", "cdc-kubernetes-exporter"].includes(r.name),
        );
        assert.deepEqual(
            deps.map((d) => d.name),
            ["cdc-kubernetes-connect"],
        );
        assert.equal((deps[0].inputs.spec as { replicas: number }).replicas, 2);
    });

    it("uses the pinned images", () => {
        const images = new Set(run.resources.flatMap((r) => containers(r, true).map((c) => c.image)));
        assert.deepEqual([...images].sort(), Object.values(DEFAULT_IMAGES).sort());
    });

    it("keeps data on PersistentVolumeClaims from volumeClaimTemplates with the configured sizes and class", () => {
        for (const [role, path, size] of [
            ["mongo", "/data/db", "15Gi"],
            ["kafka", "/var/lib/kafka/data", "40Gi"],
            ["clickhouse", "/var/lib/clickhouse", "100Gi"],
        ]) {
            const claims = volumeClaims(workload(role));
            assert.equal(claims.length, 1, `${role} has one claim template`);
            assert.equal(claims[0].spec.resources.requests.storage, size);
            assert.equal(claims[0].spec.storageClassName, "fast-ssd");
            const mounts = containers(workload(role))[0].volumeMounts ?? [];
            assert.ok(
                mounts.some((m) => m.name === claims[0].metadata.name && m.mountPath === path),
                `${role} mounts its claim at ${path}`,
            );
        }
    });

    it("sizes each member's claim through a PersistentVolumeClaimPatch after its StatefulSet (storage.ts)", () => {
        const patches = ofType("kubernetes:core/v1:PersistentVolumeClaimPatch");
        const expected: Record<string, string> = {};
        for (const i of [0, 1, 2]) expected[`data-mongo-${i}`] = "15Gi";
        for (const i of [0, 1, 2]) expected[`data-kafka-${i}`] = "40Gi";
        expected["data-clickhouse-0"] = "100Gi";
        const got: Record<string, string> = {};
        for (const r of patches) {
            const m = r.inputs.metadata as { name: string; annotations: Record<string, string> };
            const spec = r.inputs.spec as {
                accessModes: string[];
                storageClassName: string;
                resources: { requests: { storage: string } };
            };
            got[m.name] = spec.resources.requests.storage;
            // The same claim the template would make (for an ordinal whose claim does not exist yet).
            assert.deepEqual(spec.accessModes, ["ReadWriteOnce"]);
            assert.equal(spec.storageClassName, "fast-ssd");
            assert.equal(
                m.annotations["pulumi.com/patchForce"],
                "true",
                `${m.name} takes the size field over from the StatefulSet controller`,
            );
            const role = m.name.split("-")[1];
            assert.ok(run.dependsOn(r.name).has(`cdc-kubernetes-${role}`), `${r.name} after its StatefulSet`);
        }
        assert.deepEqual(got, expected);
    });

    it("initialises the replica set with every member's pod DNS name in a Job after the StatefulSet", () => {
        const job = workload("mongo-init");
        assert.equal(job.type, "kubernetes:batch/v1:Job");
        assert.ok(run.dependsOn(job.name).has("cdc-kubernetes-mongo"));
        const script = String(
            (ofType("kubernetes:core/v1:ConfigMap")[0].inputs.data as Record<string, string>)["init.js"],
        );
        for (const i of [0, 1, 2])
            assert.ok(script.includes(`mongo-${i}.mongo:27017`), `member ${i} in the init script`);
        assert.match(script, /changeStreamPreAndPostImages/);
        assert.match(script, /createUser/);
        const initEnv = env(containers(job)[0]);
        assert.ok(initEnv.DEBEZIUM_PASSWORD.valueFrom?.secretKeyRef, "the Debezium password comes from a Secret");
    });

    it("runs KRaft with the three pods as controller quorum voters and internal topics replicated 3 times", () => {
        // Secure by default: the node's properties are written by its start script.
        const props = (containers(workload("kafka"))[0].command ?? []).join(" ");
        assert.match(
            props,
            /\ncontroller\.quorum\.voters=0@kafka-0\.kafka:9093,1@kafka-1\.kafka:9093,2@kafka-2\.kafka:9093\n/,
        );
        assert.match(props, /\noffsets\.topic\.replication\.factor=3\n/);
        assert.match(props, /\nmin\.insync\.replicas=2\n/);
        assert.doesNotMatch(props, /zookeeper/i);
        assert.equal(
            (workload("kafka").inputs.spec as { podManagementPolicy: string }).podManagementPolicy,
            "Parallel",
        );
        const svc = run.byName("kubernetes-kafka-svc");
        assert.equal((svc.inputs.spec as { clusterIP: string }).clusterIP, "None", "headless service");
    });

    it("replicates Kafka Connect's internal topics 3 times with 3 brokers", () => {
        const e = env(containers(workload("connect"))[0]);
        for (const k of [
            "CONNECT_CONFIG_STORAGE_REPLICATION_FACTOR",
            "CONNECT_OFFSET_STORAGE_REPLICATION_FACTOR",
            "CONNECT_STATUS_STORAGE_REPLICATION_FACTOR",
        ])
            assert.equal(e[k].value, "3", k);
        assert.equal(e.BOOTSTRAP_SERVERS.value, "kafka-0.kafka:9092,kafka-1.kafka:9092,kafka-2.kafka:9092");
        // Debezium's image maps only CONNECT_* and a fixed set of bare names; the bare
        // *_STORAGE_REPLICATION_FACTOR forms would be ignored (worker default 1).
        assert.ok(!("CONFIG_STORAGE_REPLICATION_FACTOR" in e), "bare name the image ignores");
        assert.ok(e.ADVERTISED_HOST_NAME.valueFrom?.fieldRef, "each worker advertises its own pod IP");
    });

    it("replicates the change and dead-letter topics the connectors create 3 times with 3 brokers", () => {
        const config = (name: string) => run.byName(name).inputs.config as Record<string, string>;
        assert.equal(config("cdc-source")["topic.creation.default.replication.factor"], "3");
        assert.equal(config("cdc-sink")["errors.deadletterqueue.topic.replication.factor"], "3");
    });

    it("turns off service-link variables in every pod (they would become Connect worker properties)", () => {
        const pods = run.resources.filter((r) =>
            ["kubernetes:apps/v1:StatefulSet", "kubernetes:apps/v1:Deployment", "kubernetes:batch/v1:Job"].includes(
                r.type,
            ),
        );
        // The pipeline's five, and Prometheus, Grafana and the exporter (monitoring, on by default).
        assert.equal(pods.length, 8);
        for (const r of pods) assert.equal(podSpec(r).enableServiceLinks, false, r.name);
    });

    it("sizes Kafka's heap below its container limit", () => {
        const e = env(containers(workload("kafka"))[0]);
        assert.match(String(e.KAFKA_HEAP_OPTS.value), /-Xmx\d+m/);
        const heap = Number(/-Xmx(\d+)m/.exec(String(e.KAFKA_HEAP_OPTS.value))![1]);
        const limit = Number(/^(\d+)Mi$/.exec(String(containers(workload("kafka"))[0].resources?.limits?.memory))![1]);
        assert.ok(heap <= limit * 0.75, `heap ${heap} MiB vs limit ${limit} MiB`);
    });

    it("installs the ClickHouse sink plugin with an init container into a volume shared with Connect", () => {
        const spec = podSpec(workload("connect"));
        const init = spec.initContainers?.[0];
        assert.ok(init, "an init container");
        assert.equal(init.image, DEFAULT_IMAGES.pluginFetcher);
        assert.match(init.command[2], /sha256sum -c/);
        const shared = spec.volumes?.find((v) => v.emptyDir !== undefined);
        assert.ok(shared);
        assert.ok(init.volumeMounts?.some((m) => m.name === shared.name));
        assert.ok(
            containers(workload("connect"))[0].volumeMounts?.some((m) => m.name === shared.name && m.readOnly === true),
        );
    });

    it("gives every long-running container readiness and liveness probes; Connect is ready only with both plugins", () => {
        for (const role of ["mongo", "kafka", "connect", "clickhouse"]) {
            const c = containers(workload(role))[0];
            assert.ok(c.readinessProbe, `${role} readiness`);
            assert.ok(c.livenessProbe, `${role} liveness`);
        }
        const ready = containers(workload("connect"))[0].readinessProbe!.exec!.command.join(" ");
        assert.match(ready, /MongoDbConnector/);
        assert.match(ready, /ClickHouseSinkConnector/);
    });

    it("sets requests and limits from cdc:kubernetes.resources, defaults elsewhere", () => {
        const connect = containers(workload("connect"))[0].resources!;
        assert.deepEqual(connect.requests, { memory: "3072Mi", cpu: "1500m" });
        assert.deepEqual(connect.limits, { memory: "3072Mi", cpu: "1500m" });
        for (const role of ["mongo", "kafka", "clickhouse"]) {
            const r = containers(workload(role))[0].resources!;
            assert.ok(r.requests && r.limits, `${role} has requests and limits`);
        }
    });

    it("declares a PodDisruptionBudget for each workload with more than one replica, and only those", () => {
        const pdbs = ofType("kubernetes:policy/v1:PodDisruptionBudget");
        const selected = pdbs
            .map(
                (p) =>
                    (p.inputs.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels[
                        "app.kubernetes.io/name"
                    ],
            )
            .sort();
        assert.deepEqual(selected, ["connect", "kafka", "mongo"]);
        for (const p of pdbs) assert.equal((p.inputs.spec as { maxUnavailable: number }).maxUnavailable, 1);
    });

    it("runs MongoDB, Kafka and Connect as non-root users", () => {
        for (const role of ["mongo", "kafka", "connect", "mongo-init"]) {
            const sc = podSpec(workload(role)).securityContext as
                { runAsNonRoot?: boolean; runAsUser?: number } | undefined;
            assert.equal(sc?.runAsNonRoot, true, `${role} runAsNonRoot`);
            assert.ok((sc?.runAsUser ?? 0) > 0, `${role} runAsUser`);
        }
    });

    it("keeps credentials in Secrets and declares none in plain text anywhere", () => {
        const secrets = ofType("kubernetes:core/v1:Secret");
        assert.deepEqual(secrets.map((s) => s.name).sort(), [
            "cdc-kubernetes-clickhouse-tls",
            "cdc-kubernetes-clickhouse-users",
            "cdc-kubernetes-connect-jmx-auth",
            "cdc-kubernetes-connect-passwords",
            "cdc-kubernetes-connect-secrets",
            "cdc-kubernetes-connect-tls",
            "cdc-kubernetes-exporter-secrets",
            "cdc-kubernetes-exporter-tls",
            "cdc-kubernetes-grafana-secrets",
            "cdc-kubernetes-grafana-tls",
            "cdc-kubernetes-kafka-jmx-auth",
            "cdc-kubernetes-kafka-passwords",
            "cdc-kubernetes-kafka-tls",
            "cdc-kubernetes-mongo-credentials",
            "cdc-kubernetes-mongo-keyfile-secret",
            "cdc-kubernetes-mongo-tls",
            "cdc-kubernetes-monitoring-scrape",
            "cdc-kubernetes-prometheus-secrets",
            "cdc-kubernetes-prometheus-tls",
        ]);
        for (const s of secrets)
            assert.ok(isSecretValue(s.inputs.stringData ?? s.inputs.data), `${s.name} data travels as a secret`);
        const leaks = run.resources.flatMap((r) =>
            plainStrings(r.inputs)
                .filter((s) => s.value.includes(MOCK_SECRET_PREFIX))
                .map((s) => `${r.name}.${s.path}`),
        );
        assert.deepEqual(leaks, []);
        // ClickHouse's users file (with the password's SHA-256) is a Secret; no password in its env.
        const clickhouseEnv = env(containers(workload("clickhouse"))[0]);
        assert.ok(!("CLICKHOUSE_PASSWORD" in clickhouseEnv), "no plain ClickHouse password in the env");
    });

    it("keeps every workload's spec plain, so a preview shows its changes: the scrape password's hash comes from a Secret", () => {
        const workloads = run.resources.filter((r) =>
            ["kubernetes:apps/v1:StatefulSet", "kubernetes:apps/v1:Deployment", "kubernetes:batch/v1:Job"].includes(
                r.type,
            ),
        );
        assert.ok(workloads.length >= 6);
        for (const w of workloads) assert.ok(!containsSecret(w.inputs.spec), `${w.name}: its spec holds a secret`);
        for (const [role, main] of [
            ["kafka", "kafka"],
            ["connect", "connect"],
        ]) {
            const e = env(containers(workload(role)).find((c) => c.name === main)!).CDC_JMX_PASSWORD_HASH;
            const ref = e?.valueFrom?.secretKeyRef;
            assert.ok(ref && !e.value, `${role}: the hash by secretKeyRef`);
            assert.equal(ref.key, "password-hash");
            const secret = ofType("kubernetes:core/v1:Secret").find(
                (s) => s.name === `cdc-kubernetes-${role}-jmx-auth`,
            );
            assert.ok(secret, `${role}: its jmx-auth Secret`);
        }
    });

    it("gives the workers the connector secrets from a Secret through Kafka's EnvVarConfigProvider", () => {
        const connectEnv = env(containers(workload("connect"))[0]);
        assert.equal(connectEnv.CONNECT_CONFIG_PROVIDERS.value, "env");
        assert.equal(
            connectEnv.CONNECT_CONFIG_PROVIDERS_ENV_CLASS.value,
            "org.apache.kafka.common.config.provider.EnvVarConfigProvider",
        );
        assert.equal(connectEnv.CDC_CLICKHOUSE_PASSWORD.valueFrom?.secretKeyRef?.key, "clickhouse-password");
        assert.equal(
            connectEnv.CDC_DEBEZIUM_CONNECTION_STRING.valueFrom?.secretKeyRef?.key,
            "debezium-connection-string",
        );
        assert.deepEqual(run.byName("cdc-sink").inputs.secretRefs, { password: "${env:CDC_CLICKHOUSE_PASSWORD}" });
    });

    it("exposes Connect and ClickHouse on the configured NodePorts and uses the node address", async () => {
        const ports = (role: string) =>
            run.byName(`kubernetes-${role}-svc`).inputs.spec as { type: string; ports: { nodePort?: number }[] };
        assert.equal(ports("connect").type, "NodePort");
        assert.equal(ports("connect").ports[0].nodePort, 30083);
        assert.equal(ports("clickhouse").ports[0].nodePort, 30123);
        assert.equal((await run.output(pulumi.output(run.program.connectUrl))).value, "https://10.0.0.5:30083");
        assert.equal((await run.output(pulumi.output(run.program.clickhouseUrl))).value, "https://10.0.0.5:30123");
    });

    it("creates the CDC layer only after the workloads it talks to are ready", () => {
        const deps = (n: string) => run.dependsOn(n);
        assert.ok(deps("cdc-bronze").has("cdc-kubernetes-clickhouse"));
        assert.ok(deps("cdc-sink").has("cdc-kubernetes-connect"));
        assert.ok(deps("cdc-source").has("cdc-kubernetes-mongo-init"));
        assert.ok(deps("cdc-source").has("cdc-kubernetes-mongo"));
    });

    it("gives the source connector every replica set member and the replica set name", async () => {
        const source = run.byName("source") as MockedResource;
        const secret = source.inputs.secretConfig;
        assert.ok(isSecretValue(secret));
        const uri = (secret as { value: Record<string, string> }).value["mongodb.connection.string"];
        assert.match(
            uri,
            /@mongo-0\.mongo:27017,mongo-1\.mongo:27017,mongo-2\.mongo:27017\/\?replicaSet=rs0&authSource=admin&tls=true$/,
        );
    });
});
