/**
 * Small helpers shared by the benchmarks (bench/dbt.ts, bench/live.ts): command-line numbers,
 * timing, order statistics, dbt's per-model times, and the shape of bench:live's measures.
 */

/** The positive number after `--name` on the command line, or `fallback`; throws naming the flag. */
export function flag(name: string, fallback: number): number {
    const i = process.argv.indexOf(name);
    if (i < 0) return fallback;
    const v = Number(process.argv[i + 1]);
    if (!Number.isFinite(v) || v <= 0)
        throw new Error(`${name} needs a positive number, got ${JSON.stringify(process.argv[i + 1])}`);
    return v;
}

/** Runs `f` and returns its result with the wall time in seconds. */
export async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
    const t0 = performance.now();
    const r = await f();
    return [r, (performance.now() - t0) / 1000];
}

/** The p-th percentile (0–100, nearest rank) of a non-empty list. */
export function percentile(xs: number[], p: number): number {
    if (xs.length === 0) throw new Error("percentile of an empty list");
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

/** The median of a non-empty list. */
export function median(xs: number[]): number {
    if (xs.length === 0) throw new Error("median of an empty list");
    const s = [...xs].sort((a, b) => a - b);
    const m = Math.floor(s.length / 2);
    return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Sums the per-model times dbt prints (`OK created sql … model … [OK in 1.23s]`). */
export function modelSeconds(lines: string[]): { total: number; perModel: Record<string, number> } {
    const perModel: Record<string, number> = {};
    for (const l of lines) {
        const m = /OK created sql \w+ model `[^`]+`\.`(\w+)`.*\[\w+ in ([\d.]+)s\]/.exec(l);
        if (m) perModel[m[1]!] = Number(m[2]);
    }
    return { total: Object.values(perModel).reduce((a, b) => a + b, 0), perModel };
}

/** Whether `--name` is on the command line (a switch without a value). */
export function has(name: string): boolean {
    return process.argv.includes(name);
}

/** Seconds of a set of bronze INSERTs with the models (`live`) and into plain bronze (`plain`). */
export interface InsertSeconds {
    live: number;
    plain: number;
}

/** What one run of bench/live.ts measured, as it measured it. */
export interface LiveRun {
    /** `--events`: the size of the run's history (bronze also gets 10% more live-like changes). */
    events: number;
    /** `--refresh-seconds`: the gold refresh interval. */
    refreshSeconds: number;
    /** The 10k-row and 1k-row INSERTs, and the JSONExtract pass over the same rows (seconds). */
    big: InsertSeconds;
    small: InsertSeconds;
    passBig: number;
    passSmall: number;
    /** Bronze → gold latency of each trial, seconds. */
    latencies: number[];
    /** Engine CPU while idle with refreshes on, in cores. */
    idleCores: number;
    /** Summed refresh time after each single-order change, ms. */
    refreshCostsMs: number[];
    /** Each full gold rebuild's summed model time, ms. */
    rebuildsMs: number[];
}

/** The measures of `npm run bench:live -- --json`, one JSON object (docs/analytics.md). */
export interface LiveMeasures {
    /** Bronze INSERT throughput with the models / without, 10k-row and 1k-row INSERTs. */
    insert_ratio_10k: number;
    insert_ratio_1k: number;
    /** Silver's extra INSERT time / one JSONExtract pass over the same rows. */
    silver_ratio_10k: number;
    silver_ratio_1k: number;
    latency_p50_s: number;
    latency_p95_s: number;
    /** Engine CPU while nothing changes, refreshes on, as a fraction of one core. */
    idle_core_fraction: number;
    /** Median over the single-order changes. */
    refresh_after_change_ms: number;
    /** Median over the full rebuilds. */
    full_rebuild_ms: number;
    refresh_seconds: number;
    events: number;
}

/** Shapes a run's raw numbers into its measures (ratios, percentiles, medians). */
export function liveMeasures(r: LiveRun): LiveMeasures {
    return {
        insert_ratio_10k: r.big.plain / r.big.live,
        insert_ratio_1k: r.small.plain / r.small.live,
        silver_ratio_10k: (r.big.live - r.big.plain) / r.passBig,
        silver_ratio_1k: (r.small.live - r.small.plain) / r.passSmall,
        latency_p50_s: percentile(r.latencies, 50),
        latency_p95_s: percentile(r.latencies, 95),
        idle_core_fraction: r.idleCores,
        refresh_after_change_ms: median(r.refreshCostsMs),
        full_rebuild_ms: median(r.rebuildsMs),
        refresh_seconds: r.refreshSeconds,
        events: r.events,
    };
}
