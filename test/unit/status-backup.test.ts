/** The backup line of npm run status (tools/status/backup.ts): verdict, table line, JSON and metrics. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_BACKUP_MAX_AGE_SECONDS, judgeBackups, renderBackup } from "../../tools/status/backup";
import { parseFlags } from "../../tools/status/flags";
import { renderMetrics } from "../../tools/status/metrics";
import { renderTable } from "../../tools/status/render";
import { buildReport, DEFAULT_THRESHOLDS } from "../../tools/status/verdict";
import type { StatusReport } from "../../tools/status/types";

const NOW = Date.parse("2026-12-07T12:00:00.000Z");
const last = { name: "nightly-7", createdAt: "2026-12-07T10:00:00.000Z", sizeBytes: 5 * 1024 * 1024 };
const connector = (name: string) => ({ name, state: "RUNNING", tasks: [] });
const report = (backup?: StatusReport["backup"]): StatusReport => ({
    ...buildReport(
        {
            nowMs: NOW,
            source: { connector: connector("s"), topics: [] },
            sink: { connector: connector("k"), group: "g", topics: [], lag: [] },
            bronze: { tables: [] },
            silver: { tables: [], rejects: 0 },
            gold: { tables: [], refreshes: [] },
        },
        DEFAULT_THRESHOLDS,
    ),
    ...(backup ? { backup } : {}),
});

describe("status: backup verdict", () => {
    it("no catalog is no backup yet, ok", () => {
        const b = judgeBackups({ missing: true, last: null, count: 0 }, NOW, 3600);
        assert.deepEqual([b.verdict, b.last, b.problems], ["ok", null, []]);
        assert.match(renderBackup(b), /^backup: ok, no backup yet/);
    });
    it("a recent backup is ok with its age and size", () => {
        const b = judgeBackups({ last, count: 3 }, NOW, 3 * 3600);
        assert.equal(b.verdict, "ok");
        assert.equal(b.last?.ageSeconds, 7200);
        assert.match(renderBackup(b), /last nightly-7 at 2026-12-07T10:00:00.000Z \(7200 s ago, 5\.0 MiB\), 3 ok/);
    });
    it("an old backup is lagging, naming the flag and the fix", () => {
        const b = judgeBackups({ last, count: 1 }, NOW, 3600);
        assert.equal(b.verdict, "lagging");
        assert.match(b.problems[0]!, /nightly-7 is 7200 s old \(> --backup-max-age 3600\).*npm run backup -- create/);
        assert.match(renderBackup(b), /^backup: LAGGING/);
    });
    it("an unreadable catalog is failed with its reason", () => {
        const b = judgeBackups({ error: "backup catalog db.cdc_backups: refused", last: null, count: 0 }, NOW, 1);
        assert.equal(b.verdict, "failed");
        assert.match(renderBackup(b), /FAILED: backup catalog db\.cdc_backups: refused/);
    });
    it("does not change the pipeline's verdict or exit code", () => {
        const r = report(judgeBackups({ last, count: 1 }, NOW, 1));
        const failed = report(judgeBackups({ error: "down", last: null, count: 0 }, NOW, 1));
        const without = report();
        assert.deepEqual([r.verdict, r.exitCode], [without.verdict, without.exitCode]);
        assert.deepEqual([failed.verdict, failed.exitCode], [without.verdict, without.exitCode]);
        assert.match(renderTable(r), /backup: LAGGING, last nightly-7/);
        assert.equal(JSON.parse(JSON.stringify(r)).backup.last.sizeBytes, last.sizeBytes);
    });
    it("--backup-max-age sets the threshold; the default is 26 h", () => {
        assert.equal(DEFAULT_THRESHOLDS.backupMaxAgeSeconds, DEFAULT_BACKUP_MAX_AGE_SECONDS);
        assert.equal(DEFAULT_BACKUP_MAX_AGE_SECONDS, 26 * 3600);
        assert.equal(parseFlags(["--backup-max-age", "600"]).thresholds.backupMaxAgeSeconds, 600);
    });
});

describe("status: backup metrics", () => {
    it("exports the last success's time and size", async () => {
        const text = await renderMetrics(report(judgeBackups({ last, count: 1 }, NOW, 3600)));
        assert.match(
            text,
            new RegExp(
                `^cdc_backup_last_success_timestamp_seconds\\{backup="nightly-7"\\} ${Date.parse(last.createdAt) / 1000}$`,
                "m",
            ),
        );
        assert.match(text, new RegExp(`^cdc_backup_last_size_bytes\\{backup="nightly-7"\\} ${last.sizeBytes}$`, "m"));
    });
    it("has no series before the first backup", async () => {
        const text = await renderMetrics(report(judgeBackups({ missing: true, last: null, count: 0 }, NOW, 3600)));
        assert.doesNotMatch(text, /^cdc_backup_last_success_timestamp_seconds[{ ]/m);
        assert.doesNotMatch(text, /^cdc_backup_last_size_bytes[{ ]/m);
    });
});
