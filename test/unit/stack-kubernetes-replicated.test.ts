/**
 * Replicated ClickHouse on kubernetes under mocks (issue 26): `cdc:kubernetes.clickhouse.replicas 3`
 * with a 3-member Keeper ensemble. The single-node shape is pinned by the other stack-kubernetes*
 * tests and by the stack-graphs snapshots (unchanged by the replicated code path).
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { DEFAULT_KEEPER_IMAGE } from "../../components/config/versions";
import { REPLICATION_ENV } from "../../components/platform/shared/clickhouseReplication";
import { KEEPER_SERVER_ID_ENV } from "../../components/platform/shared/keeper";
import {
    containsSecret,
    isSecretValue,
    MOCK_SECRET_PREFIX,
    type MockRun,
    plainStrings,
    runUnderMocks,
    unwrapSecret,
} from "../support/mocks";
import { containers, env, podSpec } from "../support/k8s";
import { all, one, parseXml } from "../support/xml";

type Program = typeof import("../../index");
let run: MockRun & { program: Program };

const ofType = (t: string) => run.resources.filter((r) => r.type === t);
const spec = (n: string) => run.byName(n).inputs.spec as Record<string, unknown>;

before(async () => {
    run = await runUnderMocks(
        {
            "cdc:platform": "kubernetes",
            "cdc:kubernetes": JSON.stringify({
                namespace: "cdc-repl",
                clickhouse: { replicas: 3, keeper: { replicas: 3, storageGi: 8 } },
                resources: { keeper: { memoryMb: 768, cpuMillis: 600 } },
                access: { mode: "nodePort", nodeAddress: "10.0.0.5" },
            }),
        },
        () => import("../../index"),
    );
});

describe("replicated ClickHouse on kubernetes under mocks (3 replicas, 3 Keeper members)", () => {
    it("runs Keeper as a 3-member StatefulSet under its headless Service, started in parallel", () => {
        const keeper = spec("cdc-kubernetes-clickhouse-keeper");
        assert.equal(keeper.replicas, 3);
        assert.equal(keeper.podManagementPolicy, "Parallel");
        assert.equal(keeper.serviceName, "clickhouse-keeper");
        const svc = run.byName("cdc-kubernetes-clickhouse-keeper-svc");
        const s = svc.inputs.spec as {
            clusterIP: string;
            publishNotReadyAddresses: boolean;
            ports: { port: number }[];
        };
        assert.equal(s.clusterIP, "None");
        assert.equal(s.publishNotReadyAddresses, true);
        assert.deepEqual(
            s.ports.map((p) => p.port),
            [9281, 9234, 9182],
        );
        const c = containers(run.byName("cdc-kubernetes-clickhouse-keeper"))[0];
        assert.equal(c.image, DEFAULT_KEEPER_IMAGE);
        assert.match(
            c.command.join(" "),
            new RegExp(`${KEEPER_SERVER_ID_ENV}=\\$\\(\\( \\$\\{HOSTNAME##\\*-\\} \\+ 1 \\)\\)`),
        );
        assert.deepEqual(c.resources?.requests, { memory: "768Mi", cpu: "600m" });
        const claim = (keeper.volumeClaimTemplates as { spec: { resources: { requests: { storage: string } } } }[])[0];
        assert.equal(claim.spec.resources.requests.storage, "8Gi");
    });

    it("gives Keeper the rendered config with every member, probed ready on /ready", () => {
        const cm = ofType("kubernetes:core/v1:ConfigMap").find(
            (r) => r.name === "cdc-kubernetes-clickhouse-keeper-config",
        );
        assert.ok(cm);
        const xml = parseXml((cm.inputs.data as Record<string, string>)["keeper.xml"]);
        assert.deepEqual(
            all(one(xml, "keeper_server", "raft_configuration"), "server").map((s) => one(s, "hostname").text),
            [
                "clickhouse-keeper-0.clickhouse-keeper",
                "clickhouse-keeper-1.clickhouse-keeper",
                "clickhouse-keeper-2.clickhouse-keeper",
            ],
        );
        const c = containers(run.byName("cdc-kubernetes-clickhouse-keeper"))[0] as unknown as {
            readinessProbe: { httpGet: { path: string; port: number } };
        };
        assert.deepEqual(c.readinessProbe.httpGet, { path: "/ready", port: 9182 });
    });

    it("runs 3 ClickHouse replicas in order (1 → 3 stays in place), claims deleted on scale-down only", () => {
        const ch = spec("cdc-kubernetes-clickhouse");
        assert.equal(ch.replicas, 3);
        assert.equal(ch.podManagementPolicy, undefined);
        assert.deepEqual(ch.persistentVolumeClaimRetentionPolicy, { whenScaled: "Delete", whenDeleted: "Retain" });
    });

    it("keeps ClickHouse's and Keeper's pods on distinct nodes (required by default)", () => {
        for (const [n, role] of [
            ["cdc-kubernetes-clickhouse", "clickhouse"],
            ["cdc-kubernetes-clickhouse-keeper", "clickhouse-keeper"],
        ]) {
            const affinity = (podSpec(run.byName(n)) as unknown as { affinity: unknown }).affinity as {
                podAntiAffinity: {
                    requiredDuringSchedulingIgnoredDuringExecution: {
                        topologyKey: string;
                        labelSelector: { matchLabels: Record<string, string> };
                    }[];
                };
            };
            const [term] = affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution;
            assert.equal(term.topologyKey, "kubernetes.io/hostname", n);
            assert.equal(term.labelSelector.matchLabels["app.kubernetes.io/name"], role, n);
        }
    });

    it("declares a disruption budget of one pod for ClickHouse and for Keeper", () => {
        const pdbs = ofType("kubernetes:policy/v1:PodDisruptionBudget");
        for (const role of ["clickhouse", "clickhouse-keeper"]) {
            const pdb = pdbs.find((p) => p.name === `cdc-kubernetes-${role}-pdb`);
            assert.ok(pdb, role);
            const s = pdb.inputs.spec as { maxUnavailable: number; selector: { matchLabels: Record<string, string> } };
            assert.equal(s.maxUnavailable, 1);
            assert.equal(s.selector.matchLabels["app.kubernetes.io/name"], role);
        }
    });

    it("mounts the replication config: Keeper's members, the 3 replicas of cluster cdc", () => {
        const cm = ofType("kubernetes:core/v1:ConfigMap").find((r) => r.name === "cdc-kubernetes-clickhouse-config");
        const xml = parseXml((cm!.inputs.data as Record<string, string>)["cdc-replication.xml"]);
        assert.equal(all(one(xml, "zookeeper"), "node").length, 3);
        assert.deepEqual(
            all(one(xml, "remote_servers", "cdc", "shard"), "replica").map((r) => one(r, "host").text),
            [
                "clickhouse-0.clickhouse-headless",
                "clickhouse-1.clickhouse-headless",
                "clickhouse-2.clickhouse-headless",
            ],
        );
        const mounts = containers(run.byName("cdc-kubernetes-clickhouse"))[0].volumeMounts ?? [];
        assert.ok(mounts.some((m) => m.mountPath === "/etc/clickhouse-server/config.d/cdc-replication.xml"));
    });

    it("sets the replica name and interserver host from the pod, the interserver secrets by secretKeyRef", () => {
        const e = env(containers(run.byName("cdc-kubernetes-clickhouse"))[0]);
        assert.equal(e[REPLICATION_ENV.replica].valueFrom?.fieldRef?.fieldPath, "metadata.name");
        assert.equal(e[REPLICATION_ENV.interserverHost].value, `$(${REPLICATION_ENV.replica}).clickhouse-headless`);
        for (const k of [REPLICATION_ENV.interserverPassword, REPLICATION_ENV.clusterSecret]) {
            assert.ok(e[k].valueFrom?.secretKeyRef, k);
            assert.equal(e[k].value, undefined, k);
        }
        const secret = run.byName("cdc-kubernetes-clickhouse-interserver");
        assert.ok(isSecretValue(secret.inputs.stringData));
        const data = unwrapSecret<Record<string, string>>(secret.inputs.stringData);
        assert.deepEqual(Object.keys(data).sort(), ["cluster-secret", "password"]);
        assert.ok(data.password.startsWith(MOCK_SECRET_PREFIX), "a generated password");
    });

    it("declares no secret in plain text anywhere and keeps every workload's spec plain", () => {
        const leaks = run.resources.flatMap((r) =>
            plainStrings(r.inputs)
                .filter((s) => s.value.includes(MOCK_SECRET_PREFIX))
                .map((s) => `${r.name}.${s.path}`),
        );
        assert.deepEqual(leaks, []);
        for (const w of ofType("kubernetes:apps/v1:StatefulSet"))
            assert.ok(!containsSecret(w.inputs.spec), `${w.name}: its spec holds a secret`);
    });

    it("issues ClickHouse's certificate for every replica and every Keeper member", () => {
        const names = run.byName("cdc-kubernetes-tls-clickhouse").inputs.dnsNames as string[];
        for (const host of [
            "clickhouse-2.clickhouse-headless",
            "clickhouse-2.clickhouse-headless.cdc-repl.svc.cluster.local",
            "clickhouse-keeper-2.clickhouse-keeper",
            "clickhouse-keeper-0.clickhouse-keeper.cdc-repl.svc",
        ])
            assert.ok(names.includes(host), host);
    });

    it("creates bronze tables only after Keeper too", () => {
        assert.ok(run.dependsOn("cdc-bronze").has("cdc-kubernetes-clickhouse-keeper"));
    });

    it("tells the CDC layer: replicated bronze on cluster cdc, the replicated dbt profile, the cdc_replicated var", () => {
        assert.deepEqual(run.byName("cdc-bronze").inputs.replication, { cluster: "cdc" });
        const dbt = run.byName("cdc-dbt").inputs;
        assert.equal(unwrapSecret<{ replicated?: boolean }>(dbt.clickhouse).replicated, true);
        assert.equal((dbt.vars as Record<string, string>).cdc_replicated, "true");
    });
});
