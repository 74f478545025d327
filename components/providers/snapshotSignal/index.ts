/**
 * `SnapshotSignal`: declared re-snapshots (`cdc:connectors.snapshots`) delivered to the Debezium
 * MongoDB source as `execute-snapshot` signals (incremental) through its signal collection.
 * Each new id is sent once; an executed id never again; removing an id does nothing.
 */
import * as pulumi from "@pulumi/pulumi";
import { snapshotSignalProvider } from "./provider";
import { DEFAULT_SIGNAL_TIMEOUT_SECONDS } from "./signal";

export * from "./types";
export {
    SNAPSHOT_ID,
    DEFAULT_SIGNAL_TIMEOUT_SECONDS,
    normaliseSignalInputs,
    checkSignalInputs,
    signalDocument,
    dataCollections,
    pendingIds,
    diffSnapshotSignal,
    requestPath,
} from "./signal";
export type { SnapshotSignalDiff } from "./signal";
export { createSnapshotSignalProvider, snapshotSignalProvider, mongoSignalStore } from "./provider";
export type { SignalStore, SignalStoreFactory, SnapshotSignalProviderOptions } from "./provider";

/** Arguments of {@link SnapshotSignal}. */
export interface SnapshotSignalArgs {
    /**
     * MongoDB connection string as seen from the machine running Pulumi, allowed to insert into the signal collection.
     * Stored only as a secret.
     */
    connectionString: pulumi.Input<string>;
    /** The captured database (holds the signal collection). */
    database: pulumi.Input<string>;
    /** Signal collection, without the database: the source connector's `signal.data.collection`. */
    signalCollection: pulumi.Input<string>;
    /** Kafka Connect name of the source connector (for messages). */
    connectorName: pulumi.Input<string>;
    /** Requests: id → collection names in `database`, in order. */
    requests: pulumi.Input<Record<string, string[]>>;
    /** Deadline of each MongoDB operation, seconds. Default: DEFAULT_SIGNAL_TIMEOUT_SECONDS. */
    timeoutSeconds?: pulumi.Input<number>;
    /** PEM CA the MongoDB client trusts (the stack's CA on a TLS stack). */
    caPem?: pulumi.Input<string>;
}

/** The snapshot ledger (dynamic resource; type `pulumi-nodejs:dynamic/cdc:SnapshotSignal`). */
export class SnapshotSignal extends pulumi.dynamic.Resource {
    /** Every id executed so far, with its collections and when it was signalled. */
    declare public readonly executed: pulumi.Output<
        { id: string; dataCollections: string[]; signalledAt: string; outcome: string }[]
    >;

    constructor(name: string, args: SnapshotSignalArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            snapshotSignalProvider,
            name,
            {
                connectionString: pulumi.secret(args.connectionString),
                database: args.database,
                signalCollection: args.signalCollection,
                connectorName: args.connectorName,
                requests: args.requests,
                timeoutSeconds: args.timeoutSeconds ?? DEFAULT_SIGNAL_TIMEOUT_SECONDS,
                ...(args.caPem !== undefined ? { caPem: args.caPem } : {}),
                executed: undefined,
            },
            pulumi.mergeOptions(opts, { additionalSecretOutputs: ["connectionString"] }),
            "cdc",
            "SnapshotSignal",
        );
    }
}
