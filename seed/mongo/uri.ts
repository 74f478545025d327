/**
 * Where the MongoDB URI comes from: `--uri`, else `MONGODB_URI`, else the Pulumi stack output
 * `mongoUri` (when the `pulumi` CLI is on PATH and a stack is selected).
 */
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { UsageError } from "../args";

/** A resolved URI and where it came from (for the summary line). */
export interface ResolvedUri {
    uri: string;
    from: "--uri" | "MONGODB_URI" | "pulumi stack output mongoUri";
}

/** Reads `pulumi stack output --show-secrets mongoUri`; undefined (with the reason) when it can't. */
export type StackOutputReader = () => { value?: string; problem?: string };

/** The repository root (where Pulumi.yaml is). */
const REPO = resolve(__dirname, "../..");

/**
 * Reads stack output `name` with the Pulumi CLI (30 s limit) on the stack `npm run up` deploys,
 * with the same defaults as scripts/up.sh: stack `$CDC_STACK` (dev), backend `$PULUMI_BACKEND_URL`
 * (file://<repo>/.pulumi), passphrase `$PULUMI_CONFIG_PASSPHRASE` (cdc-dev).
 */
export function readPulumiOutput(name: string): { value?: string; problem?: string } {
    try {
        const stack = process.env.CDC_STACK || "dev";
        const out = execFileSync(
            "pulumi",
            ["stack", "output", "--non-interactive", "--stack", stack, "--show-secrets", name],
            {
                cwd: REPO,
                encoding: "utf8",
                stdio: ["ignore", "pipe", "pipe"],
                timeout: 30_000,
                env: {
                    ...process.env,
                    PULUMI_BACKEND_URL: process.env.PULUMI_BACKEND_URL || `file://${REPO}/.pulumi`,
                    PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? "cdc-dev",
                    PULUMI_SKIP_UPDATE_CHECK: "true",
                },
            },
        ).trim();
        return out ? { value: out } : { problem: `the stack has no ${name} output (run \`npm run up\` first)` };
    } catch (e) {
        const err = e as NodeJS.ErrnoException & { stderr?: string };
        if (err.code === "ENOENT") return { problem: "the pulumi CLI is not on PATH" };
        const detail = (err.stderr ?? err.message ?? "").toString().trim().split("\n")[0];
        return { problem: `\`pulumi stack output ${name}\` failed: ${detail}` };
    }
}

/** The default reader of the URI: stack output `mongoUri` (a secret). */
export const readPulumiMongoUri: StackOutputReader = () => readPulumiOutput("mongoUri");

/**
 * Picks the URI.
 * @throws UsageError saying how to provide one when none is found.
 */
export function resolveMongoUri(
    flag: string | undefined,
    env: NodeJS.ProcessEnv,
    readStack: StackOutputReader = readPulumiMongoUri,
): ResolvedUri {
    if (flag !== undefined) return { uri: flag, from: "--uri" };
    if (env.MONGODB_URI) return { uri: env.MONGODB_URI, from: "MONGODB_URI" };
    const stack = readStack();
    if (stack.value) return { uri: stack.value, from: "pulumi stack output mongoUri" };
    throw new UsageError(
        `no MongoDB URI: ${stack.problem ?? "none found"}. Provide one with --uri mongodb://user:pass@host:27017/?replicaSet=rs0&directConnection=true, ` +
            "or set MONGODB_URI, or deploy the stack (`npm run up`) so that `pulumi stack output mongoUri` answers.",
    );
}
