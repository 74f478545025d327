/**
 * Checks `npm run up` makes before `pulumi up` on the docker platform, as pure functions of what
 * the docker and pulumi CLIs print (the I/O lives in `scripts/preflight.ts`), so each is unit-tested
 * on recorded outputs:
 *
 * - which Docker engine to talk to, resolved like the `docker` CLI does (the current context), and
 *   the environment that hands it to the Pulumi docker provider (which only reads `DOCKER_HOST`);
 * - host ports the stack publishes that another program already holds, naming the
 *   `cdc:docker.ports.*` key to change;
 * - the engine's memory against the sum of the services' limits (a warning with the figures), and
 *   its CPUs against each service's `cpus` (Docker refuses more CPUs than the engine has);
 * - proxy settings passed to the sink-plugin fetcher;
 * - one-shot jobs whose last run failed, to be replaced (re-run) by this `up`.
 */
import type { DockerSettings } from "../../config";
import { FETCHER_PROXY_VARS, JOB_LABEL } from "./names";

export type Severity = "error" | "warning" | "info";

export interface Finding {
    severity: Severity;
    /** One or more lines: what is wrong, and what to do. */
    message: string;
}

// ---------------------------------------------------------------------------------------------
// Docker endpoint

export interface DockerEndpoint {
    /** `unix:///…`, `npipe:////./pipe/…`, `tcp://host:port` or `ssh://user@host`. */
    host: string;
    /** Where it came from, for messages: `DOCKER_HOST` or `context "<name>"`. */
    source: string;
    /** Directory with ca.pem, cert.pem and key.pem (TLS), when the context has them. */
    certPath?: string;
    /** True when the engine runs on this machine (unix socket, named pipe, or tcp to loopback). */
    local: boolean;
}

/** One element of `docker context inspect` (the CLI prints a JSON array). */
interface ContextInspect {
    Name?: string;
    Endpoints?: { docker?: { Host?: string; SkipTLSVerify?: boolean } };
    TLSMaterial?: { docker?: string[] };
    Storage?: { TLSPath?: string };
}

/** True for an endpoint on this machine. */
export function isLocalEndpoint(host: string): boolean {
    if (/^(unix|npipe):/.test(host)) return true;
    const m = /^tcp:\/\/(\[[^\]]+\]|[^:/]+)/.exec(host);
    if (!m) return false;
    const h = m[1].replace(/^\[|\]$/g, "");
    return h === "localhost" || h === "::1" || /^127\./.test(h);
}

/**
 * The engine the `docker` CLI would use, and the environment the Pulumi provider needs to use the
 * same one. The CLI's order: `DOCKER_HOST` wins (it selects the "default" context), else the
 * context named by `DOCKER_CONTEXT` or by `currentContext` in the CLI's config — which
 * `docker context inspect` (no argument) resolves and prints. The provider instead reads
 * `DOCKER_HOST` (default `unix:///var/run/docker.sock`) and lets `DOCKER_CONTEXT` override it, so
 * the resolved host is exported as `DOCKER_HOST` and `DOCKER_CONTEXT` is unset for it.
 *
 * @param contextInspect stdout of `docker context inspect`, or undefined when it failed
 */
export function resolveDockerEndpoint(
    env: NodeJS.ProcessEnv,
    contextInspect: string | undefined,
): { endpoint?: DockerEndpoint; exports: Record<string, string | null>; findings: Finding[] } {
    const findings: Finding[] = [];
    const unsetContext = { DOCKER_CONTEXT: null };
    if (env.DOCKER_HOST) {
        const host = env.DOCKER_HOST;
        return { endpoint: { host, source: "DOCKER_HOST", certPath: env.DOCKER_CERT_PATH || undefined, local: isLocalEndpoint(host) }, exports: unsetContext, findings };
    }
    let parsed: ContextInspect[] | undefined;
    try {
        parsed = contextInspect === undefined ? undefined : (JSON.parse(contextInspect) as ContextInspect[]);
    } catch {
        parsed = undefined;
    }
    const ctx = Array.isArray(parsed) ? parsed[0] : undefined;
    const host = ctx?.Endpoints?.docker?.Host;
    if (!ctx || !host) {
        findings.push({
            severity: "error",
            message:
                "cannot tell which Docker engine to use: `docker context inspect` failed or printed no docker endpoint.\n" +
                "Check `docker context ls` (the current context is starred), or set DOCKER_HOST, then run again.",
        });
        return { exports: {}, findings };
    }
    const exports: Record<string, string | null> = { DOCKER_HOST: host, ...unsetContext };
    const endpoint: DockerEndpoint = { host, source: `context "${ctx.Name ?? "?"}"`, local: isLocalEndpoint(host) };
    const material = ctx.TLSMaterial?.docker ?? [];
    if (material.length > 0 && ctx.Storage?.TLSPath) {
        const certPath = `${ctx.Storage.TLSPath}/docker`;
        if (["ca.pem", "cert.pem", "key.pem"].every((f) => material.includes(f))) {
            endpoint.certPath = certPath;
            exports.DOCKER_CERT_PATH = certPath;
            exports.DOCKER_TLS_VERIFY = "1";
        } else {
            findings.push({
                severity: "warning",
                message: `Docker ${endpoint.source} has TLS files ${material.join(", ")} but the Pulumi docker provider needs ca.pem, cert.pem and key.pem together; it may fail to connect to ${host}.`,
            });
        }
    } else if (ctx.Endpoints?.docker?.SkipTLSVerify) {
        findings.push({
            severity: "warning",
            message: `Docker ${endpoint.source} skips TLS verification, which the Pulumi docker provider cannot do; it may fail to connect to ${host}.`,
        });
    }
    return { endpoint, exports, findings };
}

// ---------------------------------------------------------------------------------------------
// Engine resources

/** The parts of `docker info --format '{{json .}}'` the checks read. */
export interface DockerInfo {
    NCPU?: number;
    MemTotal?: number;
    MemoryLimit?: boolean;
    SwapLimit?: boolean;
    OperatingSystem?: string;
    Name?: string;
    ServerVersion?: string;
}

/** Memory the engine needs beyond the containers' limits: its VM's kernel, dockerd, the one-shot jobs. */
export const ENGINE_HEADROOM_MB = 1024;

const SERVICES = ["mongo", "kafka", "connect", "clickhouse"] as const;

const gib = (mb: number) => `${(mb / 1024).toFixed(1)} GiB`;

/** Memory the engine should have for these limits, in MiB. */
export function memoryNeededMb(resources: DockerSettings["resources"]): number {
    return SERVICES.reduce((sum, s) => sum + resources[s].memoryMb, 0) + ENGINE_HEADROOM_MB;
}

/**
 * The engine's memory and CPUs against the configured limits. More memory than the engine has is
 * allowed by Docker (limits are ceilings) but ends in OOM kills and healthcheck timeouts, so it is
 * a warning with the figures; more CPUs than the engine has is refused by Docker at create time
 * ("range of CPUs is from 0.01 to N.00"), so it is an error naming the key.
 */
export function engineResourceFindings(info: DockerInfo, resources: DockerSettings["resources"], endpoint?: DockerEndpoint): Finding[] {
    const out: Finding[] = [];
    const limits = SERVICES.map((s) => ({ s, mb: resources[s].memoryMb }));
    const sum = limits.reduce((a, l) => a + l.mb, 0);
    const needed = sum + ENGINE_HEADROOM_MB;
    if (typeof info.MemTotal === "number" && info.MemTotal > 0) {
        const haveMb = Math.floor(info.MemTotal / 1024 / 1024);
        if (haveMb < needed) {
            const desktop = /docker desktop/i.test(info.OperatingSystem ?? "") || /desktop/i.test(endpoint?.source ?? "");
            out.push({
                severity: "warning",
                message:
                    `the Docker engine has ${gib(haveMb)} of memory; the four services may use up to ${gib(sum)} ` +
                    `(${limits.map((l) => `${l.s} ${gib(l.mb)}`).join(", ")}) plus about ${gib(ENGINE_HEADROOM_MB)} for the engine itself: ` +
                    `containers may be OOM-killed and healthchecks time out.\n` +
                    (desktop
                        ? `Give Docker Desktop at least ${gib(needed)} (Settings → Resources → Memory), `
                        : `Give the engine (its VM: Docker Desktop, Colima, Rancher Desktop…) at least ${gib(needed)}, `) +
                    `or lower the limits: pulumi config set --path cdc:docker.resources.<service>.memoryMb <MiB>`,
            });
        }
    }
    if (typeof info.NCPU === "number" && info.NCPU > 0) {
        for (const s of SERVICES) {
            const millis = resources[s].cpuMillis;
            if (millis > info.NCPU * 1000) {
                out.push({
                    severity: "error",
                    message:
                        `cdc:docker.resources.${s}.cpuMillis is ${millis} (${millis / 1000} CPUs) but the Docker engine has ${info.NCPU} CPU${info.NCPU === 1 ? "" : "s"}; ` +
                        `Docker refuses it ("range of CPUs is from 0.01 to ${info.NCPU}.00").\n` +
                        `Give the engine more CPUs, or: pulumi config set --path cdc:docker.resources.${s}.cpuMillis ${info.NCPU * 1000}`,
                });
            }
        }
    }
    if (info.MemoryLimit === false) {
        out.push({
            severity: "warning",
            message:
                "this Docker engine does not enforce memory limits (its cgroup memory controller is off, e.g. rootless Docker on cgroup v1): " +
                "the containers run unlimited, and every `up` shows a memory update because the engine reports 0.",
        });
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Host ports

export type PortKey = keyof DockerSettings["ports"];

/** What probing one host port found. */
export type PortProbe = { free: true } | { free: false; code: string };

/** A running container publishing host ports, from `docker ps --format '{{json .}}'`. */
export interface PsLine {
    Names?: string;
    Ports?: string;
    Labels?: string;
}

/** Host ports a `docker ps` line publishes (`127.0.0.1:27017->27017/tcp, :::8080->80/tcp`). */
export function publishedHostPorts(ports: string | undefined): number[] {
    const out: number[] = [];
    for (const m of (ports ?? "").matchAll(/:(\d+)(?:-(\d+))?->/g)) {
        const from = Number(m[1]);
        const to = m[2] ? Number(m[2]) : from;
        for (let p = from; p <= to && p - from < 1000; p++) out.push(p);
    }
    return out;
}

/** Labels of a `docker ps` line (`a=b,c=d`). */
function psLabels(labels: string | undefined): Record<string, string> {
    const out: Record<string, string> = {};
    for (const part of (labels ?? "").split(",")) {
        const i = part.indexOf("=");
        if (i > 0) out[part.slice(0, i)] = part.slice(i + 1);
    }
    return out;
}

/**
 * Host ports the stack will publish that something else holds. A port held by this stack's own
 * container (a second `up`) is fine; one held by another container is named; one that cannot be
 * bound on this machine (a local mongod on 27017) fails `docker run` late with "port is already
 * allocated", so it is reported now, naming the `cdc:docker.ports.*` key and a free alternative.
 *
 * @param probes result of binding each port on `bindAddress` on this machine (only for a local engine)
 * @param running `docker ps` lines of the engine's running containers
 */
export function portFindings(o: {
    ports: DockerSettings["ports"];
    bindAddress: string;
    stack: string;
    project: string;
    probes: Partial<Record<PortKey, PortProbe>>;
    running: PsLine[];
}): Finding[] {
    const out: Finding[] = [];
    for (const key of Object.keys(o.ports) as PortKey[]) {
        const port = o.ports[key];
        const holders = o.running.filter((c) => publishedHostPorts(c.Ports).includes(port));
        const ours = holders.find((c) => {
            const l = psLabels(c.Labels);
            return l["cdc.pulumi.stack"] === o.stack && l["cdc.pulumi.project"] === o.project;
        });
        if (ours) continue;
        const fix = `Stop it, or give the service another port: pulumi config set --path cdc:docker.ports.${key} ${suggestPort(port, o.ports)}`;
        const other = holders[0];
        if (other) {
            out.push({ severity: "error", message: `host port ${port} (cdc:docker.ports.${key}) is published by container "${other.Names ?? "?"}", which is not part of stack ${o.stack}.\n${fix}` });
            continue;
        }
        const probe = o.probes[key];
        if (probe && !probe.free) {
            const why =
                probe.code === "EADDRINUSE"
                    ? `is already in use on ${o.bindAddress} by another program${key === "mongo" ? " (a local mongod?)" : ""}`
                    : probe.code === "EACCES"
                      ? `cannot be bound on ${o.bindAddress} without privileges`
                      : probe.code === "EADDRNOTAVAIL"
                        ? `cannot be bound: ${o.bindAddress} (cdc:docker.bindAddress) is not an address of this machine`
                        : `cannot be bound on ${o.bindAddress} (${probe.code})`;
            out.push({ severity: "error", message: `host port ${port} (cdc:docker.ports.${key}) ${why}; Docker would fail late with "port is already allocated".\n${fix}` });
        }
    }
    return out;
}

/** A nearby port not used by another service of the stack (a suggestion; it is not probed). */
function suggestPort(port: number, ports: DockerSettings["ports"]): number {
    const taken = new Set(Object.values(ports));
    let p = port < 10000 ? port + 10000 : port + 1;
    while (taken.has(p) || p > 65535) p = p > 65535 ? 20000 : p + 1;
    return p;
}

// ---------------------------------------------------------------------------------------------
// Proxies

export interface ProxySettings {
    httpProxy?: string;
    httpsProxy?: string;
    noProxy?: string;
    /** `environment` or the docker CLI config file it came from. */
    source: string;
}

/** The first non-empty of `names` in `env` (HTTPS_PROXY before https_proxy). */
function envValue(env: NodeJS.ProcessEnv, ...names: string[]): string | undefined {
    for (const n of names) if (env[n]) return env[n];
    return undefined;
}

/**
 * Proxy settings for the plugin fetcher: the environment's (`HTTP_PROXY`, `HTTPS_PROXY`,
 * `NO_PROXY`, either case) or else the docker CLI's `proxies.default` (what `docker run` would
 * inject; the Engine API, which Pulumi uses, does not). Undefined when there is none.
 *
 * @param dockerConfig the docker CLI's config.json text, if any
 */
export function resolveProxies(env: NodeJS.ProcessEnv, dockerConfig?: { path: string; text: string }): ProxySettings | undefined {
    const fromEnv = {
        httpProxy: envValue(env, "HTTP_PROXY", "http_proxy"),
        httpsProxy: envValue(env, "HTTPS_PROXY", "https_proxy"),
        noProxy: envValue(env, "NO_PROXY", "no_proxy"),
    };
    if (fromEnv.httpProxy || fromEnv.httpsProxy) return { ...fromEnv, source: "environment" };
    if (dockerConfig) {
        try {
            const d = (JSON.parse(dockerConfig.text) as { proxies?: { default?: { httpProxy?: string; httpsProxy?: string; noProxy?: string } } }).proxies?.default;
            if (d && (d.httpProxy || d.httpsProxy)) return { httpProxy: d.httpProxy || undefined, httpsProxy: d.httpsProxy || undefined, noProxy: d.noProxy || undefined, source: dockerConfig.path };
        } catch {
            // not JSON: the CLI would complain itself
        }
    }
    return undefined;
}

/** A proxy URL with its password replaced by `***`, for messages. */
export function maskProxy(url: string): string {
    return url.replace(/\/\/([^/@:]*):[^/@]*@/, "//$1:***@");
}

/** The `CDC_FETCHER_*` variables the docker program reads (see `fetcherProxyEnv`), all set or unset. */
export function proxyExports(p: ProxySettings | undefined): Record<string, string | null> {
    return {
        [FETCHER_PROXY_VARS.httpProxy]: p?.httpProxy ?? null,
        [FETCHER_PROXY_VARS.httpsProxy]: p?.httpsProxy ?? null,
        [FETCHER_PROXY_VARS.noProxy]: p?.noProxy ?? null,
    };
}

// ---------------------------------------------------------------------------------------------
// Failed one-shot jobs

export interface FailedJob {
    urn: string;
    /** The job's role (`mongo-init`, `sink-plugin`) from its label, or its resource name. */
    job: string;
    exitCode: number;
}

interface ExportedResource {
    urn?: string;
    type?: string;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
}

/**
 * One-shot job containers whose recorded exit code is not 0, from `pulumi stack export`. The
 * provider never re-runs an exited container whose inputs did not change, so a job that failed
 * (a network blip, a GitHub hiccup) would stay failed on every later `up`; `npm run up` passes
 * these to `pulumi up --replace`, which creates a fresh container (running the job again) and
 * removes the old one. Jobs are recognised by the `cdc.job` label (and `attach: true`).
 */
export function failedJobs(stackExport: string | undefined): FailedJob[] {
    if (!stackExport) return [];
    let state: { deployment?: { resources?: ExportedResource[] } };
    try {
        state = JSON.parse(stackExport);
    } catch {
        return [];
    }
    const out: FailedJob[] = [];
    for (const r of state.deployment?.resources ?? []) {
        if (r.type !== "docker:index/container:Container" || !r.urn) continue;
        const outputs = r.outputs ?? {};
        const labels = (outputs.labels ?? r.inputs?.labels ?? []) as { label?: string; value?: string }[];
        const jobLabel = Array.isArray(labels) ? labels.find((l) => l.label === JOB_LABEL) : undefined;
        if (!jobLabel) continue;
        const code = outputs.exitCode;
        if (typeof code === "number" && code !== 0) out.push({ urn: r.urn, job: jobLabel.value ?? r.urn.split("::").pop()!, exitCode: code });
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Output

/** `value` quoted for a POSIX shell (single quotes). */
export function shellQuote(value: string): string {
    return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Shell lines setting (or, for null, unsetting) each variable, for `eval` in scripts/*.sh. */
export function shellExports(vars: Record<string, string | null>): string {
    return Object.entries(vars)
        .map(([k, v]) => {
            if (!/^[A-Z_][A-Z0-9_]*$/.test(k)) throw new Error(`not a variable name: ${k}`);
            return v === null ? `unset ${k}` : `export ${k}=${shellQuote(v)}`;
        })
        .join("\n");
}

/** Findings as text, errors first, one `error:`/`warning:`/`note:` block each. */
export function formatFindings(findings: Finding[]): string {
    const order: Severity[] = ["error", "warning", "info"];
    const label: Record<Severity, string> = { error: "error", warning: "warning", info: "note" };
    return [...findings]
        .sort((a, b) => order.indexOf(a.severity) - order.indexOf(b.severity))
        .map((f) => `${label[f.severity]}: ${f.message.split("\n").join("\n  ")}`)
        .join("\n");
}
