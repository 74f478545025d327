/**
 * Readers for Kubernetes objects recorded under mocks: pod spec, containers, env and claim
 * templates of a workload, whatever its kind (StatefulSet, Deployment, Job).
 */
import type { MockedResource } from "./mocks";

/** The parts of a container spec the tests read. */
export interface Container {
    name: string;
    image: string;
    command: string[];
    env?: {
        name: string;
        value?: string;
        valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } };
    }[];
    volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
    readinessProbe?: { exec?: { command: string[] } };
    livenessProbe?: unknown;
    resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

/** The parts of a pod spec the tests read. */
export interface PodSpec {
    containers: Container[];
    initContainers?: Container[];
    volumes?: { name: string; emptyDir?: unknown; secret?: unknown }[];
    securityContext?: unknown;
    enableServiceLinks?: boolean;
}

/** The pod template's spec of a workload (undefined for other objects). */
export function podSpec(r: MockedResource): PodSpec {
    const spec = r.inputs.spec as { template?: { spec: PodSpec } } | undefined;
    if (!spec?.template) throw new Error(`${r.name} (${r.type}) has no pod template`);
    return spec.template.spec;
}

/** Containers of a workload (with init containers when `withInit`); [] for non-workloads. */
export function containers(r: MockedResource, withInit = false): Container[] {
    const spec = (r.inputs.spec as { template?: { spec: PodSpec } } | undefined)?.template?.spec;
    if (!spec) return [];
    return [...spec.containers, ...(withInit ? (spec.initContainers ?? []) : [])];
}

/** A container's env by name. */
export function env(c: Container): Record<string, NonNullable<Container["env"]>[number]> {
    return Object.fromEntries((c.env ?? []).map((e) => [e.name, e]));
}

/** A StatefulSet's volumeClaimTemplates. */
export function volumeClaims(
    r: MockedResource,
): { metadata: { name: string }; spec: { storageClassName?: string; resources: { requests: { storage: string } } } }[] {
    return ((r.inputs.spec as { volumeClaimTemplates?: unknown[] }).volumeClaimTemplates ?? []) as never;
}
