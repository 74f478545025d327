/**
 * ClickHouse on kubernetes: a one-replica StatefulSet with the pipeline's database and user. With
 * the stack's TLS material (`creds.tls`): HTTPS (8443, in the exposed Service) and native TLS
 * (9440, headless Service only), no plaintext listener in the pod or a Service, the user's password
 * as a SHA-256 hash in a users file from a Secret, the certificate from an auto-named Secret
 * `clickhouse-tls-<suffix>` (replaced new-before-old on renewal) at /etc/cdc/tls. Without it: plain
 * HTTP on 8123 and the image's user variables, as before.
 */
import * as crypto from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PipelineEndpoints } from "../../endpoints";
import {
    clickhouseBackupsConfigXml,
    CLICKHOUSE_FILES,
    CLICKHOUSE_TLS_ENV,
    CLICKHOUSE_TLS_FILES,
    CLICKHOUSE_TLS_PORTS,
    clickhouseMetricsConfigXml,
    clickhouseTlsConfigXml,
    clickhouseUsersXml,
    passwordSha256Hex,
} from "../shared/clickhouse";
import { BACKUP_DISK } from "../../config";
import type { PlatformCredentials } from "../shared/credentials";
import { TLS_DIR, type StackTls } from "../shared/tls";
import { hostUrl } from "./access";
import type { KubernetesContext } from "./context";
import {
    CLICKHOUSE_SELF_ALIAS,
    clickhouseTlsProbes,
    envList,
    probes,
    resourceSpec,
    secretEnv,
    securityContexts,
} from "./specs";

export interface KubernetesClickhouse {
    statefulSet: k8s.apps.v1.StatefulSet;
    /** The Service `cdc:kubernetes.access` exposes. */
    service: k8s.core.v1.Service;
    /** How Connect (in the namespace) reaches the HTTP(S) interface. */
    internal: PipelineEndpoints["clickhouse"]["internal"];
    /** The HTTP(S) interface from the machine running `pulumi up` (`https://` with TLS). */
    url: pulumi.Output<string>;
    /** The backups disk's claim (`cdc:backup` with a `disk:` target), mounted at CLICKHOUSE_FILES.backupsDir. */
    backups?: k8s.core.v1.PersistentVolumeClaim;
}

export function clickhouseServer(ctx: KubernetesContext, creds: PlatformCredentials): KubernetesClickhouse {
    return creds.tls ? clickhouseTlsServer(ctx, creds, creds.tls) : clickhousePlainServer(ctx, creds);
}

function clickhouseTlsServer(ctx: KubernetesContext, creds: PlatformCredentials, tls: StackTls): KubernetesClickhouse {
    const { name, child, kubernetes: k, pipeline: p } = ctx;
    const { https, nativeTls } = CLICKHOUSE_TLS_PORTS;
    if (k.access.mode === "url" && !/^https:\/\//i.test(k.access.clickhouseUrl))
        throw new Error(
            `cdc:kubernetes.access.clickhouseUrl is ${k.access.clickhouseUrl}, but ClickHouse serves only HTTPS (port ` +
                `${https}) with TLS on: give an https:// URL, e.g. https://127.0.0.1:${https} with ` +
                `\`kubectl port-forward -n <namespace> svc/clickhouse ${https}\``,
        );
    const tlsSecret = ctx.secret("clickhouse-tls", undefined, {
        "ca.crt": tls.caPem,
        "tls.crt": tls.services.clickhouse.certPem,
        "tls.key": pulumi.secret(tls.services.clickhouse.keyPem),
    });
    const user = p.clickhouse.user;
    const users = ctx.secret("clickhouse-users", undefined, {
        "cdc-users.xml": pulumi.secret(
            creds.clickhousePassword.apply((pw) =>
                clickhouseUsersXml({ user, passwordSha256Hex: passwordSha256Hex(pw) }),
            ),
        ),
    });
    const configXml = clickhouseTlsConfigXml();
    // `/metrics` on the HTTPS port for Prometheus (cdc:monitoring), public.
    const metricsXml = ctx.monitoring ? clickhouseMetricsConfigXml() : undefined;
    // The backups disk (cdc:backup, disk: target) on a claim of its own: a backup must outlive the data claim.
    const backupsXml = ctx.backupDisk ? clickhouseBackupsConfigXml(BACKUP_DISK) : undefined;
    const backups = ctx.backupDisk ? backupsClaim(ctx) : undefined;
    const config = new k8s.core.v1.ConfigMap(
        `${name}-clickhouse-config`,
        {
            metadata: ctx.meta("clickhouse", "clickhouse-config"),
            data: {
                "cdc-tls.xml": configXml,
                ...(metricsXml ? { "cdc-metrics.xml": metricsXml } : {}),
                ...(backupsXml ? { "cdc-backups.xml": backupsXml } : {}),
            },
        },
        child,
    );
    const headless = ctx.headless("clickhouse", "clickhouse-headless", [
        { name: "https", port: https },
        { name: "native-tls", port: nativeTls },
    ]);
    const service = ctx.exposed("clickhouse", { name: "https", port: https });
    const sha256 = (s: string) => crypto.createHash("sha256").update(s).digest("hex");
    const statefulSet = ctx.statefulSet("clickhouse", {
        serviceName: headless.metadata.name,
        replicas: 1,
        parallel: false,
        storageGi: k.clickhouse.storageGi,
        securityContext: securityContexts.clickhouse.pod,
        // A renewed certificate or a changed config restarts the pod, so the server reads them.
        podAnnotations: {
            "cdc.pulumi/tls-cert-sha256": tls.services.clickhouse.certPem.apply(sha256),
            "cdc.pulumi/config-sha256": sha256(configXml + (metricsXml ?? "") + (backupsXml ?? "")),
        },
        pod: {
            hostAliases: [CLICKHOUSE_SELF_ALIAS],
            containers: [
                {
                    name: "clickhouse",
                    image: k.images.clickhouse,
                    env: envList(Object.entries(CLICKHOUSE_TLS_ENV).map(([n, v]) => `${n}=${v}`)),
                    ports: [
                        { name: "https", containerPort: https },
                        { name: "native-tls", containerPort: nativeTls },
                    ],
                    volumeMounts: [
                        { name: "data", mountPath: "/var/lib/clickhouse" },
                        { name: "tls", mountPath: TLS_DIR, readOnly: true },
                        { name: "users", mountPath: CLICKHOUSE_FILES.usersDir, readOnly: true },
                        {
                            name: "config",
                            mountPath: CLICKHOUSE_FILES.tlsConfig,
                            subPath: "cdc-tls.xml",
                            readOnly: true,
                        },
                        ...(metricsXml
                            ? [
                                  {
                                      name: "config",
                                      mountPath: CLICKHOUSE_FILES.metricsConfig,
                                      subPath: "cdc-metrics.xml",
                                      readOnly: true,
                                  },
                              ]
                            : []),
                        ...(backupsXml
                            ? [
                                  {
                                      name: "config",
                                      mountPath: CLICKHOUSE_FILES.backupsConfig,
                                      subPath: "cdc-backups.xml",
                                      readOnly: true,
                                  },
                                  { name: "backups", mountPath: CLICKHOUSE_FILES.backupsDir },
                              ]
                            : []),
                    ],
                    readinessProbe: clickhouseTlsProbes.readiness,
                    livenessProbe: clickhouseTlsProbes.liveness,
                    resources: resourceSpec(k.resources.clickhouse),
                },
            ],
            // Readable by the server (uid 101, group 101 = the pod's fsGroup), by no one else.
            volumes: [
                { name: "tls", secret: { secretName: tlsSecret.metadata.name, defaultMode: 0o440 } },
                { name: "users", secret: { secretName: users.metadata.name, defaultMode: 0o440 } },
                { name: "config", configMap: { name: config.metadata.name } },
                ...(backups ? [{ name: "backups", persistentVolumeClaim: { claimName: backups.metadata.name } }] : []),
            ],
        },
    });
    return {
        statefulSet,
        service,
        internal: { host: "clickhouse", port: https, ssl: true, caFile: CLICKHOUSE_TLS_FILES.ca },
        url: hostUrl(k.access, "clickhouse", service, https, "https"),
        ...(backups ? { backups } : {}),
    };
}

/**
 * The backups disk's claim: a PersistentVolumeClaim of its own (not a claim template: a
 * StatefulSet's templates cannot change, and backups are turned on later), as large as the data
 * claim, ReadWriteOnce: the backup CronJob's pod mounts it too and is scheduled beside ClickHouse's
 * pod for that (kubernetes/backup.ts).
 */
function backupsClaim(ctx: KubernetesContext): k8s.core.v1.PersistentVolumeClaim {
    return new k8s.core.v1.PersistentVolumeClaim(
        `${ctx.name}-clickhouse-backups`,
        {
            metadata: ctx.meta("clickhouse", "clickhouse-backups"),
            spec: {
                accessModes: ["ReadWriteOnce"],
                storageClassName: ctx.kubernetes.storageClass,
                resources: { requests: { storage: `${ctx.kubernetes.clickhouse.storageGi}Gi` } },
            },
        },
        // Deleting the stack's ClickHouse must not delete its backups with it by accident of a rename.
        { ...ctx.child, retainOnDelete: true },
    );
}

function clickhousePlainServer(ctx: KubernetesContext, creds: PlatformCredentials): KubernetesClickhouse {
    const { kubernetes: k, pipeline: p } = ctx;
    if (ctx.backupDisk)
        throw new Error(
            "cdc:backup.target disk:backups on kubernetes needs the stack's TLS (cdc:tls.enabled, the default): " +
                "the backups disk is configured with ClickHouse's TLS config files. Use an s3: target, or turn TLS on",
        );
    const secret = ctx.secret("clickhouse-credentials", "clickhouse-credentials", {
        password: creds.clickhousePassword,
    });
    const headless = ctx.headless("clickhouse", "clickhouse-headless", [{ name: "http", port: 8123 }]);
    const service = ctx.exposed("clickhouse", { name: "http", port: 8123 });
    const statefulSet = ctx.statefulSet("clickhouse", {
        serviceName: headless.metadata.name,
        replicas: 1,
        parallel: false,
        storageGi: k.clickhouse.storageGi,
        securityContext: securityContexts.clickhouse.pod,
        pod: {
            containers: [
                {
                    name: "clickhouse",
                    image: k.images.clickhouse,
                    env: [
                        { name: "CLICKHOUSE_DB", value: p.clickhouse.database },
                        { name: "CLICKHOUSE_USER", value: p.clickhouse.user },
                        secretEnv("CLICKHOUSE_PASSWORD", secret.metadata.name, "password"),
                        { name: "CLICKHOUSE_DEFAULT_ACCESS_MANAGEMENT", value: "1" },
                    ],
                    ports: [{ name: "http", containerPort: 8123 }],
                    volumeMounts: [{ name: "data", mountPath: "/var/lib/clickhouse" }],
                    readinessProbe: probes.clickhouse.readiness,
                    livenessProbe: probes.clickhouse.liveness,
                    resources: resourceSpec(k.resources.clickhouse),
                },
            ],
        },
    });
    return {
        statefulSet,
        service,
        internal: { host: "clickhouse", port: 8123, ssl: false },
        url: hostUrl(k.access, "clickhouse", service, 8123),
    };
}
