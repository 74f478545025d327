/**
 * What a dbt invocation did, read from its `run_results.json`, and the error text shown when it
 * failed (dbt's own messages plus the ERROR lines of its output, secrets masked).
 */
import { maskSecrets } from "../shared/mask";

/** Counts from one dbt invocation (plain values, stored as the `summary` output of DbtRun). */
export interface DbtRunSummary {
    /** `build` or `run`. */
    command: string;
    /** dbt-core version that wrote the results. */
    dbtVersion: string;
    /** Models that ran successfully. */
    modelsBuilt: number;
    /** Models that errored. */
    modelsErrored: number;
    /** Data and unit tests that passed. */
    testsPassed: number;
    /** Data and unit tests that failed (status `fail` or `error`). */
    testsFailed: number;
    /** Tests with `warn` severity that found rows. */
    testsWarned: number;
    /** Seeds loaded. */
    seedsLoaded: number;
    /** Snapshots taken. */
    snapshotsTaken: number;
    /** Nodes skipped because something upstream failed. */
    skipped: number;
    /** Wall-clock seconds dbt reported for the invocation. */
    elapsedSeconds: number;
}

/** The slice of `run_results.json` we read. */
interface RunResultsFile {
    metadata?: { dbt_version?: string };
    elapsed_time?: number;
    results?: Array<{ unique_id?: string; status?: string; message?: string | null; failures?: number | null }>;
}

function resourceType(uniqueId: string): string {
    return uniqueId.split(".")[0] ?? "";
}

/** Summarises a parsed `run_results.json`. */
export function summariseRunResults(runResults: unknown, command: string): DbtRunSummary {
    const rr = (runResults ?? {}) as RunResultsFile;
    const s: DbtRunSummary = {
        command,
        dbtVersion: rr.metadata?.dbt_version ?? "unknown",
        modelsBuilt: 0,
        modelsErrored: 0,
        testsPassed: 0,
        testsFailed: 0,
        testsWarned: 0,
        seedsLoaded: 0,
        snapshotsTaken: 0,
        skipped: 0,
        elapsedSeconds: Math.round((rr.elapsed_time ?? 0) * 100) / 100,
    };
    for (const r of rr.results ?? []) {
        const type = resourceType(r.unique_id ?? "");
        const status = (r.status ?? "").toLowerCase();
        if (status === "skipped") {
            s.skipped++;
            continue;
        }
        if (type === "test" || type === "unit_test") {
            if (status === "pass") s.testsPassed++;
            else if (status === "warn") s.testsWarned++;
            else s.testsFailed++;
        } else if (type === "model") {
            if (status === "success") s.modelsBuilt++;
            else s.modelsErrored++;
        } else if (type === "seed") {
            if (status === "success") s.seedsLoaded++;
        } else if (type === "snapshot") {
            if (status === "success") s.snapshotsTaken++;
        }
    }
    return s;
}

/** `status unique_id: message` for every failed node of a parsed `run_results.json`. */
export function failedNodeLines(runResults: unknown): string[] {
    const rr = (runResults ?? {}) as RunResultsFile;
    const out: string[] = [];
    for (const r of rr.results ?? []) {
        const status = (r.status ?? "").toLowerCase();
        if (status !== "error" && status !== "fail" && status !== "runtime error") continue;
        const msg = (r.message ?? "").trim() || (r.failures ? `${r.failures} failing rows` : "");
        out.push(`${status.toUpperCase()} ${r.unique_id ?? "?"}: ${msg}`);
    }
    return out;
}

/**
 * The error lines of dbt's console output: lines logged at ERROR level and the indented
 * details that follow them (`Database Error in model ...`, the server's message, ...).
 */
export function errorLinesOfOutput(stdout: string): string[] {
    const out: string[] = [];
    let inError = false;
    for (const raw of stdout.split("\n")) {
        // eslint-disable-next-line no-control-regex
        const line = raw.replace(/\x1b\[[0-9;]*m/g, "").trimEnd();
        const body = line.replace(/^\d\d:\d\d:\d\d(\.\d+)? {1,2}/, ""); // keep the indentation after the time
        if (
            /\b(ERROR|Error|FAIL|Failure)\b/.test(body) &&
            !/^(Done\.|Finished running)/.test(body) &&
            !/\bERROR=\d/.test(body)
        ) {
            out.push(body.trim());
            inError = true;
        } else if (inError && /^\s+\S/.test(body)) {
            out.push(body.trimEnd());
        } else {
            inError = false;
        }
    }
    return out;
}

/**
 * The message of a failed dbt invocation: a headline, the failed nodes from `run_results.json`
 * and dbt's error output lines (deduplicated, at most `maxLines`), every secret value masked.
 */
export function dbtFailureMessage(o: {
    command: string;
    exitCode: number | null;
    runResults?: unknown;
    stdout: string;
    secrets: readonly string[];
    maxLines?: number;
}): string {
    const lines: string[] = [];
    const seen = new Set<string>();
    const add = (l: string): void => {
        const t = l.trimEnd();
        const key = t.trim();
        if (key && !seen.has(key)) {
            seen.add(key);
            lines.push(t);
        }
    };
    if (o.runResults !== undefined) failedNodeLines(o.runResults).forEach(add);
    errorLinesOfOutput(o.stdout).forEach(add);
    if (lines.length === 0) {
        // Nothing recognisable: show the tail of the output.
        o.stdout.trim().split("\n").slice(-20).forEach(add);
    }
    const max = o.maxLines ?? 60;
    const shown = lines.length > max ? [...lines.slice(0, max), `... ${lines.length - max} more lines`] : lines;
    const head = `dbt ${o.command} failed (exit code ${o.exitCode ?? "signal"})`;
    return maskSecrets([head, ...shown.map((l) => `  ${l}`)].join("\n"), o.secrets);
}
