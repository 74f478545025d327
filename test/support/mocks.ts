/**
 * Runs the Pulumi program under `pulumi.runtime.setMocks` and records every resource with its
 * inputs (secrets still wrapped, so tests can tell secret from plain) and its direct
 * dependencies. One program per process: node's test runner isolates test files.
 */
import * as pulumi from "@pulumi/pulumi";

export interface MockedResource {
    type: string;
    name: string;
    urn: string;
    /** Inputs as the engine received them; secrets are `{ [SIG]: SECRET_SIG, value }` objects. */
    inputs: Record<string, unknown>;
    /** URNs of direct dependencies (explicit dependsOn and those implied by inputs). */
    deps: string[];
    /** URN of the parent resource ("" for the stack's own children). */
    parent: string;
    /** Resource options the engine receives that change how it treats the resource (only those set). */
    options: Record<string, unknown>;
}

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** True for a value the engine received as a secret. */
export function isSecretValue(v: unknown): boolean {
    return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** Whether any part of `v` is a secret (the engine then hides the whole property in a preview). */
export function containsSecret(v: unknown): boolean {
    return isSecretValue(v) || (typeof v === "object" && v !== null && Object.values(v).some(containsSecret));
}

/** `v` as the provider receives it: every secret unwrapped. */
export function unwrapSecrets(v: unknown): unknown {
    if (isSecretValue(v)) return unwrapSecrets((v as { value: unknown }).value);
    if (Array.isArray(v)) return v.map(unwrapSecrets);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrapSecrets(x)]));
    return v;
}

/** The value inside a secret (for asserting on it in tests), or `v` itself when it is not one. */
export function unwrapSecret<T = unknown>(v: unknown): T {
    return (isSecretValue(v) ? (v as { value: unknown }).value : v) as T;
}

/** Every string leaf of `v` that is NOT inside a secret, with its path. */
export function plainStrings(v: unknown, path = ""): { path: string; value: string }[] {
    if (isSecretValue(v)) return [];
    if (typeof v === "string") return [{ path, value: v }];
    if (Array.isArray(v)) return v.flatMap((x, i) => plainStrings(x, `${path}[${i}]`));
    if (typeof v === "object" && v !== null)
        return Object.entries(v).flatMap(([k, x]) => plainStrings(x, path ? `${path}.${k}` : k));
    return [];
}

/** Generated passwords are this prefix + the resource name under mocks, so leaks are findable. */
export const MOCK_SECRET_PREFIX = "MOCKPW";

/** A proxy with credentials, as scripts/preflight.ts hands it to the docker program. */
export const MOCK_FETCHER_PROXY = `http://ada:${MOCK_SECRET_PREFIX}-proxy@proxy.corp:3128`;
/** The `CDC_FETCHER_*` environment with {@link MOCK_FETCHER_PROXY}. */
export const MOCK_FETCHER_ENV: Record<string, string> = {
    CDC_FETCHER_HTTPS_PROXY: MOCK_FETCHER_PROXY,
    CDC_FETCHER_NO_PROXY: "localhost,.corp",
};

/** Runs `fn` with `env` added to process.env, and takes it out again afterwards. */
export async function withEnv<T>(env: Record<string, string>, fn: () => Promise<T>): Promise<T> {
    Object.assign(process.env, env);
    try {
        return await fn();
    } finally {
        for (const k of Object.keys(env)) delete process.env[k];
    }
}

/** Outputs the mocks give each resource type beyond its inputs. */
function mockState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
    switch (type) {
        case "random:index/randomPassword:RandomPassword":
            // The engine marks `result` secret (additionalSecretOutputs); mocks must do it by hand.
            return { ...inputs, result: { [SIG_KEY]: SECRET_SIG, value: `${MOCK_SECRET_PREFIX}-${name}` } };
        case "random:index/randomId:RandomId":
            return { ...inputs, b64Url: "AAAAAAAAAAAAAAAAAAAAAA", hex: "00" };
        case "docker:index/remoteImage:RemoteImage":
            return { ...inputs, imageId: `sha256:${name}`, repoDigest: `${inputs.name}@sha256:0` };
        case "docker:index/container:Container":
            return { ...inputs, exitCode: 0, containerLogs: "" };
        case "docker:index/network:Network":
        case "docker:index/volume:Volume":
            return { ...inputs, name: `${name}-physical` };
        case "pulumi-nodejs:dynamic/cdc:CertificateAuthority":
        case "pulumi-nodejs:dynamic/cdc:ServiceCertificate":
            return { ...inputs, ...certificateState(name) };
        default:
            if (type.startsWith("kubernetes:")) return kubernetesState(type, name, inputs);
            if (type.startsWith("pulumi-nodejs:dynamic"))
                return { ...inputs, state: "RUNNING", taskStates: ["RUNNING"], summary: { modelsBuilt: 0 } };
            return { ...inputs };
    }
}

/**
 * The certificate providers' outputs: public PEMs in plain, keys, keystores and the store password
 * secret-marked and carrying MOCK_SECRET_PREFIX, so a leak of any into a plain input is caught.
 */
function certificateState(name: string): Record<string, unknown> {
    const secret = (what: string) => ({ [SIG_KEY]: SECRET_SIG, value: `${MOCK_SECRET_PREFIX}-${name}-${what}` });
    return {
        certPem: `-----BEGIN CERTIFICATE-----\nMOCK ${name}\n-----END CERTIFICATE-----\n`,
        keyPem: secret("key"),
        keystoreP12Base64: secret("keystore"),
        truststoreP12Base64: `MOCK-TRUSTSTORE-${name}`,
        storePassword: secret("store-password"),
        notAfter: "2027-03-07T12:00:00.000Z",
    };
}

/** Addresses a LoadBalancer Service gets under mocks (TEST-NET-3, never routable). */
export const MOCK_LOAD_BALANCER_IP = "203.0.113.10";

/** Kubernetes objects: auto-names like the provider does, and a LoadBalancer ingress address. */
function kubernetesState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
    const metadata = { ...((inputs.metadata as Record<string, unknown> | undefined) ?? {}) };
    if (metadata.name === undefined) metadata.name = `${name}-physical`;
    const state: Record<string, unknown> = { ...inputs, metadata };
    const spec = inputs.spec as { type?: string } | undefined;
    if (type === "kubernetes:core/v1:Service" && spec?.type === "LoadBalancer")
        state.status = { loadBalancer: { ingress: [{ ip: MOCK_LOAD_BALANCER_IP }] } };
    return state;
}

/** The options of a registration request that are set (defaults left out), by their option names. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function resourceOptions(req: any): Record<string, unknown> {
    const timeouts = req.getCustomtimeouts();
    const all: Record<string, unknown> = {
        protect: req.getProtect() || undefined,
        retainOnDelete: req.getRetainondelete() || undefined,
        deleteBeforeReplace: req.getDeletebeforereplace() || undefined,
        ignoreChanges: req.getIgnorechangesList(),
        replaceOnChanges: req.getReplaceonchangesList(),
        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
        customTimeouts: timeouts
            ? Object.fromEntries(
                  Object.entries({
                      create: timeouts.getCreate(),
                      update: timeouts.getUpdate(),
                      delete: timeouts.getDelete(),
                  }).filter(([, v]) => v),
              )
            : undefined,
        deletedWith: req.getDeletedwith() || undefined,
        aliases:
            req.getAliasesList().length > 0
                ? req.getAliasesList().map((a: { toObject(): unknown }) => a.toObject())
                : undefined,
    };
    return Object.fromEntries(
        Object.entries(all).filter(
            ([, v]) =>
                v !== undefined &&
                !(Array.isArray(v) && v.length === 0) &&
                !(typeof v === "object" && v !== null && Object.keys(v).length === 0),
        ),
    );
}

export interface MockRun {
    resources: MockedResource[];
    /** Resolve a stack output (and whether it is secret). */
    output<T>(o: pulumi.Output<T>): Promise<{ value: T; secret: boolean }>;
    byName(suffix: string): MockedResource;
    /** Transitive dependencies of a resource, as resource names. */
    dependsOn(name: string): Set<string>;
}

/**
 * Sets `config` (full keys like `cdc:platform`), installs mocks, runs `load()` (which imports the
 * program) and waits until registrations settle. `secretKeys` are the config keys set as
 * secrets (`pulumi config set --secret`).
 */
/** Every resource registered in this process, also when the program throws. */
export const recorded: MockedResource[] = [];

/**
 * Waits until every registration the program started has reached the mocks: the SDK's RPC queue
 * is drained (`waitForRPCs`, exported by the SDK as internal) and the set of registered
 * resources stops growing — a fixed sleep was not enough on a loaded CI machine, where slow
 * inputs (bundles, asset hashes) left workloads recorded with no inputs yet. Bounded: after
 * SETTLE_DEADLINE_MS it fails naming the resources still waiting.
 */
const SETTLE_DEADLINE_MS = 120_000;
async function settle(resources: MockedResource[]): Promise<void> {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const waitForRPCs: () => Promise<void> = (pulumi.runtime as any).waitForRPCs;
    const deadline = Date.now() + SETTLE_DEADLINE_MS;
    let seen = -1;
    let stableRounds = 0;
    while (stableRounds < 3) {
        if (Date.now() > deadline) {
            const waiting = resources.filter((r) => !inputsArrived.has(r)).map((r) => r.name);
            throw new Error(
                `mocked program did not settle within ${SETTLE_DEADLINE_MS} ms; waiting for: ${waiting.join(", ") || "(none)"}`,
            );
        }
        if (typeof waitForRPCs === "function") await waitForRPCs();
        for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
        await new Promise((r) => setTimeout(r, 50));
        const pending = resources.some((r) => !inputsArrived.has(r));
        if (!pending && resources.length === seen) stableRounds++;
        else stableRounds = 0;
        seen = resources.length;
    }
}
/** Records whose inputs reached the mocks' newResource (or read). */
const inputsArrived = new WeakSet<MockedResource>();

export async function runUnderMocks<P>(
    config: Record<string, string>,
    load: () => Promise<P>,
    secretKeys: string[] = [],
): Promise<MockRun & { program: P }> {
    const resources = recorded;
    const project = "cdc";
    const stack = "test";
    pulumi.runtime.setAllConfig(config, secretKeys);
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                const name = args.name;
                return { id: `${name}-id`, state: mockState(args.type, name, args.inputs) };
            },
            call: (args) => args.inputs,
        },
        project,
        stack,
        false,
    );
    // Record dependencies as the engine sees them.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const monitor: any = (pulumi.runtime as any).getMonitor();
    const original = monitor.registerResource.bind(monitor);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    monitor.registerResource = (req: any, cb: any) => {
        const type = req.getType();
        const name = req.getName();
        const urn = `urn:pulumi:${stack}::${project}::${type}::${name}`;
        const rec: MockedResource = {
            type,
            name,
            urn,
            inputs: {},
            deps: req.getDependenciesList(),
            parent: req.getParent(),
            options: resourceOptions(req),
        };
        resources.push(rec);
        original(req, (err: unknown, resp: { getUrn(): string } | undefined) => {
            if (resp) rec.urn = resp.getUrn();
            cb(err, resp);
        });
    };
    const origNew = monitor.mocks.newResource.bind(monitor.mocks);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    monitor.mocks.newResource = (args: any) => {
        const rec = [...resources].reverse().find((r) => r.name === args.name && r.type === args.type);
        if (rec) {
            rec.inputs = args.inputs;
            inputsArrived.add(rec);
        }
        return origNew(args);
    };
    const program = await load();
    await settle(resources);

    const run: MockRun = {
        resources,
        async output<T>(o: pulumi.Output<T>) {
            const value = await new Promise<T>((resolve) => o.apply((v) => resolve(v as T)));
            return { value, secret: await pulumi.isSecret(o) };
        },
        byName(suffix: string) {
            const found = resources.filter((r) => r.name === suffix || r.name.endsWith(`-${suffix}`));
            if (found.length !== 1)
                throw new Error(
                    `expected one resource named *-${suffix}, found ${found.map((r) => r.name).join(", ") || "none"}`,
                );
            return found[0];
        },
        dependsOn(name: string) {
            const byUrn = new Map(resources.map((r) => [r.urn, r]));
            const seen = new Set<string>();
            const stackOf = (r: MockedResource) =>
                r.deps.map((u) => byUrn.get(u)).filter((x): x is MockedResource => !!x);
            const start = resources.find((r) => r.name === name);
            if (!start) throw new Error(`no resource ${name}`);
            const todo = [...stackOf(start)];
            while (todo.length) {
                const r = todo.pop()!;
                if (seen.has(r.name)) continue;
                seen.add(r.name);
                todo.push(...stackOf(r));
            }
            return seen;
        },
    };
    return { ...run, program };
}
