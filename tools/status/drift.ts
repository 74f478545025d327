/**
 * Schema drift and the deployed analytics' version in `npm run status` (docs/operations.md, docs/analytics.md
 * "Schema drift"): per collection, how many field paths the contract does not model (`unmodelled`) and how many of
 * its fields arrived with a type silver does not read (`type_change`), from the `schema_drift` view; and the contract
 * version and dbt project hash the last dbt run recorded (`analytics_deployment`).
 *
 * Verdict: `lagging` while any field changed type (those events are rejects: data that does not reach silver);
 * unmodelled fields alone leave it `ok` with a note (nothing is lost: silver keeps the contract's fields, the event
 * is in bronze, and taking the field in is a decision, docs/analytics.md "Taking a new field in").
 */
import type { StageReport } from "./types";

export type DriftKind = "unmodelled" | "type_change";
export const DRIFT_KINDS: readonly DriftKind[] = ["unmodelled", "type_change"];

/** Field paths of one collection per kind of drift. */
export interface DriftCount {
    collection: string;
    kind: DriftKind;
    fields: number;
}

/** What the deployed dbt project recorded (the `analytics_deployment` table). */
export interface DeploymentObs {
    contractVersion: string;
    projectHash: string;
    deployedAt: string;
}

export interface DriftObs {
    /** Set when the drift could not be read (e.g. the view does not exist yet). */
    error?: string;
    counts: DriftCount[];
    deployment?: DeploymentObs;
    deploymentError?: string;
}

/** Runs one SQL query with `{db:String}` bound to the database; rows as JSON objects. */
export type DriftQuery = <R>(what: string, sql: string, params: Record<string, unknown>) => Promise<R[]>;

const DEPLOY_FIX = "`npm run dbt` (or `npm run up`) builds it";

/** Reads the drift counts and the deployment record; never throws (a failure lands in `error`). */
export async function readDrift(query: DriftQuery, database: string, existing: ReadonlySet<string>): Promise<DriftObs> {
    const q = (name: string): string => `\`${database.replace(/`/g, "``")}\`.\`${name}\``;
    const obs: DriftObs = { counts: [] };
    if (!existing.has("schema_drift")) obs.error = `${database}.schema_drift does not exist: ${DEPLOY_FIX}`;
    else {
        try {
            const rows = await query<{ collection: string; drift: DriftKind; fields: number }>(
                "schema_drift",
                `SELECT collection, drift, count() AS fields FROM ${q("schema_drift")} WHERE drift != '' GROUP BY ALL ` +
                    "ORDER BY collection, drift",
                {},
            );
            obs.counts = rows.map((r) => ({ collection: r.collection, kind: r.drift, fields: Number(r.fields) }));
        } catch (e) {
            obs.error = `schema_drift: ${(e as Error).message}`;
        }
    }
    if (!existing.has("analytics_deployment"))
        obs.deploymentError = `${database}.analytics_deployment does not exist: ${DEPLOY_FIX}`;
    else {
        try {
            const [d] = await query<{ contract_version: string; project_hash: string; deployed_at: string }>(
                "analytics_deployment",
                `SELECT contract_version, project_hash, toString(deployed_at) AS deployed_at FROM ${q("analytics_deployment")} ` +
                    "ORDER BY deployed_at DESC LIMIT 1",
                {},
            );
            if (d)
                obs.deployment = {
                    contractVersion: d.contract_version,
                    projectHash: d.project_hash,
                    deployedAt: d.deployed_at,
                };
        } catch (e) {
            obs.deploymentError = `analytics_deployment: ${(e as Error).message}`;
        }
    }
    return obs;
}

/**
 * Field paths per collection and kind, with a 0 for each kind of every collection that has any drift: the values
 * of the metric `cdc_schema_drift_fields{collection,kind}`.
 */
export function driftFieldCounts(obs: DriftObs | undefined): DriftCount[] {
    const collections = [...new Set((obs?.counts ?? []).map((c) => c.collection))].sort();
    return collections.flatMap((collection) =>
        DRIFT_KINDS.map((kind) => ({
            collection,
            kind,
            fields: obs!.counts.find((c) => c.collection === collection && c.kind === kind)?.fields ?? 0,
        })),
    );
}

/** The `drift` stage of the report. */
export function judgeDrift(obs: DriftObs | undefined): StageReport {
    const counts = driftFieldCounts(obs);
    const total = (kind: DriftKind): number =>
        counts.filter((c) => c.kind === kind).reduce((sum, c) => sum + c.fields, 0);
    const problems: string[] = [];
    const notes: string[] = [];
    if (obs?.error) notes.push(obs.error);
    if (obs?.deploymentError) notes.push(obs.deploymentError);
    if (total("type_change") > 0)
        problems.push(
            `${total("type_change")} field(s) of the contract arrived with a type silver does not read; those events ` +
                "are rejects: `SELECT collection, path, changed_types, changed_type_events FROM schema_drift WHERE " +
                "drift = 'type_change'` names them (docs/analytics.md \"Schema drift\")",
        );
    if (total("unmodelled") > 0)
        notes.push(
            `${total("unmodelled")} field path(s) the contract does not model: silver ignores them; ` +
                "`SELECT * FROM schema_drift WHERE drift = 'unmodelled'` lists them, docs/analytics.md " +
                '"Taking a new field in" is how to add one',
        );
    return {
        stage: "drift",
        verdict: problems.length > 0 ? "lagging" : "ok",
        problems,
        details: { counts, notes, deployment: obs?.deployment ?? null },
    };
}

/** The stage's rows in the table (render.ts). */
export function driftRows(details: Record<string, unknown>): Array<[string, string]> {
    const counts = details.counts as DriftCount[];
    const rows: Array<[string, string]> = [];
    const d = details.deployment as DeploymentObs | null;
    rows.push([
        "deployed models",
        d
            ? `contract ${d.contractVersion}, project ${d.projectHash || "(hash not recorded)"}, at ${d.deployedAt}`
            : "—",
    ]);
    const collections = [...new Set(counts.map((c) => c.collection))];
    if (collections.length === 0) rows.push(["schema_drift", "no unmodelled field, no type change"]);
    for (const collection of collections) {
        const of = (kind: DriftKind): number =>
            counts.find((c) => c.collection === collection && c.kind === kind)?.fields ?? 0;
        rows.push([`  ${collection}`, `${of("unmodelled")} unmodelled field(s), ${of("type_change")} type change(s)`]);
    }
    for (const note of details.notes as string[]) rows.push(["note", note]);
    return rows;
}
