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
    while (!tryAcquire(lockDir)) {
        let stale: boolean;
        let ownerText: string | undefined;
        try {
            ownerText = fs.readFileSync(path.join(lockDir, "owner"), "utf8");
            const owner = JSON.parse(ownerText) as { pid: number; at: number };
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
            breakStaleLock(lockDir, ownerText);
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

/** Takes the lock: creates the directory and writes this process's owner record into it. */
function tryAcquire(lockDir: string): boolean {
    try {
        fs.mkdirSync(lockDir);
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
        throw e;
    }
    try {
        fs.writeFileSync(path.join(lockDir, "owner"), JSON.stringify({ pid: process.pid, at: Date.now() }));
        return true;
    } catch (e) {
        // Another waiter broke the fresh directory before the record was written: try again.
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return false;
        throw e;
    }
}

/**
 * Breaks a lock judged stale from its owner record `judged`. Several waiters may judge the same
 * lock stale at once, and one of them may already have broken and re-taken it, so the lock is
 * moved aside with a rename (atomic: one breaker gets it) and its record compared with the one
 * judged: a different record is a fresh lock, which is put back.
 */
export function breakStaleLock(lockDir: string, judged: string | undefined): void {
    const aside = `${lockDir}.broken-${process.pid}-${Date.now()}`;
    try {
        fs.renameSync(lockDir, aside);
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return; // broken by another waiter
        throw e;
    }
    let moved: string | undefined;
    try {
        moved = fs.readFileSync(path.join(aside, "owner"), "utf8");
    } catch {
        moved = undefined;
    }
    if (moved !== judged) {
        try {
            fs.renameSync(aside, lockDir);
            return;
        } catch {
            // the name is taken again meanwhile: that holder has the lock; drop what was moved
        }
    }
    fs.rmSync(aside, { recursive: true, force: true });
}
