/**
 * ClickHouse's replication config as a plain value (`cdc-replication.xml`), for
 * `cdc:kubernetes.clickhouse.replicas` ≥ 2: where Keeper is, this replica's macros, the cluster of
 * every replica (one shard), the interserver endpoint replicas fetch parts from, and KeeperMap's
 * path. Every value that differs per pod or is secret is read from the pod's environment
 * (`from_env`): the file is the same for every replica and holds no secret.
 */
import { CLICKHOUSE_TLS_FILES, CLICKHOUSE_TLS_PORTS } from "./clickhouse";
import { KEEPER_PORTS } from "./keeper";

/** The name of the cluster of every replica (`remote_servers`), what `ON CLUSTER` and `clusterAllReplicas` name. */
export const REPLICATION_CLUSTER = "cdc";

/** Where the server config file goes in the container. */
export const CLICKHOUSE_REPLICATION_FILE = "/etc/clickhouse-server/config.d/cdc-replication.xml";

/** Interserver ports (replicas fetching parts from each other): HTTPS with TLS, HTTP without. */
export const INTERSERVER_PORTS = { https: 9010, http: 9009 } as const;

/** The environment each replica must have; the values of the secret ones come from a Secret. */
export const REPLICATION_ENV = {
    /** This replica's name in the `{replica}` macro: the pod's name (`clickhouse-<i>`). */
    replica: "HOSTNAME",
    /** The name other replicas fetch parts from this one by (the pod's DNS name under the headless Service). */
    interserverHost: "CLICKHOUSE_INTERSERVER_HOST",
    /** The interserver fetch password (secret). */
    interserverPassword: "CLICKHOUSE_INTERSERVER_PASSWORD",
    /** The cluster's shared secret for distributed queries between replicas (secret). */
    clusterSecret: "CLICKHOUSE_CLUSTER_SECRET",
} as const;

/** The user replicas authenticate as to each other's interserver endpoint (not a ClickHouse user). */
export const INTERSERVER_USER = "interserver";

/** The single shard's name in the `{shard}` macro. */
export const SHARD = "01";

export interface ReplicationConfig {
    /** Every replica's host name (`clickhouse-<i>.clickhouse-headless`), the cluster's members. */
    replicas: string[];
    /** Every Keeper member's host name, in id order. */
    keeper: string[];
    /** TLS to Keeper (9281), between replicas (native 9440, interserver HTTPS), verified against the stack's CA. */
    tls: boolean;
}

const HOST = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/;

function checkHosts(what: string, hosts: string[]): void {
    if (hosts.length === 0) throw new Error(`the replication config needs at least one ${what}`);
    const bad = hosts.filter((h) => !HOST.test(h));
    if (bad.length > 0) throw new Error(`${what} host names must be DNS names; got ${bad.join(", ")}`);
    if (new Set(hosts).size !== hosts.length) throw new Error(`${what} host names must differ`);
}

/** The replication config file (XML). */
export function clickhouseReplicationXml(o: ReplicationConfig): string {
    checkHosts("replica", o.replicas);
    checkHosts("Keeper member", o.keeper);
    const secure = o.tls ? ["            <secure>1</secure>"] : [];
    const keeperPort = o.tls ? KEEPER_PORTS.clientTls : KEEPER_PORTS.client;
    const nativePort = o.tls ? CLICKHOUSE_TLS_PORTS.nativeTls : 9000;
    return [
        "<clickhouse>",
        "    <!-- cdc-pipeline (docs/platforms.md, Replicated ClickHouse): this replica's place in the cluster. -->",
        "    <zookeeper>",
        ...o.keeper.flatMap((host) => [
            "        <node>",
            `            <host>${host}</host>`,
            `            <port>${keeperPort}</port>`,
            ...secure,
            "        </node>",
        ]),
        "    </zookeeper>",
        "    <macros>",
        `        <shard>${SHARD}</shard>`,
        `        <replica from_env="${REPLICATION_ENV.replica}"/>`,
        "    </macros>",
        "    <remote_servers>",
        `        <${REPLICATION_CLUSTER}>`,
        `            <secret from_env="${REPLICATION_ENV.clusterSecret}"/>`,
        "            <shard>",
        "                <internal_replication>true</internal_replication>",
        ...o.replicas.flatMap((host) => [
            "                <replica>",
            `                    <host>${host}</host>`,
            `                    <port>${nativePort}</port>`,
            ...secure.map((l) => `        ${l}`),
            "                </replica>",
        ]),
        "            </shard>",
        `        </${REPLICATION_CLUSTER}>`,
        "    </remote_servers>",
        o.tls
            ? `    <interserver_https_port>${INTERSERVER_PORTS.https}</interserver_https_port>`
            : `    <interserver_http_port>${INTERSERVER_PORTS.http}</interserver_http_port>`,
        `    <interserver_http_host from_env="${REPLICATION_ENV.interserverHost}"/>`,
        "    <interserver_http_credentials>",
        `        <user>${INTERSERVER_USER}</user>`,
        `        <password from_env="${REPLICATION_ENV.interserverPassword}"/>`,
        "    </interserver_http_credentials>",
        "    <keeper_map_path_prefix>/keeper_map_tables</keeper_map_path_prefix>",
        ...(o.tls
            ? [
                  "    <openSSL>",
                  "        <client>",
                  `            <caConfig>${CLICKHOUSE_TLS_FILES.ca}</caConfig>`,
                  "            <loadDefaultCAFile>false</loadDefaultCAFile>",
                  "            <verificationMode>strict</verificationMode>",
                  "            <disableProtocols>sslv2,sslv3,tlsv1,tlsv1_1</disableProtocols>",
                  "        </client>",
                  "    </openSSL>",
              ]
            : []),
        "</clickhouse>",
        "",
    ].join("\n");
}
