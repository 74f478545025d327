/**
 * Pinned versions of everything the docker and kubernetes platforms run. Each can be overridden
 * per stack (`cdc:docker.images.*`); bump them here, in one place, with a changelog line.
 */
export const DEFAULT_IMAGES = {
    /** MongoDB ≥ 6 is needed for change-stream pre-images (full `before` on deletes). */
    mongo: "mongo:8.0.29",
    /** Apache Kafka's own image, KRaft mode (no ZooKeeper). */
    kafka: "apache/kafka:4.1.1",
    /** Debezium's Kafka Connect image: ships the Debezium MongoDB plugin. */
    connect: "quay.io/debezium/connect:3.3.2.Final",
    /** ClickHouse LTS (26.3). */
    clickhouse: "clickhouse/clickhouse-server:26.3.20.7",
    /** Fetches and verifies the ClickHouse sink plugin zip (busybox wget, sha256sum, unzip). */
    pluginFetcher: "alpine:3.22",
    /**
     * Prometheus 3.16.0: the release of the `prometheus`/`promtool` the tests build from Go modules
     * (v0.316.0), so the rules and config deployed are the ones `promtool` checked.
     */
    prometheus: "prom/prometheus:v3.16.0",
    /** Grafana OSS 12.4 (provisioned datasource and dashboard; the dashboard JSON is schema v1). */
    grafana: "grafana/grafana-oss:12.4.5",
    /**
     * The pipeline exporter's runtime: the official Node image running a bundled script the stack
     * writes (no image registry of ours). Node 20.20.2 is the runtime the tests run the bundle on.
     */
    exporter: "node:20.20.2-alpine",
} as const;

/**
 * ClickHouse Keeper, run by the kubernetes platform with `cdc:kubernetes.clickhouse.replicas` ≥ 2
 * (`cdc:kubernetes.clickhouse.keeper.image` overrides it). Same release as the server image, as
 * ClickHouse publishes both per release. Unverified here: no registry lookup or pull was made for
 * this tag (the machine runs no Keeper); check `docker pull` of it before relying on it.
 */
export const DEFAULT_KEEPER_IMAGE = "clickhouse/clickhouse-keeper:26.3.20.7";

/** The ClickHouse Kafka Connect sink: not on Maven Central, installed from its release zip. */
export const DEFAULT_CLICKHOUSE_SINK_PLUGIN = {
    version: "v1.5.0",
    /**
     * ClickHouse publishes no checksum for its release zips. This value is an independent pin of
     * the same URL (a Nix fetchurl hash, converted from SRI to hex); the fetcher refuses any
     * download that doesn't match. When bumping the version, compute it yourself with
     * `curl -fsSL <url> | sha256sum` and set both keys together.
     */
    sha256: "53e31ccd96734b8fb1f251279da17863b9b193f0764a61280461aa314050ecc6",
    url: "https://github.com/ClickHouse/clickhouse-kafka-connect/releases/download/{version}/clickhouse-kafka-connect-{version}.zip",
} as const;

/**
 * The Prometheus JMX exporter's Java agent (Maven Central), loaded into every Kafka broker and
 * Kafka Connect worker when monitoring is on: a fetcher downloads the jar, refuses it unless its
 * SHA-256 matches, and the JVMs start with `-javaagent:` (components/platform/shared/jmxAgent.ts).
 * Maven Central publishes only a SHA-1 for it (`.jar.sha1`: f9c53eb0aa1828c3c9cd7647238563e43a4ed68c);
 * the SHA-256 here was computed from the same download after checking that SHA-1. When bumping the
 * version, do the same (`curl -fsSL <url> | sha256sum`) and set both keys together.
 */
export const DEFAULT_JMX_EXPORTER_AGENT = {
    version: "1.0.1",
    sha256: "7d61f737fd661610ccc14aea79764faa1ea94a340cbc8f0029b3d2edea3d80c1",
    url: "https://repo1.maven.org/maven2/io/prometheus/jmx/jmx_prometheus_javaagent/{version}/jmx_prometheus_javaagent-{version}.jar",
} as const;
