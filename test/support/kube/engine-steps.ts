/**
 * What the kubernetes engine test reads from the Pulumi engine's events, and how it rides out the
 * inline program's leftovers after a failed update (test/engine/stack-kubernetes.test.ts).
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { claimName } from "../../../components/platform/kubernetes/storage";

/**
 * A volume for every claim any step creates, of the size its first request has (as a provisioner
 * would make it): members 0–2 and the first broker at the first sizes, brokers 1–2 and members 3–4
 * at the grown sizes they are created with later; ClickHouse's replicas 1–2 and Keeper's members
 * (the replicated step, issue 26) at the sizes they are created with.
 */
export const VOLUMES: Record<string, string> = {
    ...Object.fromEntries([0, 1, 2].map((i) => [claimName("mongo", i), "10Gi"])),
    ...Object.fromEntries([3, 4].map((i) => [claimName("mongo", i), "15Gi"])),
    [claimName("kafka", 0)]: "20Gi",
    ...Object.fromEntries([1, 2].map((i) => [claimName("kafka", i), "30Gi"])),
    [claimName("clickhouse", 0)]: "50Gi",
    ...Object.fromEntries([1, 2].map((i) => [claimName("clickhouse", i), "60Gi"])),
    ...Object.fromEntries([0, 1, 2].map((i) => [claimName("clickhouse-keeper", i), "5Gi"])),
};

export const STS = "kubernetes:apps/v1:StatefulSet";
export const PVC_PATCH = "kubernetes:core/v1:PersistentVolumeClaimPatch";

/** The engine's step for each resource (by `<type>::<name>`) during one preview or update. */
export type Ops = Map<string, Set<string>>;
export function recorder(): { ops: Ops; onEvent: (e: EngineEvent) => void } {
    const ops: Ops = new Map();
    return {
        ops,
        onEvent: (e) => {
            const m = e.resourcePreEvent?.metadata;
            if (!m) return;
            const key = `${m.type}::${m.urn.split("::").pop()}`;
            if (!ops.has(key)) ops.set(key, new Set());
            ops.get(key)!.add(m.op);
        },
    };
}
export const opsOf = (ops: Ops, type: string, name: string) =>
    [...(ops.get(`${type}::${name}`) ?? new Set(["(no step)"]))].sort();
/** The steps of a replacement in the order the engine takes them (a Set keeps insertion order). */
export const replacementOrder = (ops: Ops, type: string, name: string) =>
    [...(ops.get(`${type}::${name}`) ?? [])].filter((op) => op !== "replace");
/**
 * Resources whose step is anything but `same`, as `type::name → ops`. Left out: the stack itself,
 * and the dynamic providers' default provider, which the engine hands the whole stack config (so
 * any config change "updates" it; it manages no object).
 */
export const changed = (ops: Ops) =>
    Object.fromEntries(
        [...ops]
            .filter(
                ([k, v]) =>
                    !k.startsWith("pulumi:pulumi:Stack") &&
                    k !== "pulumi:providers:pulumi-nodejs::default" &&
                    !(v.size === 1 && v.has("same")),
            )
            .map(([k, v]) => [k, [...v].sort()]),
    );

/** Polls `check` every 250 ms until it holds; fails naming `what` after `ms`. */
export async function waitUntil(what: string, ms: number, check: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + ms;
    while (!(await check())) {
        if (Date.now() > deadline) throw new Error(`${what}: not within ${ms / 1000} s`);
        await new Promise((r) => setTimeout(r, 250));
    }
}

/**
 * An update the engine stops on an error (the refused resize below) cancels the inline program's
 * registrations still in flight, which then reject in this process with "Resource monitor is
 * terminating" after the update has returned (a CLI-run program would simply exit). Those
 * rejections — that exact message only — are dropped from the moment such an update is started;
 * every other unhandled rejection still reaches node's test runner.
 */
const restoreRejections: Array<() => void> = [];
export function tolerateTerminatingMonitor(): void {
    if (restoreRejections.length) return;
    const runners = process.listeners("unhandledRejection");
    process.removeAllListeners("unhandledRejection");
    const filter = (reason: unknown, promise: Promise<unknown>) => {
        if (reason instanceof Error && reason.message === "Resource monitor is terminating") return;
        for (const l of runners) (l as (r: unknown, p: Promise<unknown>) => void)(reason, promise);
    };
    process.on("unhandledRejection", filter);
    restoreRejections.push(() => {
        process.removeListener("unhandledRejection", filter);
        for (const l of runners) process.on("unhandledRejection", l);
    });
}

/** Puts back the rejection listeners {@link tolerateTerminatingMonitor} replaced. */
export function restoreTerminatingMonitor(): void {
    restoreRejections.splice(0).forEach((r) => r());
}
