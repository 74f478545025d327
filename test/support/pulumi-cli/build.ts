/**
 * The Pulumi CLI built from Go modules: `go.mod` beside this file pins
 * `github.com/pulumi/pulumi/pkg/v3` (the CLI's main package is a `tool` of this module) and go.sum
 * fixes every byte. The binary goes to `${XDG_CACHE_HOME:-~/.cache}/cdc-pipeline/pulumi-cli-<ver>/bin/`,
 * laid out like a Pulumi install root so that `PulumiCommand.get({ root })` finds it; the Go build
 * cache (~/.cache/go-build, ~/go/pkg/mod) makes a rebuild cheap.
 */
import { execFile } from "node:child_process";
import { existsSync, promises as fs, readFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { withDirLock } from "../../../components/providers/shared/lock";

const run = promisify(execFile);

/** Directory of the Go wrapper module. */
export const MODULE_DIR = __dirname;

/** The CLI's main package. */
export const CLI_PACKAGE = "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi";

/** The `pkg/v3` version go.mod pins, e.g. `v3.248.0`: the version the built CLI reports. */
export function pinnedCliVersion(): string {
    const m = /github\.com\/pulumi\/pulumi\/pkg\/v3 (v\d+\.\d+\.\d+\S*)/.exec(
        readFileSync(path.join(MODULE_DIR, "go.mod"), "utf8"),
    );
    if (!m) throw new Error(`${MODULE_DIR}/go.mod does not require github.com/pulumi/pulumi/pkg/v3`);
    return m[1];
}

/** Install root of the cached build (`<root>/bin/pulumi`). */
export function cachedCliRoot(): string {
    const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
    return path.join(base, "cdc-pipeline", `pulumi-cli-${pinnedCliVersion()}`);
}

/** Path of the cached binary (present or not). */
export function cachedCliPath(): string {
    return path.join(cachedCliRoot(), "bin", "pulumi");
}

/**
 * Pulumi's release archives ship this plugin beside the CLI: it runs the Node.js dynamic-provider
 * host of the `@pulumi/pulumi` that resolves from the program's directory (or NODE_PATH).
 */
const NODEJS_DYNAMIC_PROVIDER_SHIM = `#!/bin/sh
script=$(node -e "process.stdout.write(require.resolve('@pulumi/pulumi/cmd/dynamic-provider'))") || exit 1
exec node "$script" "$@"
`;

/** True when `go version` runs. */
export async function goAvailable(): Promise<boolean> {
    try {
        await run("go", ["version"], { timeout: 60_000 });
        return true;
    } catch {
        return false;
    }
}

/**
 * Builds the CLI into the cache unless it is there already; returns the binary's path. The first
 * build downloads and compiles a few hundred modules (minutes); later ones hit the Go caches.
 */
export async function buildPulumiCli(log: (l: string) => void = () => {}): Promise<string> {
    const bin = cachedCliPath();
    const binDir = path.dirname(bin);
    const built = () => existsSync(bin) && existsSync(path.join(binDir, "pulumi-resource-pulumi-nodejs"));
    if (built()) return bin;
    await fs.mkdir(binDir, { recursive: true });
    // A build takes minutes; one holding the lock for over an hour is taken over.
    return withDirLock(
        `${bin}.lock`,
        { staleMs: 60 * 60_000, onWait: (l) => log(`waiting for another process building the Pulumi CLI (${l})`) },
        async () => {
            if (built()) return bin; // built by the process we waited for
            await build(bin, log);
            return bin;
        },
    );
}

async function build(bin: string, log: (l: string) => void): Promise<void> {
    const binDir = path.dirname(bin);
    const version = pinnedCliVersion();
    const tmp = `${bin}.tmp-${process.pid}-${Date.now()}`;
    const args = [
        "build",
        "-trimpath",
        "-buildvcs=false",
        "-o",
        tmp,
        "-ldflags",
        `-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${version}`,
        CLI_PACKAGE,
    ];
    log(`go ${args.join(" ")}  (in ${MODULE_DIR})`);
    const started = Date.now();
    try {
        await run("go", args, {
            cwd: MODULE_DIR,
            timeout: 60 * 60_000,
            maxBuffer: 64 << 20,
            // Static, like Pulumi's release builds; go.sum is enforced (the default -mod=readonly).
            env: { ...process.env, CGO_ENABLED: "0" },
        });
    } catch (e) {
        await fs.rm(tmp, { force: true });
        const err = e as { stderr?: string; message: string };
        throw new Error(
            `building the Pulumi CLI ${version} from Go modules failed: ${err.message}\n${err.stderr ?? ""}`,
        );
    }
    await fs.rename(tmp, bin);
    const shim = path.join(binDir, "pulumi-resource-pulumi-nodejs");
    await fs.writeFile(`${shim}.tmp`, NODEJS_DYNAMIC_PROVIDER_SHIM, { mode: 0o755 });
    await fs.rename(`${shim}.tmp`, shim);
    log(`built ${bin} in ${Math.round((Date.now() - started) / 1000)} s`);
}
