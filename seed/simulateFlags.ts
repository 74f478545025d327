/**
 * What `npm run simulate -- …` was asked to do. Pure (no I/O) so flag errors are unit-tested.
 */
import { helpText, parseFlags, type FlagSpec } from "./args";

/** Flags of `npm run simulate`. */
export const SIMULATE_FLAGS: Readonly<Record<string, FlagSpec>> = {
    uri: { type: "string", help: "MongoDB URI (default: $MONGODB_URI, else `pulumi stack output mongoUri`)" },
    "tls-ca-file": {
        type: "string",
        help: "PEM CA to trust for TLS (default: $CDC_TLS_CA_FILE, else `pulumi stack output caCertificate` with the stack's URI)",
    },
    rate: { type: "number", min: 0.1, max: 10_000, help: "changes per second, steady (default 5)" },
    duration: { type: "number", min: 0, max: 31_536_000, help: "seconds to run; 0 = until Ctrl-C (default 0)" },
    seed: {
        type: "int",
        min: 0,
        max: 4294967295,
        help: "seed of the change choices (default: from the clock, printed)",
    },
    "allow-standalone": { type: "bool", help: "run even when MongoDB is not a replica set" },
    help: { type: "bool", help: "print this help" },
};

/** A parsed `npm run simulate` command line. */
export type SimulateCommand =
    | {
          mode: "run";
          uri?: string;
          tlsCaFile?: string;
          rate: number;
          durationS: number;
          seed?: number;
          allowStandalone: boolean;
      }
    | { mode: "help"; text: string };

const USAGE =
    "Usage:\n  npm run simulate -- [--uri URI] [--tls-ca-file CA.pem] [--rate EVENTS_PER_S] [--duration S] [--seed N]";

/**
 * Reads the command line of `npm run simulate`.
 * @throws UsageError naming the flag and the fix.
 */
export function parseSimulateCommand(argv: readonly string[]): SimulateCommand {
    const f = parseFlags(argv, SIMULATE_FLAGS, "npm run simulate");
    if (f.help) return { mode: "help", text: helpText(USAGE, SIMULATE_FLAGS) };
    return {
        mode: "run",
        uri: f.uri as string | undefined,
        tlsCaFile: f["tls-ca-file"] as string | undefined,
        rate: (f.rate as number | undefined) ?? 5,
        durationS: (f.duration as number | undefined) ?? 0,
        seed: f.seed as number | undefined,
        allowStandalone: f["allow-standalone"] === true,
    };
}
