/**
 * ClickHouse on kubernetes: a one-replica StatefulSet with the pipeline's database and user. With
 * the stack's TLS material (`creds.tls`): HTTPS (8443, in the exposed Service) and native TLS
 * (9440, headless Service only), no plaintext listener in the pod or a Service, the user's password
 * as a SHA-256 hash in a users file from a Secret, the certificate from an auto-named Secret
 * `clickhouse-tls-<suffix>` (replaced new-before-old on renewal) at /etc/cdc/tls. Without it: plain
 * HTTP on 8123 and the image's user variables, as before.
 *
 * With `cdc:kubernetes.clickhouse.replicas` ≥ 2 (TLS only): N replicas of one shard on distinct
 * nodes, a disruption budget of one, a Keeper ensemble (keeper.ts), `cdc-replication.xml` (Keeper,
 * macros, the cluster `cdc`, interserver HTTPS on 9010) and an auto-named Secret with the generated
 * interserver password and cluster secret. The database and tables' replicated engines are the
 * bronze provider's and dbt's part (docs/platforms.md, "Replicated ClickHouse (in progress)").
 */
import * as crypto from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
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
import {
    CLICKHOUSE_REPLICATION_FILE,
    clickhouseReplicationXml,
    INTERSERVER_PORTS,
    REPLICATION_ENV,
} from "../shared/clickhouseReplication";
import { BACKUP_DISK } from "../../config";
import type { PlatformCredentials } from "../shared/credentials";
import { TLS_DIR, type StackTls } from "../shared/tls";
import { hostUrl } from "./access";
import type { KubernetesContext } from "./context";
import { clickhouseKeeper, type KubernetesKeeper } from "./keeper";
import {
    CLICKHOUSE_SELF_ALIAS,
    clickhouseTlsProbes,
    envList,
    podDns,
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
    /** With `cdc:kubernetes.clickhouse.replicas` ≥ 2: the Keeper ensemble the replicas coordinate through. */
    keeper?: KubernetesKeeper;
    /** With replicas ≥ 2: one replica down at a time. */
    budget?: k8s.policy.v1.PodDisruptionBudget;
}

/** The replicas' DNS names under the headless Service (`clickhouse-<i>.clickhouse-headless`). */
export function clickhouseReplicaHosts(replicas: number): string[] {
    return Array.from({ length: replicas }, (_, i) => podDns("clickhouse", i, "clickhouse-headless"));
}

/** What the replicated shape adds to ClickHouse's pods: the config file, the environment, the Secret behind it. */
interface Replication {
    keeper: KubernetesKeeper;
    xml: string;
    env: k8s.types.input.core.v1.EnvVar[];
}

/**
 * Keeper, the replication config and the interserver credentials (a fetch password and the
 * cluster's secret, generated like every password of the stack and passed by `secretKeyRef`).
 */
function replication(ctx: KubernetesContext, tls: StackTls): Replication {
    const { name, child, kubernetes: k } = ctx;
    const keeper = clickhouseKeeper(ctx, tls);
    const password = (role: string) =>
        pulumi.secret(new random.RandomPassword(`${name}-${role}`, { length: 32, special: false }, child).result);
    const secret = ctx.secret("clickhouse-interserver", undefined, {
        password: password("clickhouse-interserver-password"),
        "cluster-secret": password("clickhouse-cluster-secret"),
    });
    const xml = clickhouseReplicationXml({
        replicas: clickhouseReplicaHosts(k.clickhouse.replicas),
        keeper: keeper.hosts,
        tls: true,
    });
    const env = [
        { name: REPLICATION_ENV.replica, valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
        { name: REPLICATION_ENV.interserverHost, value: `$(${REPLICATION_ENV.replica}).clickhouse-headless` },
        secretEnv(REPLICATION_ENV.interserverPassword, secret.metadata.name, "password"),
        secretEnv(REPLICATION_ENV.clusterSecret, secret.metadata.name, "cluster-secret"),
    ];
    return { keeper, xml, env };
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
    // Replicated (replicas ≥ 2): Keeper, the cluster's config, the interserver Secret. With 1, nothing of it.
    const replicas = k.clickhouse.replicas;
    if (replicas > 1 && ctx.backupDisk)
        throw new Error(
            `cdc:backup.target disk:backups is one ReadWriteOnce claim, which ${replicas} ClickHouse ` +
                "replicas on distinct nodes cannot all mount (cdc:kubernetes.clickhouse.replicas): " +
                "use an s3: target with replicas, or set replicas to 1",
        );
    const repl = replicas > 1 ? replication(ctx, tls) : undefined;
    const config = new k8s.core.v1.ConfigMap(
        `${name}-clickhouse-config`,
        {
            metadata: ctx.meta("clickhouse", "clickhouse-config"),
            data: {
                "cdc-tls.xml": configXml,
                ...(metricsXml ? { "cdc-metrics.xml": metricsXml } : {}),
                ...(backupsXml ? { "cdc-backups.xml": backupsXml } : {}),
                ...(repl ? { "cdc-replication.xml": repl.xml } : {}),
            },
        },
        child,
    );
    const headless = ctx.headless("clickhouse", "clickhouse-headless", [
        { name: "https", port: https },
        { name: "native-tls", port: nativeTls },
        ...(repl ? [{ name: "interserver", port: INTERSERVER_PORTS.https }] : []),
    ]);
    const service = ctx.exposed("clickhouse", { name: "https", port: https });
    const sha256 = (s: string) => crypto.createHash("sha256").update(s).digest("hex");
    const statefulSet = ctx.statefulSet("clickhouse", {
        serviceName: headless.metadata.name,
        replicas,
        // Ordered even when replicated: podManagementPolicy cannot change on a StatefulSet, and 1 → N
        // must stay an in-place update. A replica's readiness (/ping) needs no other replica.
        parallel: false,
        storageGi: k.clickhouse.storageGi,
        securityContext: securityContexts.clickhouse.pod,
        // A scaled-away replica's claim goes with it: it must not come back with stale local metadata.
        ...(repl ? { claimRetention: { whenScaled: "Delete", whenDeleted: "Retain" } as const } : {}),
        // A renewed certificate or a changed config restarts the pod, so the server reads them (with
        // replicas, a changed replica list too: one pod at a time, as the budget allows).
        podAnnotations: {
            "cdc.pulumi/tls-cert-sha256": tls.services.clickhouse.certPem.apply(sha256),
            "cdc.pulumi/config-sha256": sha256(
                configXml + (metricsXml ?? "") + (backupsXml ?? "") + (repl ? repl.xml : ""),
            ),
        },
        pod: {
            hostAliases: [CLICKHOUSE_SELF_ALIAS],
            ...(repl ? { affinity: ctx.antiAffinity("clickhouse", k.clickhouse.antiAffinity) } : {}),
            containers: [
                {
                    name: "clickhouse",
                    image: k.images.clickhouse,
                    env: [
                        ...envList(Object.entries(CLICKHOUSE_TLS_ENV).map(([n, v]) => `${n}=${v}`)),
                        ...(repl ? repl.env : []),
                    ],
                    ports: [
                        { name: "https", containerPort: https },
                        { name: "native-tls", containerPort: nativeTls },
                        ...(repl ? [{ name: "interserver", containerPort: INTERSERVER_PORTS.https }] : []),
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
                        ...(repl
                            ? [
                                  {
                                      name: "config",
                                      mountPath: CLICKHOUSE_REPLICATION_FILE,
                                      subPath: "cdc-replication.xml",
                                      readOnly: true,
                                  },
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
        ...(repl ? { keeper: repl.keeper, budget: ctx.budget("clickhouse", replicas) } : {}),
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
    if (k.clickhouse.replicas > 1)
        throw new Error(
            "cdc:kubernetes.clickhouse.replicas above 1 needs the stack's TLS (cdc:tls.enabled, the default): " +
                "Keeper, the interserver endpoint and the cluster are configured for TLS only. " +
                "Set replicas to 1, or turn TLS on",
        );
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
