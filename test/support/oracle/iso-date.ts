/**
 * ISO-8601 date-time text as MongoDB's relaxed Extended JSON writes a date
 * (`{"$date": "2024-01-01T00:00:00Z"}`, `"...T00:00:00.123Z"`), read into epoch milliseconds.
 *
 * Accepted: `YYYY-MM-DDTHH:MM:SS`, an optional fraction of 1–9 digits (truncated to
 * milliseconds), then `Z` or an offset `±HH`, `±HHMM` or `±HH:MM`. A date without a time or
 * without a zone is not accepted (its instant is ambiguous), nor is an impossible calendar
 * date (`2023-02-29`) or time (`24:00:00`, leap second `:60`).
 */
const ISO_DATE_TIME =
    /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:(Z)|([+-])(\d{2})(?::?(\d{2}))?)$/;

/** Epoch milliseconds of an ISO-8601 date-time, or null when the text is not one (see the module doc). */
export function isoToEpochMs(text: string): number | null {
    const m = ISO_DATE_TIME.exec(text);
    if (m === null) return null;
    const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
        number,
        number,
        number,
        number,
        number,
        number,
    ];
    const ms = Number((m[7] ?? "").padEnd(3, "0").slice(0, 3));
    const offsetHours = m[8] === "Z" ? 0 : Number(m[10]);
    const offsetMinutes = m[8] === "Z" ? 0 : Number(m[11] ?? "0");
    if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
    if (offsetHours > 23 || offsetMinutes > 59) return null;
    const d = new Date(0);
    d.setUTCFullYear(year, month - 1, day); // setUTCFullYear keeps years 0–99 as written (Date.UTC would add 1900)
    if (d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null; // 2023-02-29 rolled over
    d.setUTCHours(hour, minute, second, ms);
    const sign = m[9] === "-" ? -1 : 1;
    return d.getTime() - sign * (offsetHours * 60 + offsetMinutes) * 60_000;
}
