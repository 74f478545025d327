/**
 * Pure parts of the snapshot-signal provider: reading inputs, checking them, the signal document
 * Debezium reads, and the diff that names each new request.
 */
import type * as pulumi from "@pulumi/pulumi";
import { SNAPSHOT_ID } from "../../config/snapshots";
import { containsUnknown, isUnknown } from "../shared/unknown";
import type { ExecutedSnapshot, SnapshotSignalInputs, SnapshotSignalOutputs } from "./types";

export { SNAPSHOT_ID };
/** Accepted database and collection names. */
const NAME = /^[A-Za-z0-9_-]+$/;

/** Default deadline of each MongoDB operation, seconds. */
export const DEFAULT_SIGNAL_TIMEOUT_SECONDS = 30;

/** The scheme and hosts of a MongoDB connection string, without credentials or options (for messages). */
export function mongoHostsOf(connectionString: string): string {
    const m = /^(mongodb(?:\+srv)?:\/\/)(?:[^@/]*@)?([^/?]*)/.exec(connectionString);
    return m ? `${m[1]}${m[2]}` : "the configured MongoDB";
}

/** Inputs picked field by field (never `__provider`). */
export function normaliseSignalInputs(raw: Record<string, unknown>): SnapshotSignalInputs {
    const requests: Record<string, string[]> = {};
    const r = raw.requests;
    if (r && typeof r === "object" && !Array.isArray(r)) {
        for (const [id, cols] of Object.entries(r as Record<string, unknown>))
            requests[id] = Array.isArray(cols) ? cols.map(String) : [];
    }
    const timeout = Number(raw.timeoutSeconds ?? DEFAULT_SIGNAL_TIMEOUT_SECONDS);
    return {
        connectionString: String(raw.connectionString ?? ""),
        database: String(raw.database ?? ""),
        signalCollection: String(raw.signalCollection ?? ""),
        connectorName: String(raw.connectorName ?? ""),
        requests,
        timeoutSeconds: Number.isFinite(timeout) ? timeout : DEFAULT_SIGNAL_TIMEOUT_SECONDS,
        ...(typeof raw.caPem === "string" && raw.caPem !== "" ? { caPem: raw.caPem } : {}),
    };
}

/** The executed ids of stored outputs (tolerates a missing or odd value). */
export function executedOf(olds: Partial<SnapshotSignalOutputs> | undefined): ExecutedSnapshot[] {
    return Array.isArray(olds?.executed) ? olds!.executed.filter((e) => e && typeof e.id === "string") : [];
}

/** Problems with the inputs, each naming the property and the fix. */
export function checkSignalInputs(i: SnapshotSignalInputs): pulumi.dynamic.CheckFailure[] {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    if (!/^mongodb(\+srv)?:\/\//.test(i.connectionString))
        failures.push({
            property: "connectionString",
            reason: "must be a mongodb:// or mongodb+srv:// connection string",
        });
    if (!NAME.test(i.database))
        failures.push({
            property: "database",
            reason: `must be a database name of letters, digits, _ or - (got ${JSON.stringify(i.database)})`,
        });
    if (!NAME.test(i.signalCollection))
        failures.push({
            property: "signalCollection",
            reason: `must be a collection name of letters, digits, _ or - (got ${JSON.stringify(i.signalCollection)})`,
        });
    if (!Number.isInteger(i.timeoutSeconds) || i.timeoutSeconds < 1 || i.timeoutSeconds > 600)
        failures.push({
            property: "timeoutSeconds",
            reason: `must be an integer from 1 to 600 (got ${i.timeoutSeconds})`,
        });
    for (const [id, cols] of Object.entries(i.requests)) {
        if (!SNAPSHOT_ID.test(id))
            failures.push({
                property: "requests",
                reason: `id ${JSON.stringify(id)} must start with a letter and hold only letters, digits, '.', '_' or '-' (at most 100)`,
            });
        if (cols.length === 0)
            failures.push({
                property: "requests",
                reason: `request ${JSON.stringify(id)} must name at least one collection`,
            });
        for (const c of cols)
            if (!NAME.test(c))
                failures.push({
                    property: "requests",
                    reason: `request ${JSON.stringify(id)}: ${JSON.stringify(c)} is not a collection name`,
                });
        if (cols.includes(i.signalCollection))
            failures.push({
                property: "requests",
                reason: `request ${JSON.stringify(id)} names the signal collection ${i.signalCollection}; snapshot a captured collection`,
            });
    }
    return failures;
}

/** Fully qualified names Debezium matches (`data-collections`): `<db>.<collection>`. */
export function dataCollections(database: string, collections: readonly string[]): string[] {
    return collections.map((c) => `${database}.${c}`);
}

/**
 * The document inserted into the signal collection: exactly three fields in this order, as
 * Debezium's MongoDB source channel reads them (id, type, data). `_id` is the request id, so
 * MongoDB itself refuses a second copy of one request (duplicate key) even if this stack's state
 * were lost. `data` is the JSON text Debezium parses for `execute-snapshot`.
 */
export function signalDocument(
    id: string,
    database: string,
    collections: readonly string[],
): { _id: string; type: string; data: string } {
    return {
        _id: id,
        type: "execute-snapshot",
        data: JSON.stringify({ "data-collections": dataCollections(database, collections), type: "incremental" }),
    };
}

/** Ids of `requests` not executed yet, in the order given. */
export function pendingIds(requests: Record<string, string[]>, executed: readonly ExecutedSnapshot[]): string[] {
    const done = new Set(executed.map((e) => e.id));
    return Object.keys(requests).filter((id) => !done.has(id));
}

/** Property path of a request, as Pulumi prints it: `requests["<id>"]`. */
export function requestPath(id: string): string {
    return `requests[${JSON.stringify(id)}]`;
}

/** The diff result, plus the ids a deploy would send. */
export interface SnapshotSignalDiff extends pulumi.dynamic.DiffResult {
    detailedDiff: Record<string, { kind: "add" | "delete" | "update" }>;
    /** Ids a deploy would signal now. */
    toSignal: string[];
}

/**
 * A new id → an in-place update that names it (`+ requests["<id>"]`), which sends its signal.
 * A removed id → shown as a delete and recorded; nothing is sent or undone (an incremental
 * snapshot only re-reads). An executed id, listed again or re-added later, is never sent again.
 * Nothing ever replaces the resource (a replacement would forget what was executed).
 */
export function diffSnapshotSignal(
    olds: Partial<SnapshotSignalOutputs>,
    news: SnapshotSignalInputs | Record<string, unknown>,
): SnapshotSignalDiff {
    const detailedDiff: SnapshotSignalDiff["detailedDiff"] = {};
    const rawRequests = (news as { requests?: unknown }).requests;
    if (isUnknown(rawRequests)) {
        return {
            changes: true,
            replaces: [],
            deleteBeforeReplace: false,
            detailedDiff: { requests: { kind: "update" } },
            toSignal: [],
        };
    }
    const n = normaliseSignalInputs(news as Record<string, unknown>);
    const executed = executedOf(olds);
    const toSignal = pendingIds(n.requests, executed);
    for (const id of toSignal) detailedDiff[requestPath(id)] = { kind: "add" };
    const oldRequests = olds.requests ?? {};
    for (const id of Object.keys(oldRequests))
        if (!(id in n.requests)) detailedDiff[requestPath(id)] = { kind: "delete" };
    for (const id of Object.keys(n.requests)) {
        if (
            id in oldRequests &&
            !toSignal.includes(id) &&
            JSON.stringify(oldRequests[id]) !== JSON.stringify(n.requests[id]) &&
            !containsUnknown(n.requests[id])
        ) {
            // an executed id with other collections: recorded, not sent again (use a new id)
            detailedDiff[requestPath(id)] = { kind: "update" };
        }
    }
    for (const key of ["database", "signalCollection", "connectorName", "timeoutSeconds"] as const) {
        const v = (news as Record<string, unknown>)[key];
        if (olds[key] !== undefined && !isUnknown(v) && String(olds[key]) !== String(n[key]))
            detailedDiff[key] = { kind: "update" };
    }
    // A new CA (renewal, another stack's CA) is an update that sends nothing.
    const newCa = (news as Record<string, unknown>).caPem;
    if (olds.connectionString !== undefined && !isUnknown(newCa) && (olds.caPem ?? "") !== (n.caPem ?? ""))
        detailedDiff.caPem = { kind: "update" };
    return {
        changes: Object.keys(detailedDiff).length > 0,
        replaces: [],
        deleteBeforeReplace: false,
        stables: [],
        detailedDiff,
        toSignal,
    };
}
