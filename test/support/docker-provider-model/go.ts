/**
 * Go's formatting and parsing rules the docker provider applies to `cpus` and healthcheck
 * durations, ported (checked against values Go printed: test/fixtures/docker-provider/go-formatting.json).
 */

const NS_PER_S = 1_000_000_000n;

/** Go's `big.Rat.SetString` for the decimal forms a `cpus` value takes ("1", "1.5", ".5", "10.", "1e1", "3/2"). */
function parseRat(s: string): { num: bigint; den: bigint } | undefined {
    const frac = /^([+-]?\d+)\/(\d+)$/.exec(s);
    if (frac) return BigInt(frac[2]) === 0n ? undefined : { num: BigInt(frac[1]), den: BigInt(frac[2]) };
    const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(s);
    if (!m || (m[2] === "" && (m[3] ?? "") === "")) return undefined;
    const digits = (m[2] || "0") + (m[3] ?? "");
    let num = BigInt(digits) * (m[1] === "-" ? -1n : 1n);
    let den = 10n ** BigInt((m[3] ?? "").length);
    const exp = m[4] ? Number(m[4]) : 0;
    if (exp > 0) num *= 10n ** BigInt(exp);
    if (exp < 0) den *= 10n ** BigInt(-exp);
    return { num, den };
}

/** docker/cli `opts.ParseCPUs`: nano-CPUs, or an error for non-numbers and sub-nano precision. */
export function parseCpus(value: string): bigint {
    const r = parseRat(value);
    if (!r) throw new Error(`failed to parse ${value} as a rational number`);
    const nano = r.num * NS_PER_S;
    if (nano % r.den !== 0n) throw new Error("value is too precise");
    return nano / r.den;
}

/** Go's `big.Rat.FloatString(prec)` for a non-negative n/d: rounded half away from zero. */
function floatString(n: bigint, d: bigint, prec: number): string {
    const scale = 10n ** BigInt(prec);
    let q = (n * scale) / d;
    const r = (n * scale) % d;
    if (r * 2n >= d) q += 1n;
    const int = q / scale;
    if (prec === 0) return int.toString();
    return `${int}.${(q % scale).toString().padStart(prec, "0")}`;
}

/** The provider's `nanoInt64ToDecimalString` (helpers.go): how `cpus` is read back. */
export function nanoCpusToString(nano: bigint): string {
    if (nano === 0n) return "0";
    const str = floatString(nano, NS_PER_S, 9);
    if ((str.match(/0/g) ?? []).length === 9) return floatString(nano, NS_PER_S, 1);
    return str.replace(/0+$/, "");
}

const UNIT_NS: Record<string, bigint> = {
    ns: 1n,
    us: 1000n,
    µs: 1000n,
    μs: 1000n,
    ms: 1_000_000n,
    s: NS_PER_S,
    m: 60n * NS_PER_S,
    h: 3600n * NS_PER_S,
};

/** Go's `time.ParseDuration` (no sign, which the provider rejects anyway), in nanoseconds. */
export function parseGoDuration(s: string): bigint {
    if (s === "0") return 0n;
    let rest = s;
    let total = 0n;
    if (rest === "") throw new Error(`time: invalid duration "${s}"`);
    while (rest.length > 0) {
        const m = /^(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/.exec(rest);
        if (!m || (m[1] === "" && (m[2] ?? "") === "")) throw new Error(`time: invalid duration "${s}"`);
        const unit = UNIT_NS[m[3]];
        const whole = BigInt(m[1] || "0") * unit;
        const fracDigits = m[2] ?? "";
        const frac = fracDigits ? (BigInt(fracDigits) * unit) / 10n ** BigInt(fracDigits.length) : 0n;
        total += whole + frac;
        rest = rest.slice(m[0].length);
    }
    return total;
}

/** `v` as a fraction of 10^prec with trailing zeros (and a bare point) dropped, as Go's fmtFrac. */
function fmtFrac(v: bigint, prec: number): { text: string; rest: bigint } {
    let digits = "";
    let print = false;
    for (let i = 0; i < prec; i++) {
        const digit = v % 10n;
        print = print || digit !== 0n;
        if (print) digits = digit.toString() + digits;
        v /= 10n;
    }
    return { text: print ? `.${digits}` : "", rest: v };
}

/** Go's `time.Duration.String()`: how healthcheck durations are read back. */
export function goDurationString(ns: bigint): string {
    if (ns === 0n) return "0s";
    if (ns < NS_PER_S) {
        const [prec, unit] = ns < 1000n ? [0, "ns"] : ns < 1_000_000n ? [3, "µs"] : [6, "ms"];
        const f = fmtFrac(ns, prec as number);
        return `${f.rest}${f.text}${unit}`;
    }
    const f = fmtFrac(ns, 9);
    let u = f.rest;
    let out = `${u % 60n}${f.text}s`;
    u /= 60n;
    if (u > 0n) {
        out = `${u % 60n}m${out}`;
        u /= 60n;
        if (u > 0n) out = `${u}h${out}`;
    }
    return out;
}
