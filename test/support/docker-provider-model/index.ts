/**
 * A model of how the Pulumi docker provider (@pulumi/docker 5.x, which bridges
 * kreuzwerker/terraform-provider-docker v4.5.0) stores a `docker.Container`: what it sends to
 * Docker on create, what the Docker daemon adjusts, and what its read (run at the end of every
 * create) writes back into the state the next `pulumi up` diffs against. Written from the
 * provider's source (internal/provider/resource_docker_container*.go, helpers.go at v4.5.0) and
 * moby's daemon (daemon_unix.go: adaptContainerSettings, verifyPlatformContainerResources); the
 * Go formatting rules are ported in go.ts and checked against values Go printed
 * (test/fixtures/docker-provider/go-formatting.json).
 *
 * `roundTrip(inputs)` returns every input that would differ from the stored state, with whether
 * the provider replaces the container (ForceNew) or updates it. An input this model does not
 * know makes it throw: read the provider's source for that field and add it here first.
 */
import { goDurationString, nanoCpusToString, parseCpus, parseGoDuration } from "./go";

export { goDurationString, nanoCpusToString, parseCpus, parseGoDuration };

// ------------------------------------------------------------------------------------------
// The engine the container lands on

export interface EngineTraits {
    /** `docker info` SwapLimit: the kernel accounts swap per cgroup (cgroup v2 hosts, Docker Desktop). */
    swapLimit: boolean;
    /** `docker info` MemoryLimit: the memory controller is on. */
    memoryLimit: boolean;
}

export const ENGINES: Record<string, EngineTraits> = {
    "swap accounting (cgroup v2, Docker Desktop)": { swapLimit: true, memoryLimit: true },
    "no swap accounting (cgroup v1 without swapaccount=1)": { swapLimit: false, memoryLimit: true },
};

// ------------------------------------------------------------------------------------------
// The container resource

type Json = unknown;

interface Field {
    /** The provider (Terraform) attribute. */
    tf: string;
    /** Changing it replaces the container. */
    forceNew: boolean;
    /**
     * What the state holds after create + read, given the input (defaults applied): `kept` when the
     * read does not touch the attribute (the state keeps the input), else a function of the input.
     */
    readBack: "kept" | ((input: Json, all: Record<string, Json>, engine: EngineTraits) => Json);
    /** Default the provider fills in when the input is absent. */
    def?: Json;
}

const MIB = 1024n * 1024n;

/** Docker's stored MemorySwap (bytes) for the given inputs, after the daemon's adjustments. */
function storedMemorySwap(all: Record<string, Json>, engine: EngineTraits): bigint {
    let memory = BigInt((all.memory as number | undefined) ?? 0) * MIB;
    const input = (all.memorySwap as number | undefined) ?? 0;
    // Create: `if v, ok := d.GetOk("memory_swap")` — 0 is "not set"; > 0 is MiB; -1 stays.
    let swap = input > 0 ? BigInt(input) * MIB : BigInt(input);
    // verifyPlatformContainerResources, then adaptContainerSettings (daemon_unix.go).
    if (memory > 0n && !engine.memoryLimit) {
        memory = 0n;
        swap = -1n;
    }
    if (memory > 0n && swap !== -1n && !engine.swapLimit) swap = -1n;
    if (memory > 0n && swap === 0n) swap = memory * 2n;
    return swap;
}

const healthReadBack = (input: Json): Json => {
    const h = input as Record<string, Json>;
    const d = (k: string) => goDurationString(parseGoDuration(String(h[k] ?? "0s")));
    return {
        tests: h.tests,
        interval: d("interval"),
        timeout: d("timeout"),
        startPeriod: d("startPeriod"),
        startInterval: d("startInterval"),
        retries: h.retries ?? 0,
    };
};

/**
 * Every `docker.Container` input the stack uses, by its Pulumi name. Read-back rules are those of
 * resourceDockerContainerRead (v4.5.0); ForceNew from the schema in resource_docker_container.go.
 */
export const CONTAINER_FIELDS: Record<string, Field> = {
    // Read sets `image` to container.Image (the image id) when the input starts with sha256:.
    image: { tf: "image", forceNew: true, readBack: (v) => v },
    hostname: { tf: "hostname", forceNew: true, readBack: (v) => v },
    // Read sets `user` to container.Config.User: what was given (the pipeline exporter's "1000").
    user: { tf: "user", forceNew: true, readBack: (v) => v },
    command: { tf: "command", forceNew: true, readBack: (v) => v },
    // Read sets `entrypoint` to container.Config.Entrypoint: what was given.
    entrypoints: { tf: "entrypoint", forceNew: true, readBack: (v) => v },
    // `env`, `labels`, `upload`, `volumes`: the read does not set them ("taken over from the image").
    envs: { tf: "env", forceNew: true, readBack: "kept" },
    labels: { tf: "labels", forceNew: true, readBack: "kept" },
    uploads: { tf: "upload", forceNew: true, readBack: "kept" },
    volumes: { tf: "volumes", forceNew: true, readBack: "kept" },
    // Only set by the read when the state has none (import).
    networksAdvanced: { tf: "networks_advanced", forceNew: true, readBack: "kept" },
    // flattenContainerPorts: from NetworkSettings.Ports, sorted by internal port; HostIP as bound
    // (an empty ip is bound as 0.0.0.0 and, on IPv6 hosts, :: too). Read only while running or must_run.
    ports: {
        tf: "ports",
        forceNew: true,
        readBack: (v, all) => {
            if (all.mustRun === false) return v;
            const bound = (v as { internal: number; external: number; ip?: string; protocol?: string }[]).flatMap(
                (p) => {
                    const q = { ...p, protocol: p.protocol ?? "tcp" };
                    return p.ip
                        ? [q]
                        : [
                              { ...q, ip: "0.0.0.0" },
                              { ...q, ip: "::" },
                          ];
                },
            );
            return bound.sort((a, b) => a.internal - b.internal);
        },
    },
    ulimits: { tf: "ulimit", forceNew: true, readBack: (v) => v },
    healthcheck: { tf: "healthcheck", forceNew: false, readBack: healthReadBack },
    restart: { tf: "restart", forceNew: false, readBack: (v) => v, def: "no" },
    memory: { tf: "memory", forceNew: false, readBack: (v, _all, engine) => (engine.memoryLimit ? v : 0) },
    memorySwap: {
        tf: "memory_swap",
        forceNew: false,
        readBack: (_v, all, engine) => {
            const s = storedMemorySwap(all, engine);
            return Number(s > 0n ? s / MIB : s);
        },
    },
    // Only read back when NanoCPUs > 0.
    cpus: { tf: "cpus", forceNew: true, readBack: (v) => nanoCpusToString(parseCpus(String(v))) },
    // must_run: read sets it false when the container is not running; jobs set it false already,
    // services run (the test's premise: a healthy first up).
    mustRun: { tf: "must_run", forceNew: false, readBack: "kept", def: true },
    // Not read at all: state keeps the input.
    wait: { tf: "wait", forceNew: false, readBack: "kept", def: false },
    waitTimeout: { tf: "wait_timeout", forceNew: false, readBack: "kept", def: 60 },
    destroyGraceSeconds: { tf: "destroy_grace_seconds", forceNew: false, readBack: "kept" },
    attach: { tf: "attach", forceNew: false, readBack: "kept", def: false },
    logs: { tf: "logs", forceNew: false, readBack: "kept", def: false },
};

/**
 * Attributes the read sets although the stack gives no input for them, and the value it reads
 * for a container created without them: each equals the attribute's unset value (false, 0, "",
 * empty), which the provider (terraform-plugin-sdk v2) does not distinguish from "not set", or
 * the attribute is Computed, or has a DiffSuppressFunc. Listed to show they were checked.
 */
export const READ_BUT_UNSET_IS_EQUAL: Record<string, string> = {
    rm: "false (AutoRemove)",
    read_only: "false",
    domainname: '""',
    user: "DiffSuppressFunc treats an empty input as no change",
    working_dir: "DiffSuppressFunc treats an empty input as no change (images set WORKDIR)",
    entrypoint: "Computed (the image's)",
    dns: "empty",
    dns_opts: "empty",
    dns_search: "empty",
    security_opts: "Computed",
    publish_all_ports: "false",
    max_retry_count: "0",
    init: "Computed; created with false",
    runtime: "Computed",
    platform: "Computed",
    mounts: "empty (volumes are binds, not mounts)",
    tmpfs: "empty",
    host: "empty",
    privileged: "false",
    memory_reservation: "0 (Default 0)",
    shm_size: "Computed",
    cpu_shares: "0",
    cpu_set: '""',
    log_driver: "Computed",
    log_opts: "only read when set",
    storage_opts: "empty",
    network_mode: 'Default "bridge"; created as bridge, then attached to networks_advanced',
    userns_mode: '""',
    sysctls: "empty",
    ipc_mode: "Computed",
    group_add: "empty",
    tty: "false",
    stdin_open: "false",
    stop_signal: "Computed",
    stop_timeout: "Computed",
    exit_code: "Computed (output)",
    container_logs: "Computed (output)",
    network_data: "Computed (output)",
    bridge: "Computed (output)",
};

export interface Difference {
    input: string;
    /** What the next `up` would do about it. */
    action: "replace" | "update";
    given: Json;
    stored: Json;
}

/** Canonical JSON for comparing: object keys sorted; `sets` compared without order. */
function canon(v: Json, unordered = false): string {
    if (Array.isArray(v)) {
        const items = v.map((x) => canon(x));
        return `[${(unordered ? items.sort() : items).join(",")}]`;
    }
    if (v && typeof v === "object") {
        return `{${Object.keys(v as object)
            .sort()
            .filter((k) => (v as Record<string, Json>)[k] !== undefined)
            .map((k) => `${JSON.stringify(k)}:${canon((v as Record<string, Json>)[k])}`)
            .join(",")}}`;
    }
    return JSON.stringify(v);
}

/** Set-typed attributes (order does not matter). */
const SETS = new Set(["env", "labels", "upload", "volumes", "networks_advanced", "ulimit"]);

/** Defaults the provider fills into a healthcheck block. */
function withDefaults(name: string, v: Json): Json {
    if (name === "healthcheck" && v && typeof v === "object") {
        const h = v as Record<string, Json>;
        return {
            tests: h.tests,
            interval: h.interval ?? "0s",
            timeout: h.timeout ?? "0s",
            startPeriod: h.startPeriod ?? "0s",
            startInterval: h.startInterval ?? "0s",
            retries: h.retries ?? 0,
        };
    }
    return v;
}

/**
 * The inputs of one container (secrets already unwrapped) through create + read on `engine`, and
 * every input whose stored value differs: what a second `up` with unchanged config would change.
 */
export function roundTrip(inputs: Record<string, Json>, engine: EngineTraits): Difference[] {
    const unknown = Object.keys(inputs).filter((k) => !(k in CONTAINER_FIELDS) && k !== "name");
    if (unknown.length > 0)
        throw new Error(
            `inputs not modelled: ${unknown.join(", ")} — read how the provider reads them back, then add them to CONTAINER_FIELDS`,
        );
    const all: Record<string, Json> = {};
    for (const [k, f] of Object.entries(CONTAINER_FIELDS)) {
        const v = inputs[k] ?? f.def;
        if (v !== undefined) all[k] = withDefaults(k, v);
    }
    const diffs: Difference[] = [];
    for (const [k, f] of Object.entries(CONTAINER_FIELDS)) {
        // memory_swap is read back even when not given (Optional, not Computed): a stored value
        // against an absent input is a change.
        const given = all[k];
        if (given === undefined && k !== "memorySwap") continue;
        const stored = f.readBack === "kept" ? given : f.readBack(given, all, engine);
        if (given === undefined && (stored === undefined || stored === 0)) continue;
        if (canon(given, SETS.has(f.tf)) !== canon(stored, SETS.has(f.tf)))
            diffs.push({ input: k, action: f.forceNew ? "replace" : "update", given, stored });
    }
    return diffs;
}
