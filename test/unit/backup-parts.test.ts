/** Unit: the pure parts of `npm run backup` (tools/backup): positions, gap check, targets, flags, catalog rows. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { behind, lostHistory, replayStart, sinkOffsetsBody, sinkPositions } from "../../tools/backup/positions";
import { checkBackupName, describeTarget, destinationSql, parseTarget, S3_ENV } from "../../components/backup/target";
import { parseBackupFlags } from "../../tools/backup/flags";
import { catalogRow, entryOf, type CatalogEntry } from "../../tools/backup/manifest";

const sinkOffset = (topic: string, partition: number, offset: number) => ({
    partition: { kafka_topic: topic, kafka_partition: partition },
    offset: { kafka_offset: offset },
});

describe("backup positions", () => {
    it("reads a sink's committed offsets, sorted, and refuses another connector's shape", () => {
        assert.deepEqual(sinkPositions([sinkOffset("b", 1, 7), sinkOffset("a", 0, 3), sinkOffset("b", 0, 5)]), [
            { topic: "a", partition: 0, offset: 3 },
            { topic: "b", partition: 0, offset: 5 },
            { topic: "b", partition: 1, offset: 7 },
        ]);
        assert.throws(
            () => sinkPositions([{ partition: { server: "mongo" }, offset: { resume_token: "x" } }]),
            /not a sink's .*--sink/,
        );
    });

    it("replays every partition of the sink's topics: recorded ones from their offset, others from 0", () => {
        const start = replayStart(
            [{ topic: "a", partition: 0, offset: 3 }],
            [
                { topic: "a", partition: 1 },
                { topic: "a", partition: 0 },
            ],
        );
        assert.deepEqual(start, [
            { topic: "a", partition: 0, offset: 3 },
            { topic: "a", partition: 1, offset: 0 },
        ]);
        assert.deepEqual(sinkOffsetsBody(start)[1], sinkOffset("a", 1, 0));
    });

    it("names the offsets retention took: log start beyond the replay's start", () => {
        const start = [
            { topic: "a", partition: 0, offset: 3 },
            { topic: "a", partition: 1, offset: 5 },
            { topic: "b", partition: 0, offset: 0 },
        ];
        const logs = [
            { topic: "a", partition: 0, start: 3, end: 9 }, // exactly the first needed offset kept: fine
            { topic: "a", partition: 1, start: 8, end: 9 },
            { topic: "b", partition: 0, start: 1, end: 1 },
        ];
        assert.deepEqual(lostHistory(start, logs), [
            { topic: "a", partition: 1, from: 5, to: 7 },
            { topic: "b", partition: 0, from: 0, to: 0 },
        ]);
    });

    it("waits while a committed offset is below the target (no commit counts as 0)", () => {
        const target = [
            { topic: "a", partition: 0, offset: 9 },
            { topic: "a", partition: 1, offset: 2 },
        ];
        assert.deepEqual(
            behind([{ topic: "a", partition: 0, offset: 9 }], target).map((p) => [p.partition, p.committed]),
            [[1, 0]],
        );
        assert.deepEqual(
            behind(
                [
                    { topic: "a", partition: 0, offset: 10 },
                    { topic: "a", partition: 1, offset: 2 },
                ],
                target,
            ),
            [],
        );
    });
});

describe("backup targets", () => {
    it("renders Disk and S3 destinations, the S3 secret only in the SQL", () => {
        assert.equal(destinationSql({ kind: "disk", disk: "backups" }, "b-1"), "Disk('backups', 'b-1')");
        const s3 = parseTarget("s3:https://minio:9000/bkt/cdc/", "--target", {
            [S3_ENV.accessKeyId]: "AKID",
            [S3_ENV.secretAccessKey]: "s3cr'et",
        });
        assert.equal(destinationSql(s3, "b1"), "S3('https://minio:9000/bkt/cdc/b1', 'AKID', 's3cr\\'et')");
        assert.equal(describeTarget(s3, "b1"), "https://minio:9000/bkt/cdc/b1");
        assert.throws(() => parseTarget("s3:https://k:s@h/b", "--target", {}), /credentials in the URL/);
        assert.throws(() => parseTarget("s3:https://h/b", "--target", { [S3_ENV.accessKeyId]: "x" }), /both/);
        assert.throws(() => parseTarget("ftp:x", "--target", {}), /--target must be disk:NAME/);
    });

    it("refuses names that are no plain path segment", () => {
        for (const bad of ["", "../x", "a/b", "-x", "a b", "a..b"])
            assert.throws(() => checkBackupName(bad), /backup name/);
        checkBackupName("bronze-2026-12-07.1");
    });
});

describe("backup flags", () => {
    it("takes the command, its own flags and the status endpoint flags", () => {
        const f = parseBackupFlags(["restore", "b1", "--no-replay", "--target", "disk:bk", "--database", "db"]);
        assert.equal(f.command, "restore");
        assert.equal(f.name, "b1");
        assert.equal(f.noReplay, true);
        assert.equal(f.target, "disk:bk");
        assert.equal(f.endpoints.database, "db");
        assert.equal(f.endpoints.timeoutSeconds, 30);
        assert.equal(parseBackupFlags(["create", "b2", "--base=latest"]).base, "latest");
    });

    it("refuses what does not fit the command, naming the flag", () => {
        assert.throws(() => parseBackupFlags(["create"]), /create needs a backup NAME/);
        assert.throws(() => parseBackupFlags(["list", "x"]), /unexpected argument/);
        assert.throws(() => parseBackupFlags(["create", "b", "--no-replay"]), /--no-replay is a flag of restore/);
        assert.throws(() => parseBackupFlags(["restore", "b", "--base", "a"]), /--base is a flag of create/);
        assert.throws(() => parseBackupFlags(["drop", "b"]), /unknown command/);
        assert.throws(
            () => parseBackupFlags(["list", "--clickhouse-password=x"]),
            /unknown flag "--clickhouse-password"/,
        );
    });
});

describe("backup catalog", () => {
    it("round-trips an entry through its row", () => {
        const e: CatalogEntry = {
            name: "b1",
            status: "ok",
            createdAt: "2026-12-07T15:00:00.123Z",
            base: "",
            sizeBytes: 10,
            files: 2,
            seconds: 1.5,
            manifest: {
                version: 1,
                name: "b1",
                createdAt: "2026-12-07T15:00:00.123Z",
                database: "db",
                tables: ["t", "cdc_backups"],
                sink: { name: "s", offsets: [{ topic: "a", partition: 0, offset: 3 }] },
                source: { name: "src", offsets: null },
            },
        };
        const row = catalogRow(e);
        assert.equal(row.created_at, "2026-12-07 15:00:00.123");
        assert.deepEqual(entryOf({ ...row, created_at: "2026-12-07T15:00:00.123000Z" }), e);
        assert.throws(() => entryOf({ ...row, manifest: "{" }), /backup "b1" holds no readable manifest/);
    });
});
