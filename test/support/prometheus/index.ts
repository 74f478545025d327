/**
 * Prometheus and promtool for the tests, built from Go modules (the Go module proxy is the only
 * source of binaries here): `go install github.com/prometheus/prometheus/cmd/{prometheus,promtool}@<pin>`
 * into `${XDG_CACHE_HOME:-~/.cache}/cdc-pipeline/prometheus-<pin>/bin/`.
 *
 * The pin is {@link PROMETHEUS_MODULE_VERSION}: Prometheus publishes its Go module as `v0.3xx.y` for
 * release `3.xx.y` (v0.316.0 = Prometheus 3.16.0). `go install pkg@version` builds with the module's
 * own go.mod and go.sum, checked against the Go checksum database, so the pin fixes every byte of
 * source. The binaries are the release's less two things: the web UI's assets (they need an npm
 * build; the HTTP API, which the tests use, is complete), and the service-discovery plugins other
 * than static, file and HTTP (upstream's `remove_all_sd` build tag: the cloud and Kubernetes SDKs
 * are most of the compile, ≈ 25 min on a loaded 2-core machine, and the stack's scrape configs
 * name their targets statically). The version is stamped as the release build stamps it, so
 * `--version` says 3.16.0.
 */
import { execFile } from "node:child_process";
import { existsSync, promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { withDirLock } from "../../../components/providers/shared/lock";

const run = promisify(execFile);

/** The Go module version of Prometheus (release 3.16.0, 2026-11-04). */
export const PROMETHEUS_MODULE_VERSION = "v0.316.0";
/** The release version that module is, as `prometheus --version` prints it. */
export const PROMETHEUS_RELEASE = "3.16.0";

const MODULE = "github.com/prometheus/prometheus";
/** Upstream's tag that leaves out every service discovery but static, file and HTTP (see above). */
const BUILD_TAGS = "remove_all_sd";
export const PROMETHEUS_BINARIES = ["prometheus", "promtool"] as const;
export type PrometheusBinary = (typeof PROMETHEUS_BINARIES)[number];

/** Directory of the cached binaries (present or not). */
export function prometheusBinDir(): string {
    const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
    return path.join(base, "cdc-pipeline", `prometheus-${PROMETHEUS_MODULE_VERSION}`, "bin");
}

export function prometheusBinPath(b: PrometheusBinary): string {
    return path.join(prometheusBinDir(), b);
}

export function prometheusBuilt(): boolean {
    return PROMETHEUS_BINARIES.every((b) => existsSync(prometheusBinPath(b)));
}

/** undefined when the binaries are cached or Go can build them, else what is missing and how to get it. */
export async function prometheusProblem(): Promise<string | undefined> {
    if (prometheusBuilt()) return undefined;
    try {
        await run("go", ["version"], { timeout: 60_000 });
        return undefined;
    } catch {
        return (
            `no prometheus/promtool ${PROMETHEUS_MODULE_VERSION} cached in ${prometheusBinDir()} and no Go ` +
            "toolchain to build them; install Go and run scripts/warm-caches.sh"
        );
    }
}

/** `go install` of one binary into a fresh directory, then an atomic rename into the cache. */
async function goInstall(b: PrometheusBinary, log: (l: string) => void): Promise<void> {
    const out = prometheusBinPath(b);
    const tmp = await fs.mkdtemp(`${out}.tmp-`);
    const ldflags = [
        `-X github.com/prometheus/common/version.Version=${PROMETHEUS_RELEASE}`,
        "-X github.com/prometheus/common/version.Branch=HEAD",
        "-X github.com/prometheus/common/version.BuildUser=cdc-pipeline",
    ].join(" ");
    const args = [
        "install",
        "-tags",
        BUILD_TAGS,
        "-ldflags",
        ldflags,
        `${MODULE}/cmd/${b}@${PROMETHEUS_MODULE_VERSION}`,
    ];
    const started = Date.now();
    log(`GOBIN=${tmp} go ${args.join(" ")}`);
    try {
        // GOFLAGS is cleared so that a user's -mod=vendor or similar cannot change what `@version` builds.
        await run("go", args, {
            timeout: 60 * 60_000,
            maxBuffer: 64 << 20,
            env: { ...process.env, GOBIN: tmp, GOFLAGS: "" },
        });
        await fs.rename(path.join(tmp, b), out);
    } catch (e) {
        const err = e as { stderr?: string; message: string };
        throw new Error(
            `building ${b} ${PROMETHEUS_MODULE_VERSION} from Go modules failed: ${err.message}\n${err.stderr ?? ""}`,
        );
    } finally {
        await fs.rm(tmp, { recursive: true, force: true });
    }
    log(`built ${out} in ${Math.round((Date.now() - started) / 1000)} s`);
}

/**
 * Builds whichever binary is missing from the cache; returns the bin directory. Cold: a few hundred
 * modules and ≈ 10 min of compile on 2 cores; warm Go caches make it a link step.
 */
export async function ensurePrometheus(log: (l: string) => void = () => {}): Promise<string> {
    const binDir = prometheusBinDir();
    if (prometheusBuilt()) return binDir;
    await fs.mkdir(binDir, { recursive: true });
    return withDirLock(
        `${binDir}.lock`,
        {
            staleMs: 90 * 60_000,
            onWait: (l) => log(`waiting for another process building Prometheus (${l})`),
        },
        async () => {
            for (const b of PROMETHEUS_BINARIES) if (!existsSync(prometheusBinPath(b))) await goInstall(b, log);
            return binDir;
        },
    );
}

/** The first line of `<binary> --version`, e.g. `prometheus, version 3.16.0 (branch: HEAD, revision: unknown)`. */
export async function binaryVersion(b: PrometheusBinary): Promise<string> {
    const { stdout } = await run(prometheusBinPath(b), ["--version"], { timeout: 60_000 });
    return stdout.split("\n")[0];
}
