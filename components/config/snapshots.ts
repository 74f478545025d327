/**
 * `cdc:connectors.snapshots`: the declared re-snapshots, as stack config.
 *
 *     cdc:connectors:
 *       snapshots:
 *         - id: orders-after-restore-2026-11
 *           collections: [orders]          # role names (customers, products, orders) or collection names
 *
 * {@link snapshotRequestsField} checks the shape (unique ids, a non-empty list of names each);
 * {@link resolveSnapshotRequests} maps role names to the configured collections and refuses a
 * name that is not captured, once `cdc:mongo.collections` is known. Config loading runs it once
 * (checkPipeline, pipeline.ts) and keeps the resolved requests, which the stack hands to the
 * SnapshotSignal provider (components/providers/snapshotSignal/) as they are.
 */
import { Field, type ConfigProblem } from "./schema";

/** Accepted snapshot ids: a letter, then letters, digits, `.`, `_`, `-` (at most 100). */
export const SNAPSHOT_ID = /^[A-Za-z][A-Za-z0-9._-]{0,99}$/;

/** One declared snapshot. */
export interface SnapshotRequest {
    /** Unique, stable id: a new id triggers a snapshot once; keep executed ids or drop them, never reuse. */
    id: string;
    /** Role names (`customers`, `products`, `orders`) or captured collection names. */
    collections: string[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const EXAMPLE =
    "e.g. `pulumi config set --path 'cdc:connectors.snapshots[0].id' orders-resnap-1` and `pulumi config set --path 'cdc:connectors.snapshots[0].collections[0]' orders`";

/** The config field: a list of `{ id, collections }`, default `[]`. */
export function snapshotRequestsField(): Field<SnapshotRequest[]> {
    return new Field<SnapshotRequest[]>([], (v, key, problems) => {
        if (!Array.isArray(v)) {
            problems.push({ key, message: `${JSON.stringify(v)} is not a list of { id, collections }; ${EXAMPLE}` });
            return undefined;
        }
        const out: SnapshotRequest[] = [];
        const seen = new Map<string, number>();
        v.forEach((entry, n) => {
            const at = `${key}[${n}]`;
            if (!entry || typeof entry !== "object" || Array.isArray(entry)) {
                problems.push({
                    key: at,
                    message: `${JSON.stringify(entry)} is not an object { id, collections }; ${EXAMPLE}`,
                });
                return;
            }
            const e = entry as Record<string, unknown>;
            for (const k of Object.keys(e))
                if (k !== "id" && k !== "collections")
                    problems.push({
                        key: `${at}.${k}`,
                        message: "unknown key; a snapshot request has only `id` and `collections`",
                    });
            const id = e.id;
            let ok = true;
            if (typeof id !== "string" || !SNAPSHOT_ID.test(id)) {
                problems.push({
                    key: `${at}.id`,
                    message: `${JSON.stringify(id)} is not accepted; an id starts with a letter and holds letters, digits, '.', '_' or '-' (at most 100), e.g. orders-resnap-1`,
                });
                ok = false;
            } else if (seen.has(id)) {
                problems.push({
                    key: `${at}.id`,
                    message: `"${id}" is also the id of ${key}[${seen.get(id)}]; each request needs its own id (an id is executed once), e.g. ${id}-2`,
                });
                ok = false;
            } else seen.set(id, n);
            const cols = e.collections;
            if (!Array.isArray(cols) || cols.length === 0) {
                problems.push({
                    key: `${at}.collections`,
                    message: `${JSON.stringify(cols)} is not a non-empty list; name the collections to re-read, by role (customers, products, orders) or by collection name`,
                });
                ok = false;
            } else {
                const bad = cols.filter((c) => typeof c !== "string" || !NAME.test(c));
                if (bad.length > 0) {
                    problems.push({
                        key: `${at}.collections`,
                        message: `${bad.map((b) => JSON.stringify(b)).join(", ")} not accepted; give role names (customers, products, orders) or collection names`,
                    });
                    ok = false;
                } else if (new Set(cols).size !== cols.length) {
                    problems.push({
                        key: `${at}.collections`,
                        message: `${JSON.stringify(cols)} names a collection twice; list each once`,
                    });
                    ok = false;
                }
            }
            if (ok) out.push({ id: id as string, collections: [...(cols as string[])] });
        });
        return out;
    });
}

/**
 * Maps each request's names to captured collections (a role name → its configured collection; a
 * collection name stays), in the order given, without duplicates. A name that is neither is a
 * problem naming the key and the accepted names.
 */
export function resolveSnapshotRequests(
    requests: readonly SnapshotRequest[],
    roles: { customers: string; products: string; orders: string },
    key = "cdc:connectors.snapshots",
): { requests: SnapshotRequest[]; problems: ConfigProblem[] } {
    const problems: ConfigProblem[] = [];
    const out: SnapshotRequest[] = [];
    const byRole = new Map<string, string>(Object.entries(roles));
    const captured = new Set(Object.values(roles));
    requests.forEach((r, n) => {
        const cols: string[] = [];
        r.collections.forEach((name, m) => {
            const c = byRole.get(name) ?? (captured.has(name) ? name : undefined);
            if (c === undefined) {
                const accepted = [...new Set([...byRole.keys(), ...captured])].join(", ");
                problems.push({
                    key: `${key}[${n}].collections[${m}]`,
                    message: `"${name}" is not a captured collection; accepted: ${accepted} (roles map to cdc:mongo.collections.<role>)`,
                });
            } else if (!cols.includes(c)) cols.push(c);
        });
        out.push({ id: r.id, collections: cols });
    });
    return { requests: out, problems };
}
