/**
 * The scheduled backup in the whole program under mocks (one program per process,
 * test/support/stack-graph.ts, the EXTRA_STACKS shapes): docker runs the bundled backup CLI's
 * scheduler in the pinned Node image, kubernetes a CronJob; the schedule, the target, retention and
 * the incremental chain reach the run; ClickHouse gets the backups disk on a volume/claim of its own
 * only with a disk target; the passwords and the S3 credentials are secret everywhere (env from
 * Secrets on kubernetes); `cdc:backup.enabled: false` (the default) creates none of it.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { promisify } from "node:util";
import { DEFAULT_IMAGES } from "../../components/config/versions";
import { backupBundle } from "../../components/monitoring/backupBundle";
import { BACKUP_SCRIPT } from "../../components/platform/shared/backup";
import { CLICKHOUSE_FILES, clickhouseBackupsConfigXml } from "../../components/platform/shared/clickhouse";
import { MOCK_SECRET_PREFIX } from "../support/mocks";
import type { GraphEntry } from "../support/stack-graph";

const SCRIPT = path.resolve(__dirname, "..", "support", "stack-graph.ts");
const SHAPES = [
    "docker",
    "kubernetes-production",
    "docker-backup-disk",
    "docker-backup-s3",
    "kubernetes-backup-s3",
    "kubernetes-backup-disk",
] as const;
type Shape = (typeof SHAPES)[number];
const graphs = new Map<string, GraphEntry[]>();

before(async () => {
    const queue: string[] = [...SHAPES];
    const worker = async () => {
        for (let shape = queue.shift(); shape !== undefined; shape = queue.shift()) {
            const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", SCRIPT, shape], {
                cwd: path.resolve(__dirname, "..", ".."),
                maxBuffer: 64 * 1024 * 1024,
                timeout: 300_000,
            });
            graphs.set(shape, JSON.parse(stdout) as GraphEntry[]);
        }
    };
    await Promise.all([worker(), worker()]);
});

/** The S3 credentials the shapes set (as secrets). */
const S3_VALUES = ["S3-KEY-ID-SECRET", "S3-SECRET-ACCESS-KEY"];
const graph = (shape: Shape) => graphs.get(shape)!;
const find = (shape: Shape, name: string) => graph(shape).find((x) => x.name === `cdc-${name}`);
const byName = (shape: Shape, name: string) => {
    const r = find(shape, name);
    assert.ok(r, `${shape}: resource ${name} exists`);
    return r.inputs as Record<string, unknown>;
};
const isSecret = (v: unknown) => typeof v === "object" && v !== null && "<secret>" in v;
const hasSecret = (v: unknown): boolean =>
    isSecret(v) || (typeof v === "object" && v !== null && Object.values(v).some(hasSecret));
const reveal = (v: unknown): unknown => (isSecret(v) ? reveal((v as { "<secret>": unknown })["<secret>"]) : v);
/** Paths of string leaves outside a secret holding a generated password or one of the S3 credentials. */
function plainLeaks(v: unknown, at = ""): string[] {
    if (isSecret(v)) return [];
    if (typeof v === "string")
        return v.includes(MOCK_SECRET_PREFIX) || S3_VALUES.some((s) => v.includes(s)) ? [at] : [];
    if (Array.isArray(v)) return v.flatMap((x, i) => plainLeaks(x, `${at}[${i}]`));
    if (v && typeof v === "object") return Object.entries(v).flatMap(([k, x]) => plainLeaks(x, `${at}.${k}`));
    return [];
}
const envOf = (shape: Shape, name: string): Map<string, string> =>
    new Map(
        (reveal(byName(shape, name).envs) as string[]).map((e) => {
            const i = e.indexOf("=");
            return [e.slice(0, i), e.slice(i + 1)];
        }),
    );
type Upload = { file: string; content?: unknown };
const uploads = (shape: Shape, name: string) =>
    ((reveal(byName(shape, name).uploads) as Upload[] | undefined) ?? []).map((u) => ({
        ...u,
        content: reveal(u.content),
    }));
const backupish = (shape: Shape) => graph(shape).filter((r) => /backup/i.test(r.name));

describe("the scheduled backup, off by default", () => {
    it("creates no job, no volume, no claim, no secret and no ClickHouse backups config", () => {
        for (const shape of ["docker", "kubernetes-production"] as const) {
            assert.deepEqual(
                backupish(shape).map((r) => r.name),
                [],
                shape,
            );
            assert.ok(!JSON.stringify(graph(shape)).includes("cdc-backups.xml"), `${shape}: no backups disk`);
            assert.ok(!JSON.stringify(graph(shape)).includes(CLICKHOUSE_FILES.backupsDir), shape);
        }
    });
});

describe("the scheduled backup on docker", () => {
    it("runs the bundled CLI's scheduler in the pinned Node image, with the schedule and the run", () => {
        const c = byName("docker-backup-disk", "docker-backup");
        assert.deepEqual(c.command, ["node", BACKUP_SCRIPT, "schedule"], "plain: a preview shows its changes");
        assert.equal(c.restart, "unless-stopped");
        // One pull of the Node image, shared with the exporter (monitoring is on by default).
        const image = find("docker-backup-disk", "docker-exporter-image");
        assert.equal((image?.inputs as { name: string } | undefined)?.name, DEFAULT_IMAGES.exporter);
        assert.ok(find("docker-backup-disk", "docker-backup")?.dependsOn.includes("cdc-docker-exporter-image"));
        const pulled = graph("docker-backup-disk")
            .filter((r) => r.type === "docker:index/remoteImage:RemoteImage")
            .map((r) => (r.inputs as { name: string }).name);
        assert.equal(new Set(pulled).size, pulled.length, `each image pulled once: ${pulled.join(", ")}`);
        const script = uploads("docker-backup-disk", "docker-backup").find((u) => u.file === BACKUP_SCRIPT);
        assert.equal(script?.content, backupBundle());
        const env = envOf("docker-backup-disk", "docker-backup");
        assert.equal(env.get("CDC_BACKUP_SCHEDULE"), "15 2 * * *");
        const run = env.get("CDC_BACKUP_RUN")!;
        assert.match(run, /create "\$name" --base latest --full-every 3 '--target' 'disk:backups'/);
        assert.match(run, /prune --keep 5 --files-dir '\/var\/lib\/clickhouse-backups' '--target' 'disk:backups'/);
        assert.match(run, /'--clickhouse-url' 'https:\/\/clickhouse:8443'/);
        assert.match(run, /^set -e$/m);
    });

    it("gives ClickHouse the backups disk on a volume of its own, mounted by the job too (prune deletes)", () => {
        const ch = byName("docker-backup-disk", "docker-clickhouse");
        const cfg = uploads("docker-backup-disk", "docker-clickhouse").find(
            (u) => u.file === CLICKHOUSE_FILES.backupsConfig,
        );
        assert.equal(cfg?.content, clickhouseBackupsConfigXml("backups"));
        assert.match(cfg?.content as string, /<allowed_disk>backups<\/allowed_disk>/);
        const vol = byName("docker-backup-disk", "docker-clickhouse-backups");
        assert.ok(vol);
        const mounts = (v: unknown) =>
            (v as { containerPath: string; volumeName: string }[]).filter(
                (m) => m.containerPath === CLICKHOUSE_FILES.backupsDir,
            );
        assert.equal(mounts(ch.volumes).length, 1);
        assert.deepEqual(mounts(byName("docker-backup-disk", "docker-backup").volumes), mounts(ch.volumes));
        // the server (uid 101) may write to the new, root-owned volume
        assert.match(
            (ch.command as string[]).join(" "),
            /chown clickhouse:clickhouse .*\/var\/lib\/clickhouse-backups/,
        );
    });

    it("takes an S3 target: full backups when not incremental, the credentials as secret env only", () => {
        const env = envOf("docker-backup-s3", "docker-backup");
        const run = env.get("CDC_BACKUP_RUN")!;
        assert.match(run, /'--target' 's3:https:\/\/minio.example:9000\/backups\/cdc'/);
        assert.doesNotMatch(run, /--base|--files-dir/);
        assert.match(run, /'--clickhouse-url' 'http:\/\/clickhouse:8123'/);
        assert.equal(env.get("CDC_BACKUP_S3_ACCESS_KEY_ID"), S3_VALUES[0]);
        assert.equal(env.get("CDC_BACKUP_S3_SECRET_ACCESS_KEY"), S3_VALUES[1]);
        assert.ok(isSecret(byName("docker-backup-s3", "docker-backup").envs), "the env input is secret");
        assert.equal(find("docker-backup-s3", "docker-clickhouse-backups"), undefined, "no backups volume for S3");
        assert.ok(!JSON.stringify(byName("docker-backup-s3", "docker-clickhouse")).includes("cdc-backups.xml"));
    });

    it("never puts a password or an S3 credential in a plain input", () => {
        for (const shape of ["docker-backup-disk", "docker-backup-s3"] as const)
            for (const r of graph(shape))
                assert.deepEqual(plainLeaks(r.inputs), [], `${shape}: ${r.name} holds a secret in plain text`);
    });
});

describe("the scheduled backup on kubernetes", () => {
    type Container = {
        command: string[];
        image: string;
        env: { name: string; value?: string; valueFrom?: { secretKeyRef: { name: unknown; key: string } } }[];
        volumeMounts: { name: string; mountPath: string }[];
    };
    const cronJob = (shape: Shape) => {
        const spec = byName(shape, "kubernetes-backup").spec as {
            schedule: string;
            timeZone: string;
            concurrencyPolicy: string;
            jobTemplate: {
                spec: {
                    template: {
                        spec: {
                            restartPolicy: string;
                            containers: Container[];
                            volumes: { name: string; persistentVolumeClaim?: { claimName: unknown } }[];
                            affinity?: unknown;
                        };
                    };
                };
            };
        };
        return {
            spec,
            pod: spec.jobTemplate.spec.template.spec,
            container: spec.jobTemplate.spec.template.spec.containers[0],
        };
    };

    it("is a CronJob on the schedule, UTC, never two at once, running create then prune of the bundle", () => {
        const { spec, pod, container } = cronJob("kubernetes-backup-s3");
        assert.equal(spec.schedule, "0 3 * * *");
        assert.equal(spec.timeZone, "Etc/UTC");
        assert.equal(spec.concurrencyPolicy, "Forbid");
        assert.equal(pod.restartPolicy, "Never");
        assert.equal(container.image, DEFAULT_IMAGES.exporter);
        const run = container.command.join(" ");
        assert.match(run, /create "\$name" --base latest --full-every 7 '--target' 's3:https:\/\/minio.example/);
        assert.match(run, /prune --keep 7 '--target'/);
        assert.doesNotMatch(run, /--files-dir/);
        const script = reveal(byName("kubernetes-backup-s3", "kubernetes-backup-script").data) as Record<
            string,
            string
        >;
        assert.equal(script["backup.js"], backupBundle());
        assert.ok(container.volumeMounts.some((m) => m.mountPath === BACKUP_SCRIPT));
    });

    it("takes the passwords and the S3 credentials from a Secret (secretKeyRef), never a plain value", () => {
        const { container } = cronJob("kubernetes-backup-s3");
        const refs = Object.fromEntries(
            container.env.filter((e) => e.valueFrom).map((e) => [e.name, e.valueFrom!.secretKeyRef.key]),
        );
        assert.deepEqual(refs, {
            CDC_STATUS_CLICKHOUSE_PASSWORD: "clickhouse-password",
            CDC_CONNECT_PASSWORD: "connect-password",
            CDC_BACKUP_S3_ACCESS_KEY_ID: "s3-access-key-id",
            CDC_BACKUP_S3_SECRET_ACCESS_KEY: "s3-secret-access-key",
        });
        const secret = byName("kubernetes-backup-s3", "kubernetes-backup-secrets");
        const data = reveal(secret.stringData) as Record<string, unknown>;
        assert.equal(reveal(data["s3-secret-access-key"]), S3_VALUES[1]);
        for (const shape of ["kubernetes-backup-s3", "kubernetes-backup-disk"] as const)
            for (const r of graph(shape))
                assert.deepEqual(plainLeaks(r.inputs), [], `${shape}: ${r.name} holds a secret in plain text`);
        assert.equal(find("kubernetes-backup-s3", "kubernetes-clickhouse-backups"), undefined, "no claim for S3");
    });

    it("keeps the CronJob's and the workloads' specs plain, so a preview shows their changes", () => {
        const workloads = ["CronJob", "StatefulSet", "Deployment", "Job"].map((k) => `:${k}`);
        for (const shape of ["kubernetes-backup-s3", "kubernetes-backup-disk"] as const) {
            const specs = graph(shape).filter((r) => workloads.some((k) => r.type.endsWith(k)));
            assert.ok(
                specs.some((r) => r.name === "cdc-kubernetes-backup"),
                shape,
            );
            for (const r of specs)
                assert.ok(
                    !hasSecret((r.inputs as { spec: unknown }).spec),
                    `${shape}: ${r.name}'s spec holds a secret`,
                );
        }
    });

    it("with the disk target: a claim of its own for ClickHouse's backups disk, mounted by the job beside it", () => {
        const claim = byName("kubernetes-backup-disk", "kubernetes-clickhouse-backups");
        assert.deepEqual((claim.spec as { accessModes: string[] }).accessModes, ["ReadWriteOnce"]);
        const cm = byName("kubernetes-backup-disk", "kubernetes-clickhouse-config").data as Record<string, string>;
        assert.equal(cm["cdc-backups.xml"], clickhouseBackupsConfigXml("backups"));
        const ch = JSON.stringify(byName("kubernetes-backup-disk", "kubernetes-clickhouse"));
        assert.ok(ch.includes(CLICKHOUSE_FILES.backupsDir) && ch.includes(CLICKHOUSE_FILES.backupsConfig));
        const { spec, pod, container } = cronJob("kubernetes-backup-disk");
        assert.equal(spec.schedule, "0 */6 * * *");
        assert.match(container.command.join(" "), /prune --keep 7 --files-dir '\/var\/lib\/clickhouse-backups'/);
        assert.ok(container.volumeMounts.some((m) => m.mountPath === CLICKHOUSE_FILES.backupsDir));
        assert.ok(pod.volumes.some((v) => v.persistentVolumeClaim !== undefined));
        assert.match(JSON.stringify(pod.affinity), /podAffinity.*kubernetes.io\/hostname/);
    });
});
