/**
 * A real Kubernetes control plane and the Pulumi kubernetes provider, built from Go modules (the
 * Go module proxy is the only source of binaries here) into
 * `${XDG_CACHE_HOME:-~/.cache}/cdc-pipeline/kube-<k8s version>-<hash>/bin/`:
 *
 * - `kube-apiserver`, `kube-controller-manager`: `apiserver/go.mod` requires `k8s.io/kubernetes`
 *   and pins its 31 `k8s.io/*` staging modules (which k8s.io/kubernetes replaces with
 *   `./staging/...` inside its own repository) at the matching published version;
 * - `etcd`: `etcd/go.mod` requires `go.etcd.io/etcd/server/v3` (the server's main package);
 * - `pulumi-resource-kubernetes`: `provider/go.mod` requires
 *   `github.com/pulumi/pulumi-kubernetes/provider/v4` at the only version the proxy serves (a
 *   pseudo-version, see README's testing section), and `provider/main.go` is upstream's main with
 *   the schema embedded from a file this builder writes (upstream's `go generate` step: the
 *   module's `schema.json` with its `version` set).
 *
 * The hash covers the wrapper modules, so changing a pin rebuilds. Go's own caches (GOMODCACHE,
 * GOCACHE) make a rebuild cheap; a cold build takes ≈ 12 minutes on 2 cores.
 */
import { execFile } from "node:child_process";
import * as crypto from "node:crypto";
import { existsSync, promises as fs, readFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { withDirLock } from "../../../components/providers/shared/lock";

const run = promisify(execFile);

export const KUBE_DIR = __dirname;
const MODULES = ["apiserver", "etcd", "provider"] as const;

/** The `k8s.io/kubernetes` version apiserver/go.mod pins, e.g. `v1.35.4`. */
export function pinnedKubeVersion(): string {
    const m = /^\s*k8s\.io\/kubernetes (v\d+\.\d+\.\d+)/m.exec(
        readFileSync(path.join(KUBE_DIR, "apiserver", "go.mod"), "utf8"),
    );
    if (!m) throw new Error(`${KUBE_DIR}/apiserver/go.mod does not require k8s.io/kubernetes`);
    return m[1];
}

/** The `@pulumi/kubernetes` npm version: the plugin version the program asks the engine for. */
export function sdkProviderVersion(): string {
    const pkg = JSON.parse(readFileSync(require.resolve("@pulumi/kubernetes/package.json"), "utf8")) as {
        version: string;
    };
    return pkg.version;
}

function modulesHash(): string {
    const h = crypto.createHash("sha256");
    for (const m of MODULES) {
        for (const f of ["go.mod", "go.sum", "main.go"]) {
            const p = path.join(KUBE_DIR, m, f);
            if (existsSync(p)) h.update(`${m}/${f}\0`).update(readFileSync(p));
        }
    }
    h.update(sdkProviderVersion());
    return h.digest("hex").slice(0, 10);
}

/** Directory of the cached binaries (present or not). */
export function kubeBinDir(): string {
    const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
    return path.join(base, "cdc-pipeline", `kube-${pinnedKubeVersion()}-${modulesHash()}`, "bin");
}

export const KUBE_BINARIES = [
    "etcd",
    "kube-apiserver",
    "kube-controller-manager",
    "pulumi-resource-kubernetes",
] as const;
export type KubeBinary = (typeof KUBE_BINARIES)[number];

export function kubeBinPath(b: KubeBinary): string {
    return path.join(kubeBinDir(), b);
}

export function kubeBinariesBuilt(): boolean {
    return KUBE_BINARIES.every((b) => existsSync(kubeBinPath(b)));
}

/** undefined when the binaries are cached or Go can build them, else what is missing. */
export async function kubeProblem(): Promise<string | undefined> {
    if (kubeBinariesBuilt()) return undefined;
    try {
        await run("go", ["version"], { timeout: 60_000 });
        return undefined;
    } catch {
        return `no Kubernetes test binaries cached in ${kubeBinDir()} and no Go toolchain to build them; install Go and run scripts/warm-caches.sh`;
    }
}

async function goBuild(
    cwd: string,
    out: string,
    pkg: string,
    ldflags: string,
    log: (l: string) => void,
): Promise<void> {
    const tmp = `${out}.tmp-${process.pid}`;
    const args = ["build", "-trimpath", "-buildvcs=false", "-o", tmp, "-ldflags", `-s -w ${ldflags}`.trim(), pkg];
    const started = Date.now();
    log(`go ${args.join(" ")}  (in ${cwd})`);
    try {
        // Static binaries, like the upstream release builds; go.sum is enforced (-mod=readonly).
        await run("go", args, {
            cwd,
            timeout: 60 * 60_000,
            maxBuffer: 64 << 20,
            env: { ...process.env, CGO_ENABLED: "0" },
        });
    } catch (e) {
        await fs.rm(tmp, { force: true });
        const err = e as { stderr?: string; message: string };
        throw new Error(`building ${path.basename(out)} from Go modules failed: ${err.message}\n${err.stderr ?? ""}`);
    }
    await fs.rename(tmp, out);
    log(`built ${path.basename(out)} in ${Math.round((Date.now() - started) / 1000)} s`);
}

/**
 * Upstream's `VERSION=<v> go generate`: the module's schema.json with `version` set, and the terraform mapping,
 * compacted.
 */
async function writeProviderEmbeds(dir: string, version: string): Promise<void> {
    // `go mod download` (not `go list -m`, which does not fetch) puts the module in GOMODCACHE on a fresh machine.
    const { stdout } = await run(
        "go",
        ["mod", "download", "-json", "github.com/pulumi/pulumi-kubernetes/provider/v4"],
        {
            cwd: path.join(KUBE_DIR, "provider"),
            timeout: 10 * 60_000,
            maxBuffer: 16 << 20,
        },
    );
    const mod = JSON.parse(stdout) as { Dir?: string; Error?: string };
    if (!mod.Dir)
        throw new Error(
            `go mod download github.com/pulumi/pulumi-kubernetes/provider/v4 gave no directory: ${mod.Error ?? stdout}`,
        );
    const src = path.join(mod.Dir, "cmd", "pulumi-resource-kubernetes");
    const schema = JSON.parse(await fs.readFile(path.join(src, "schema.json"), "utf8")) as Record<string, unknown>;
    schema.version = version;
    await fs.writeFile(path.join(dir, "schema-embed.json"), JSON.stringify(schema));
    const mapping = JSON.parse(await fs.readFile(path.join(src, "terraform-mapping.json"), "utf8")) as unknown;
    await fs.writeFile(path.join(dir, "terraform-mapping-embed.json"), JSON.stringify(mapping));
}

async function build(binDir: string, log: (l: string) => void): Promise<void> {
    const kube = pinnedKubeVersion();
    const [major, minor] = kube.replace(/^v/, "").split(".");
    const versionFlags = [
        `-X k8s.io/component-base/version.gitVersion=${kube}`,
        `-X k8s.io/component-base/version.gitMajor=${major}`,
        `-X k8s.io/component-base/version.gitMinor=${minor}`,
        "-X k8s.io/component-base/version.gitTreeState=clean",
    ].join(" ");
    const apiserver = path.join(KUBE_DIR, "apiserver");
    for (const b of ["kube-apiserver", "kube-controller-manager"] as const) {
        if (!existsSync(path.join(binDir, b)))
            await goBuild(apiserver, path.join(binDir, b), `k8s.io/kubernetes/cmd/${b}`, versionFlags, log);
    }
    if (!existsSync(path.join(binDir, "etcd")))
        await goBuild(path.join(KUBE_DIR, "etcd"), path.join(binDir, "etcd"), "go.etcd.io/etcd/server/v3", "", log);
    if (!existsSync(path.join(binDir, "pulumi-resource-kubernetes"))) {
        // The embeds must sit beside main.go, and the module cache is read-only: build a copy.
        const work = await fs.mkdtemp(path.join(os.tmpdir(), "cdc-kube-provider-"));
        try {
            for (const f of ["go.mod", "go.sum", "main.go"])
                await fs.copyFile(path.join(KUBE_DIR, "provider", f), path.join(work, f));
            const version = sdkProviderVersion();
            await writeProviderEmbeds(work, version);
            await goBuild(
                work,
                path.join(binDir, "pulumi-resource-kubernetes"),
                ".",
                `-X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=${version}`,
                log,
            );
        } finally {
            await fs.rm(work, { recursive: true, force: true });
        }
    }
}

/** Builds whatever binary is missing from the cache; returns the bin directory. */
export async function ensureKubeBinaries(log: (l: string) => void = () => {}): Promise<string> {
    const binDir = kubeBinDir();
    if (kubeBinariesBuilt()) return binDir;
    await fs.mkdir(binDir, { recursive: true });
    return withDirLock(
        `${binDir}.lock`,
        {
            staleMs: 90 * 60_000,
            onWait: (l) => log(`waiting for another process building the Kubernetes binaries (${l})`),
        },
        async () => {
            if (!kubeBinariesBuilt()) await build(binDir, log);
            return binDir;
        },
    );
}
