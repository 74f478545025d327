/**
 * Monitoring without a program: `cdc:monitoring` validation (defaults, each rule naming its key and
 * fix) and the renderers of components/platform/shared/monitoring.ts parsed back as YAML (the
 * structure Prometheus and Grafana read), the web config's bcrypt hash checked with bcryptjs, and
 * ClickHouse's `/metrics` handler keeping the predefined handlers.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as bcrypt from "bcryptjs";
import * as yaml from "js-yaml";
import { ConfigError, parseConfig } from "../../components/config";
import { DEFAULT_ALERT_THRESHOLDS } from "../../components/monitoring/alerts";
import { clickhouseMetricsConfigXml } from "../../components/platform/shared/clickhouse";
import {
    grafanaEnv,
    PROMETHEUS_FILES,
    renderGrafanaDatasource,
    renderPrometheusConfig,
    renderPrometheusWebConfig,
    stableBcrypt,
} from "../../components/platform/shared/monitoring";

const K8S = { access: { mode: "nodePort", nodeAddress: "10.0.0.5" } };

function problems(raw: Record<string, unknown>): { key: string; message: string }[] {
    try {
        parseConfig(raw);
    } catch (e) {
        if (e instanceof ConfigError) return e.problems;
        throw e;
    }
    return [];
}

describe("cdc:monitoring", () => {
    it("is on by default on docker and kubernetes, with the design's intervals and the rules' thresholds", () => {
        for (const raw of [{ platform: "docker" }, { platform: "kubernetes", kubernetes: K8S }]) {
            const m = parseConfig(raw).monitoring;
            assert.equal(m.enabled, true);
            assert.deepEqual(
                [m.scrapeIntervalSeconds, m.evaluationIntervalSeconds, m.retentionDays, m.kubernetes.mode],
                [15, 15, 15, "workloads"],
            );
            assert.deepEqual(m.alerts, DEFAULT_ALERT_THRESHOLDS);
        }
    });

    it("takes each threshold on its own and keeps the other defaults", () => {
        const m = parseConfig({ platform: "docker", monitoring: { alerts: { sinkLagRecords: "5000" } } }).monitoring;
        assert.deepEqual(m.alerts, { ...DEFAULT_ALERT_THRESHOLDS, sinkLagRecords: 5000 });
    });

    it("names the key of a bad value or an unknown threshold", () => {
        const p = problems({
            platform: "docker",
            monitoring: { scrapeIntervalSeconds: 1, alerts: { sinkLagRecrods: 5 } },
        });
        assert.deepEqual(p.map((x) => x.key).sort(), [
            "cdc:monitoring.alerts.sinkLagRecrods",
            "cdc:monitoring.scrapeIntervalSeconds",
        ]);
        assert.match(
            p.find((x) => x.key.endsWith("Recrods"))!.message,
            /did you mean `cdc:monitoring\.alerts\.sinkLagRecords`/,
        );
    });

    it("is off on external, refuses enabled: true and any other key there, naming how to remove it", () => {
        const ext = {
            platform: "external",
            external: {
                connectUrl: "https://connect.example.com:8083",
                kafkaBootstrap: "k:9092",
                clickhouse: { url: "https://ch.example.com:8443" },
            },
            clickhousePassword: "x",
            debeziumConnectionString: "mongodb://d:x@m:27017/?replicaSet=rs0",
        };
        assert.equal(parseConfig(ext).monitoring.enabled, false);
        assert.equal(parseConfig({ ...ext, monitoring: { enabled: false } }).monitoring.enabled, false);
        const p = problems({ ...ext, monitoring: { enabled: true, retentionDays: 3 } });
        assert.deepEqual(p.map((x) => x.key).sort(), ["cdc:monitoring.enabled", "cdc:monitoring.retentionDays"]);
        assert.match(p[0].message + p[1].message, /external platform/);
        assert.match(p.find((x) => x.key === "cdc:monitoring.enabled")!.message, /pulumi config rm cdc:monitoring/);
    });

    it("operator mode on kubernetes requires the Prometheus URL; the URL alone and the block on docker are refused", () => {
        const op = problems({
            platform: "kubernetes",
            kubernetes: K8S,
            monitoring: { kubernetes: { mode: "operator" } },
        });
        assert.deepEqual(
            op.map((x) => x.key),
            ["cdc:monitoring.kubernetes.prometheusUrl"],
        );
        assert.match(
            op[0].message,
            /required with cdc:monitoring\.kubernetes\.mode "operator".*pulumi config set --path/,
        );
        const ok = parseConfig({
            platform: "kubernetes",
            kubernetes: K8S,
            monitoring: { kubernetes: { mode: "operator", prometheusUrl: "http://prom.monitoring.svc:9090" } },
        });
        assert.equal(ok.monitoring.kubernetes.prometheusUrl, "http://prom.monitoring.svc:9090");
        const urlOnly = problems({
            platform: "kubernetes",
            kubernetes: K8S,
            monitoring: { kubernetes: { prometheusUrl: "http://prom:9090" } },
        });
        assert.deepEqual(
            urlOnly.map((x) => x.key),
            ["cdc:monitoring.kubernetes.prometheusUrl"],
        );
        const docker = problems({ platform: "docker", monitoring: { kubernetes: { mode: "operator" } } });
        assert.deepEqual(
            docker.map((x) => x.key),
            ["cdc:monitoring.kubernetes"],
        );
    });

    it("pins its images like the others (a moving tag is refused, naming the key)", () => {
        const p = problems({ platform: "docker", docker: { images: { grafana: "grafana/grafana-oss:latest" } } });
        assert.deepEqual(
            p.map((x) => x.key),
            ["cdc:docker.images.grafana"],
        );
    });
});

describe("the monitoring renderers", () => {
    const targets = {
        kafka: ["kafka-0.kafka:9404", "kafka-1.kafka:9404"],
        connect: { dns: "connect-metrics", serverName: "connect" },
        clickhouse: ["clickhouse:8443"],
        exporter: ["exporter:9464"],
        prometheus: ["localhost:9090"],
    };
    type Job = Record<string, unknown> & { job_name: string };

    it("prometheus.yml: one job per row of the design's table, HTTPS with the CA, basic auth by password file", () => {
        const text = renderPrometheusConfig({
            scrapeIntervalSeconds: 30,
            evaluationIntervalSeconds: 20,
            targets,
            tls: true,
        });
        const c = yaml.load(text) as { global: Record<string, string>; rule_files: string[]; scrape_configs: Job[] };
        assert.deepEqual(c.global, { scrape_interval: "30s", scrape_timeout: "10s", evaluation_interval: "20s" });
        assert.deepEqual(c.rule_files, [PROMETHEUS_FILES.rules]);
        const jobs = Object.fromEntries(c.scrape_configs.map((j) => [j.job_name, j]));
        assert.deepEqual(Object.keys(jobs), ["kafka", "connect", "clickhouse", "pipeline", "prometheus"]);
        for (const j of Object.values(jobs)) {
            assert.equal(j.scheme, "https", j.job_name);
            assert.equal(j.metrics_path, "/metrics", j.job_name);
            assert.equal((j.tls_config as { ca_file: string }).ca_file, "/etc/cdc/tls/ca.crt", j.job_name);
        }
        const auth = (j: string) => jobs[j].basic_auth as { username: string; password_file: string } | undefined;
        for (const j of ["kafka", "connect", "pipeline"])
            assert.deepEqual(auth(j), { username: "metrics", password_file: PROMETHEUS_FILES.metricsPassword }, j);
        assert.deepEqual(auth("prometheus"), { username: "admin", password_file: PROMETHEUS_FILES.adminPassword });
        assert.equal(auth("clickhouse"), undefined, "ClickHouse's handler takes no login");
        assert.deepEqual(jobs.kafka.static_configs, [{ targets: targets.kafka }]);
        assert.deepEqual(jobs.connect.dns_sd_configs, [{ names: ["connect-metrics"], type: "A", port: 9404 }]);
        assert.equal((jobs.connect.tls_config as { server_name: string }).server_name, "connect");
        assert.deepEqual(jobs.pipeline.static_configs, [{ targets: ["exporter:9464"] }]);
        assert.doesNotMatch(text, /password:/, "no password in the file, only password_file");
    });

    it("prometheus.yml without TLS (docker only): plain HTTP, the same logins", () => {
        const c = yaml.load(
            renderPrometheusConfig({
                scrapeIntervalSeconds: 15,
                evaluationIntervalSeconds: 15,
                targets: { ...targets, connect: { targets: ["connect:9404"] } },
                tls: false,
            }),
        ) as { scrape_configs: Job[] };
        for (const j of c.scrape_configs) {
            assert.equal(j.scheme, "http");
            assert.equal(j.tls_config, undefined);
        }
        assert.ok(c.scrape_configs.find((j) => j.job_name === "kafka")!.basic_auth);
    });

    it("web config: TLS with Prometheus' certificate and a bcrypt hash of the admin password, the same on every run", () => {
        const hash = stableBcrypt("s3cret-admin");
        assert.equal(stableBcrypt("s3cret-admin"), hash, "stable: a second `up` changes nothing");
        assert.notEqual(stableBcrypt("other"), hash);
        assert.ok(bcrypt.compareSync("s3cret-admin", hash));
        assert.ok(!bcrypt.compareSync("wrong", hash));
        const w = yaml.load(renderPrometheusWebConfig({ adminPasswordBcrypt: hash, tls: true })) as {
            tls_server_config: Record<string, string>;
            basic_auth_users: Record<string, string>;
        };
        assert.deepEqual(w.basic_auth_users, { admin: hash });
        assert.equal(w.tls_server_config.cert_file, "/etc/cdc/tls/tls.crt");
        assert.equal(w.tls_server_config.key_file, "/etc/cdc/tls/tls.key");
    });

    it("Grafana: the datasource reads its password and CA from files; the admin password comes by file", () => {
        const text = renderGrafanaDatasource({ url: "https://prometheus:9090", stackPrometheus: true, tls: true });
        const d = (yaml.load(text) as { datasources: Record<string, unknown>[] }).datasources[0];
        assert.equal(d.url, "https://prometheus:9090");
        assert.equal(d.uid, "prometheus");
        assert.equal(d.basicAuthUser, "admin");
        assert.deepEqual(d.secureJsonData, {
            basicAuthPassword: "$__file{/etc/cdc/grafana/secrets/prometheus-password}",
            tlsCACert: "$__file{/etc/cdc/tls/ca.crt}",
        });
        const env = grafanaEnv({ tls: true });
        assert.equal(env.GF_SECURITY_ADMIN_PASSWORD__FILE, "/etc/cdc/grafana/secrets/admin-password");
        assert.equal(env.GF_SECURITY_ADMIN_PASSWORD, undefined);
        assert.equal(env.GF_SERVER_PROTOCOL, "https");
    });

    it("ClickHouse: /metrics as a prometheus rule, the predefined handlers kept with <defaults/>", () => {
        const xml = clickhouseMetricsConfigXml();
        const handlers = /<http_handlers>([\s\S]*)<\/http_handlers>/.exec(xml)![1];
        assert.match(handlers, /^\s*<defaults\/>/);
        assert.match(handlers, /<url>\/metrics<\/url>[\s\S]*<type>prometheus<\/type>/);
    });
});
