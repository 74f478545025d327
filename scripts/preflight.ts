/**
 * `npm run up`'s checks before `pulumi up` (see components/platform/docker/preflight.ts for each
 * rule). Usage:
 *
 *   tsx scripts/preflight.ts --stack dev --out <file>             all checks (scripts/up.sh)
 *   tsx scripts/preflight.ts --stack dev --out <file> --env-only  engine and proxy only (scripts/pulumi.sh)
 *
 * Prints what it checked and every problem (errors, warnings) on stderr, and writes to `--out`
 * shell lines for the caller to source: the Docker endpoint for the Pulumi provider
 * (`DOCKER_HOST`, …), the fetcher's proxy (`CDC_FETCHER_*`) and `cdc_replace`, the
 * `--replace <urn>` arguments that re-run failed one-shot jobs. Exits 1 when a check fails (not
 * with --env-only, which never fails: preview and destroy must work as far as they can).
 * Runs `docker` and `pulumi` from PATH (the tests put fakes there).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { ConfigError, parseConfig, type PipelineConfig } from "../components/config";
import {
    engineResourceFindings,
    failedJobs,
    type Finding,
    formatFindings,
    maskProxy,
    memoryNeededMb,
    type PortKey,
    type PortProbe,
    portFindings,
    proxyExports,
    type PsLine,
    resolveDockerEndpoint,
    resolveProxies,
    shellExports,
    shellQuote,
    type DockerInfo,
} from "../components/platform/docker/preflight";

interface Flags {
    stack: string;
    out?: string;
    envOnly: boolean;
}

function parseFlags(argv: string[]): Flags {
    const flags: Flags = { stack: process.env.CDC_STACK || "dev", envOnly: false };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--env-only") flags.envOnly = true;
        else if (a === "--stack") flags.stack = argv[++i];
        else if (a === "--out") flags.out = argv[++i];
        else throw new Error(`unknown flag ${JSON.stringify(a)}; flags: --stack NAME, --out FILE, --env-only`);
    }
    return flags;
}

/** Runs a command; undefined stdout when it could not run or exited non-zero. */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): { stdout?: string; stderr: string } {
    const r = spawnSync(cmd, args, { env, encoding: "utf8", timeout: 60_000, maxBuffer: 256 * 1024 * 1024 });
    if (r.error || r.status !== 0) return { stderr: (r.stderr || (r.error ? String(r.error.message) : "")).trim() };
    return { stdout: r.stdout, stderr: (r.stderr ?? "").trim() };
}

/** The stack's `cdc:*` config, as `loadConfig` reads it inside the program. */
function stackConfig(stack: string): PipelineConfig | { error: string } {
    const r = run("pulumi", ["config", "--json", "--stack", stack]);
    if (r.stdout === undefined)
        return { error: `\`pulumi config --json --stack ${stack}\` failed: ${r.stderr.split("\n")[0]}` };
    const raw: Record<string, unknown> = {};
    for (const [fullKey, entry] of Object.entries(
        JSON.parse(r.stdout) as Record<string, { value?: string; objectValue?: unknown; secret?: boolean }>,
    )) {
        const [ns, key] = fullKey.split(":", 2);
        if (ns !== "cdc" || key === undefined) continue;
        if (entry.objectValue !== undefined) raw[key] = entry.objectValue;
        else if (entry.secret && key === "tls") raw[key] = tlsWithoutSecrets(stack);
        else if (entry.secret) raw[key] = "[secret]";
        else {
            try {
                raw[key] = JSON.parse(entry.value ?? "");
            } catch {
                raw[key] = entry.value;
            }
        }
    }
    try {
        return parseConfig(raw);
    } catch (e) {
        if (e instanceof ConfigError) return { error: e.message };
        throw e;
    }
}

/**
 * `cdc:tls` holding a secret (the user's CA) is shown as `{ secret: true }` without its value: the
 * checks need only `enabled`, read on its own (never the CA).
 */
function tlsWithoutSecrets(stack: string): Record<string, unknown> {
    const enabled = run("pulumi", ["config", "get", "--path", "cdc:tls.enabled", "--stack", stack]).stdout?.trim();
    return enabled === undefined ? {} : { enabled };
}

/** Tries to bind `port` on `host` the way Docker's port publisher would. */
function probePort(host: string, port: number): Promise<PortProbe> {
    return new Promise((resolve) => {
        const server = net.createServer();
        server.once("error", (e: NodeJS.ErrnoException) => resolve({ free: false, code: e.code ?? String(e) }));
        server.listen({ host, port, exclusive: true }, () => server.close(() => resolve({ free: true })));
    });
}

function dockerConfigFile(env: NodeJS.ProcessEnv): { path: string; text: string } | undefined {
    const file = path.join(env.DOCKER_CONFIG || path.join(os.homedir(), ".docker"), "config.json");
    try {
        return { path: file, text: fs.readFileSync(file, "utf8") };
    } catch {
        return undefined;
    }
}

async function main(): Promise<number> {
    const flags = parseFlags(process.argv.slice(2));
    const findings: Finding[] = [];
    const checked: string[] = [];
    const lines: string[] = [];
    const finish = (): number => {
        if (flags.out) fs.writeFileSync(flags.out, lines.join("\n") + "\n");
        const errors = findings.filter((f) => f.severity === "error").length;
        if (!flags.envOnly) {
            if (checked.length)
                process.stderr.write(
                    `preflight (stack ${flags.stack}):\n${checked.map((c) => `  - ${c}`).join("\n")}\n`,
                );
            if (findings.length) process.stderr.write(formatFindings(findings) + "\n");
        }
        return errors > 0 && !flags.envOnly ? 1 : 0;
    };

    const config = stackConfig(flags.stack);
    if ("error" in config) {
        if (!flags.envOnly) findings.push({ severity: "error", message: config.error });
        return finish();
    }
    if (config.platform !== "docker") {
        checked.push(`platform ${config.platform}: no Docker checks`);
        return finish();
    }
    const d = config.docker;
    if (!config.tls.enabled) {
        findings.push({
            severity: "warning",
            message:
                "TLS is off (cdc:tls.enabled is false): every service listens in plaintext, without certificates. " +
                "Fine for a throw-away local stack only; turn it back on with `pulumi config rm --path cdc:tls.enabled`.",
        });
    }

    // Which engine: like the docker CLI (its context), handed to the provider as DOCKER_HOST.
    if (run("docker", ["--version"]).stdout === undefined) {
        findings.push({
            severity: "error",
            message:
                "the docker CLI is not on PATH. Install Docker (Docker Desktop, Colima, Rancher Desktop or Docker Engine), then run again.",
        });
        return finish();
    }
    const inspect = process.env.DOCKER_HOST ? undefined : run("docker", ["context", "inspect"]).stdout;
    const resolved = resolveDockerEndpoint(process.env, inspect);
    findings.push(...resolved.findings);
    const proxies = resolveProxies(process.env, dockerConfigFile(process.env));
    lines.push(shellExports({ ...resolved.exports, ...proxyExports(proxies) }));
    const endpoint = resolved.endpoint;
    if (!endpoint) return finish();
    if (flags.envOnly) return finish();

    const engineEnv: NodeJS.ProcessEnv = { ...process.env };
    for (const [k, v] of Object.entries(resolved.exports)) {
        if (v === null) delete engineEnv[k];
        else engineEnv[k] = v;
    }
    const info = run("docker", ["info", "--format", "{{json .}}"], engineEnv);
    let parsed: DockerInfo | undefined;
    try {
        parsed =
            info.stdout === undefined
                ? undefined
                : (JSON.parse(info.stdout) as DockerInfo & { ServerErrors?: string[] });
    } catch {
        parsed = undefined;
    }
    const serverErrors = (parsed as { ServerErrors?: string[] } | undefined)?.ServerErrors;
    if (!parsed || !parsed.ServerVersion || (serverErrors && serverErrors.length)) {
        const why = serverErrors?.[0] ?? info.stderr.split("\n").find((l) => l.trim()) ?? "no answer";
        findings.push({
            severity: "error",
            message: `no Docker engine answers at ${endpoint.host} (${endpoint.source}): ${why}\nStart Docker (or pick another engine with \`docker context use <name>\` or DOCKER_HOST), then run again.`,
        });
        return finish();
    }
    const mem = typeof parsed.MemTotal === "number" ? `${(parsed.MemTotal / 1024 ** 3).toFixed(1)} GiB` : "? GiB";
    checked.push(
        `Docker engine ${endpoint.host} (${endpoint.source}): ${parsed.OperatingSystem ?? parsed.Name ?? "?"}, Docker ${parsed.ServerVersion}, ${parsed.NCPU ?? "?"} CPUs, ${mem} (the services' limits need ${(memoryNeededMb(d.resources) / 1024).toFixed(1)} GiB)`,
    );
    findings.push(...engineResourceFindings(parsed, d.resources, endpoint));
    if (!endpoint.local) {
        findings.push({
            severity: "warning",
            message:
                `the Docker engine ${endpoint.host} is on another machine: the stack publishes its ports there on ${d.bindAddress}, ` +
                `while this machine (where pulumi creates the tables and connectors) connects to 127.0.0.1. ` +
                `Forward the ports (e.g. ssh -L) or use a local engine.`,
        });
    }

    // Host ports.
    const ps = run("docker", ["ps", "--format", "{{json .}}"], engineEnv);
    const running: PsLine[] = (ps.stdout ?? "")
        .split("\n")
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as PsLine);
    const probes: Partial<Record<PortKey, PortProbe>> = {};
    if (endpoint.local) {
        for (const key of Object.keys(d.ports) as PortKey[]) probes[key] = await probePort(d.bindAddress, d.ports[key]);
    }
    const portProblems = portFindings({
        ports: d.ports,
        bindAddress: d.bindAddress,
        stack: flags.stack,
        project: "cdc",
        probes,
        running,
    });
    findings.push(...portProblems);
    if (portProblems.length === 0)
        checked.push(`host ports ${Object.values(d.ports).join(", ")} on ${d.bindAddress}: free or this stack's own`);

    // Proxy for the plugin download.
    if (proxies) {
        checked.push(
            `sink plugin download through proxy ${maskProxy(proxies.httpsProxy ?? proxies.httpProxy ?? "")} (from ${proxies.source})${proxies.noProxy ? `, no_proxy ${proxies.noProxy}` : ""}`,
        );
    }

    // Failed one-shot jobs: replaced, i.e. run again, by this up.
    const exported = run("pulumi", ["stack", "export", "--stack", flags.stack]).stdout;
    const failed = failedJobs(exported);
    lines.push(`cdc_replace=(${failed.map((f) => `--replace ${shellQuote(f.urn)}`).join(" ")})`);
    for (const f of failed)
        checked.push(
            `job ${f.job} failed last time (exit code ${f.exitCode}): this up replaces its container, which runs it again`,
        );
    return finish();
}

main().then(
    (code) => process.exit(code),
    (e: unknown) => {
        process.stderr.write(`preflight failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
        process.exit(1);
    },
);
