/** The engine's memory and CPUs against the services' limits. */
import type { DockerSettings } from "../../../config";
import type { DockerEndpoint } from "./endpoint";
import type { Finding } from "./findings";

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
export function engineResourceFindings(
    info: DockerInfo,
    resources: DockerSettings["resources"],
    endpoint?: DockerEndpoint,
): Finding[] {
    const out: Finding[] = [];
    const limits = SERVICES.map((s) => ({ s, mb: resources[s].memoryMb }));
    const sum = limits.reduce((a, l) => a + l.mb, 0);
    const needed = sum + ENGINE_HEADROOM_MB;
    if (typeof info.MemTotal === "number" && info.MemTotal > 0) {
        const haveMb = Math.floor(info.MemTotal / 1024 / 1024);
        if (haveMb < needed) {
            const desktop =
                /docker desktop/i.test(info.OperatingSystem ?? "") || /desktop/i.test(endpoint?.source ?? "");
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
