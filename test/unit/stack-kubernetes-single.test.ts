/**
 * `cdc:platform kubernetes` at its smallest, under mocks: 1 MongoDB member, 1 Kafka broker,
 * 1 Connect worker, an auto-named namespace and LoadBalancer access. The production shape is
 * `stack-kubernetes.test.ts`.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { MOCK_LOAD_BALANCER_IP, MockRun, runUnderMocks, unwrapSecret } from "../support/mocks";
import { containers, env } from "../support/k8s";

type Program = typeof import("../../index");
let run: MockRun & { program: Program };

const ofType = (t: string) => run.resources.filter((r) => r.type === t);
const workload = (role: string) => run.byName(`kubernetes-${role}`);

before(async () => {
    const settings = {
        mongo: { members: 1 },
        kafka: { brokers: 1 },
        connect: { replicas: 1 },
        access: {
            mode: "loadBalancer",
            annotations: { "networking.gke.io/load-balancer-type": "Internal" },
            sourceRanges: ["10.0.0.0/8"],
        },
    };
    run = await runUnderMocks(
        { "cdc:platform": "kubernetes", "cdc:kubernetes": JSON.stringify(settings) },
        () => import("../../index"),
    );
});

describe("kubernetes platform under mocks (1 member, 1 broker, 1 worker)", () => {
    it("auto-names the namespace when cdc:kubernetes.namespace is absent, and uses it everywhere", () => {
        const ns = ofType("kubernetes:core/v1:Namespace");
        assert.equal(ns.length, 1);
        assert.equal((ns[0].inputs.metadata as { name?: string }).name, undefined, "left to Pulumi's auto-naming");
        const inNs = run.resources.filter((r) => r.type.startsWith("kubernetes:") && r !== ns[0]);
        for (const r of inNs)
            assert.equal((r.inputs.metadata as { namespace: string }).namespace, `${ns[0].name}-physical`, r.name);
    });

    it("declares no PodDisruptionBudget when every workload has one replica", () => {
        assert.deepEqual(
            ofType("kubernetes:policy/v1:PodDisruptionBudget").map((r) => r.name),
            [],
        );
    });

    it("replicates Kafka's and Kafka Connect's internal topics once with one broker", () => {
        // Secure by default: the node's properties are written by its start script.
        const kafka = (containers(workload("kafka"))[0].command ?? []).join(" ");
        assert.match(kafka, /\ncontroller\.quorum\.voters=0@kafka-0\.kafka:9093\n/);
        assert.match(kafka, /\noffsets\.topic\.replication\.factor=1\n/);
        assert.match(kafka, /\nmin\.insync\.replicas=1\n/);
        const connect = env(containers(workload("connect"))[0]);
        for (const k of [
            "CONNECT_CONFIG_STORAGE_REPLICATION_FACTOR",
            "CONNECT_OFFSET_STORAGE_REPLICATION_FACTOR",
            "CONNECT_STATUS_STORAGE_REPLICATION_FACTOR",
        ])
            assert.equal(connect[k].value, "1", k);
        assert.equal(connect.BOOTSTRAP_SERVERS.value, "kafka-0.kafka:9092");
    });

    it("initiates a one-member replica set", () => {
        const script = String(
            (ofType("kubernetes:core/v1:ConfigMap")[0].inputs.data as Record<string, string>)["init.js"],
        );
        assert.ok(script.includes("mongo-0.mongo:27017"));
        assert.ok(!script.includes("mongo-1.mongo"));
    });

    it("uses the default requests and limits", () => {
        const r = containers(workload("clickhouse"))[0].resources!;
        assert.deepEqual(r.requests, { memory: "4096Mi", cpu: "2000m" });
    });

    it("reaches Connect and ClickHouse through LoadBalancer Services' ingress addresses", async () => {
        for (const role of ["connect", "clickhouse"]) {
            const svc = run.byName(`kubernetes-${role}-svc`).inputs as {
                metadata: { annotations: Record<string, string> };
                spec: { type: string; loadBalancerSourceRanges: string[] };
            };
            assert.equal(svc.spec.type, "LoadBalancer");
            assert.deepEqual(svc.spec.loadBalancerSourceRanges, ["10.0.0.0/8"], `${role} source ranges`);
            assert.equal(
                svc.metadata.annotations["networking.gke.io/load-balancer-type"],
                "Internal",
                `${role} annotations`,
            );
        }
        assert.equal(
            (await run.output(pulumi.output(run.program.connectUrl))).value,
            `https://${MOCK_LOAD_BALANCER_IP}:8083`,
        );
        assert.equal(
            (await run.output(pulumi.output(run.program.clickhouseUrl))).value,
            `https://${MOCK_LOAD_BALANCER_IP}:8443`,
        );
        // The URL carries the Service, so the CDC layer waits for the address.
        assert.ok(run.dependsOn("cdc-bronze").has("cdc-kubernetes-clickhouse-svc"));
    });

    it("keeps the CDC layer single-node with one ClickHouse replica: no replication input, profile flag or var", () => {
        assert.equal(run.byName("cdc-bronze").inputs.replication, undefined);
        const dbt = run.byName("cdc-dbt").inputs;
        assert.equal(unwrapSecret<{ replicated?: boolean }>(dbt.clickhouse).replicated, undefined);
        assert.ok(!("cdc_replicated" in (dbt.vars as Record<string, string>)));
    });
});
