/** Command-line flags of the replay command (`npm run --silent analytics:replay -- ...`). */

/** Parsed flags. */
export interface ReplayArgs {
    /** Directory holding `mongo_ecom_{customers,products,orders}.jsonl`. */
    bronzeDir: string;
    /** Directory the `<model>.jsonl` files are written to (created when missing). */
    outDir: string;
    /** Print dbt's output lines while it runs. */
    verbose: boolean;
}

/** Usage text shown with every flag error and for `--help`. */
export const REPLAY_USAGE = [
    "usage: npm run --silent analytics:replay -- --bronze DIR --out OUT [--verbose]",
    "  --bronze DIR   directory with mongo_ecom_customers.jsonl, mongo_ecom_products.jsonl, mongo_ecom_orders.jsonl",
    "                 (one bronze row per line: raw_data, _topic, _partition, _offset, _key)",
    "  --out OUT      directory to write <model>.jsonl into, one per silver and gold model",
    "  --verbose      stream dbt's output to stderr",
].join("\n");

/** A flag error: the message names the flag and the fix; the CLI prints it with the usage. */
export class ReplayUsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ReplayUsageError";
    }
}

/**
 * Parses argv (without `node` and the script). Accepts `--flag value` and `--flag=value`.
 * Returns `"help"` for `--help`/`-h`.
 */
export function parseReplayArgs(argv: readonly string[]): ReplayArgs | "help" {
    let bronzeDir: string | undefined;
    let outDir: string | undefined;
    let verbose = false;
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i]!;
        if (arg === "--help" || arg === "-h") return "help";
        if (arg === "--verbose") {
            verbose = true;
            continue;
        }
        const eq = arg.indexOf("=");
        const name = eq >= 0 ? arg.slice(0, eq) : arg;
        if (name !== "--bronze" && name !== "--out") {
            throw new ReplayUsageError(`unknown argument ${JSON.stringify(arg)}`);
        }
        let value: string | undefined;
        if (eq >= 0) value = arg.slice(eq + 1);
        else {
            value = argv[i + 1];
            if (value === undefined || value.startsWith("--"))
                throw new ReplayUsageError(`${name} needs a directory after it`);
            i++;
        }
        if (value === "") throw new ReplayUsageError(`${name} needs a non-empty directory`);
        if (name === "--bronze") {
            if (bronzeDir !== undefined) throw new ReplayUsageError("--bronze given twice");
            bronzeDir = value;
        } else {
            if (outDir !== undefined) throw new ReplayUsageError("--out given twice");
            outDir = value;
        }
    }
    if (bronzeDir === undefined) throw new ReplayUsageError("missing --bronze DIR");
    if (outDir === undefined) throw new ReplayUsageError("missing --out OUT");
    return { bronzeDir, outDir, verbose };
}
