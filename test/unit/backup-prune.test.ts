/**
 * `npm run backup -- prune` and the scheduled job's choice of base (tools/backup/prune.ts): which
 * backups are kept (the newest N and every base they need), which are pruned (older, failed,
 * abandoned), when a chain is cut by a full backup; the catalog rows marked `pruned` and the files
 * deleted under `--files-dir` against a stand-in ClickHouse client; the flags; the docker
 * scheduler's next run (tools/backup/scheduler.ts).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import type { ClickHouseClient } from "@clickhouse/client";
import type { BackupContext } from "../../tools/backup/context";
import { parseBackupFlags } from "../../tools/backup/flags";
import { catalogRow, type CatalogEntry } from "../../tools/backup/manifest";
import { chainOf, describePrune, pruneBackups, prunePlan, scheduledBase } from "../../tools/backup/prune";
import { nextRun } from "../../tools/backup/scheduler";
import { parseCron } from "../../components/config/cron";

/** Backups b1, b2, … a day apart; `base` by name ("" full), status ok unless given. */
function entries(spec: [string, string, CatalogEntry["status"]?][]): CatalogEntry[] {
    return spec.map(([name, base, status], i) => ({
        name,
        status: status ?? "ok",
        createdAt: new Date(Date.UTC(2026, 11, 1 + i, 3)).toISOString(),
        base,
        sizeBytes: 100,
        files: 1,
        seconds: 1,
        manifest: {
            version: 1,
            name,
            createdAt: "",
            database: "db",
            tables: [],
            sink: { name: "s", offsets: [] },
            source: { name: "src", offsets: null },
        },
    }));
}

describe("prune plan", () => {
    it("keeps the newest N full backups and prunes the older ones, oldest first", () => {
        const e = entries([
            ["b1", ""],
            ["b2", ""],
            ["b3", ""],
            ["b4", ""],
        ]);
        assert.deepEqual(prunePlan(e, 2), { keep: ["b3", "b4"], heldAsBase: [], prune: ["b1", "b2"] });
        assert.deepEqual(prunePlan(e, 10), { keep: ["b1", "b2", "b3", "b4"], heldAsBase: [], prune: [] });
    });

    it("keeps the whole chain of a kept incremental backup (RESTORE reads its bases)", () => {
        const e = entries([
            ["f1", ""],
            ["i1", "f1"],
            ["i2", "i1"],
            ["f2", ""],
            ["i3", "f2"],
        ]);
        assert.deepEqual(chainOf(e, "i2"), ["i2", "i1", "f1"]);
        // keep 2: f2 and i3; f1's chain is no one's base any more
        assert.deepEqual(prunePlan(e, 2), { keep: ["f2", "i3"], heldAsBase: [], prune: ["f1", "i1", "i2"] });
        // keep 3: i2 is kept, so i1 and f1 stay as its bases
        assert.deepEqual(prunePlan(e, 3), { keep: ["i2", "f2", "i3"], heldAsBase: ["f1", "i1"], prune: [] });
    });

    it("prunes failed backups and abandoned creates, not a create newer than the last success", () => {
        const e = entries([
            ["b1", ""],
            ["x1", "", "failed"],
            ["x2", "", "creating"],
            ["b2", ""],
            ["p0", "", "pruned"],
            ["x3", "", "creating"],
        ]);
        assert.deepEqual(prunePlan(e, 5), { keep: ["b1", "b2"], heldAsBase: [], prune: ["x1", "x2"] });
    });

    it("refuses a keep below 1", () => {
        assert.throws(() => prunePlan([], 0), /--keep must be a whole number >= 1/);
    });
});

describe("the scheduled job's base", () => {
    it("is the latest success until its chain holds fullEvery backups; none yet: full", () => {
        assert.equal(scheduledBase([], 3), undefined);
        let e = entries([["f1", ""]]);
        assert.equal(scheduledBase(e, 3), "f1");
        e = entries([
            ["f1", ""],
            ["i1", "f1"],
        ]);
        assert.equal(scheduledBase(e, 3), "i1");
        e = entries([
            ["f1", ""],
            ["i1", "f1"],
            ["i2", "i1"],
        ]);
        assert.equal(scheduledBase(e, 3), undefined, "a chain of 3: the next one is full");
        assert.equal(scheduledBase(entries([["f1", ""]]), 1), undefined, "fullEvery 1: always full");
        e = entries([
            ["f1", ""],
            ["x", "f1", "failed"],
        ]);
        assert.equal(scheduledBase(e, 3), "f1", "a failed backup is no base");
    });

    it("with retention R and fullEvery F, at most R + F - 1 backups are kept over a long schedule", () => {
        const [R, F] = [4, 3];
        const all: CatalogEntry[] = [];
        for (let day = 0; day < 30; day++) {
            const base = scheduledBase(all, F) ?? "";
            all.push(...entries([[`d${day}`, base]]).map((x) => ({ ...x, createdAt: `2026-12-${10 + day}` })));
            const plan = prunePlan(all, R);
            for (const n of plan.prune) all.find((x) => x.name === n)!.status = "pruned";
            const kept = all.filter((x) => x.status === "ok");
            assert.ok(kept.length <= R + F - 1, `day ${day}: ${kept.length} kept`);
            for (const k of kept)
                for (const b of chainOf(all, k.name)) assert.notEqual(all.find((x) => x.name === b)!.status, "pruned");
        }
    });
});

/** A ClickHouse client that answers listBackups' two queries and records inserts. */
function fakeClickHouse(rows: CatalogEntry[]) {
    const inserted: Record<string, unknown>[] = [];
    const client = {
        query: async ({ query }: { query: string }) => ({
            json: async () =>
                query.includes("system.tables")
                    ? [{ n: 1 }]
                    : rows.map((e) => ({
                          ...catalogRow(e),
                          created_at: e.createdAt,
                          manifest: JSON.stringify(e.manifest),
                      })),
        }),
        insert: async ({ values }: { values: Record<string, unknown>[] }) => {
            inserted.push(...values);
        },
    };
    return { client: client as unknown as ClickHouseClient, inserted };
}

function ctxOf(client: ClickHouseClient, target: BackupContext["target"], log: string[]): BackupContext {
    return {
        clickhouse: client,
        database: "db",
        bronzeTables: [],
        target,
        sink: "s",
        source: "src",
        log: (l) => log.push(l),
        mask: (t) => t,
    };
}

describe("prune against the catalog", () => {
    const e = entries([
        ["b1", ""],
        ["b2", ""],
        ["b3", ""],
    ]);

    it("marks the pruned rows `pruned` and deletes their directories under --files-dir, only theirs", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cdc-prune-"));
        try {
            for (const n of ["b1", "b2", "b3"]) fs.mkdirSync(path.join(dir, n, "data"), { recursive: true });
            const { client, inserted } = fakeClickHouse(e);
            const log: string[] = [];
            const r = await pruneBackups(ctxOf(client, { kind: "disk", disk: "backups" }, log), {
                keep: 1,
                filesDir: dir,
            });
            assert.deepEqual(r.prune, ["b1", "b2"]);
            assert.deepEqual(r.deleted, ["b1", "b2"]);
            assert.deepEqual(
                inserted.map((x) => [x.name, x.status]),
                [
                    ["b1", "pruned"],
                    ["b2", "pruned"],
                ],
            );
            assert.deepEqual(fs.readdirSync(dir).sort(), ["b3"]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("without --files-dir says where the files remain (ClickHouse cannot delete a backup)", async () => {
        const { client, inserted } = fakeClickHouse(e);
        const log: string[] = [];
        const target = { kind: "s3" as const, url: "https://minio:9000/bk", accessKeyId: "k", secretAccessKey: "s" };
        const r = await pruneBackups(ctxOf(client, target, log), { keep: 2 });
        assert.deepEqual(r.leftFiles, ["https://minio:9000/bk/b1"]);
        assert.equal(inserted.length, 1);
        assert.match(describePrune(r, false), /ClickHouse cannot delete a backup: .*https:\/\/minio:9000\/bk\/b1/);
        await assert.rejects(
            pruneBackups(ctxOf(client, target, log), { keep: 2, filesDir: "/x" }),
            /--files-dir is for a disk: target/,
        );
    });

    it("changes nothing with --dry-run", async () => {
        const { client, inserted } = fakeClickHouse(e);
        const r = await pruneBackups(ctxOf(client, { kind: "disk", disk: "backups" }, []), { keep: 1, dryRun: true });
        assert.deepEqual(r.prune, ["b1", "b2"]);
        assert.equal(inserted.length, 0);
        assert.match(describePrune(r, true), /would prune 2: b1, b2/);
    });
});

describe("prune and scheduled-create flags", () => {
    it("reads --keep, --files-dir, --dry-run for prune and --full-every for create", () => {
        const f = parseBackupFlags(["prune", "--keep", "5", "--files-dir=/backups", "--dry-run"]);
        assert.equal(f.command, "prune");
        assert.equal(f.keep, 5);
        assert.equal(f.filesDir, "/backups");
        assert.equal(f.dryRun, true);
        assert.equal(parseBackupFlags(["create", "b", "--base", "latest", "--full-every", "7"]).fullEvery, 7);
    });

    it("refuses them elsewhere or malformed, naming the flag", () => {
        assert.throws(() => parseBackupFlags(["prune"]), /prune needs --keep N/);
        assert.throws(() => parseBackupFlags(["prune", "--keep", "0"]), /--keep must be a whole number >= 1/);
        assert.throws(() => parseBackupFlags(["prune", "b1", "--keep", "2"]), /unexpected argument "b1"/);
        assert.throws(() => parseBackupFlags(["create", "b", "--keep", "2"]), /--keep is a flag of prune only/);
        assert.throws(() => parseBackupFlags(["list", "--dry-run"]), /--dry-run is a flag of prune only/);
        assert.throws(
            () => parseBackupFlags(["create", "b", "--full-every", "3"]),
            /--full-every goes with --base latest/,
        );
        assert.throws(
            () => parseBackupFlags(["prune", "--keep", "2", "--base", "latest"]),
            /--base is a flag of create/,
        );
    });
});

describe("the docker scheduler's next run", () => {
    it("is the next minute the cron line names, strictly after now, in UTC", () => {
        const daily = parseCron("0 3 * * *");
        assert.equal(nextRun(daily, new Date("2026-12-07T02:59:30Z"))?.toISOString(), "2026-12-07T03:00:00.000Z");
        assert.equal(nextRun(daily, new Date("2026-12-07T03:00:00Z"))?.toISOString(), "2026-12-08T03:00:00.000Z");
        const leap = parseCron("0 0 29 feb *");
        assert.equal(nextRun(leap, new Date("2027-01-01T00:00:00Z"))?.toISOString(), "2028-02-29T00:00:00.000Z");
        assert.equal(nextRun(parseCron("0 0 31 feb *"), new Date("2027-01-01T00:00:00Z")), undefined);
    });
});
