/**
 * Shared by the SnapshotSignal unit tests (test/unit/snapshot-signal*.test.ts): the inputs of a
 * stack's signal resource, and a fake signal collection standing in for MongoDB.
 */
import type { SignalStore, SignalStoreFactory, SnapshotSignalInputs } from "../../components/providers/snapshotSignal";

/** A connection string whose password (`s3cr/t`) must never show in a message. */
export const SECRET = "mongodb://admin:s3cr%2Ft@127.0.0.1:27017/?replicaSet=rs0";

export function inputs(
    requests: Record<string, string[]>,
    extra: Partial<SnapshotSignalInputs> = {},
): SnapshotSignalInputs {
    return {
        connectionString: SECRET,
        database: "ecom",
        signalCollection: "cdc_signal_dev",
        connectorName: "dev-mongo-source",
        requests,
        timeoutSeconds: 5,
        ...extra,
    };
}

/** A fake signal collection: documents by _id; optional failure or hang on the insert of one id. */
export function fakeStore(opts: { failOn?: string; hangOn?: string; existing?: string[] } = {}) {
    const docs = new Map<string, { _id: string; type: string; data: string }>();
    for (const id of opts.existing ?? []) docs.set(id, { _id: id, type: "execute-snapshot", data: "{}" });
    const opened: { connectionString: string; database: string; collection: string; timeoutMs: number }[] = [];
    let closed = 0;
    const factory: SignalStoreFactory = async (c) => {
        opened.push(c);
        const store: SignalStore = {
            async insert(doc) {
                if (doc._id === opts.failOn) throw new Error(`connection to ${c.connectionString} reset`);
                if (doc._id === opts.hangOn) return new Promise<"inserted">(() => undefined);
                if (docs.has(doc._id)) return "exists";
                docs.set(doc._id, doc);
                return "inserted";
            },
            async close() {
                closed++;
            },
        };
        return store;
    };
    return { docs, opened, factory, closedCount: () => closed };
}

/** Provider options: no log lines, a fixed clock. */
export const quiet = { log: () => undefined, now: () => new Date("2026-11-29T12:00:00Z") };
