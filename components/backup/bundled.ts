/**
 * The global the bundled backup CLI's entry sets (components/monitoring/backupBundle.ts): in a
 * bundle every module shares the file's `module`, so `require.main === module` holds in index.ts
 * too, and the entry, not index.ts, decides what runs (the CLI or the docker scheduler).
 */
export const BUNDLED_FLAG = "__cdcBackupBundled";

/** Whether this code runs inside the bundle. */
export function inBundle(): boolean {
    return (globalThis as Record<string, unknown>)[BUNDLED_FLAG] === true;
}
