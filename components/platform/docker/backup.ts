/**
 * The scheduled backup on docker (`cdc:backup.enabled`): docker has no CronJob, so one long-running
 * container of the official Node image the exporter already pins (`cdc:docker.images.exporter`, no
 * other image to pull or trust) runs the bundled backup CLI's `schedule` loop, which starts
 * `create` then `prune` at each minute the cron line names (tools/backup/scheduler.ts, the same
 * cron reader that validated `cdc:backup.schedule`). A sidecar loop was chosen over the host's cron
 * (not the stack's to configure) and over an image with crond (one more image to pin and trust).
 * With a `disk:backups` target the container mounts ClickHouse's backups volume, so `prune` also
 * deletes the pruned backups' files (`--files-dir`), which ClickHouse cannot do. The passwords and
 * the S3 credentials are secret environment variables (Pulumi secrets), never flags or plain inputs.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { BackupSettings } from "../../config";
import { backupBundle } from "../../monitoring/backupBundle";
import {
    BACKUP_ENV,
    BACKUP_FILES_DIR,
    BACKUP_SCRIPT,
    backupRunScript,
    type BackupJobEndpoints,
} from "../shared/backup";
import type { PlatformCredentials } from "../shared/credentials";
import { EXPORTER_CONNECT_USER, exporterPipelineNames, MONITORING_TLS_FILES } from "../shared/monitoring";
import type { DockerClickhouse } from "./clickhouse";
import type { DockerContext } from "./context";
import type { DockerKafka } from "./kafka";
import { MEMORY_SWAP } from "./specs";

export interface DockerBackupArgs {
    settings: BackupSettings;
    kafka: DockerKafka;
    clickhouse: DockerClickhouse;
    /** The S3 credentials (`cdc:backupS3AccessKeyId`/`SecretAccessKey`), read with requireSecret. */
    s3?: { accessKeyId: pulumi.Output<string>; secretAccessKey: pulumi.Output<string> };
}

/** The uid the job runs as: ClickHouse's (101), so that it may delete what ClickHouse wrote on the backups volume. */
export const BACKUP_UID = "101";

/** The scheduler container. */
export function dockerBackup(ctx: DockerContext, creds: PlatformCredentials, o: DockerBackupArgs): docker.Container {
    const tls = creds.tls;
    const ch = o.clickhouse.internal;
    const names = exporterPipelineNames(ctx.pipeline, pulumi.getStack());
    const endpoints: BackupJobEndpoints = {
        connectUrl: `${tls ? "https" : "http"}://connect:8083`,
        kafkaBootstrap: o.kafka.internalBootstrap,
        clickhouseUrl: `${ch.ssl ? "https" : "http"}://${ch.host}:${ch.port}`,
        clickhouseUser: names.clickhouseUser,
        database: names.database,
        source: names.source,
        sink: names.sink,
        bronzeTables: names.bronzeTables,
        ...(tls ? { connectUser: EXPORTER_CONNECT_USER } : {}),
    };
    const disk = o.clickhouse.backups;
    const run = backupRunScript(o.settings, endpoints, disk ? { filesDir: BACKUP_FILES_DIR } : {});
    const env = (k: string, v: pulumi.Input<string>) => pulumi.interpolate`${k}=${v}`;
    return new docker.Container(
        `${ctx.name}-backup`,
        {
            restart: "unless-stopped",
            labels: ctx.labels,
            // The exporter's role: with monitoring on, the two containers share one pull of the image.
            image: ctx.image("exporter", ctx.docker.images.exporter).imageId,
            hostname: "backup",
            networksAdvanced: ctx.attach("backup"),
            user: BACKUP_UID,
            command: ["node", BACKUP_SCRIPT, "schedule"],
            envs: [
                `${BACKUP_ENV.schedule}=${o.settings.schedule}`,
                `${BACKUP_ENV.run}=${run}`,
                ...(tls ? [`${BACKUP_ENV.caFile}=${MONITORING_TLS_FILES.ca}`] : []),
                env(BACKUP_ENV.clickhousePassword, creds.clickhousePassword),
                ...(tls ? [env(BACKUP_ENV.connectPassword, creds.connectRestPassword)] : []),
                ...(o.s3
                    ? [
                          env(BACKUP_ENV.s3AccessKeyId, o.s3.accessKeyId),
                          env(BACKUP_ENV.s3SecretAccessKey, o.s3.secretAccessKey),
                      ]
                    : []),
            ],
            uploads: [
                { file: BACKUP_SCRIPT, content: backupBundle(), permissions: "0444" },
                ...(tls ? [{ file: MONITORING_TLS_FILES.ca, content: tls.caPem, permissions: "0444" }] : []),
            ],
            ...(disk ? { volumes: [{ volumeName: disk.name, containerPath: BACKUP_FILES_DIR }] } : {}),
            memory: 256,
            memorySwap: MEMORY_SWAP,
        },
        { ...ctx.child, dependsOn: [o.clickhouse.container] },
    );
}
