/**
 * The backup line of npm run status against the embedded engine: before any backup the catalog is
 * absent ("no backup yet"); after a real `backup create` (ClickHouse's BACKUP to the gateway's
 * backups disk) status reads the backup's name, time and size from the catalog. Kafka Connect is
 * a stub answering the sink's offsets (create only records them).
 */
import { after, before, describe, it, type TestContext } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { DEFAULT_RETRY_POLICY } from "../../components/providers/shared/retry";
import { createBackup } from "../../tools/backup/create";
import { masker } from "../../tools/backup/context";
import { judgeBackups, readBackups } from "../../tools/status/backup";
import { startBronzeGateway, type BronzeGateway } from "../support/bronze-gateway";
import { chdbProblem } from "../support/chdb";
import { requireTier } from "../support/tier";

const DB = "ecom_status_backup";
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "status-backup-"));
let g: BronzeGateway | undefined;
// The stub Connect: every connector has committed nothing yet.
const connect = http.createServer((_, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ offsets: [] }));
});

const ready = (t: TestContext): boolean => requireTier(t, "clickhouse", chdbProblem());

describe("status: backup line on the embedded engine", () => {
    before(async () => {
        if (chdbProblem()) return;
        g = await startBronzeGateway(DB, { backupsDir: path.join(tmp, "backups") });
        await new Promise<void>((r) => connect.listen(0, "127.0.0.1", r));
    });
    after(async () => {
        await g?.stop();
        connect.close();
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    it("no backup yet, then the created backup's name and size", async (t) => {
        if (!ready(t)) return;
        const target = { url: g!.gw.url, user: g!.gw.user, password: g!.gw.password, database: DB };
        const read = () => readBackups({ ...target, timeoutMs: 30_000, secrets: [] });
        const before = await read();
        assert.deepEqual(before, { missing: true, last: null, count: 0 });
        const entry = await createBackup(
            {
                clickhouse: g!.client,
                database: DB,
                bronzeTables: ["mongo_ecom_customers", "mongo_ecom_products", "mongo_ecom_orders"],
                target: { kind: "disk", disk: "backups" },
                connect: {
                    baseUrl: `http://127.0.0.1:${(connect.address() as AddressInfo).port}`,
                    secretValues: [],
                    retry: DEFAULT_RETRY_POLICY,
                    requestTimeoutMs: 10_000,
                },
                sink: "bronze-sink",
                source: "mongo-source",
                log: () => undefined,
                mask: masker([]),
            },
            { name: "status-1" },
        );
        const after = await read();
        assert.equal(after.error, undefined);
        assert.deepEqual(after.last, { name: "status-1", createdAt: entry.createdAt, sizeBytes: entry.sizeBytes });
        assert.ok(entry.sizeBytes > 0, "the backup has a size");
        const verdict = judgeBackups(after, Date.parse(entry.createdAt) + 5_000, 3600);
        assert.deepEqual([verdict.verdict, verdict.last?.ageSeconds, verdict.count], ["ok", 5, 1]);
    });
});
