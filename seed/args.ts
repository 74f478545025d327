/**
 * Command-line flags of `npm run seed` and `npm run simulate`: a tiny parser with errors that
 * name the flag, say what was wrong and how to fix it.
 */

/** A bad command line. `message` names the flag and the fix; the CLI prints it and exits 2. */
export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

/** How one flag is read. */
export type FlagSpec =
    | { type: "int"; min: number; max: number; help: string }
    | { type: "number"; min: number; max: number; help: string }
    | { type: "string"; help: string; choices?: readonly string[] }
    | { type: "bool"; help: string };

/** Values read from the command line (only the flags given). */
export type FlagValues = Record<string, number | string | boolean>;

/**
 * Parses `--name value`, `--name=value` and bare boolean `--name` flags.
 * @throws UsageError for an unknown flag, a missing or malformed value, a positional argument.
 */
export function parseFlags(
    argv: readonly string[],
    specs: Readonly<Record<string, FlagSpec>>,
    command: string,
): FlagValues {
    const out: FlagValues = {};
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (!arg.startsWith("--")) {
            throw new UsageError(
                `unexpected argument ${JSON.stringify(arg)}: ${command} takes only --flags (see --help)`,
            );
        }
        const eq = arg.indexOf("=");
        const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
        const spec = specs[name];
        if (!spec) {
            const known = Object.keys(specs)
                .map((k) => `--${k}`)
                .join(", ");
            throw new UsageError(`unknown flag --${name} for ${command}; known flags: ${known}`);
        }
        if (name in out) throw new UsageError(`--${name} given twice: keep one`);
        if (spec.type === "bool") {
            if (eq >= 0) {
                const v = arg.slice(eq + 1);
                if (v !== "true" && v !== "false")
                    throw new UsageError(`--${name} takes no value (or =true/=false), got ${JSON.stringify(v)}`);
                out[name] = v === "true";
            } else {
                out[name] = true;
            }
            continue;
        }
        let raw: string;
        if (eq >= 0) {
            raw = arg.slice(eq + 1);
        } else {
            if (i + 1 >= argv.length || argv[i + 1].startsWith("--")) {
                throw new UsageError(`--${name} needs a value: ${spec.help}`);
            }
            raw = argv[++i];
        }
        out[name] = readValue(name, raw, spec);
    }
    return out;
}

function readValue(name: string, raw: string, spec: Exclude<FlagSpec, { type: "bool" }>): number | string {
    if (spec.type === "string") {
        if (raw === "") throw new UsageError(`--${name} must not be empty: ${spec.help}`);
        if (spec.choices && !spec.choices.includes(raw)) {
            throw new UsageError(`--${name} must be one of ${spec.choices.join(", ")}; got ${JSON.stringify(raw)}`);
        }
        return raw;
    }
    const isInt = spec.type === "int";
    const pattern = isInt ? /^\d+$/ : /^\d+(\.\d+)?$/;
    const n = Number(raw);
    if (!pattern.test(raw) || !Number.isFinite(n)) {
        throw new UsageError(
            `--${name} must be ${isInt ? "a whole number" : "a number"} between ${spec.min} and ${spec.max}; got ${JSON.stringify(raw)} (${spec.help})`,
        );
    }
    if (n < spec.min || n > spec.max || (isInt && !Number.isSafeInteger(n))) {
        throw new UsageError(`--${name} must be between ${spec.min} and ${spec.max}; got ${raw} (${spec.help})`);
    }
    return n;
}

/** One `--help` text from the flag specs. */
export function helpText(usage: string, specs: Readonly<Record<string, FlagSpec>>): string {
    const lines = [usage, "", "Flags:"];
    for (const [name, spec] of Object.entries(specs)) {
        const arg = spec.type === "bool" ? "" : spec.type === "string" ? " <text>" : " <n>";
        lines.push(`  --${name}${arg}`.padEnd(28) + spec.help);
    }
    return lines.join("\n") + "\n";
}
