/**
 * Monitoring in the whole program under mocks (one program per process, test/support/stack-graph.ts):
 * docker and kubernetes deploy Prometheus, Grafana and the pipeline exporter with pinned images,
 * a scrape target for every service, the dashboard and the rules provisioned, Prometheus and Grafana
 * on 127.0.0.1 only on docker, no password in a plain input; `cdc:monitoring.enabled: false` removes
 * all of it; the kubernetes operator mode declares the operator's objects instead of Prometheus.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { promisify } from "node:util";
import * as yaml from "js-yaml";
import { DEFAULT_IMAGES } from "../../components/config/versions";
import { DEFAULT_ALERT_THRESHOLDS, renderAlertRules } from "../../components/monitoring/alerts";
import { renderDashboard } from "../../components/monitoring/dashboard";
import { exporterBundle } from "../../components/monitoring/exporterBundle";
import { DATASOURCE_UID, GRAFANA_FILES, PROMETHEUS_FILES } from "../../components/platform/shared/monitoring";
import { MOCK_SECRET_PREFIX } from "../support/mocks";
import type { GraphEntry } from "../support/stack-graph";

const SCRIPT = path.resolve(__dirname, "..", "support", "stack-graph.ts");
const SHAPES = ["docker", "docker-no-monitoring", "kubernetes-production", "kubernetes-operator"] as const;
const graphs = new Map<string, GraphEntry[]>();

before(async () => {
    const queue: string[] = [...SHAPES];
    const worker = async () => {
        for (let shape = queue.shift(); shape !== undefined; shape = queue.shift()) {
            const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", SCRIPT, shape], {
                cwd: path.resolve(__dirname, "..", ".."),
                maxBuffer: 64 * 1024 * 1024,
                timeout: 300_000,
            });
            graphs.set(shape, JSON.parse(stdout) as GraphEntry[]);
        }
    };
    await Promise.all([worker(), worker()]);
});

type Upload = { file: string; content?: unknown; permissions?: string; owner?: string };
const graph = (shape: string) => graphs.get(shape)!;
/** The resource `cdc-<name>` (the stack names every resource under its `cdc` component). */
const byName = (shape: string, name: string) => {
    const r = graph(shape).find((x) => x.name === `cdc-${name}`);
    assert.ok(r, `${shape}: resource ${name} exists`);
    return r.inputs as Record<string, unknown>;
};
/** A value the graph recorded as secret: `{ "<secret>": value }` (stack-graph.ts). */
const isSecret = (v: unknown) => typeof v === "object" && v !== null && "<secret>" in v;
const reveal = (v: unknown): unknown => (isSecret(v) ? reveal((v as { "<secret>": unknown })["<secret>"]) : v);
/** Every string leaf outside a secret that holds a generated (mock) password. */
function plainLeaks(v: unknown, at = ""): string[] {
    if (isSecret(v)) return [];
    if (typeof v === "string") return v.includes(MOCK_SECRET_PREFIX) ? [at] : [];
    if (Array.isArray(v)) return v.flatMap((x, i) => plainLeaks(x, `${at}[${i}]`));
    if (v && typeof v === "object") return Object.entries(v).flatMap(([k, x]) => plainLeaks(x, `${at}.${k}`));
    return [];
}
const uploads = (shape: string, name: string) =>
    ((reveal(byName(shape, name).uploads) as Upload[] | undefined) ?? []).map((u) => ({
        ...u,
        content: reveal(u.content),
    }));
const upload = (shape: string, name: string, file: string) => {
    const u = uploads(shape, name).find((x) => x.file === file);
    assert.ok(u, `${name} has ${file}`);
    return u;
};
const MONITORING = /prometheus|grafana|exporter|metrics-password|connect-metrics|podmonitor|servicemonitor/i;

describe("monitoring on docker", () => {
    it("runs Prometheus, Grafana and the exporter from the pinned images, restarted and awaited", () => {
        const images = graph("docker")
            .filter((r) => r.type === "docker:index/remoteImage:RemoteImage")
            .map((r) => (r.inputs as { name: string }).name);
        for (const ref of [DEFAULT_IMAGES.prometheus, DEFAULT_IMAGES.grafana, DEFAULT_IMAGES.exporter])
            assert.ok(images.includes(ref), ref);
        for (const role of ["prometheus", "grafana", "exporter"]) {
            const c = byName("docker", `docker-${role}`);
            assert.equal(c.restart, "unless-stopped", role);
            assert.equal(c.wait, true, role);
            assert.ok((c.healthcheck as { tests: string[] }).tests.length >= 2, `${role} healthcheck`);
        }
    });

    it("publishes Prometheus (9090) and Grafana (3000) on 127.0.0.1 only, the exporter not at all", () => {
        const ports = (role: string) => byName("docker", `docker-${role}`).ports as { ip: string; external: number }[];
        assert.deepEqual(ports("prometheus"), [{ internal: 9090, external: 9090, ip: "127.0.0.1", protocol: "tcp" }]);
        assert.deepEqual(ports("grafana"), [{ internal: 3000, external: 3000, ip: "127.0.0.1", protocol: "tcp" }]);
        assert.equal(ports("exporter"), undefined);
    });

    it("scrapes every service: each Kafka and Connect agent, ClickHouse's /metrics, the exporter, itself", () => {
        const cfg = yaml.load(upload("docker", "docker-prometheus", PROMETHEUS_FILES.config).content as string) as {
            rule_files: string[];
            scrape_configs: { job_name: string; scheme: string; static_configs: { targets: string[] }[] }[];
        };
        const targets = Object.fromEntries(
            cfg.scrape_configs.map((j) => [j.job_name, j.static_configs.flatMap((s) => s.targets)]),
        );
        assert.deepEqual(targets, {
            kafka: ["kafka:9404"],
            connect: ["connect:9404"],
            clickhouse: ["clickhouse:8443"],
            pipeline: ["exporter:9464"],
            prometheus: ["localhost:9090"],
        });
        for (const j of cfg.scrape_configs) assert.equal(j.scheme, "https", j.job_name);
        assert.deepEqual(cfg.rule_files, [PROMETHEUS_FILES.rules]);
        const ch = upload("docker", "docker-clickhouse", "/etc/clickhouse-server/config.d/cdc-metrics.xml");
        assert.match(ch.content as string, /<type>prometheus<\/type>/);
    });

    it("provisions the alert rules, the dashboard and the datasource; runs the bundled exporter script", () => {
        const rules = upload("docker", "docker-prometheus", PROMETHEUS_FILES.rules).content;
        assert.equal(rules, renderAlertRules(DEFAULT_ALERT_THRESHOLDS));
        const dash = upload("docker", "docker-grafana", GRAFANA_FILES.dashboard).content;
        assert.equal(dash, renderDashboard({ datasourceUid: DATASOURCE_UID }));
        const provider = yaml.load(
            upload("docker", "docker-grafana", GRAFANA_FILES.dashboardProvider).content as string,
        ) as {
            providers: { options: { path: string } }[];
        };
        assert.equal(provider.providers[0].options.path, path.posix.dirname(GRAFANA_FILES.dashboard));
        const ds = yaml.load(upload("docker", "docker-grafana", GRAFANA_FILES.datasource).content as string) as {
            datasources: { url: string; uid: string }[];
        };
        assert.deepEqual([ds.datasources[0].url, ds.datasources[0].uid], ["https://prometheus:9090", DATASOURCE_UID]);
        assert.equal(upload("docker", "docker-exporter", "/opt/cdc/exporter.js").content, exporterBundle());
        const cmd = byName("docker", "docker-exporter").command as string[];
        assert.deepEqual(cmd.slice(0, 4), ["node", "/opt/cdc/exporter.js", "--serve", "9464"]);
        for (const flag of ["--connect-url", "--kafka", "--clickhouse-url", "--source", "--sink", "--bronze-tables"])
            assert.ok(cmd.includes(flag), flag);
        assert.equal(cmd[cmd.indexOf("--clickhouse-url") + 1], "https://clickhouse:8443");
    });

    it("keeps every password, hash and key secret: none in a plain input, the files the image's user's only", () => {
        for (const role of ["prometheus", "grafana", "exporter"])
            assert.deepEqual(plainLeaks(byName("docker", `docker-${role}`)), [], role);
        for (const role of ["prometheus", "grafana"])
            assert.ok(isSecret(byName("docker", `docker-${role}`).uploads), `${role}: the uploads are secret`);
        for (const file of [PROMETHEUS_FILES.web, PROMETHEUS_FILES.metricsPassword, PROMETHEUS_FILES.adminPassword]) {
            const u = upload("docker", "docker-prometheus", file);
            assert.deepEqual([u.permissions, u.owner], ["0400", "65534"], file);
        }
        const web = upload("docker", "docker-prometheus", PROMETHEUS_FILES.web).content as string;
        assert.match(web, /admin: \$2b\$10\$/, "a bcrypt hash, not the password");
        assert.doesNotMatch(web, new RegExp(MOCK_SECRET_PREFIX));
        const env = reveal(byName("docker", "docker-grafana").envs) as unknown[];
        assert.ok(env.includes("GF_SECURITY_ADMIN_PASSWORD__FILE=/etc/cdc/grafana/secrets/admin-password"));
        assert.ok(!env.some((e) => typeof e === "string" && e.startsWith("GF_SECURITY_ADMIN_PASSWORD=")));
        const exporterEnv = byName("docker", "docker-exporter").envs;
        assert.ok(isSecret(exporterEnv), "the exporter's passwords come as secret env");
        assert.ok((reveal(exporterEnv) as string[]).some((e) => e.startsWith("CDC_METRICS_PASSWORD=")));
    });

    it("keeps Prometheus' and Grafana's data in volumes of their own", () => {
        for (const [role, dir] of [
            ["prometheus", "/prometheus"],
            ["grafana", "/var/lib/grafana"],
        ]) {
            assert.ok(
                graph("docker").some((r) => r.name === `cdc-docker-${role}-data`),
                `${role} volume`,
            );
            const vols = byName("docker", `docker-${role}`).volumes as { containerPath: string }[];
            assert.deepEqual(
                vols.map((v) => v.containerPath),
                [dir],
            );
        }
    });

    it("cdc:monitoring.enabled false removes every monitoring resource and ClickHouse's /metrics", () => {
        const left = graph("docker-no-monitoring").filter((r) => MONITORING.test(r.name));
        assert.deepEqual(
            left.map((r) => r.name),
            [],
        );
        const images = graph("docker-no-monitoring")
            .filter((r) => r.type === "docker:index/remoteImage:RemoteImage")
            .map((r) => (r.inputs as { name: string }).name);
        assert.ok(!images.includes(DEFAULT_IMAGES.grafana));
        assert.ok(!uploads("docker-no-monitoring", "docker-clickhouse").some((u) => u.file.includes("metrics")));
        // The same program with monitoring declares them (the filter finds what it should).
        assert.ok(graph("docker").filter((r) => MONITORING.test(r.name)).length >= 10);
    });
});

describe("monitoring on kubernetes", () => {
    const ofKind = (shape: string, type: string) => graph(shape).filter((r) => r.type === type);
    const configMapData = (shape: string, name: string) => byName(shape, name).data as Record<string, string>;

    it("workloads: Prometheus StatefulSet, Grafana and exporter Deployments on the pinned images", () => {
        const image = (name: string) =>
            (
                byName("kubernetes-production", name).spec as {
                    template: { spec: { containers: { image: string }[] } };
                }
            ).template.spec.containers[0].image;
        assert.equal(image("kubernetes-prometheus"), DEFAULT_IMAGES.prometheus);
        assert.equal(image("kubernetes-grafana"), DEFAULT_IMAGES.grafana);
        assert.equal(image("kubernetes-exporter"), DEFAULT_IMAGES.exporter);
    });

    it("workloads: scrapes every broker by name, the Connect workers through DNS, ClickHouse, the exporter", () => {
        const cfg = yaml.load(
            configMapData("kubernetes-production", "kubernetes-prometheus-config")["prometheus.yml"],
        ) as {
            scrape_configs: Record<string, unknown>[];
        };
        const jobs = Object.fromEntries(cfg.scrape_configs.map((j) => [j.job_name as string, j]));
        assert.deepEqual(jobs.kafka.static_configs, [
            { targets: ["kafka-0.kafka:9404", "kafka-1.kafka:9404", "kafka-2.kafka:9404"] },
        ]);
        assert.deepEqual(jobs.connect.dns_sd_configs, [{ names: ["connect-metrics"], type: "A", port: 9404 }]);
        assert.deepEqual(jobs.clickhouse.static_configs, [{ targets: ["clickhouse:8443"] }]);
        assert.deepEqual(jobs.pipeline.static_configs, [{ targets: ["exporter:9464"] }]);
        const rules = configMapData("kubernetes-production", "kubernetes-prometheus-rules")["cdc-alerts.yml"];
        assert.equal(rules, renderAlertRules(DEFAULT_ALERT_THRESHOLDS));
        const ch = configMapData("kubernetes-production", "kubernetes-clickhouse-config");
        assert.match(ch["cdc-metrics.xml"], /<url>\/metrics<\/url>/);
    });

    it("workloads: passwords reach the pods by secretKeyRef only; no custom resources", () => {
        for (const name of ["kubernetes-prometheus", "kubernetes-grafana", "kubernetes-exporter"])
            assert.deepEqual(plainLeaks(byName("kubernetes-production", name)), [], name);
        const env = (
            byName("kubernetes-production", "kubernetes-exporter").spec as {
                template: { spec: { containers: { env: { name: string; valueFrom?: unknown; value?: string }[] }[] } };
            }
        ).template.spec.containers[0].env;
        const pw = env.find((e) => e.name === "CDC_METRICS_PASSWORD")!;
        assert.ok(pw.valueFrom && pw.value === undefined);
        assert.equal(ofKind("kubernetes-production", "kubernetes:monitoring.coreos.com/v1:PodMonitor").length, 0);
    });

    it("operator: PodMonitors, ServiceMonitors and a PrometheusRule instead of Prometheus; Grafana queries the given URL", () => {
        const kinds = graph("kubernetes-operator")
            .filter((r) => r.type.startsWith("kubernetes:monitoring.coreos.com/v1:"))
            .map((r) => `${r.type.split(":").pop()} ${(r.inputs as { apiVersion: string }).apiVersion}`)
            .sort();
        assert.deepEqual(kinds, [
            "PodMonitor monitoring.coreos.com/v1",
            "PodMonitor monitoring.coreos.com/v1",
            "PrometheusRule monitoring.coreos.com/v1",
            "ServiceMonitor monitoring.coreos.com/v1",
            "ServiceMonitor monitoring.coreos.com/v1",
        ]);
        assert.ok(!graph("kubernetes-operator").some((r) => r.name === "cdc-kubernetes-prometheus"));
        assert.ok(!graph("kubernetes-operator").some((r) => r.name === "cdc-kubernetes-tls-prometheus"));
        const rule = byName("kubernetes-operator", "kubernetes-cdc-alerts-prometheusrule").spec;
        assert.deepEqual(rule, yaml.load(renderAlertRules(DEFAULT_ALERT_THRESHOLDS)));
        const ds = yaml.load(
            configMapData("kubernetes-operator", "kubernetes-grafana-provisioning")["datasource.yml"],
        ) as { datasources: { url: string }[] };
        assert.equal(ds.datasources[0].url, "http://prometheus-operated.monitoring.svc:9090");
        assert.ok(graph("kubernetes-operator").some((r) => r.name === "cdc-kubernetes-grafana"));
    });
});
