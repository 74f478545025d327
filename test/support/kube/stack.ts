/**
 * The stack's own program on the `kubernetes` platform, driven by the Automation API against a
 * real API server ({@link startKubeCluster}) with the real Pulumi kubernetes provider (built by
 * `build.ts`) — `index.ts`'s `buildStack(loadConfig())`, configured
 * through stack config as a user would. What differs, each because the service cannot exist here,
 * and only inside this harness (the product's code has no test switch for any of it):
 *
 * - **await**: no kubelet or scheduler runs, so no pod ever becomes ready and every readiness wait
 *   of @pulumi/kubernetes would time out. A stack transform ({@link skipAwaitTransform}) adds the
 *   provider's documented `pulumi.com/skipAwait: "true"` annotation to every kubernetes object:
 *   the provider then creates, updates, replaces and deletes exactly as it would, without waiting
 *   for pods (and without waiting for a deleted namespace to be emptied, which the test checks
 *   itself);
 * - **@pulumi/random**: its provider plugin (`github.com/pulumi/pulumi-random`) is not served by
 *   the Go module proxy, so `RandomPassword` / `RandomId` are replaced by stand-ins
 *   ({@link installRandomStandIns}) whose values are derived from the resource name — stable
 *   across updates, as the real ones are once created;
 * - **the CA**: the stack is given a test CA (`cdc:tls.ca`, bring your own CA) that also signed the
 *   chdb gateway's certificate, since ClickHouse serves only HTTPS with TLS on; the service
 *   certificates are still made by the stack's certificate provider, for real;
 * - **services behind the cluster**: `cdc:kubernetes.access` is `{ mode: url }` pointing at a chdb
 *   gateway (real ClickHouse SQL for the bronze tables) and a fake Kafka Connect REST worker
 *   (`test/support/fake-connect.ts`: the pods that would run Connect never start); dbt is
 *   disabled (`cdc:dbt.enabled=false`: its models need the change data no pod produces here). The
 *   stack reaches the gateway through the replicated stand-in (`replicated-standin.ts`), which passes
 *   the single node's statements through unchanged and maps the replicated shape's bronze DDL
 *   (`cdc:kubernetes.clickhouse.replicas` ≥ 2) onto what chdb runs (no Keeper, no DDL worker here);
 * - **volumes**: a StorageClass that allows expansion and pre-bound PersistentVolumes for the
 *   members' claims ({@link prepareStorage}), as a cluster's provisioner would supply, so that a
 *   claim resize is judged by the API server as on a cluster (only bound claims may grow).
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { LocalWorkspace, PulumiCommand, type ConfigMap, type Stack } from "@pulumi/pulumi/automation";
import { startChdbGateway, type ChdbGateway } from "../../../tools/chdb-gateway/index";
import { loadConfig } from "../../../components/config/load";
import { buildStack } from "../../../components/stack";
import { FakeConnect } from "../fake-connect";
import { makeTestCa, makeTestCert, writeKeyPair, type TestKeyPair } from "../tls-pki";
import { stopStarted, throwIfAnyFailed } from "../stack-checks";
import { ensurePulumiCli, isolatedPulumiEnv, pulumiCliRoot } from "../pulumi-cli";
import { kubeBinDir } from "./build";
import { startKubeCluster, type KubeApi, type KubeCluster } from "./cluster";
import { startReplicatedStandIn, type ReplicatedStandIn } from "./replicated-standin";

/** The StorageClass of the test's volumes. */
export const TEST_STORAGE_CLASS = "cdc-test-expandable";

/** Stand-in for a generated secret: 62-alphabet characters from sha256(name), stable per name. */
export function standInValue(name: string, length: number): string {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let out = "";
    for (let i = 0; out.length < length; i++) {
        for (const b of crypto.createHash("sha256").update(`${name}/${i}`).digest()) {
            if (out.length < length) out += alphabet[b % alphabet.length];
        }
    }
    return out;
}

let standInsInstalled = false;

/**
 * Replaces `@pulumi/random`'s RandomPassword and RandomId (what the kubernetes platform uses) by
 * components with stable values. @pulumi/random exports each class through a getter that reads
 * the class's own module, so the module's export is what is swapped.
 */
export function installRandomStandIns(): void {
    if (standInsInstalled) return;
    standInsInstalled = true;
    class RandomPassword extends pulumi.ComponentResource {
        readonly result: pulumi.Output<string>;
        constructor(name: string, args: { length: number }, opts?: pulumi.ComponentResourceOptions) {
            super("cdc-test:random:RandomPassword", name, {}, opts);
            this.result = pulumi.secret(standInValue(name, args.length));
            this.registerOutputs({});
        }
    }
    class RandomId extends pulumi.ComponentResource {
        readonly b64Url: pulumi.Output<string>;
        readonly hex: pulumi.Output<string>;
        constructor(name: string, args: { byteLength: number }, opts?: pulumi.ComponentResourceOptions) {
            super("cdc-test:random:RandomId", name, {}, opts);
            const bytes = crypto.createHash("sha256").update(name).digest().subarray(0, args.byteLength);
            this.b64Url = pulumi.output(bytes.toString("base64url"));
            this.hex = pulumi.output(bytes.toString("hex"));
            this.registerOutputs({});
        }
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require("@pulumi/random/randomPassword").RandomPassword = RandomPassword;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require("@pulumi/random/randomId").RandomId = RandomId;
}

/** The test-only await seam: `pulumi.com/skipAwait: "true"` on every kubernetes object. */
export const skipAwaitTransform: pulumi.ResourceTransform = (args) => {
    if (!args.type.startsWith("kubernetes:") || args.type.startsWith("pulumi:providers:")) return undefined;
    const metadata = (args.props.metadata ?? {}) as Record<string, unknown>;
    return {
        props: {
            ...args.props,
            metadata: pulumi.output(metadata).apply((m) => ({
                ...m,
                annotations: {
                    ...((m?.annotations as Record<string, string>) ?? {}),
                    "pulumi.com/skipAwait": "true",
                },
            })),
        },
        opts: args.opts,
    };
};

export interface KubeStackServices {
    cluster: KubeCluster;
    gateway: ChdbGateway;
    /** In front of the gateway: what the stack is given as ClickHouse's URL (replicated-standin.ts). */
    clickhouse: ReplicatedStandIn;
    connect: FakeConnect;
    pulumiBin: string;
    dir: string;
    /** The CA the stack is given (`cdc:tls.ca`), which also signed the gateway's certificate. */
    ca: TestKeyPair;
    stop(): Promise<void>;
}

/** The ClickHouse password the platform generates (as its stand-in): the gateway must accept it. */
export function clickhousePasswordFor(platformName = "cdc-kubernetes"): string {
    return standInValue(`${platformName}-clickhouse-password`, 32);
}

/** Starts the control plane, the gateway and the fake Connect worker side by side. */
export async function startKubeStackServices(log: (l: string) => void = () => {}): Promise<KubeStackServices> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cdc-stack-kube-"));
    for (const d of ["state", "home", "work"]) fs.mkdirSync(path.join(dir, d));
    const ca = makeTestCa("cdc-kube-test-ca", 365);
    const loopback = { hosts: ["127.0.0.1", "localhost"] };
    // Connect's REST API is HTTPS with basic auth with TLS on: the fake worker too, with the stand-in password.
    const connect = new FakeConnect({
        tls: makeTestCert(ca, { commonName: "connect", ...loopback }),
        auth: { user: "cdc", password: standInValue("cdc-kubernetes-connect-rest-password", 32) },
    });
    const gatewayFiles = writeKeyPair(dir, "gateway", makeTestCert(ca, { commonName: "clickhouse", ...loopback }));
    const gatewayTls = { certFile: gatewayFiles.cert, keyFile: gatewayFiles.key };
    // The backend's state holds the stack's secrets (stand-in values): gone with the process, whatever ends it.
    const removeDir = () => fs.rmSync(dir, { recursive: true, force: true });
    process.once("exit", removeDir);
    const settled = await Promise.allSettled([
        startKubeCluster({ log }),
        startChdbGateway({
            user: "cdc",
            password: clickhousePasswordFor(),
            log,
            // ClickHouse serves only HTTPS with TLS on: its certificate is signed by the CA the stack is given.
            tls: gatewayTls,
        }),
        connect.start(),
        ensurePulumiCli(),
    ] as const);
    const stop = stopStarted(settled, () => {
        removeDir();
        process.removeListener("exit", removeDir);
    }, [() => connect.close()]);
    await throwIfAnyFailed(settled, stop);
    const value = <T>(s: PromiseSettledResult<T>) => (s as PromiseFulfilledResult<T>).value;
    const gateway = value(settled[1]);
    let clickhouse: ReplicatedStandIn;
    try {
        clickhouse = await startReplicatedStandIn({
            upstream: gateway.url,
            ca: ca.certPem,
            serve: makeTestCert(ca, { commonName: "clickhouse", ...loopback }),
        });
    } catch (e) {
        await stop();
        throw e;
    }
    return {
        cluster: value(settled[0]),
        gateway,
        clickhouse,
        connect,
        pulumiBin: value(settled[3]),
        dir,
        ca,
        stop: async () => {
            await clickhouse.close();
            await stop();
        },
    };
}

/**
 * A StorageClass allowing expansion (no provisioner: volumes are given) and one PersistentVolume
 * pre-bound (claimRef) to each listed claim, of the listed capacity — the size a provisioner would
 * have made for the claim's first request. The volumes are never mounted: no kubelet runs.
 */
export async function prepareStorage(api: KubeApi, namespace: string, claims: Record<string, string>): Promise<void> {
    await api.create("/apis/storage.k8s.io/v1/storageclasses", {
        apiVersion: "storage.k8s.io/v1",
        kind: "StorageClass",
        metadata: { name: TEST_STORAGE_CLASS },
        provisioner: "kubernetes.io/no-provisioner",
        allowVolumeExpansion: true,
        volumeBindingMode: "Immediate",
    });
    for (const [claim, capacity] of Object.entries(claims)) {
        await api.create("/api/v1/persistentvolumes", {
            apiVersion: "v1",
            kind: "PersistentVolume",
            metadata: { name: `pv-${namespace}-${claim}` },
            spec: {
                capacity: { storage: capacity },
                accessModes: ["ReadWriteOnce"],
                storageClassName: TEST_STORAGE_CLASS,
                persistentVolumeReclaimPolicy: "Retain",
                claimRef: { namespace, name: claim },
                hostPath: { path: `/nonexistent/cdc-test/${claim}` },
            },
        });
    }
}

/** What the test varies between updates. */
export interface KubeStackSettings {
    namespace: string;
    members: number;
    brokers: number;
    storageGi: { mongo: number; kafka: number; clickhouse: number };
    /** `cdc:kubernetes.clickhouse.replicas` (absent: the default, 1) and with 2 or more its Keeper ensemble. */
    clickhouse?: { replicas: number; keeper: { replicas: number; storageGi: number } };
}

/**
 * Stack config as `pulumi config set` would hold it: the production shape with url access to this machine's stand-ins.
 */
export function kubeStackConfig(s: KubeStackServices, v: KubeStackSettings): ConfigMap {
    const json = (o: unknown) => ({ value: JSON.stringify(o) });
    return {
        "cdc:platform": { value: "kubernetes" },
        "cdc:kubernetes": json({
            namespace: v.namespace,
            storageClass: TEST_STORAGE_CLASS,
            mongo: { members: v.members, storageGi: v.storageGi.mongo },
            kafka: { brokers: v.brokers, storageGi: v.storageGi.kafka },
            connect: { replicas: 2 },
            clickhouse: { storageGi: v.storageGi.clickhouse, ...v.clickhouse },
            access: { mode: "url", connectUrl: s.connect.url, clickhouseUrl: s.clickhouse.url },
        }),
        "cdc:clickhouse": json({ user: "cdc", database: "default" }),
        // The fake worker never produces records; data-flow readiness is the lifecycle tier's subject.
        "cdc:connectors": json({ readyTimeoutSeconds: 30, readiness: "running" }),
        "cdc:bronze": json({ dropOnDestroy: true }),
        "cdc:dbt": json({ enabled: false }),
        // The stack signs its certificates with this CA (bring your own CA, set with --secret), which also
        // signed the gateway's: the host-side clients verify the gateway with the stack's CA.
        "cdc:tls": { value: JSON.stringify({ ca: { certPem: s.ca.certPem, keyPem: s.ca.keyPem } }), secret: true },
    };
}

/** Creates the stack with the inline program (index.ts's, plus the seams of the module comment) and sets its config. */
export async function createKubeStack(s: KubeStackServices, stackName: string, config: ConfigMap): Promise<Stack> {
    const stack = await LocalWorkspace.createOrSelectStack(
        {
            stackName,
            projectName: "cdc",
            program: async () => {
                installRandomStandIns();
                pulumi.runtime.registerResourceTransform(skipAwaitTransform);
                const out = buildStack(loadConfig());
                return {
                    bronzeTables: out.bronzeTables,
                    connectors: { source: out.connectors.source.name, sink: out.connectors.sink.name },
                    caCertificate: out.caCertificate,
                };
            },
        },
        {
            workDir: path.join(s.dir, "work"),
            pulumiCommand: await PulumiCommand.get({ root: pulumiCliRoot(s.pulumiBin), skipVersionCheck: true }),
            envVars: {
                ...isolatedPulumiEnv(s.dir),
                // The provider plugin built from Go modules, found on PATH (an "ambient" plugin).
                PATH: `${kubeBinDir()}${path.delimiter}${process.env.PATH ?? ""}`,
                KUBECONFIG: s.cluster.kubeconfig,
            },
        },
    );
    await stack.setAllConfig(config);
    return stack;
}
