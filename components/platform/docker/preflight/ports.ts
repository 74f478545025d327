/** Host ports the stack publishes that another program or container already holds. */
import type { DockerSettings } from "../../../config";
import type { Finding } from "./findings";

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
            out.push({
                severity: "error",
                message: `host port ${port} (cdc:docker.ports.${key}) is published by container "${other.Names ?? "?"}", which is not part of stack ${o.stack}.\n${fix}`,
            });
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
            out.push({
                severity: "error",
                message: `host port ${port} (cdc:docker.ports.${key}) ${why}; Docker would fail late with "port is already allocated".\n${fix}`,
            });
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
