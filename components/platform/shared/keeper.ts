/**
 * ClickHouse Keeper's server config as a plain value: the whole file the container starts with
 * (`clickhouse-keeper --config-file=…`), not an overlay on the image's own, so what runs is what is
 * rendered here. Used by the kubernetes platform with `cdc:kubernetes.clickhouse.replicas` ≥ 2.
 * Nothing in it is secret: the member's id comes from its environment, the TLS key from a file.
 */
import { CLICKHOUSE_TLS_FILES } from "./clickhouse";

/** Keeper's ports: clients (plain or TLS), Raft between members, the HTTP control endpoint (`/ready`). */
export const KEEPER_PORTS = { client: 9181, clientTls: 9281, raft: 9234, http: 9182 } as const;

/** The environment variable holding the member's Raft id (its StatefulSet ordinal + 1, set by its start command). */
export const KEEPER_SERVER_ID_ENV = "KEEPER_SERVER_ID";

/** Where Keeper keeps its Raft log and snapshots (on the member's claim). */
export const KEEPER_DATA_DIR = "/var/lib/clickhouse-keeper";

/** The HTTP path answering 200 once the member is part of a quorum (readiness). */
export const KEEPER_READY_PATH = "/ready";

export interface KeeperConfig {
    /**
     * Every member's host name, in id order: member `i` has Raft id `i + 1` and is reached at
     * `members[i]` (on kubernetes the StatefulSet's pod DNS names, `clickhouse-keeper-<i>.clickhouse-keeper`).
     * The id ↔ host mapping must stay stable for the life of the ensemble.
     */
    members: string[];
    /** TLS for clients (9281 only, no plain 9181) and for Raft, with the stack's certificate and CA. */
    tls: boolean;
}

const HOST = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/;

/** The Keeper server config file (XML). */
export function keeperConfigXml(o: KeeperConfig): string {
    if (o.members.length === 0 || o.members.length % 2 === 0)
        throw new Error(
            "Keeper needs an odd number of members (cdc:kubernetes.clickhouse.keeper.replicas); " +
                `got ${o.members.length}`,
        );
    const bad = o.members.filter((m) => !HOST.test(m));
    if (bad.length > 0) throw new Error(`Keeper member host names must be DNS names; got ${bad.join(", ")}`);
    if (new Set(o.members).size !== o.members.length) throw new Error("Keeper member host names must differ");
    const port = o.tls
        ? `        <tcp_port_secure>${KEEPER_PORTS.clientTls}</tcp_port_secure>`
        : `        <tcp_port>${KEEPER_PORTS.client}</tcp_port>`;
    return [
        "<clickhouse>",
        "    <!-- cdc-pipeline (docs/platforms.md, Replicated ClickHouse): one Keeper member. -->",
        "    <logger>",
        "        <level>information</level>",
        "        <console>1</console>",
        "    </logger>",
        "    <listen_host>::</listen_host>",
        "    <listen_host>0.0.0.0</listen_host>",
        "    <listen_try>1</listen_try>",
        "    <keeper_server>",
        port,
        `        <server_id from_env="${KEEPER_SERVER_ID_ENV}"/>`,
        `        <log_storage_path>${KEEPER_DATA_DIR}/log</log_storage_path>`,
        `        <snapshot_storage_path>${KEEPER_DATA_DIR}/snapshots</snapshot_storage_path>`,
        "        <coordination_settings>",
        "            <operation_timeout_ms>10000</operation_timeout_ms>",
        "            <session_timeout_ms>30000</session_timeout_ms>",
        "            <raft_logs_level>information</raft_logs_level>",
        "        </coordination_settings>",
        "        <http_control>",
        `            <port>${KEEPER_PORTS.http}</port>`,
        "            <readiness>",
        `                <endpoint>${KEEPER_READY_PATH}</endpoint>`,
        "            </readiness>",
        "        </http_control>",
        "        <raft_configuration>",
        ...(o.tls ? ["            <secure>true</secure>"] : []),
        ...o.members.flatMap((host, i) => [
            "            <server>",
            `                <id>${i + 1}</id>`,
            `                <hostname>${host}</hostname>`,
            `                <port>${KEEPER_PORTS.raft}</port>`,
            "            </server>",
        ]),
        "        </raft_configuration>",
        "    </keeper_server>",
        ...(o.tls ? keeperOpenSsl() : []),
        "</clickhouse>",
        "",
    ].join("\n");
}

/**
 * With TLS: the member serves clients and Raft with the stack's certificate (the ClickHouse one,
 * whose names cover Keeper's members), and as a Raft client verifies its peers against the stack's CA.
 */
function keeperOpenSsl(): string[] {
    const common = [
        `            <caConfig>${CLICKHOUSE_TLS_FILES.ca}</caConfig>`,
        "            <loadDefaultCAFile>false</loadDefaultCAFile>",
        "            <disableProtocols>sslv2,sslv3,tlsv1,tlsv1_1</disableProtocols>",
    ];
    return [
        "    <openSSL>",
        "        <server>",
        `            <certificateFile>${CLICKHOUSE_TLS_FILES.cert}</certificateFile>`,
        `            <privateKeyFile>${CLICKHOUSE_TLS_FILES.key}</privateKeyFile>`,
        ...common,
        "            <verificationMode>none</verificationMode>",
        "        </server>",
        "        <client>",
        ...common,
        "            <verificationMode>strict</verificationMode>",
        "        </client>",
        "    </openSSL>",
    ];
}
