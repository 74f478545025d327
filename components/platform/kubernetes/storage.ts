/**
 * Data volumes of the StatefulSets, and how a `cdc:kubernetes.<service>.storageGi` change reaches
 * them.
 *
 * A StatefulSet's `volumeClaimTemplates` cannot be updated (the API server refuses: "updates to
 * statefulset spec for fields other than 'replicas', 'ordinals', 'template', …"), so
 * @pulumi/kubernetes would replace the whole StatefulSet — every pod of the quorum stops at once
 * — and the claims, which the StatefulSet leaves behind, would keep their old size anyway. So:
 *
 * - each StatefulSet ignores changes to `spec.volumeClaimTemplates` ({@link claimTemplateOptions}):
 *   the template keeps the size the set was created with and a storage change never touches the
 *   StatefulSet or its pods;
 * - one `PersistentVolumeClaimPatch` per member ({@link claimResizes}) sets the claim's requested
 *   size (`data-<statefulset>-<ordinal>`, the names the StatefulSet controller gives them). On a
 *   StorageClass with `allowVolumeExpansion: true` the volume grows in place (online for CSI
 *   drivers that support it); elsewhere the API server refuses the patch with its own message, and
 *   nothing else has changed. Shrinking is refused by the API server too (a claim never shrinks).
 *
 * The patch carries the template's access mode and class as well, so that for a member whose claim
 * does not exist yet (a new ordinal) it creates exactly the claim the StatefulSet would, at the new
 * size. It forces ownership of those fields (`pulumi.com/patchForce`): the claim was created by the
 * StatefulSet controller, which owns them.
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/** Name of the claim template (and volume) of every StatefulSet here. */
export const DATA_CLAIM = "data";

/** The claim template: `sizeGi` is the size new sets are created with. */
export function claimTemplate(sizeGi: number, storageClass: string | undefined) {
    return {
        metadata: { name: DATA_CLAIM },
        spec: {
            accessModes: ["ReadWriteOnce"],
            storageClassName: storageClass,
            resources: { requests: { storage: `${sizeGi}Gi` } },
        },
    };
}

/** Resource options of a StatefulSet with a claim template: its template is never updated (see the module comment). */
export const claimTemplateOptions: pulumi.CustomResourceOptions = { ignoreChanges: ["spec.volumeClaimTemplates"] };

/** Name of the claim of member `ordinal` of StatefulSet `statefulSet`. */
export function claimName(statefulSet: string, ordinal: number): string {
    return `${DATA_CLAIM}-${statefulSet}-${ordinal}`;
}

/**
 * The requested size of each member's claim, as `PersistentVolumeClaimPatch` resources named
 * `<name>-<statefulSet>-data-<ordinal>`, each after the StatefulSet (whose readiness wait means
 * the claims exist and are bound).
 */
export function claimResizes(
    name: string,
    o: {
        statefulSet: k8s.apps.v1.StatefulSet;
        statefulSetName: string;
        namespace: pulumi.Input<string>;
        labels: Record<string, string>;
        replicas: number;
        sizeGi: number;
        storageClass: string | undefined;
    },
    opts: pulumi.CustomResourceOptions,
): k8s.core.v1.PersistentVolumeClaimPatch[] {
    const t = claimTemplate(o.sizeGi, o.storageClass);
    return Array.from(
        { length: o.replicas },
        (_, i) =>
            new k8s.core.v1.PersistentVolumeClaimPatch(
                `${name}-${o.statefulSetName}-${DATA_CLAIM}-${i}`,
                {
                    metadata: {
                        name: claimName(o.statefulSetName, i),
                        namespace: o.namespace,
                        labels: o.labels,
                        annotations: { "pulumi.com/patchForce": "true" },
                    },
                    spec: t.spec,
                },
                // Deleting a patch (destroy, fewer members) leaves the claim as it is: the patch owns the
                // claim's required size field, which the API server will not let it give up, and a
                // StatefulSet's claims outlive it anyway (the namespace's deletion removes them).
                { ...opts, dependsOn: [o.statefulSet], retainOnDelete: true },
            ),
    );
}
