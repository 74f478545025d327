/**
 * Plain-value inputs and outputs of the `SnapshotSignal` dynamic resource (what Pulumi stores),
 * separate from the `pulumi.Input` args of the resource class.
 */

/** Resolved inputs. */
export interface SnapshotSignalInputs {
    /**
     * MongoDB connection string as seen from the machine running Pulumi, allowed to insert into the signal collection.
     * Secret.
     */
    connectionString: string;
    /** The captured database, which holds the signal collection. */
    database: string;
    /** The source connector's `signal.data.collection`, without the database (e.g. `cdc_signal_dev`). */
    signalCollection: string;
    /** Kafka Connect name of the source connector the signals are for (shown in messages). */
    connectorName: string;
    /** Requested snapshots: id → collection names (in `database`), in the order given. */
    requests: Record<string, string[]>;
    /** Deadline of each MongoDB operation (connect, insert), in seconds. */
    timeoutSeconds: number;
    /** PEM CA the MongoDB client trusts (the stack's CA on a TLS stack); absent: the system's. */
    caPem?: string;
}

/** A request that has been delivered to the signal collection. */
export interface ExecutedSnapshot {
    id: string;
    /** Fully qualified `db.collection` names the signal asked for. */
    dataCollections: string[];
    /** When this stack delivered it (ISO 8601), or when it found it already delivered. */
    signalledAt: string;
    /** `sent`: inserted by this update; `found`: the signal collection already held this id. */
    outcome: "sent" | "found";
}

/** Stored outputs: the inputs plus every id ever executed (an executed id is never sent again). */
export interface SnapshotSignalOutputs extends SnapshotSignalInputs {
    executed: ExecutedSnapshot[];
}
