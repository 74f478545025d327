/** UTC calendar helpers for the oracle; every time in the contract is UTC. */

const DAY_MS = 86_400_000;

/** `toDate(t)` in UTC as `YYYY-MM-DD`, for an epoch-millisecond instant. */
export function utcDate(epochMs: number): string {
    return new Date(epochMs).toISOString().slice(0, 10);
}

/** Whole UTC days since 1970-01-01 of the instant's calendar date (floor, also before 1970). */
export function utcDayNumber(epochMs: number): number {
    return Math.floor(epochMs / DAY_MS);
}

/**
 * ClickHouse `dateDiff('day', from, to)` in UTC: the number of calendar-day boundaries between
 * the two instants' UTC dates (not elapsed 24-hour periods).
 */
export function daysBetweenUtcDates(fromMs: number, toMs: number): number {
    return utcDayNumber(toMs) - utcDayNumber(fromMs);
}
