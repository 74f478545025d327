/**
 * Small helpers shared by the benchmarks (bench/dbt.ts, bench/live.ts): command-line numbers,
 * timing, order statistics and dbt's per-model times.
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
