/**
 * What `npm run seed -- …` was asked to do: the flags, their defaults, and the checks across
 * flags. Pure (no I/O) so the flag errors are unit-tested.
 */
import { helpText, parseFlags, UsageError, type FlagSpec } from "./args";
import { DEFAULT_BASE_TIME, type HistoryOptions } from "./model";

/** Flags of `npm run seed`. */
export const SEED_FLAGS: Readonly<Record<string, FlagSpec>> = {
    seed: { type: "int", min: 0, max: 4294967295, help: "seed of every random choice (default 42)" },
    customers: { type: "int", min: 0, max: 10_000_000, help: "customers in the initial load (default 1000)" },
    products: { type: "int", min: 0, max: 1_000_000, help: "products in the initial load (default 200)" },
    orders: { type: "int", min: 0, max: 100_000_000, help: "orders in the initial load (default 5000)" },
    emit: { type: "string", choices: ["bronze"], help: "bronze: write Debezium bronze rows to --out, no database" },
    out: { type: "string", help: "directory for --emit bronze (created if missing)" },
    changes: {
        type: "int",
        min: 0,
        max: 100_000_000,
        help: "with --emit: changes streamed after the snapshot (default 0)",
    },
    "base-time": {
        type: "string",
        help: "ISO time of the snapshot the data is dated around (default: 2025-01-01T00:00:00Z with --emit, now otherwise)",
    },
    uri: { type: "string", help: "MongoDB URI (default: $MONGODB_URI, else `pulumi stack output mongoUri`)" },
    "tls-ca-file": {
        type: "string",
        help: "PEM CA to trust for TLS (default: $CDC_TLS_CA_FILE, else `pulumi stack output caCertificate` with the stack's URI)",
    },
    reset: { type: "bool", help: "drop customers, products and orders before inserting" },
    "batch-size": { type: "int", min: 1, max: 100_000, help: "documents per insertMany (default 1000)" },
    "allow-standalone": {
        type: "bool",
        help: "write even when MongoDB is not a replica set (Debezium will see nothing)",
    },
    help: { type: "bool", help: "print this help" },
};

/** Defaults of the sizes and seed. */
export const SEED_DEFAULTS = { seed: 42, customers: 1000, products: 200, orders: 5000 } as const;

/** `--emit bronze`: write bronze JSONL files. */
export interface EmitCommand {
    mode: "emit";
    history: Required<Pick<HistoryOptions, "seed" | "customers" | "products" | "orders" | "changes" | "baseTime">>;
    out: string;
}

/** Write the initial load into MongoDB. */
export interface MongoSeedCommand {
    mode: "mongo";
    history: Required<Pick<HistoryOptions, "seed" | "customers" | "products" | "orders">>;
    /** Snapshot time the documents are dated around; undefined = now. */
    baseTime?: Date;
    uri?: string;
    /** `--tls-ca-file`: the CA to trust (undefined: CDC_TLS_CA_FILE or the stack's, see mongo/tls.ts). */
    tlsCaFile?: string;
    reset: boolean;
    batchSize: number;
    allowStandalone: boolean;
}

/** A parsed `npm run seed` command line. */
export type SeedCommand = EmitCommand | MongoSeedCommand | { mode: "help"; text: string };

/** Usage line of `npm run seed`. */
export const SEED_USAGE = [
    "Usage:",
    "  npm run seed -- [--uri URI] [--tls-ca-file CA.pem] [--seed N] [--customers C] [--products P] [--orders O] [--reset]",
    "  npm run --silent seed -- --emit bronze --out DIR [--seed N] [--customers C] [--products P] [--orders O] [--changes K]",
].join("\n");

/**
 * Reads the command line of `npm run seed`.
 * @throws UsageError naming the flag and the fix.
 */
export function parseSeedCommand(argv: readonly string[]): SeedCommand {
    const f = parseFlags(argv, SEED_FLAGS, "npm run seed");
    if (f.help) return { mode: "help", text: helpText(SEED_USAGE, SEED_FLAGS) };
    const history = {
        seed: (f.seed as number | undefined) ?? SEED_DEFAULTS.seed,
        customers: (f.customers as number | undefined) ?? SEED_DEFAULTS.customers,
        products: (f.products as number | undefined) ?? SEED_DEFAULTS.products,
        orders: (f.orders as number | undefined) ?? SEED_DEFAULTS.orders,
    };
    let baseTime: Date | undefined;
    if (f["base-time"] !== undefined) {
        const raw = f["base-time"] as string;
        baseTime = new Date(raw);
        if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z)?$/.test(raw) || !Number.isFinite(baseTime.getTime())) {
            throw new UsageError(
                `--base-time must be an ISO UTC time like 2025-01-01T00:00:00Z or a date like 2025-01-01; got ${JSON.stringify(raw)}`,
            );
        }
    }
    if (history.orders > 0 && (history.customers === 0 || history.products === 0)) {
        throw new UsageError(
            `--orders ${history.orders} needs at least one customer and one product: raise --customers/--products above 0 or use --orders 0`,
        );
    }
    if (f.emit !== undefined) {
        for (const name of ["uri", "tls-ca-file", "reset", "batch-size", "allow-standalone"]) {
            if (f[name] !== undefined)
                throw new UsageError(
                    `--${name} does not apply to --emit bronze (it writes files, not MongoDB): drop --${name}`,
                );
        }
        if (f.out === undefined)
            throw new UsageError(
                "--emit bronze needs --out DIR: the directory to write mongo_ecom_{customers,products,orders}.jsonl into",
            );
        return {
            mode: "emit",
            history: {
                ...history,
                changes: (f.changes as number | undefined) ?? 0,
                baseTime: baseTime ?? DEFAULT_BASE_TIME,
            },
            out: f.out as string,
        };
    }
    if (f.out !== undefined)
        throw new UsageError(
            "--out only applies with --emit bronze: add --emit bronze, or drop --out to write to MongoDB",
        );
    if (f.changes !== undefined) {
        throw new UsageError(
            "--changes only applies with --emit bronze; for live changes against MongoDB run `npm run simulate`",
        );
    }
    return {
        mode: "mongo",
        history,
        baseTime,
        uri: f.uri as string | undefined,
        tlsCaFile: f["tls-ca-file"] as string | undefined,
        reset: f.reset === true,
        batchSize: (f["batch-size"] as number | undefined) ?? 1000,
        allowStandalone: f["allow-standalone"] === true,
    };
}
