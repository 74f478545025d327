/**
 * ClickHouse with TLS, the same on docker and kubernetes, as plain values: the ports, the server
 * config file (TLS listeners on, every plaintext listener off), the users file (the pipeline's user
 * with a SHA-256 password, the passwordless `default` user removed) and the command that decides the
 * server is usable (HTTPS, the certificate verified against the stack's CA). See docs/security.md.
 */
import { createHash } from "node:crypto";
import { TLS_DIR } from "./tls";

/** ClickHouse's TLS ports: HTTPS (what the sink, the providers and dbt use) and the native protocol over TLS. */
export const CLICKHOUSE_TLS_PORTS = { https: 8443, nativeTls: 9440 } as const;

/** Where the server config file and the users file go in the container. */
export const CLICKHOUSE_FILES = {
    /** Server config: listeners and `openSSL.server` (public). */
    tlsConfig: "/etc/clickhouse-server/config.d/cdc-tls.xml",
    /** The users directory and the pipeline's users file in it (secret: the password's hash). */
    usersDir: "/etc/clickhouse-server/users.d",
    users: "/etc/clickhouse-server/users.d/cdc-users.xml",
    /** The `/metrics` handler (public), present when `cdc:monitoring.enabled`. */
    metricsConfig: "/etc/clickhouse-server/config.d/cdc-metrics.xml",
    /** The backups disk (public), present when `cdc:backup.enabled` with a `disk:` target. */
    backupsConfig: "/etc/clickhouse-server/config.d/cdc-backups.xml",
    /** Where the backups disk is (a volume or PVC of its own: a backup must outlive the data volume). */
    backupsDir: "/var/lib/clickhouse-backups",
} as const;

/** The stack's CA, the server certificate and its key, as ClickHouse reads them (PEM). */
export const CLICKHOUSE_TLS_FILES = {
    ca: `${TLS_DIR}/ca.crt`,
    cert: `${TLS_DIR}/tls.crt`,
    key: `${TLS_DIR}/tls.key`,
} as const;

/**
 * The image's entrypoint writes a users file from `CLICKHOUSE_USER`/`CLICKHOUSE_PASSWORD` (a plain
 * password) unless told not to; with TLS the users file is the stack's ({@link clickhouseUsersXml}),
 * and no password reaches the container's environment. Without `CLICKHOUSE_DB` or init scripts the
 * entrypoint starts no temporary first-start server either (the bronze provider creates the database).
 */
export const CLICKHOUSE_TLS_ENV = { CLICKHOUSE_SKIP_USER_SETUP: "1" } as const;

/**
 * The server config with TLS: HTTPS on 8443 and native TLS on 9440 with the stack's certificate;
 * the plaintext listeners of the image's config.xml removed (HTTP 8123, native 9000, the MySQL
 * and PostgreSQL protocols 9004/9005, interserver HTTP 9009: nothing replicates here). Protocols
 * below TLS 1.2 refused. No client certificates: clients authenticate with the user's password.
 */
export function clickhouseTlsConfigXml(): string {
    return [
        "<clickhouse>",
        "    <!-- cdc-pipeline (docs/security.md): TLS listeners only. -->",
        '    <http_port remove="remove"/>',
        '    <tcp_port remove="remove"/>',
        '    <mysql_port remove="remove"/>',
        '    <postgresql_port remove="remove"/>',
        '    <interserver_http_port remove="remove"/>',
        `    <https_port>${CLICKHOUSE_TLS_PORTS.https}</https_port>`,
        `    <tcp_port_secure>${CLICKHOUSE_TLS_PORTS.nativeTls}</tcp_port_secure>`,
        "    <openSSL>",
        "        <server>",
        `            <certificateFile>${CLICKHOUSE_TLS_FILES.cert}</certificateFile>`,
        `            <privateKeyFile>${CLICKHOUSE_TLS_FILES.key}</privateKeyFile>`,
        `            <caConfig>${CLICKHOUSE_TLS_FILES.ca}</caConfig>`,
        "            <verificationMode>none</verificationMode>",
        "            <loadDefaultCAFile>false</loadDefaultCAFile>",
        "            <cacheSessions>true</cacheSessions>",
        "            <disableProtocols>sslv2,sslv3,tlsv1,tlsv1_1</disableProtocols>",
        "            <preferServerCiphers>true</preferServerCiphers>",
        "        </server>",
        "    </openSSL>",
        "</clickhouse>",
        "",
    ].join("\n");
}

/**
 * ClickHouse's own Prometheus handler at `/metrics` on its HTTP(S) port (8443 with TLS, 8123
 * without), for the monitoring's `clickhouse` job. An `<http_handlers>` section replaces the
 * server's predefined handlers unless it holds `<defaults/>`, which keeps them (queries on `/`,
 * `/ping`, `/replicas_status`, the play UI): the sink, the providers, dbt and the healthchecks go
 * on working. The handler asks for no login (ClickHouse's prometheus handler never does); metrics
 * are counters and gauges of the server, no row data (docs/security.md, "Monitoring").
 */
export function clickhouseMetricsConfigXml(): string {
    return [
        "<clickhouse>",
        "    <!-- cdc-pipeline (docs/platforms.md, Monitoring): Prometheus metrics on the HTTP(S) port. -->",
        "    <http_handlers>",
        "        <defaults/>",
        "        <rule>",
        "            <url>/metrics</url>",
        "            <methods>GET,HEAD</methods>",
        "            <handler>",
        "                <type>prometheus</type>",
        "                <metrics>true</metrics>",
        "                <asynchronous_metrics>true</asynchronous_metrics>",
        "                <events>true</events>",
        "                <errors>true</errors>",
        "            </handler>",
        "        </rule>",
        "    </http_handlers>",
        "</clickhouse>",
        "",
    ].join("\n");
}

/**
 * The disk `backups` (`cdc:backup.target disk:backups`): a local disk on its own volume, the only
 * one BACKUP/RESTORE may write to (`backups.allowed_disk`; ClickHouse refuses a Disk() target not
 * listed there). No `allowed_path`: File() targets stay refused.
 */
export function clickhouseBackupsConfigXml(disk: string): string {
    if (!/^[A-Za-z0-9_]+$/.test(disk))
        throw new Error(`the backups disk name must be letters, digits and _ (got ${disk})`);
    return [
        "<clickhouse>",
        "    <!-- cdc-pipeline (docs/operations.md, Backup and restore): the backups disk. -->",
        "    <storage_configuration>",
        "        <disks>",
        `            <${disk}>`,
        "                <type>local</type>",
        `                <path>${CLICKHOUSE_FILES.backupsDir}/</path>`,
        `            </${disk}>`,
        "        </disks>",
        "    </storage_configuration>",
        "    <backups>",
        `        <allowed_disk>${disk}</allowed_disk>`,
        "    </backups>",
        "</clickhouse>",
        "",
    ].join("\n");
}

/** `password_sha256_hex` of a password: the hex SHA-256 of its UTF-8 bytes, as ClickHouse compares it. */
export function passwordSha256Hex(password: string): string {
    return createHash("sha256").update(password, "utf8").digest("hex");
}

const USER_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The users file: the pipeline's user with its password as `password_sha256_hex` (never the
 * password itself), reachable from any address (the listeners are TLS only), with access
 * management as the image gave it before; the image's passwordless `default` user removed (or, when
 * it is the pipeline's user, replaced whole). Secret:
 * a hash of a generated 32-character password cannot be reversed, but it is a login verifier.
 */
export function clickhouseUsersXml(o: { user: string; passwordSha256Hex: string }): string {
    if (!USER_NAME.test(o.user))
        throw new Error(
            `cdc:clickhouse.user must be letters, digits and _ (not starting with a digit); got "${o.user}"`,
        );
    if (!/^[0-9a-f]{64}$/.test(o.passwordSha256Hex))
        throw new Error("the ClickHouse password hash must be 64 lowercase hex digits (passwordSha256Hex)");
    return [
        "<clickhouse>",
        "    <users>",
        ...(o.user === "default" ? [] : ['        <default remove="remove"/>']),
        // `replace`: a user of the image's users.xml (`default`) keeps none of its own fields (its
        // empty <password> next to a hash would be refused as two passwords).
        `        <${o.user} replace="replace">`,
        `            <password_sha256_hex>${o.passwordSha256Hex}</password_sha256_hex>`,
        "            <networks><ip>::/0</ip></networks>",
        "            <profile>default</profile>",
        "            <quota>default</quota>",
        "            <access_management>1</access_management>",
        `        </${o.user}>`,
        "    </users>",
        "</clickhouse>",
        "",
    ].join("\n");
}

/**
 * Usable = the server answers `/ping` over HTTPS under the name `host` with a certificate the
 * stack's CA verifies (GNU wget from the image; no `--no-check-certificate`). `host` must resolve
 * to this container, not to a Service that only routes to ready pods.
 */
export function clickhouseTlsUsableCommand(host: string): string {
    return `wget -q -O /dev/null --ca-certificate=${CLICKHOUSE_TLS_FILES.ca} https://${host}:${CLICKHOUSE_TLS_PORTS.https}/ping`;
}
