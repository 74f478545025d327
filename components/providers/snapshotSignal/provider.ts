/**
 * The snapshot-signal dynamic provider: for each new request id it inserts one
 * `execute-snapshot` document into the source connector's signal collection (Debezium's
 * "source" signal channel), and records the id so it is never sent again.
 *
 * Built from plain options only, the MongoDB driver required inside the method that uses it, so
 * the provider survives `pulumi.runtime.serializeFunction` (the driver is not serialised with
 * it: it is loaded from the project's node_modules when a signal is actually sent).
 */
import type * as pulumi from "@pulumi/pulumi";
import { withPlainErrors } from "../shared/errors";
import { maskSecrets, secretValuesOf } from "../shared/mask";
import { describeTlsError, STACK_CA_FIX } from "../shared/tlsErrors";
import { containsUnknown, isUnknown } from "../shared/unknown";
import {
    checkSignalInputs,
    dataCollections,
    diffSnapshotSignal,
    executedOf,
    mongoHostsOf,
    normaliseSignalInputs,
    pendingIds,
    signalDocument,
    type SnapshotSignalDiff,
} from "./signal";
import type { ExecutedSnapshot, SnapshotSignalInputs, SnapshotSignalOutputs } from "./types";

/** Where signals are written: one insert per request; `exists` when that `_id` is already there. */
export interface SignalStore {
    insert(doc: { _id: string; type: string; data: string }): Promise<"inserted" | "exists">;
    close(): Promise<void>;
}

/** Opens a {@link SignalStore} on `database.collection` with every operation bounded by `timeoutMs`. */
export type SignalStoreFactory = (c: {
    connectionString: string;
    database: string;
    collection: string;
    timeoutMs: number;
    /** PEM CA to trust (TLS stacks). */
    caPem?: string;
}) => Promise<SignalStore>;

/** Tuning of the provider. */
export interface SnapshotSignalProviderOptions {
    /** Opens the store (tests plug a fake here). Default: the `mongodb` driver. */
    storeFactory?: SignalStoreFactory;
    /** Where progress lines go. Default: stderr, which Pulumi shows with the resource. */
    log?: (line: string) => void;
    /** Clock for `signalledAt`, for tests. */
    now?: () => Date;
}

/** The default store: the `mongodb` driver, every step bounded by `timeoutMs`. */
export const mongoSignalStore: SignalStoreFactory = async (c) => {
    // Required here, not at module level: nothing live is captured by the serialised provider.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { MongoClient } = require("mongodb") as typeof import("mongodb");
    const client = new MongoClient(c.connectionString, {
        serverSelectionTimeoutMS: c.timeoutMs,
        connectTimeoutMS: c.timeoutMs,
        socketTimeoutMS: c.timeoutMs,
        // One attempt per call: the caller reports and `pulumi up` retries (the insert is idempotent by _id).
        retryWrites: false,
        // The stack's CA alone, when given (the connection string carries tls=true).
        ...(c.caPem ? { ca: c.caPem } : {}),
        // Errors reach the user through our (masked) message only.
        monitorCommands: false,
    });
    await client.connect();
    const coll = client.db(c.database).collection<{ _id: string; type: string; data: string }>(c.collection);
    return {
        async insert(doc) {
            try {
                await coll.insertOne(doc, { maxTimeMS: c.timeoutMs } as object);
                return "inserted";
            } catch (e) {
                if ((e as { code?: unknown }).code === 11000) return "exists";
                throw e;
            }
        },
        close: () => client.close(),
    };
};

/** Rejects with `message` if `p` has not settled after `ms`. */
function within<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(message)), ms);
    });
    return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

/** Creates the provider object handed to `pulumi.dynamic.Resource`. */
export function createSnapshotSignalProvider(options: SnapshotSignalProviderOptions = {}): Omit<
    pulumi.dynamic.ResourceProvider,
    "diff"
> & {
    diff(id: string, olds: SnapshotSignalOutputs, news: SnapshotSignalInputs): Promise<SnapshotSignalDiff>;
} {
    const log = (line: string) => (options.log ?? ((l: string) => process.stderr.write(`${l}\n`)))(line);
    const now = () => (options.now ? options.now() : new Date());

    /**
     * Sends every pending request in order; returns the executed list. A failure names the request,
     * what was already sent, and what to do; the ids sent before it are on the error (`sent`).
     */
    const send = async (i: SnapshotSignalInputs, executed: ExecutedSnapshot[]): Promise<ExecutedSnapshot[]> => {
        const failures = checkSignalInputs(i);
        if (failures.length > 0)
            throw new Error(
                `SnapshotSignal: invalid inputs:\n${failures.map((f) => `  - ${f.property}: ${f.reason}`).join("\n")}`,
            );
        const pending = pendingIds(i.requests, executed);
        if (pending.length === 0) return executed;
        const secrets = secretValuesOf({ connectionString: i.connectionString });
        const target = `${i.database}.${i.signalCollection}`;
        const timeoutMs = i.timeoutSeconds * 1000;
        const out = [...executed];
        const factory = options.storeFactory ?? mongoSignalStore;
        let store: SignalStore | undefined;
        let current = "";
        try {
            current = "(connecting)";
            store = await within(
                factory({
                    connectionString: i.connectionString,
                    database: i.database,
                    collection: i.signalCollection,
                    timeoutMs,
                    ...(i.caPem ? { caPem: i.caPem } : {}),
                }),
                timeoutMs + 1000,
                `no connection to MongoDB within ${i.timeoutSeconds} s`,
            );
            for (const id of pending) {
                current = id;
                const doc = signalDocument(id, i.database, i.requests[id]!);
                const outcome = await within(
                    store.insert(doc),
                    timeoutMs + 1000,
                    `the insert did not complete within ${i.timeoutSeconds} s`,
                );
                const entry: ExecutedSnapshot = {
                    id,
                    dataCollections: dataCollections(i.database, i.requests[id]!),
                    signalledAt: now().toISOString(),
                    outcome: outcome === "inserted" ? "sent" : "found",
                };
                out.push(entry);
                log(
                    outcome === "inserted"
                        ? `SnapshotSignal: requested incremental snapshot "${id}" of ${entry.dataCollections.join(", ")} from connector ${i.connectorName} (signal in ${target}); Debezium re-reads the collections in chunks while streaming continues.`
                        : `SnapshotSignal: "${id}" is already in ${target} (delivered before); not sent again. Use a new id to snapshot again.`,
                );
            }
            return out;
        } catch (e) {
            const sent = out.slice(executed.length).map((x) => x.id);
            const tls = describeTlsError(e, {
                service: "MongoDB",
                url: mongoHostsOf(i.connectionString),
                caFix: STACK_CA_FIX,
            });
            const err = new Error(
                `SnapshotSignal: sending snapshot request ${current === "(connecting)" ? "" : `"${current}" `}to ${target} for connector ${i.connectorName} failed: ` +
                    `${tls ?? maskSecrets(String((e as { message?: unknown }).message ?? e), secrets)}. ` +
                    (sent.length > 0 ? `Sent before the failure: ${sent.join(", ")}. ` : "") +
                    `Check that MongoDB is reachable from this machine and that its user may insert into ${target}, then run \`pulumi up\` again: ` +
                    `requests not recorded are sent then, and one MongoDB already holds is not sent twice (its id is the document's _id).`,
            );
            Object.assign(err, { sent: out });
            throw err;
        } finally {
            await store?.close().catch(() => undefined);
        }
    };

    const outputs = (i: SnapshotSignalInputs, executed: ExecutedSnapshot[]): SnapshotSignalOutputs => ({
        ...i,
        requests: { ...i.requests },
        executed,
    });

    return withPlainErrors({
        async check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
            const n = normaliseSignalInputs(news);
            const failures = checkSignalInputs(n).filter(
                (f) => !containsUnknown(news[f.property]) && !isUnknown(news[f.property]),
            );
            return { inputs: news, failures };
        },

        async diff(_id: string, olds: SnapshotSignalOutputs, news: SnapshotSignalInputs): Promise<SnapshotSignalDiff> {
            return diffSnapshotSignal(olds, news);
        },

        async create(raw: Record<string, unknown>) {
            const i = normaliseSignalInputs(raw);
            const id = `snapshot-signal:${i.database}.${i.signalCollection}`;
            try {
                return { id, outs: outputs(i, await send(i, [])) };
            } catch (e) {
                // Record the resource with what was sent, so those ids are not sent again.
                const sent = (e as { sent?: ExecutedSnapshot[] }).sent ?? [];
                throw Object.assign(e as Error, { id, properties: outputs(i, sent), reasons: [(e as Error).message] });
            }
        },

        async update(_id: string, olds: SnapshotSignalOutputs, raw: Record<string, unknown>) {
            const i = normaliseSignalInputs(raw);
            return { outs: outputs(i, await send(i, executedOf(olds))) };
        },

        async read(id: string, props: Partial<SnapshotSignalOutputs>) {
            // Nothing live to compare: the signal documents are a log Debezium consumes, and what
            // was executed is this resource's own record.
            return { id, props };
        },

        async delete(_id: string, props: Partial<SnapshotSignalOutputs>) {
            const ids = executedOf(props).map((e) => e.id);
            if (ids.length > 0) {
                log(
                    `SnapshotSignal: forgot the executed snapshot ids ${ids.join(", ")}; their signal documents stay in ${props.database}.${props.signalCollection} (MongoDB refuses those ids again).`,
                );
            }
        },
    });
}

/** The provider instance used by the `SnapshotSignal` resource. */
export const snapshotSignalProvider = createSnapshotSignalProvider();
