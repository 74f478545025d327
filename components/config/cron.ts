/**
 * The five-field cron syntax a Kubernetes CronJob takes (minute hour day-of-month month
 * day-of-week; `*`, `a-b`, `*\/n`, `a-b/n`, lists, month and weekday names, the `@daily`-style
 * macros). `parseCron` validates it for `cdc:backup.schedule`; `cronMatches` is what the docker
 * platform's backup scheduler runs every minute (components/platform/docker/backup.ts), so both
 * platforms read the same schedule the same way. No time zones: UTC, as a CronJob without
 * `timeZone`.
 */

/** A parsed schedule: the values each field allows. */
export interface Cron {
    minute: ReadonlySet<number>;
    hour: ReadonlySet<number>;
    dayOfMonth: ReadonlySet<number>;
    month: ReadonlySet<number>;
    dayOfWeek: ReadonlySet<number>;
    /** Both day fields restricted: cron runs when either matches (else both must). */
    eitherDay: boolean;
}

const MACROS: Record<string, string> = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
};

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

interface FieldSpec {
    name: string;
    min: number;
    max: number;
    names?: string[];
    /** The first name's value (months start at 1). */
    nameBase?: number;
}

const FIELDS: FieldSpec[] = [
    { name: "minute", min: 0, max: 59 },
    { name: "hour", min: 0, max: 23 },
    { name: "day of month", min: 1, max: 31 },
    { name: "month", min: 1, max: 12, names: MONTHS, nameBase: 1 },
    // 7 is Sunday too, as in every cron
    { name: "day of week", min: 0, max: 7, names: DAYS, nameBase: 0 },
];

function value(text: string, f: FieldSpec): number {
    const i = f.names?.indexOf(text.toLowerCase()) ?? -1;
    if (i >= 0) return i + (f.nameBase ?? 0);
    if (!/^\d+$/.test(text)) throw new Error(`${f.name}: ${JSON.stringify(text)} is not a number`);
    const n = Number(text);
    if (n < f.min || n > f.max) throw new Error(`${f.name}: ${n} is outside ${f.min}-${f.max}`);
    return n;
}

function field(text: string, f: FieldSpec): Set<number> {
    const out = new Set<number>();
    for (const part of text.split(",")) {
        const [range, stepText, extra] = part.split("/");
        if (extra !== undefined || range === "") throw new Error(`${f.name}: ${JSON.stringify(part)} is malformed`);
        let step = 1;
        if (stepText !== undefined) {
            if (!/^\d+$/.test(stepText) || Number(stepText) === 0)
                throw new Error(`${f.name}: step ${JSON.stringify(stepText)} is not a positive number`);
            step = Number(stepText);
        }
        let lo: number;
        let hi: number;
        if (range === "*") [lo, hi] = [f.min, f.max];
        else if (range.includes("-")) {
            const [a, b] = range.split("-", 2);
            [lo, hi] = [value(a, f), value(b, f)];
            if (lo > hi) throw new Error(`${f.name}: the range ${range} runs backwards`);
        } else {
            lo = value(range, f);
            hi = stepText !== undefined ? f.max : lo;
        }
        for (let v = lo; v <= hi; v += step) out.add(v);
    }
    return out;
}

/** Parses a schedule; throws a message naming the field that is wrong. */
export function parseCron(schedule: string): Cron {
    const expanded = MACROS[schedule.trim().toLowerCase()] ?? schedule;
    const parts = expanded.trim().split(/\s+/);
    if (parts.length !== 5)
        throw new Error(
            `${JSON.stringify(schedule)} has ${parts.length} fields; a schedule has 5 (minute hour day-of-month ` +
                'month day-of-week), e.g. "0 3 * * *" (03:00 UTC daily), or @daily / @hourly',
        );
    const [minute, hour, dayOfMonth, month, dayOfWeek] = parts.map((p, i) => field(p, FIELDS[i]));
    if (dayOfWeek.delete(7)) dayOfWeek.add(0);
    return { minute, hour, dayOfMonth, month, dayOfWeek, eitherDay: parts[2] !== "*" && parts[4] !== "*" };
}

/** Whether the schedule runs in the minute of `at` (UTC). */
export function cronMatches(c: Cron, at: Date): boolean {
    if (!c.minute.has(at.getUTCMinutes()) || !c.hour.has(at.getUTCHours()) || !c.month.has(at.getUTCMonth() + 1))
        return false;
    const dom = c.dayOfMonth.has(at.getUTCDate());
    const dow = c.dayOfWeek.has(at.getUTCDay());
    return c.eitherDay ? dom || dow : dom && dow;
}

/** How far {@link nextRun} looks: five years, so that a leap day's schedule (29 Feb) is found. */
const HORIZON_MINUTES = (5 * 366 + 1) * 24 * 60;

/** The start of the next minute after `from` that `c` names; undefined when none within five years (31 Feb). */
export function nextRun(c: Cron, from: Date): Date | undefined {
    const t = new Date(Math.floor(from.getTime() / 60_000) * 60_000 + 60_000);
    for (let i = 0; i < HORIZON_MINUTES; i++, t.setTime(t.getTime() + 60_000)) if (cronMatches(c, t)) return t;
    return undefined;
}
