/**
 * The live simulator's loop: at a steady rate, asks the {@link ChangeChooser} for the next
 * change and writes it through a writer (MongoDB in production, a fake in tests), keeping
 * counters per collection and operation. Stops at the duration, on abort (Ctrl-C), or after
 * repeated write failures.
 */
import type { ChangeChooser } from "./changes";
import { COLLECTIONS, type CollectionName, type Mutation } from "./model";

/** Counters of a run. */
export interface SimulationStats {
    events: number;
    errors: number;
    /** Writes per collection and op. */
    byCollection: Record<CollectionName, { insert: number; update: number; delete: number }>;
    /** Writes per kind of change. */
    byKind: Record<string, number>;
    seconds: number;
    /** Why the loop ended. */
    stoppedBy: "duration" | "signal" | "errors";
    lastError?: string;
}

/** What the loop needs from the outside world (injected for tests). */
export interface SimulatorDeps {
    chooser: ChangeChooser;
    write: (m: Mutation) => Promise<unknown>;
    /** Milliseconds since some origin (monotonic). */
    now: () => number;
    /** Wall-clock time of a change. */
    wallClock: () => Date;
    /** Resolves after `ms` or when `signal` aborts. */
    sleep: (ms: number, signal: AbortSignal) => Promise<void>;
    /** Called after each event and on each stop. */
    onTick?: (stats: SimulationStats) => void;
}

/** Stop after this many consecutive failed writes. */
export const MAX_CONSECUTIVE_ERRORS = 5;

/** Empty counters. */
export function emptyStats(): SimulationStats {
    const byCollection = {} as SimulationStats["byCollection"];
    for (const c of COLLECTIONS) byCollection[c] = { insert: 0, update: 0, delete: 0 };
    return { events: 0, errors: 0, byCollection, byKind: {}, seconds: 0, stoppedBy: "duration" };
}

/** A sleep that wakes early on abort. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
        if (signal.aborted || ms <= 0) return resolve();
        const timer = setTimeout(done, ms);
        function done() {
            clearTimeout(timer);
            signal.removeEventListener("abort", done);
            resolve();
        }
        signal.addEventListener("abort", done, { once: true });
    });
}

/**
 * Runs changes at `rate` per second for `durationS` seconds (0 = until `signal` aborts).
 * Event n is due at n / rate seconds after the start; a writer that falls more than a second
 * behind drops the backlog instead of bursting.
 */
export async function runSimulation(
    rate: number,
    durationS: number,
    signal: AbortSignal,
    deps: SimulatorDeps,
): Promise<SimulationStats> {
    const stats = emptyStats();
    const start = deps.now();
    const interval = 1000 / rate;
    let due = start;
    let consecutive = 0;
    for (;;) {
        if (signal.aborted) {
            stats.stoppedBy = "signal";
            break;
        }
        if (durationS > 0 && due - start >= durationS * 1000) {
            stats.stoppedBy = "duration";
            break;
        }
        const wait = due - deps.now();
        if (wait > 0) {
            await deps.sleep(wait, signal);
            continue; // re-check abort/duration after sleeping
        }
        if (wait < -1000) due = deps.now();
        const m = deps.chooser.next(deps.wallClock());
        try {
            await deps.write(m);
            consecutive = 0;
            stats.events++;
            stats.byCollection[m.collection][m.op]++;
            stats.byKind[m.kind] = (stats.byKind[m.kind] ?? 0) + 1;
        } catch (e) {
            deps.chooser.undo(m);
            stats.errors++;
            consecutive++;
            stats.lastError = (e as Error).message;
            if (consecutive >= MAX_CONSECUTIVE_ERRORS) {
                stats.stoppedBy = "errors";
                break;
            }
        }
        due += interval;
        stats.seconds = (deps.now() - start) / 1000;
        deps.onTick?.(stats);
    }
    stats.seconds = (deps.now() - start) / 1000;
    deps.onTick?.(stats);
    return stats;
}

/** One line of counters: `12.0 s 60 changes (5.0/s) | orders +17 ~20 -1 | …`. */
export function formatStats(s: SimulationStats): string {
    const rate = s.seconds > 0 ? (s.events / s.seconds).toFixed(1) : "0.0";
    const parts = COLLECTIONS.map((c) => {
        const b = s.byCollection[c];
        return `${c} +${b.insert} ~${b.update} -${b.delete}`;
    });
    return `${s.seconds.toFixed(1)} s, ${s.events} changes (${rate}/s) | ${parts.join(" | ")}${s.errors ? ` | ${s.errors} failed` : ""}`;
}
