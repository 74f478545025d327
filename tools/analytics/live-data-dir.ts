/**
 * The data directory of `analytics:live --data-dir D`: checked before the engine starts (so a
 * directory that cannot be used fails at once, naming the flag), and a record of what was
 * deployed into it, so a restart on the same directory reuses the relations when the models and
 * their vars are unchanged instead of running dbt again.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** What was deployed into a data directory: the dbt project's content hash and the vars. */
export interface DeployedRecord {
    projectHash: string;
    vars: Record<string, string>;
}

/** Written next to the engine's files once a deploy succeeded. */
const RECORD = ".analytics-live.json";

/** What the engine keeps in a data directory it has used (any of these marks one). */
const ENGINE_ENTRIES = ["metadata", "store", "data"];

/**
 * Makes sure `dir` can hold the engine's data: created when missing, a directory, writable (a
 * file is written and removed, which also catches read-only file systems), and either empty or a
 * data directory the engine used before. Throws a message naming `--data-dir` and the fix.
 */
export function checkDataDir(dir: string): void {
    const fail = (why: string): never => {
        throw new Error(
            `--data-dir ${dir} cannot be used: ${why}; give a new or empty directory this user can write ` +
                "(or one an earlier analytics:live used), or leave the flag out for a temporary one",
        );
    };
    try {
        fs.mkdirSync(dir, { recursive: true });
    } catch (e) {
        fail((e as Error).message);
    }
    if (!fs.statSync(dir).isDirectory()) fail("it is not a directory");
    const probe = path.join(dir, `.analytics-live-probe-${process.pid}`);
    try {
        fs.writeFileSync(probe, "");
        fs.rmSync(probe, { force: true });
    } catch (e) {
        fail(`it is not writable (${(e as Error).message})`);
    }
    const entries = fs.readdirSync(dir).filter((e) => !e.startsWith("."));
    if (entries.length > 0 && !ENGINE_ENTRIES.some((e) => entries.includes(e))) {
        fail(
            `it holds other files (${entries.slice(0, 3).join(", ")}${entries.length > 3 ? ", …" : ""}) ` +
                "and is no data directory of the engine",
        );
    }
}

/** The record of the last successful deploy into `dir`, if any (unreadable counts as none). */
export function readDeployed(dir: string): DeployedRecord | undefined {
    try {
        const r = JSON.parse(fs.readFileSync(path.join(dir, RECORD), "utf8")) as DeployedRecord;
        return typeof r.projectHash === "string" && typeof r.vars === "object" && r.vars !== null ? r : undefined;
    } catch {
        return undefined;
    }
}

/** Records a successful deploy into `dir`. */
export function writeDeployed(dir: string, record: DeployedRecord): void {
    fs.writeFileSync(path.join(dir, RECORD), `${JSON.stringify(record)}\n`);
}

/** Forgets the record (before a deploy: one that fails part-way must not count as deployed). */
export function forgetDeployed(dir: string): void {
    fs.rmSync(path.join(dir, RECORD), { force: true });
}

/** Whether `a` and `b` record the same deploy (same project content, same vars). */
export function sameDeploy(a: DeployedRecord | undefined, b: DeployedRecord): boolean {
    if (!a || a.projectHash !== b.projectHash) return false;
    const keys = new Set([...Object.keys(a.vars), ...Object.keys(b.vars)]);
    return [...keys].every((k) => a.vars[k] === b.vars[k]);
}
