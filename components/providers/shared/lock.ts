/**
 * Cross-process locks on the local file system, for work that several processes may start at
 * once (building the dbt venv, building the Pulumi CLI for the tests). `mkdir` is the atomic
 * test-and-set; the holder writes its pid and start time inside, so a waiter can break the lock
 * of a holder that died or has held it for longer than `staleMs`.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** True while process `pid` exists (EPERM: it exists but belongs to someone else). */
export function pidAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (e) {
        return (e as NodeJS.ErrnoException).code === "EPERM";
    }
}

export interface DirLockOptions {
    /** A lock held longer than this is taken over even if its holder lives. */
    staleMs: number;
    /** Give up waiting after this long. Default `staleMs` + 60 s. */
    timeoutMs?: number;
    /** Called once when the lock is busy. */
    onWait?: (lockDir: string) => void;
}

/** Runs `fn` while holding the lock directory `lockDir`, waiting for other holders. */
export async function withDirLock<T>(lockDir: string, options: DirLockOptions, fn: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + (options.timeoutMs ?? options.staleMs + 60_000);
    let said = false;
    for (;;) {
        try {
            fs.mkdirSync(lockDir);
            fs.writeFileSync(path.join(lockDir, "owner"), JSON.stringify({ pid: process.pid, at: Date.now() }));
            break;
        } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
        }
        let stale = false;
        try {
            const owner = JSON.parse(fs.readFileSync(path.join(lockDir, "owner"), "utf8")) as { pid: number; at: number };
            stale = !pidAlive(owner.pid) || Date.now() - owner.at > options.staleMs;
        } catch {
            // Owner file not written yet (or the lock was just released): judge by the directory's age.
            try {
                stale = Date.now() - fs.statSync(lockDir).mtimeMs > 60_000;
            } catch {
                stale = false;
            }
        }
        if (stale) {
            fs.rmSync(lockDir, { recursive: true, force: true });
            continue;
        }
        if (Date.now() > deadline) throw new Error(`timed out waiting for the lock ${lockDir}`);
        if (!said) options.onWait?.(lockDir);
        said = true;
        await new Promise((r) => setTimeout(r, 500));
    }
    try {
        return await fn();
    } finally {
        fs.rmSync(lockDir, { recursive: true, force: true });
    }
}
