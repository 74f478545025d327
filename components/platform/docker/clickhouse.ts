/**
 * ClickHouse on docker, with the pipeline's database and its own user. With the stack's TLS
 * material (`creds.tls`): HTTPS (8443, published) and native TLS (9440, inside the network only),
 * no plaintext listener, the user's password as a SHA-256 hash in an uploaded users file. Without
 * it (`cdc:tls.enabled: false`): plain HTTP on 8123 and the image's user variables, as before.
 */
import type * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { PipelineEndpoints } from "../../endpoints";
import {
    CLICKHOUSE_FILES,
    CLICKHOUSE_TLS_FILES,
    CLICKHOUSE_TLS_PORTS,
    clickhouseBackupsConfigXml,
    clickhouseMetricsConfigXml,
    clickhouseTlsConfigXml,
    clickhouseUsersXml,
    passwordSha256Hex,
} from "../shared/clickhouse";
import type { PlatformCredentials } from "../shared/credentials";
import type { StackTls } from "../shared/tls";
import type { DockerContext } from "./context";
import { BACKUP_DISK } from "../../config";
import { clickhouseBackupsCommand, clickhouseEnv, clickhouseTlsCommand, clickhouseTlsEnv, healthchecks } from "./specs";

export interface DockerClickhouse {
    container: docker.Container;
    /** How Connect (inside the network) reaches the HTTP(S) interface. */
    internal: PipelineEndpoints["clickhouse"]["internal"];
    /** The HTTP(S) interface from the host (`https://` with TLS). */
    url: string;
    /** The backups disk's volume (`cdc:backup` with a `disk:` target), mounted at CLICKHOUSE_FILES.backupsDir. */
    backups?: docker.Volume;
}

export function clickhouseServer(ctx: DockerContext, creds: PlatformCredentials): DockerClickhouse {
    const { docker: d, pipeline: p } = ctx;
    const data = ctx.volume("clickhouse-data");
    // The backups disk on a volume of its own: a backup must survive the loss of the data volume.
    const backups = ctx.backupDisk ? ctx.volume("clickhouse-backups") : undefined;
    const common = {
        volumes: [
            { volumeName: data.name, containerPath: "/var/lib/clickhouse" },
            ...(backups ? [{ volumeName: backups.name, containerPath: CLICKHOUSE_FILES.backupsDir }] : []),
        ],
        ulimits: [{ name: "nofile", soft: 262144, hard: 262144 }],
    };
    // `/metrics` on the HTTP(S) port for Prometheus (cdc:monitoring), public.
    const metrics = [
        ...(ctx.monitoring
            ? [{ file: CLICKHOUSE_FILES.metricsConfig, content: clickhouseMetricsConfigXml(), permissions: "0444" }]
            : []),
        ...(backups
            ? [
                  {
                      file: CLICKHOUSE_FILES.backupsConfig,
                      content: clickhouseBackupsConfigXml(BACKUP_DISK),
                      permissions: "0444",
                  },
              ]
            : []),
    ];
    if (creds.tls) {
        const container = ctx.serviceContainer("clickhouse", {
            publish: [CLICKHOUSE_TLS_PORTS.https, d.ports.clickhouseHttp],
            args: {
                command: clickhouseTlsCommand(backups !== undefined),
                envs: clickhouseTlsEnv(),
                uploads: [...clickhouseTlsUploads(creds.tls, p.clickhouse.user, creds.clickhousePassword), ...metrics],
                healthcheck: healthchecks.clickhouseTls,
                ...common,
            },
        });
        return {
            container,
            internal: {
                host: "clickhouse",
                port: CLICKHOUSE_TLS_PORTS.https,
                ssl: true,
                caFile: CLICKHOUSE_TLS_FILES.ca,
            },
            url: `https://${ctx.hostAddress}:${d.ports.clickhouseHttp}`,
            ...(backups ? { backups } : {}),
        };
    }
    const container = ctx.serviceContainer("clickhouse", {
        publish: [8123, d.ports.clickhouseHttp],
        args: {
            envs: clickhouseEnv({
                database: p.clickhouse.database,
                user: p.clickhouse.user,
                password: creds.clickhousePassword,
            }),
            ...(metrics.length > 0 ? { uploads: metrics } : {}),
            ...(backups ? { command: clickhouseBackupsCommand() } : {}),
            ...common,
        },
    });
    return {
        container,
        internal: { host: "clickhouse", port: 8123, ssl: false },
        url: `http://${ctx.hostAddress}:${d.ports.clickhouseHttp}`,
        ...(backups ? { backups } : {}),
    };
}

/**
 * The files the TLS server reads: its config (public), the users file with the password's hash,
 * the CA and certificate (public) and the key. The users file and the key are Pulumi secrets (which
 * makes the whole `uploads` input secret) and mode 0400 (handed to uid 101 by {@link clickhouseTlsCommand}).
 */
function clickhouseTlsUploads(
    tls: StackTls,
    user: string,
    password: pulumi.Output<string>,
): docker.types.input.ContainerUpload[] {
    const users = pulumi.secret(
        password.apply((pw) => clickhouseUsersXml({ user, passwordSha256Hex: passwordSha256Hex(pw) })),
    );
    return [
        { file: CLICKHOUSE_FILES.tlsConfig, content: clickhouseTlsConfigXml(), permissions: "0444" },
        { file: CLICKHOUSE_FILES.users, content: users, permissions: "0400" },
        { file: CLICKHOUSE_TLS_FILES.ca, content: tls.caPem, permissions: "0444" },
        { file: CLICKHOUSE_TLS_FILES.cert, content: tls.services.clickhouse.certPem, permissions: "0444" },
        { file: CLICKHOUSE_TLS_FILES.key, content: pulumi.secret(tls.services.clickhouse.keyPem), permissions: "0400" },
    ];
}
