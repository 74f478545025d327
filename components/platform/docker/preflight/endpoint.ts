/** Which Docker engine to talk to, resolved like the `docker` CLI does (the current context). */
import type { Finding } from "./findings";

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
        return {
            endpoint: {
                host,
                source: "DOCKER_HOST",
                certPath: env.DOCKER_CERT_PATH || undefined,
                local: isLocalEndpoint(host),
            },
            exports: unsetContext,
            findings,
        };
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
