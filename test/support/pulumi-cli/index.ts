/**
 * The Pulumi CLI for the engine tests: the one on PATH when its version is usable, else the one
 * built from Go modules into the cache (see `build.ts`), built on first use.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { buildPulumiCli, cachedCliPath, goAvailable, pinnedCliVersion } from "./build";

export { buildPulumiCli, cachedCliPath, cachedCliRoot, pinnedCliVersion } from "./build";

const run = promisify(execFile);

/** The `pulumi version` of a binary, e.g. `v3.248.0`, or undefined when it does not run. */
export async function cliVersion(bin: string): Promise<string | undefined> {
    try {
        const { stdout } = await run(bin, ["version"], {
            timeout: 60_000,
            env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" },
        });
        return stdout.trim();
    } catch {
        return undefined;
    }
}

function parse(v: string): [number, number, number] | undefined {
    const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(v);
    return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/**
 * True when a CLI of version `v` can drive the pinned `@pulumi/pulumi` Automation API: same major
 * version, and not older than the version pinned in go.mod (which matches the npm SDK).
 */
export function cliVersionUsable(v: string, pinned = pinnedCliVersion()): boolean {
    const a = parse(v);
    const b = parse(pinned);
    if (!a || !b || a[0] !== b[0]) return false;
    return a[1] > b[1] || (a[1] === b[1] && a[2] >= b[2]);
}

/** Absolute path of `pulumi` on PATH, if any. */
function onPath(): string | undefined {
    for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
        if (!dir) continue;
        const p = path.join(dir, "pulumi");
        if (existsSync(p)) return p;
    }
    return undefined;
}

async function usablePathCli(): Promise<string | undefined> {
    const p = onPath();
    if (!p) return undefined;
    const v = await cliVersion(p);
    return v !== undefined && cliVersionUsable(v) ? p : undefined;
}

/** undefined when a Pulumi CLI is (or can be built) here, else what is missing and how to get it. */
export async function pulumiCliProblem(): Promise<string | undefined> {
    if (await usablePathCli()) return undefined;
    if (existsSync(cachedCliPath())) return undefined;
    if (await goAvailable()) return undefined;
    return (
        `no Pulumi CLI >= ${pinnedCliVersion()} on PATH, none cached at ${cachedCliPath()}, and no Go toolchain to build one; ` +
        `install Go and run scripts/warm-caches.sh (or put a Pulumi CLI ${pinnedCliVersion()}+ on PATH)`
    );
}

let ensured: Promise<string> | undefined;

/**
 * Path of a usable `pulumi` binary: the PATH one if its version is usable, else the cached Go
 * build (built now if missing). Its install root, for `PulumiCommand.get({ root })`, is the
 * binary's grandparent directory (see {@link pulumiCliRoot}).
 */
export function ensurePulumiCli(): Promise<string> {
    ensured ??= (async () => (await usablePathCli()) ?? buildPulumiCli((l) => process.stderr.write(`${l}\n`)))();
    ensured.catch(() => {
        ensured = undefined;
    });
    return ensured;
}

/** The install root of a `pulumi` binary (`<root>/bin/pulumi`), as `PulumiCommand.get({ root })` wants it. */
export function pulumiCliRoot(bin: string): string {
    return path.dirname(path.dirname(bin));
}

/**
 * Environment for an Automation API workspace isolated in `dir`: a `file://` backend and
 * PULUMI_HOME inside it, a passphrase secrets provider, no update check, and NODE_PATH pointing at
 * this project's node_modules so that dynamic providers resolve `@pulumi/pulumi` from any work dir.
 */
export function isolatedPulumiEnv(dir: string, passphrase = "engine-test-passphrase"): Record<string, string> {
    return {
        PULUMI_BACKEND_URL: `file://${path.join(dir, "state")}`,
        PULUMI_HOME: path.join(dir, "home"),
        PULUMI_CONFIG_PASSPHRASE: passphrase,
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        NODE_PATH: path.resolve(__dirname, "..", "..", "..", "node_modules"),
    };
}
