/**
 * The scheduled backup on kubernetes (`cdc:backup.enabled`): a CronJob (`concurrencyPolicy:
 * Forbid`, UTC) whose pod runs the bundled backup CLI (a ConfigMap, like the exporter's script) on
 * the official Node image the exporter pins: `create` then `prune` (shared/backup.ts). The
 * passwords and the S3 credentials come from a Secret by `secretKeyRef`, never plain. With the
 * `disk:backups` target the pod mounts ClickHouse's backups claim (ReadWriteOnce: it is scheduled
 * on ClickHouse's node by pod affinity) so that `prune` deletes the pruned backups' files too.
 */
import * as crypto from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { BackupSettings } from "../../config";
import { backupBundle } from "../../monitoring/backupBundle";
import { BACKUP_ENV, BACKUP_FILES_DIR, BACKUP_SCRIPT, backupRunScript } from "../shared/backup";
import type { PlatformCredentials } from "../shared/credentials";
import { EXPORTER_CONNECT_USER, exporterPipelineNames } from "../shared/monitoring";
import { TLS_DIR } from "../shared/tls";
import type { KubernetesClickhouse } from "./clickhouse";
import type { KubernetesContext } from "./context";
import { envList, noEscalation, resourceSpec, secretEnv } from "./specs";

export interface KubernetesBackupArgs {
    settings: BackupSettings;
    kafkaBootstrap: string;
    clickhouse: KubernetesClickhouse;
    s3?: { accessKeyId: pulumi.Output<string>; secretAccessKey: pulumi.Output<string> };
}

/** ClickHouse's uid: the job may delete the files the server wrote on the backups claim. */
const BACKUP_UID = 101;

export function kubernetesBackup(
    ctx: KubernetesContext,
    creds: PlatformCredentials,
    o: KubernetesBackupArgs,
): k8s.batch.v1.CronJob {
    const { name, child } = ctx;
    const tls = creds.tls;
    const script = backupBundle();
    const scriptMap = new k8s.core.v1.ConfigMap(
        `${name}-backup-script`,
        { metadata: ctx.meta("backup"), data: { "backup.js": script } },
        child,
    );
    const secrets = ctx.secret("backup-secrets", undefined, {
        "clickhouse-password": creds.clickhousePassword,
        ...(tls ? { "connect-password": creds.connectRestPassword, "ca.crt": tls.caPem } : {}),
        ...(o.s3 ? { "s3-access-key-id": o.s3.accessKeyId, "s3-secret-access-key": o.s3.secretAccessKey } : {}),
    });
    const names = exporterPipelineNames(ctx.pipeline, ctx.stack);
    const scheme = tls ? "https" : "http";
    const disk = o.clickhouse.backups;
    const run = backupRunScript(
        o.settings,
        {
            connectUrl: `${scheme}://connect:8083`,
            kafkaBootstrap: o.kafkaBootstrap,
            clickhouseUrl: `${scheme}://clickhouse:${o.clickhouse.internal.port}`,
            clickhouseUser: names.clickhouseUser,
            database: names.database,
            source: names.source,
            sink: names.sink,
            bronzeTables: names.bronzeTables,
            ...(tls ? { connectUser: EXPORTER_CONNECT_USER } : {}),
        },
        disk ? { filesDir: BACKUP_FILES_DIR } : {},
    );
    const secretName = secrets.metadata.name;
    const caFile = `${TLS_DIR}/ca.crt`;
    const pod = ctx.podTemplate(
        "backup",
        { runAsUser: BACKUP_UID, runAsGroup: BACKUP_UID, fsGroup: BACKUP_UID, runAsNonRoot: true },
        {
            restartPolicy: "Never",
            ...(disk
                ? {
                      affinity: {
                          podAffinity: {
                              requiredDuringSchedulingIgnoredDuringExecution: [
                                  {
                                      labelSelector: { matchLabels: ctx.select("clickhouse") },
                                      topologyKey: "kubernetes.io/hostname",
                                  },
                              ],
                          },
                      },
                  }
                : {}),
            containers: [
                {
                    name: "backup",
                    image: ctx.kubernetes.images.exporter,
                    command: ["sh", "-c", run],
                    env: [
                        ...envList(tls ? [`${BACKUP_ENV.caFile}=${caFile}`] : []),
                        secretEnv(BACKUP_ENV.clickhousePassword, secretName, "clickhouse-password"),
                        ...(tls ? [secretEnv(BACKUP_ENV.connectPassword, secretName, "connect-password")] : []),
                        ...(o.s3
                            ? [
                                  secretEnv(BACKUP_ENV.s3AccessKeyId, secretName, "s3-access-key-id"),
                                  secretEnv(BACKUP_ENV.s3SecretAccessKey, secretName, "s3-secret-access-key"),
                              ]
                            : []),
                    ],
                    volumeMounts: [
                        { name: "script", mountPath: BACKUP_SCRIPT, subPath: "backup.js", readOnly: true },
                        ...(tls ? [{ name: "ca", mountPath: caFile, subPath: "ca.crt", readOnly: true }] : []),
                        ...(disk ? [{ name: "backups", mountPath: BACKUP_FILES_DIR }] : []),
                    ],
                    resources: resourceSpec({ memoryMb: 256, cpuMillis: 250 }),
                    securityContext: noEscalation,
                },
            ],
            volumes: [
                { name: "script", configMap: { name: scriptMap.metadata.name } },
                ...(tls
                    ? [
                          {
                              name: "ca",
                              secret: { secretName, defaultMode: 0o440, items: [{ key: "ca.crt", path: "ca.crt" }] },
                          },
                      ]
                    : []),
                ...(disk ? [{ name: "backups", persistentVolumeClaim: { claimName: disk.metadata.name } }] : []),
            ],
        },
        { "cdc.pulumi/script-sha256": crypto.createHash("sha256").update(script).digest("hex") },
    );
    return new k8s.batch.v1.CronJob(
        `${name}-backup`,
        {
            metadata: ctx.meta("backup", "backup"),
            spec: {
                schedule: o.settings.schedule,
                timeZone: "Etc/UTC",
                concurrencyPolicy: "Forbid",
                successfulJobsHistoryLimit: 3,
                failedJobsHistoryLimit: 3,
                jobTemplate: { spec: { backoffLimit: 0, template: pod } },
            },
        },
        child,
    );
}
