/**
 * A tiny declarative validator for stack config. Each field says its type, default and what is
 * accepted; `validate` walks raw config, collects *every* problem (not just the first) and names
 * the full key (`cdc:docker.ports.connect`), the bad value and the fix.
 */

export interface ConfigProblem {
    /** Full config key, e.g. `cdc:docker.ports.connect`. */
    key: string;
    /** What was wrong and how to fix it. */
    message: string;
}

/** Thrown before any resource is created when stack config is invalid. */
export class ConfigError extends Error {
    constructor(public readonly problems: ConfigProblem[]) {
        super(
            `Invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
                problems.map((p) => `  - ${p.key}: ${p.message}`).join("\n") +
                "\nFix with `pulumi config set <key> <value>` (objects: `pulumi config set --path <key>.<field> <value>`), then run again.",
        );
        this.name = "ConfigError";
    }
}

type Check<T> = (value: unknown, key: string, problems: ConfigProblem[]) => T | undefined;

function show(v: unknown): string {
    return typeof v === "string" ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
}

/** A string, optionally restricted to a pattern or a set of values. */
export function str(
    def: string | undefined,
    opts: { oneOf?: readonly string[]; pattern?: RegExp; hint?: string } = {},
): Field<string> {
    return new Field<string>(def, (v, key, problems) => {
        if (typeof v !== "string" || v.length === 0) {
            problems.push({ key, message: `${show(v)} is not a non-empty string${opts.hint ? `; ${opts.hint}` : ""}` });
            return undefined;
        }
        if (opts.oneOf && !opts.oneOf.includes(v)) {
            problems.push({ key, message: `${show(v)} is not one of ${opts.oneOf.map((o) => `"${o}"`).join(", ")}` });
            return undefined;
        }
        if (opts.pattern && !opts.pattern.test(v)) {
            problems.push({
                key,
                message: `${show(v)} is not accepted${opts.hint ? `; ${opts.hint}` : ` (must match ${opts.pattern})`}`,
            });
            return undefined;
        }
        return v;
    });
}

/** One of `values`, typed as their union (the list is an `as const` array its type is derived from). */
export function oneOf<V extends string>(def: V, values: readonly V[]): Field<V> {
    return str(def, { oneOf: values }) as Field<V>;
}

/** An integer in [min, max]; Pulumi config strings like "8083" are accepted. */
export function int(def: number | undefined, min: number, max: number, unit = ""): Field<number> {
    return new Field<number>(def, (v, key, problems) => {
        const n = typeof v === "string" && /^-?\d+$/.test(v.trim()) ? Number(v) : v;
        if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
            problems.push({
                key,
                message: `${show(v)} is not an integer from ${min} to ${max}${unit ? ` (${unit})` : ""}`,
            });
            return undefined;
        }
        return n;
    });
}

/** A boolean; "true"/"false" strings are accepted. */
export function bool(def: boolean | undefined): Field<boolean> {
    return new Field<boolean>(def, (v, key, problems) => {
        if (v === true || v === "true") return true;
        if (v === false || v === "false") return false;
        problems.push({ key, message: `${show(v)} is not true or false` });
        return undefined;
    });
}

/** A non-empty list of distinct strings matching a pattern. */
export function strList(def: string[] | undefined, pattern: RegExp, hint: string): Field<string[]> {
    return new Field<string[]>(def, (v, key, problems) => {
        if (!Array.isArray(v) || v.length === 0) {
            problems.push({ key, message: `${show(v)} is not a non-empty list; ${hint}` });
            return undefined;
        }
        const bad = v.filter((x) => typeof x !== "string" || !pattern.test(x));
        if (bad.length > 0) {
            problems.push({ key, message: `${bad.map(show).join(", ")} not accepted; ${hint}` });
            return undefined;
        }
        if (new Set(v).size !== v.length) {
            problems.push({ key, message: `${show(v)} has duplicates; list each entry once` });
            return undefined;
        }
        return v as string[];
    });
}

/** A field: its default (undefined = required) and its check. */
export class Field<T> {
    constructor(
        public readonly def: T | undefined,
        public readonly check: Check<T>,
        public readonly required = def === undefined,
        /** The problem reported when a required field is absent. */
        public readonly missing = "is required and has no default",
    ) {}
    /** The default, for code that needs it outside config loading; throws for a field without one. */
    defaultValue(): T {
        if (this.def === undefined) throw new Error("this config field has no default");
        return this.def;
    }
    /** The same field, required, reporting `message` (what it is for, how to set it) when absent. */
    requiredWith(message: string): Field<T> {
        return new Field<T>(undefined, this.check, true, message);
    }
    /** The same field, optional with no default (absent → undefined). */
    optional(): Field<T | undefined> {
        return new Field<T | undefined>(undefined, this.check as Check<T | undefined>, false);
    }
    /**
     * The same field with one more rule on a value its own check accepted: `rule` returns what is
     * wrong with it (the problem's message), or undefined. Keeps every rule of a key in its field.
     */
    refine(rule: (value: T) => string | undefined): Field<T> {
        return new Field<T>(
            this.def,
            (v, key, problems) => {
                const value = this.check(v, key, problems);
                if (value === undefined) return undefined;
                const problem = rule(value);
                if (problem === undefined) return value;
                problems.push({ key, message: problem });
                return undefined;
            },
            this.required,
            this.missing,
        );
    }
}

export type Shape = { [k: string]: Field<unknown> | Shape };
export type Parsed<S extends Shape> = {
    [K in keyof S]: S[K] extends Field<infer T> ? T : S[K] extends Shape ? Parsed<S[K]> : never;
};

/** Levenshtein distance ≤ 2 suggestion for a mistyped key. */
function closest(word: string, candidates: string[]): string | undefined {
    const d = (a: string, b: string): number => {
        const m = a.length,
            n = b.length;
        const row = Array.from({ length: n + 1 }, (_, j) => j);
        for (let i = 1; i <= m; i++) {
            let prev = row[0];
            row[0] = i;
            for (let j = 1; j <= n; j++) {
                const tmp = row[j];
                row[j] = Math.min(
                    row[j] + 1,
                    row[j - 1] + 1,
                    prev + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1),
                );
                prev = tmp;
            }
        }
        return row[n];
    };
    let best: string | undefined;
    let bestD = 3;
    for (const c of candidates) {
        const dist = d(word, c);
        if (dist < bestD) {
            best = c;
            bestD = dist;
        }
    }
    return best;
}

/**
 * Validates `raw` against `shape`. Unknown keys are problems too (a typo must not silently fall
 * back to a default).
 */
export function validate<S extends Shape>(
    shape: S,
    raw: unknown,
    prefix: string,
    problems: ConfigProblem[],
): Parsed<S> {
    const out: Record<string, unknown> = {};
    const obj = raw === undefined || raw === null ? {} : raw;
    if (typeof obj !== "object" || Array.isArray(obj)) {
        problems.push({
            key: prefix,
            message: `${show(raw)} is not an object; set its fields with \`pulumi config set --path ${prefix}.<field> <value>\``,
        });
        return out as Parsed<S>;
    }
    const rec = obj as Record<string, unknown>;
    for (const k of Object.keys(rec)) {
        if (!(k in shape)) {
            const guess = closest(k, Object.keys(shape));
            problems.push({
                key: `${prefix}.${k}`,
                message: `unknown key${guess ? `; did you mean \`${prefix}.${guess}\`?` : `; accepted keys: ${Object.keys(shape).join(", ")}`}`,
            });
        }
    }
    for (const [k, spec] of Object.entries(shape)) {
        const key = `${prefix}.${k}`;
        const v = rec[k];
        if (spec instanceof Field) {
            if (v === undefined || v === null) {
                if (spec.required) problems.push({ key, message: spec.missing });
                out[k] = spec.def;
            } else {
                out[k] = spec.check(v, key, problems);
            }
        } else {
            out[k] = validate(spec as Shape, v, key, problems);
        }
    }
    return out as Parsed<S>;
}
