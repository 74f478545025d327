/**
 * A cross-process lock on a path, for the minutes-long CLI build: `mkdir` of `<path>.lock` is the
 * atomic test-and-set; the holder's pid inside lets a waiter break the lock of a dead holder.
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";

function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (e) {
        return (e as NodeJS.ErrnoException).code === "EPERM";
    }
}

/** Runs `fn` while holding the lock `<target>.lock`, waiting (polling every second) for other holders. */
export async function withLock<T>(target: string, fn: () => Promise<T>, onWait?: (holder: string) => void): Promise<T> {
    const dir = `${target}.lock`;
    const owner = path.join(dir, "pid");
    let told = false;
    for (;;) {
        try {
            await fs.mkdir(dir);
            await fs.writeFile(owner, String(process.pid));
            break;
        } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
            const holder = Number(await fs.readFile(owner, "utf8").catch(() => ""));
            if (holder && !alive(holder)) {
                await fs.rm(dir, { recursive: true, force: true });
                continue;
            }
            if (!told) onWait?.(holder ? `pid ${holder}` : "another process");
            told = true;
            await new Promise((r) => setTimeout(r, 1_000));
        }
    }
    try {
        return await fn();
    } finally {
        await fs.rm(dir, { recursive: true, force: true });
    }
}
