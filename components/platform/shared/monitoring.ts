/**
 * Monitoring, the same on docker and kubernetes, as plain values (docs/platforms.md, "Monitoring";
 * docs/security.md, "Monitoring"): the ports and users, the files each container reads, and the
 * pure renderers of Prometheus' config and web config, Grafana's provisioning and environment, and
 * the pipeline exporter's command and environment. What other modules render (the dashboard, the
 * alert rules, the exporter's bundled script) comes in as {@link MonitoringAssets}.
 */
import { createHash } from "node:crypto";
import * as bcrypt from "bcryptjs";
import * as yaml from "js-yaml";
import { bronzeTableName, changeTopicName } from "../../../connectors/naming";
import { collectionNames, type PipelineSettings } from "../../config";
import { KAFKA_USERS, CONNECT_REST_USER } from "./kafkaSecurity";
import { TLS_DIR } from "./tls";

/** Ports of the design's job table (Prometheus `job` label = the key, except Grafana). */
export const MONITORING_PORTS = { jmx: 9404, exporter: 9464, prometheus: 9090, grafana: 3000 } as const;

/** Users: `metrics` on every scrape endpoint, `admin` on Prometheus' UI/API and on Grafana. */
export const METRICS_USER = "metrics";
export const PROMETHEUS_ADMIN_USER = "admin";
export const GRAFANA_ADMIN_USER = "admin";

/** The uid of the provisioned Prometheus datasource (the dashboard's panels name it). */
export const DATASOURCE_UID = "prometheus";

/** What the other parts of #22 render, handed in by the stack. */
export interface MonitoringAssets {
    /** Grafana dashboard JSON (components/monitoring/dashboard.ts `renderDashboard`). */
    dashboardJson: string;
    /** Prometheus rules YAML (components/monitoring/alerts.ts `renderAlertRules`). */
    alertRulesYaml: string;
    /** The pipeline exporter, one CommonJS file (components/monitoring/exporterBundle.ts). */
    exporterScript: string;
}

/** The CA every monitoring container trusts, and its own certificate and key (PEM). */
export const MONITORING_TLS_FILES = {
    ca: `${TLS_DIR}/ca.crt`,
    cert: `${TLS_DIR}/tls.crt`,
    key: `${TLS_DIR}/tls.key`,
} as const;

/** Prometheus' files: config and rules (public), secrets (the web config holds a bcrypt hash). */
export const PROMETHEUS_FILES = {
    configDir: "/etc/cdc/prometheus",
    config: "/etc/cdc/prometheus/prometheus.yml",
    /** promtool's client config for the healthcheck (TLS + basic auth as `admin`). */
    selfClient: "/etc/cdc/prometheus/self-client.yml",
    rulesDir: "/etc/cdc/prometheus/rules",
    rules: "/etc/cdc/prometheus/rules/cdc-alerts.yml",
    secretsDir: "/etc/cdc/prometheus/secrets",
    web: "/etc/cdc/prometheus/secrets/web.yml",
    metricsPassword: "/etc/cdc/prometheus/secrets/metrics-password",
    adminPassword: "/etc/cdc/prometheus/secrets/admin-password",
    /** The TSDB (a volume / claim). */
    data: "/prometheus",
} as const;

/** Grafana's files. */
export const GRAFANA_FILES = {
    provisioningDir: "/etc/cdc/grafana/provisioning",
    datasource: "/etc/cdc/grafana/provisioning/datasources/cdc.yml",
    dashboardProvider: "/etc/cdc/grafana/provisioning/dashboards/cdc.yml",
    dashboardsDir: "/etc/cdc/grafana/dashboards",
    dashboard: "/etc/cdc/grafana/dashboards/cdc-pipeline.json",
    secretsDir: "/etc/cdc/grafana/secrets",
    adminPassword: "/etc/cdc/grafana/secrets/admin-password",
    /** Prometheus' `admin` password, which the datasource sends. */
    prometheusPassword: "/etc/cdc/grafana/secrets/prometheus-password",
    /** Grafana's database and plugins (a volume / claim). */
    data: "/var/lib/grafana",
} as const;

/** The exporter's script, and the uids the official images run as. */
export const EXPORTER_SCRIPT = "/opt/cdc/exporter.js";
export const MONITORING_UIDS = { prometheus: 65534, grafana: 472, exporter: 1000 } as const;

/**
 * The exporter's environment variable names: its own login and TLS, and the ones `npm run status`
 * already reads for the services' logins and the CA (never flags: they would show in ps).
 */
export const EXPORTER_ENV = {
    metricsUser: "CDC_METRICS_USER",
    metricsPassword: "CDC_METRICS_PASSWORD",
    caFile: "CDC_TLS_CA_FILE",
    connectPassword: "CDC_CONNECT_PASSWORD",
    clickhousePassword: "CDC_STATUS_CLICKHOUSE_PASSWORD",
    kafkaUser: "CDC_STATUS_KAFKA_USER",
    kafkaPassword: "CDC_STATUS_KAFKA_PASSWORD",
} as const;

/**
 * Where Prometheus finds each job's targets (`host:port`). Connect on kubernetes is a Deployment
 * whose pods have no stable names: its workers are found through a headless Service's DNS A records
 * and verified under `serverName` (a name their certificate holds).
 */
export interface ScrapeTargets {
    kafka: string[];
    connect: { targets: string[] } | { dns: string; serverName: string };
    clickhouse: string[];
    exporter: string[];
    prometheus: string[];
}

export interface PrometheusConfigOptions {
    scrapeIntervalSeconds: number;
    evaluationIntervalSeconds: number;
    targets: ScrapeTargets;
    /** HTTPS with the stack's CA on every endpoint (`cdc:tls.enabled`); else plain HTTP. */
    tls: boolean;
}

/** `prometheus.yml`: one job per row of the design's job table; no password, only files holding them. */
export function renderPrometheusConfig(o: PrometheusConfigOptions): string {
    const scheme = o.tls ? "https" : "http";
    const tlsConfig = (serverName?: string) =>
        o.tls
            ? { tls_config: { ca_file: MONITORING_TLS_FILES.ca, ...(serverName ? { server_name: serverName } : {}) } }
            : {};
    const login = (user: string, file: string) => ({ basic_auth: { username: user, password_file: file } });
    const metricsLogin = login(METRICS_USER, PROMETHEUS_FILES.metricsPassword);
    const job = (name: string, targets: string[], extra: Record<string, unknown>) => ({
        job_name: name,
        scheme,
        metrics_path: "/metrics",
        ...extra,
        static_configs: [{ targets }],
    });
    const c = o.targets.connect;
    const connect =
        "targets" in c
            ? job("connect", c.targets, { ...metricsLogin, ...tlsConfig() })
            : {
                  job_name: "connect",
                  scheme,
                  metrics_path: "/metrics",
                  ...metricsLogin,
                  ...tlsConfig(c.serverName),
                  dns_sd_configs: [{ names: [c.dns], type: "A", port: MONITORING_PORTS.jmx }],
              };
    const config = {
        global: {
            scrape_interval: `${o.scrapeIntervalSeconds}s`,
            scrape_timeout: `${Math.min(10, o.scrapeIntervalSeconds)}s`,
            evaluation_interval: `${o.evaluationIntervalSeconds}s`,
        },
        rule_files: [PROMETHEUS_FILES.rules],
        scrape_configs: [
            job("kafka", o.targets.kafka, { ...metricsLogin, ...tlsConfig() }),
            connect,
            // ClickHouse's own handler on its HTTP(S) port: no login (metrics hold no row data).
            job("clickhouse", o.targets.clickhouse, tlsConfig()),
            job("pipeline", o.targets.exporter, { ...metricsLogin, ...tlsConfig() }),
            job("prometheus", o.targets.prometheus, {
                ...login(PROMETHEUS_ADMIN_USER, PROMETHEUS_FILES.adminPassword),
                ...tlsConfig(),
            }),
        ],
    };
    return yaml.dump(config, { lineWidth: -1, noRefs: true });
}

/**
 * A bcrypt hash (cost 10) of `password` whose salt is derived from the password itself, so the
 * same password always gives the same hash and a second `pulumi up` changes nothing. The hash is
 * still a login verifier: keep it secret.
 */
export function stableBcrypt(password: string, rounds = 10): string {
    const seed = createHash("sha256").update(`cdc-prometheus-web:${password}`).digest();
    const salt = `$2b$${String(rounds).padStart(2, "0")}$${bcrypt.encodeBase64(Array.from(seed.subarray(0, 16)), 16)}`;
    return bcrypt.hashSync(password, salt);
}

/** Prometheus' `--web.config.file`: HTTPS with its certificate (when `tls`), basic auth as `admin`. */
export function renderPrometheusWebConfig(o: { adminPasswordBcrypt: string; tls: boolean }): string {
    return yaml.dump(
        {
            ...(o.tls
                ? {
                      tls_server_config: {
                          cert_file: MONITORING_TLS_FILES.cert,
                          key_file: MONITORING_TLS_FILES.key,
                          min_version: "TLS12",
                      },
                  }
                : {}),
            basic_auth_users: { [PROMETHEUS_ADMIN_USER]: o.adminPasswordBcrypt },
        },
        { lineWidth: -1 },
    );
}

/** promtool's HTTP client config for the healthcheck (`promtool check healthy --http.config.file`). */
export function renderPrometheusSelfClient(o: { tls: boolean }): string {
    return yaml.dump({
        basic_auth: { username: PROMETHEUS_ADMIN_USER, password_file: PROMETHEUS_FILES.adminPassword },
        ...(o.tls ? { tls_config: { ca_file: MONITORING_TLS_FILES.ca } } : {}),
    });
}

/** Prometheus' command-line arguments (the image's entrypoint is `/bin/prometheus`). */
export function prometheusArgs(o: { retentionDays: number }): string[] {
    return [
        `--config.file=${PROMETHEUS_FILES.config}`,
        `--web.config.file=${PROMETHEUS_FILES.web}`,
        `--storage.tsdb.path=${PROMETHEUS_FILES.data}`,
        `--storage.tsdb.retention.time=${o.retentionDays}d`,
        `--web.listen-address=:${MONITORING_PORTS.prometheus}`,
    ];
}

/** Prometheus is usable: `/-/healthy` answers over its TLS with basic auth (promtool ships in the image). */
export function prometheusHealthCommand(tls: boolean): string {
    const scheme = tls ? "https" : "http";
    return `promtool check healthy --url=${scheme}://localhost:${MONITORING_PORTS.prometheus} --http.config.file=${PROMETHEUS_FILES.selfClient}`;
}

/**
 * Grafana's datasource: the stack's Prometheus over HTTPS, trusting the stack's CA, logging in as
 * `admin` (the password read from a file by Grafana's `$__file{}` expansion, never in the file);
 * or, in the kubernetes operator mode, the URL the user gave, without a login.
 */
export function renderGrafanaDatasource(
    o: { url: string; stackPrometheus: true; tls: boolean } | { url: string; stackPrometheus: false },
): string {
    const own = o.stackPrometheus
        ? {
              basicAuth: true,
              basicAuthUser: PROMETHEUS_ADMIN_USER,
              jsonData: { httpMethod: "POST", ...(o.tls ? { tlsAuthWithCACert: true } : {}) },
              secureJsonData: {
                  basicAuthPassword: `$__file{${GRAFANA_FILES.prometheusPassword}}`,
                  ...(o.tls ? { tlsCACert: `$__file{${MONITORING_TLS_FILES.ca}}` } : {}),
              },
          }
        : { jsonData: { httpMethod: "POST" } };
    return yaml.dump(
        {
            apiVersion: 1,
            datasources: [
                {
                    name: "Prometheus",
                    uid: DATASOURCE_UID,
                    type: "prometheus",
                    access: "proxy",
                    url: o.url,
                    isDefault: true,
                    editable: false,
                    ...own,
                },
            ],
        },
        { lineWidth: -1 },
    );
}

/** Grafana's dashboard provider: the dashboard file, read-only in the UI. */
export function renderGrafanaDashboardProvider(): string {
    return yaml.dump({
        apiVersion: 1,
        providers: [
            {
                name: "cdc-pipeline",
                type: "file",
                disableDeletion: true,
                allowUiUpdates: false,
                options: { path: GRAFANA_FILES.dashboardsDir, foldersFromFilesStructure: false },
            },
        ],
    });
}

/**
 * Grafana's settings as `GF_*` variables (its ini keys): HTTPS with its certificate, the admin
 * password read from a file (`__FILE`), no sign-up, no anonymous access, no calls home.
 */
export function grafanaEnv(o: { tls: boolean }): Record<string, string> {
    return {
        GF_SERVER_PROTOCOL: o.tls ? "https" : "http",
        GF_SERVER_HTTP_PORT: String(MONITORING_PORTS.grafana),
        ...(o.tls
            ? {
                  GF_SERVER_CERT_FILE: MONITORING_TLS_FILES.cert,
                  GF_SERVER_CERT_KEY: MONITORING_TLS_FILES.key,
                  GF_SECURITY_COOKIE_SECURE: "true",
              }
            : {}),
        GF_SECURITY_ADMIN_USER: GRAFANA_ADMIN_USER,
        GF_SECURITY_ADMIN_PASSWORD__FILE: GRAFANA_FILES.adminPassword,
        GF_PATHS_PROVISIONING: GRAFANA_FILES.provisioningDir,
        GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH: GRAFANA_FILES.dashboard,
        GF_USERS_ALLOW_SIGN_UP: "false",
        GF_AUTH_ANONYMOUS_ENABLED: "false",
        GF_ANALYTICS_REPORTING_ENABLED: "false",
        GF_ANALYTICS_CHECK_FOR_UPDATES: "false",
    };
}

/** Grafana is up: `/api/health` (no login) over its own TLS (busybox wget in the image; readiness only). */
export function grafanaHealthCommand(tls: boolean): string {
    const scheme = tls ? "https" : "http";
    const insecure = tls ? " --no-check-certificate" : "";
    return `wget -q -O /dev/null${insecure} ${scheme}://localhost:${MONITORING_PORTS.grafana}/api/health`;
}

/** Where the exporter reaches the services from inside the network, and what the pipeline is named. */
export interface ExporterTargets {
    connectUrl: string;
    kafkaBootstrap: string;
    clickhouseUrl: string;
    clickhouseUser: string;
    database: string;
    source: string;
    sink: string;
    bronzeTables: string[];
    sourceTopics: string[];
    /** Kafka Connect's REST user, when it asks for one. */
    connectUser?: string;
    /** Serve /metrics over HTTPS with the exporter's certificate (MONITORING_TLS_FILES). */
    tls?: boolean;
}

/** `node exporter.js --serve 9464 …`: the status flags for every endpoint, so no stack is read. */
export function exporterCommand(t: ExporterTargets): string[] {
    return [
        "node",
        EXPORTER_SCRIPT,
        "--serve",
        String(MONITORING_PORTS.exporter),
        "--connect-url",
        t.connectUrl,
        "--kafka",
        t.kafkaBootstrap,
        "--clickhouse-url",
        t.clickhouseUrl,
        "--clickhouse-user",
        t.clickhouseUser,
        "--database",
        t.database,
        "--source",
        t.source,
        "--sink",
        t.sink,
        "--bronze-tables",
        t.bronzeTables.join(","),
        "--source-topics",
        t.sourceTopics.join(","),
        ...(t.connectUser ? ["--connect-user", t.connectUser] : []),
        ...(t.tls ? ["--tls-cert", MONITORING_TLS_FILES.cert, "--tls-key", MONITORING_TLS_FILES.key] : []),
    ];
}

/** The exporter's public environment (names of files and users); the passwords come as secrets. */
export function exporterPublicEnv(o: { tls: boolean }): Record<string, string> {
    return {
        [EXPORTER_ENV.metricsUser]: METRICS_USER,
        [EXPORTER_ENV.kafkaUser]: KAFKA_USERS.status.name,
        ...(o.tls
            ? {
                  [EXPORTER_ENV.caFile]: MONITORING_TLS_FILES.ca,
              }
            : {}),
    };
}

/** Connect's REST user name as the exporter sends it (re-exported for the builders). */
export const EXPORTER_CONNECT_USER = CONNECT_REST_USER.name;

/** The exporter's port is open (the metrics need a login; this only decides "started"). */
export function exporterHealthCommand(): string[] {
    const script =
        `require("net").connect(${MONITORING_PORTS.exporter}, "127.0.0.1")` +
        '.on("connect", () => process.exit(0)).on("error", () => process.exit(1))';
    return ["CMD", "node", "-e", script];
}

/**
 * Memory and CPU of each monitoring container (docker limits, kubernetes requests = limits):
 * Prometheus with 15 days of this pipeline's few thousand series fits in 1 GiB.
 */
export const MONITORING_RESOURCES = {
    prometheus: { memoryMb: 1024, cpuMillis: 500 },
    grafana: { memoryMb: 512, cpuMillis: 500 },
    exporter: { memoryMb: 256, cpuMillis: 250 },
} as const;

/** The flags of {@link exporterCommand} from the pipeline's settings (the names the CDC layer gives). */
export function exporterPipelineNames(
    p: PipelineSettings,
    stack: string,
): Pick<ExporterTargets, "clickhouseUser" | "database" | "source" | "sink" | "bronzeTables" | "sourceTopics"> {
    const collections = collectionNames(p.mongo.collections);
    return {
        clickhouseUser: p.clickhouse.user,
        database: p.clickhouse.database,
        source: p.connectors.sourceName ?? `${stack}-mongo-source`,
        sink: p.connectors.sinkName ?? `${stack}-clickhouse-sink`,
        bronzeTables: collections.map((c) => bronzeTableName(p.kafka.topicPrefix, p.mongo.database, c)),
        sourceTopics: collections.map((c) => changeTopicName(p.kafka.topicPrefix, p.mongo.database, c)),
    };
}
