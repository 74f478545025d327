import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { breakStaleLock, pidAlive, withDirLock } from "../../components/providers/shared/lock";

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "cdc-lock-"));

describe("withDirLock", () => {
    it("runs holders one at a time and releases the lock afterwards", async () => {
        const lock = path.join(tmp(), "x.lock");
        const events: string[] = [];
        let waited = 0;
        const holder = (id: string) =>
            withDirLock(lock, { staleMs: 60_000, onWait: () => waited++ }, async () => {
                events.push(`start ${id}`);
                await new Promise((r) => setTimeout(r, 50));
                events.push(`end ${id}`);
            });
        await Promise.all([holder("a"), holder("b")]);
        assert.deepEqual(events, ["start a", "end a", "start b", "end b"]);
        assert.equal(waited, 1);
        assert.ok(!fs.existsSync(lock));
    });

    it("takes over the lock of a holder that no longer runs", async () => {
        const lock = path.join(tmp(), "y.lock");
        fs.mkdirSync(lock);
        fs.writeFileSync(path.join(lock, "owner"), JSON.stringify({ pid: 2 ** 22 + 12345, at: Date.now() }));
        assert.equal(await withDirLock(lock, { staleMs: 60_000, timeoutMs: 2_000 }, async () => "ran"), "ran");
    });

    it("releases the lock when the work throws", async () => {
        const lock = path.join(tmp(), "z.lock");
        await assert.rejects(
            withDirLock(lock, { staleMs: 60_000 }, async () => Promise.reject(new Error("boom"))),
            /boom/,
        );
        assert.ok(!fs.existsSync(lock));
    });

    it("gives up after its timeout while a live holder keeps the lock", async () => {
        const lock = path.join(tmp(), "w.lock");
        fs.mkdirSync(lock);
        fs.writeFileSync(path.join(lock, "owner"), JSON.stringify({ pid: process.pid, at: Date.now() }));
        await assert.rejects(
            withDirLock(lock, { staleMs: 60_000, timeoutMs: 600 }, async () => "never"),
            /timed out waiting for the lock/,
        );
    });
});

describe("pidAlive", () => {
    it("knows this process and not a pid beyond the kernel's range", () => {
        assert.equal(pidAlive(process.pid), true);
        assert.equal(pidAlive(2 ** 22 + 12345), false);
    });
});

describe("breakStaleLock", () => {
    const lockWith = (owner: object) => {
        const dir = tmp();
        const lock = path.join(dir, "x.lock");
        fs.mkdirSync(lock);
        fs.writeFileSync(path.join(lock, "owner"), JSON.stringify(owner));
        return { dir, lock };
    };

    it("removes the lock it judged stale, leaving nothing beside it", () => {
        const stale = JSON.stringify({ pid: 2 ** 22 + 12345, at: 0 });
        const { dir, lock } = lockWith(JSON.parse(stale));
        breakStaleLock(lock, stale);
        assert.deepEqual(fs.readdirSync(dir), []);
    });

    it("puts back a lock another process took after it was judged stale (the race of two waiters)", () => {
        const fresh = { pid: process.pid, at: Date.now() };
        const { dir, lock } = lockWith(fresh);
        breakStaleLock(lock, JSON.stringify({ pid: 2 ** 22 + 12345, at: 0 }));
        assert.deepEqual(fs.readdirSync(dir), ["x.lock"]);
        assert.deepEqual(JSON.parse(fs.readFileSync(path.join(lock, "owner"), "utf8")), fresh);
    });

    it("does nothing when another waiter broke it first", () => {
        const dir = tmp();
        assert.doesNotThrow(() => breakStaleLock(path.join(dir, "x.lock"), undefined));
        assert.deepEqual(fs.readdirSync(dir), []);
    });
});
