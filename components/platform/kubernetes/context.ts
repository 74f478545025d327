/**
 * What every kubernetes builder needs, made once per platform: the namespace, the labels and
 * selectors of each role, and the helpers that write the parts every object of a role shares
 * (Secrets, Services, claims, pod templates, disruption budgets).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AntiAffinityMode, KubernetesSettings, PipelineSettings } from "../../config";
import { serviceExposure } from "./access";
import { claimResizes, claimTemplate, claimTemplateOptions } from "./storage";

/** The pipeline's services, each with a Service of its own. */
export type Role = "mongo" | "kafka" | "connect" | "clickhouse";
/** Roles with a StatefulSet: the services, and Keeper with replicated ClickHouse. */
export type SetRole = Role | "clickhouse-keeper";
type Labels = Record<string, string>;
type Annotations = Record<string, pulumi.Input<string>>;
type PodSpec = k8s.types.input.core.v1.PodSpec;
type Port = { name: string; port: number; nodePort?: number };

export interface KubernetesContext {
    /** The component's name: every resource is `<name>-<role>`. */
    name: string;
    child: { parent: pulumi.Resource };
    kubernetes: KubernetesSettings;
    pipeline: PipelineSettings;
    /** `cdc:monitoring.enabled`: ClickHouse serves `/metrics` and the monitoring workloads exist. */
    monitoring: boolean;
    /** `cdc:backup.enabled` with a `disk:` target: ClickHouse gets the backups disk on a claim of its own. */
    backupDisk: boolean;
    stack: string;
    namespace: k8s.core.v1.Namespace;
    /** The labels that select a role's pods. */
    select(role: string): Labels;
    /** Metadata of a role's object: in the namespace, labelled; auto-named unless `fixedName`. */
    meta(role: string, fixedName?: string): { name?: string; namespace: pulumi.Output<string>; labels: Labels };
    /** An Opaque Secret (`fixedName` inside the namespace, auto-named when undefined) holding `data`. */
    secret(
        role: string,
        fixedName: string | undefined,
        data: Record<string, pulumi.Output<string>>,
    ): k8s.core.v1.Secret;
    /** A headless Service: pods resolve before they are ready. */
    headless(role: SetRole, fixedName: string, ports: Port[]): k8s.core.v1.Service;
    /** The Service the machine running `pulumi up` reaches (`cdc:kubernetes.access`). */
    exposed(role: "connect" | "clickhouse", port: Port): k8s.core.v1.Service;
    /** A pod template of `role` with the settings every pod of the pipeline shares. */
    podTemplate(
        role: string,
        securityContext: k8s.types.input.core.v1.PodSecurityContext,
        spec: PodSpec,
        annotations?: Annotations,
    ): k8s.types.input.core.v1.PodTemplateSpec;
    /**
     * The StatefulSet `<name>-<role>` (object name `role`) governed by Service `serviceName`, each
     * pod keeping its data on a claim named `data` of `storageGi`. `parallel` starts all pods at
     * once (members that must find each other to form a cluster). Its claim template is never
     * updated; a `storageGi` change resizes each member's claim in place instead ({@link claimResizes}, storage.ts).
     */
    statefulSet(
        role: SetRole,
        o: {
            serviceName: pulumi.Input<string>;
            replicas: number;
            parallel: boolean;
            storageGi: number;
            securityContext: k8s.types.input.core.v1.PodSecurityContext;
            pod: PodSpec;
            /** Pod template annotations (a changed value rolls the pods, e.g. a renewed certificate's hash). */
            podAnnotations?: Annotations;
            /**
             * `persistentVolumeClaimRetentionPolicy` (on by default from Kubernetes 1.27, GA in 1.32); absent = the
             * API's default (Retain on both), as every StatefulSet of the single-node shape has it.
             */
            claimRetention?: { whenScaled: "Retain" | "Delete"; whenDeleted: "Retain" | "Delete" };
        },
    ): k8s.apps.v1.StatefulSet;
    /**
     * Pod anti-affinity keeping a role's pods on distinct nodes (`kubernetes.io/hostname`):
     * `required` (a pod stays Pending rather than share a node) or `preferred` (weight 100).
     */
    antiAffinity(role: SetRole, mode: AntiAffinityMode): k8s.types.input.core.v1.Affinity;
    /** A PodDisruptionBudget (one pod down at a time) when `replicas` > 1. */
    budget(role: SetRole, replicas: number): k8s.policy.v1.PodDisruptionBudget | undefined;
    /** The requested size of each StatefulSet member's data claim, one patch per member (storage.ts). */
    claimResizes: k8s.core.v1.PersistentVolumeClaimPatch[];
}

export function kubernetesContext(
    name: string,
    parent: pulumi.Resource,
    k: KubernetesSettings,
    p: PipelineSettings,
    monitoring = false,
    backupDisk = false,
): KubernetesContext {
    const child = { parent };
    const stack = pulumi.getStack();
    const common = {
        "app.kubernetes.io/part-of": "cdc-pipeline",
        "app.kubernetes.io/managed-by": "pulumi",
        "cdc.pulumi/stack": stack,
    };
    const namespace = new k8s.core.v1.Namespace(
        `${name}-ns`,
        { metadata: { name: k.namespace, labels: common } },
        child,
    );
    const select = (role: string) => ({ "app.kubernetes.io/name": role, "app.kubernetes.io/instance": `cdc-${stack}` });
    const meta = (role: string, fixedName?: string) => ({
        name: fixedName,
        namespace: namespace.metadata.name,
        labels: { ...common, ...select(role) },
    });
    const service = (
        role: SetRole,
        fixedName: string,
        ports: Port[],
        extra: Record<string, unknown>,
        annotations?: Labels,
        opts: pulumi.CustomResourceOptions = {},
    ) =>
        new k8s.core.v1.Service(
            `${name}-${fixedName}-svc`,
            {
                metadata: { ...meta(role, fixedName), annotations },
                spec: { selector: select(role), ports: ports.map((x) => ({ ...x, targetPort: x.port })), ...extra },
            },
            { ...child, ...opts },
        );
    const resizes: k8s.core.v1.PersistentVolumeClaimPatch[] = [];
    const podTemplate = (
        role: string,
        securityContext: k8s.types.input.core.v1.PodSecurityContext,
        spec: PodSpec,
        annotations?: Annotations,
    ) => ({
        metadata: { labels: { ...common, ...select(role) }, ...(annotations ? { annotations } : {}) },
        // No service-link variables: Debezium's image turns every CONNECT_* into a worker
        // property, and a Service named `connect` would inject CONNECT_PORT & co. Off for every pod.
        spec: { enableServiceLinks: false, securityContext, ...spec },
    });
    return {
        name,
        child,
        kubernetes: k,
        pipeline: p,
        monitoring,
        backupDisk,
        stack,
        namespace,
        select,
        meta,
        secret: (role, fixedName, data) =>
            new k8s.core.v1.Secret(
                `${name}-${role}`,
                { metadata: meta(role, fixedName), type: "Opaque", stringData: data },
                child,
            ),
        // Replica set members and KRaft voters find each other while starting.
        headless: (role, fixedName, ports) =>
            service(role, fixedName, ports, { clusterIP: "None", publishNotReadyAddresses: true }),
        exposed: (role, port) => {
            const x = serviceExposure(k.access, role);
            // A non-headless Service is awaited until it has ready endpoints (and a load-balancer
            // address); its pods start in parallel with Kafka and the plugin download, so allow time.
            return service(
                role,
                role,
                [{ ...port, nodePort: x.nodePort }],
                { type: x.type, loadBalancerSourceRanges: x.loadBalancerSourceRanges },
                x.annotations,
                {
                    customTimeouts: { create: "30m", update: "30m" },
                },
            );
        },
        podTemplate,
        statefulSet: (role, o) => {
            const set = new k8s.apps.v1.StatefulSet(
                `${name}-${role}`,
                {
                    metadata: meta(role, role),
                    spec: {
                        serviceName: o.serviceName,
                        replicas: o.replicas,
                        ...(o.parallel ? { podManagementPolicy: "Parallel" } : {}),
                        selector: { matchLabels: select(role) },
                        template: podTemplate(role, o.securityContext, o.pod, o.podAnnotations),
                        volumeClaimTemplates: [claimTemplate(o.storageGi, k.storageClass)],
                        ...(o.claimRetention ? { persistentVolumeClaimRetentionPolicy: o.claimRetention } : {}),
                    },
                },
                { ...child, ...claimTemplateOptions },
            );
            const labels = { ...common, ...select(role) };
            resizes.push(
                ...claimResizes(
                    name,
                    {
                        statefulSet: set,
                        statefulSetName: role,
                        namespace: namespace.metadata.name,
                        labels,
                        replicas: o.replicas,
                        sizeGi: o.storageGi,
                        storageClass: k.storageClass,
                    },
                    child,
                ),
            );
            return set;
        },
        antiAffinity: (role, mode) => {
            const term = { labelSelector: { matchLabels: select(role) }, topologyKey: "kubernetes.io/hostname" };
            return {
                podAntiAffinity:
                    mode === "required"
                        ? { requiredDuringSchedulingIgnoredDuringExecution: [term] }
                        : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] },
            };
        },
        budget: (role, replicas) =>
            replicas > 1
                ? new k8s.policy.v1.PodDisruptionBudget(
                      `${name}-${role}-pdb`,
                      {
                          metadata: meta(role, role),
                          spec: { maxUnavailable: 1, selector: { matchLabels: select(role) } },
                      },
                      child,
                  )
                : undefined,
        claimResizes: resizes,
    };
}
