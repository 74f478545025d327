/**
 * The dynamic provider behind {@link DbtRun}: runs dbt on create and whenever the project's
 * content hash or the run's settings change; never on a plain `pulumi up` with nothing changed.
 *
 * Built by {@link createDbtRunProvider} from plain values, so it survives
 * `pulumi.runtime.serializeFunction`: the dbt runner, the diff and the venv code are captured by
 * value, node built-ins are `require`d by the serializer, and nothing live (child process,
 * client) exists outside a method call. Inputs are read field by field, so Pulumi's
 * `__provider` is never passed on.
 *
 * The ClickHouse password is used for the run and never returned: outputs carry the connection
 * without it (`connection`), and errors are masked. A password change on its own does NOT re-run
 * dbt: dbt's output does not depend on it, and rebuilding every model only because a credential
 * was rotated would be wasted work; the next run (any other change) uses the new password, which
 * is always taken from the current inputs.
 */
import type * as pulumi from "@pulumi/pulumi";
import { runDbt, type DbtClickHouse, type RunDbtOptions } from "./run";
import type { DbtRunSummary } from "./summary";

/** Plain-value inputs the provider receives (the resolved {@link DbtRunArgs} plus the hash). */
export interface DbtRunInputs {
    projectDir: string;
    clickhouse: DbtClickHouse;
    target: string;
    command: "build" | "run";
    threads?: number;
    vars?: Record<string, string>;
    fullRefresh?: boolean;
    /** {@link dbtProjectHash} of `projectDir`, computed in the program. */
    contentHash: string;
}

/** The connection as stored in outputs: everything but the password. */
export interface DbtConnection {
    url: string;
    user: string;
    database: string;
}

/** Plain-value outputs the provider returns (and gets back as `olds`). */
export interface DbtRunOutputs {
    projectDir: string;
    connection: DbtConnection;
    target: string;
    command: "build" | "run";
    threads?: number;
    vars?: Record<string, string>;
    fullRefresh?: boolean;
    contentHash: string;
    summary: DbtRunSummary;
    /** ISO time the last successful run finished. */
    lastRunAt: string;
}

/** Options of {@link createDbtRunProvider}. */
export interface DbtRunProviderOptions {
    /** Replaces {@link runDbt} (unit tests). Must itself be serializable. */
    runner?: (o: RunDbtOptions) => Promise<DbtRunSummary>;
}

/** Reads and validates the plain inputs, field by field; throws on an invalid one. */
export function normaliseDbtRunInputs(raw: Record<string, unknown>): DbtRunInputs {
    const str = (v: unknown, name: string): string => {
        if (typeof v !== "string" || v.length === 0) throw new Error(`DbtRun: ${name} must be a non-empty string`);
        return v;
    };
    const ch = (raw.clickhouse ?? {}) as Record<string, unknown>;
    const command = raw.command === undefined ? "build" : raw.command;
    if (command !== "build" && command !== "run")
        throw new Error(`DbtRun: command must be "build" or "run", got ${JSON.stringify(command)}`);
    const threads = raw.threads;
    if (threads !== undefined && (typeof threads !== "number" || !Number.isInteger(threads) || threads < 1)) {
        throw new Error(`DbtRun: threads must be a positive integer, got ${JSON.stringify(threads)}`);
    }
    let vars: Record<string, string> | undefined;
    if (raw.vars !== undefined && raw.vars !== null) {
        vars = {};
        for (const [k, v] of Object.entries(raw.vars as Record<string, unknown>)) vars[k] = String(v);
    }
    return {
        projectDir: str(raw.projectDir, "projectDir"),
        clickhouse: {
            url: str(ch.url, "clickhouse.url"),
            user: str(ch.user, "clickhouse.user"),
            password: typeof ch.password === "string" ? ch.password : "",
            database: str(ch.database, "clickhouse.database"),
            // Like the password, the CA is not compared by the diff: it changes how dbt connects, not what it builds.
            ...(typeof ch.caPem === "string" && ch.caPem !== "" ? { caPem: ch.caPem } : {}),
            // Not compared by the diff: the seam (issue 26 §2.4) sets it together with the `cdc_replicated` var,
            // and the var (in vars, compared) is what re-runs dbt on a shape change.
            ...(ch.replicated === true ? { replicated: true } : {}),
        },
        target: raw.target === undefined ? "dev" : str(raw.target, "target"),
        command,
        threads: threads as number | undefined,
        vars,
        fullRefresh: raw.fullRefresh === undefined ? undefined : Boolean(raw.fullRefresh),
        contentHash: str(raw.contentHash, "contentHash"),
    };
}

/** What a diff found: each changed input path, all in-place updates. */
export interface DbtRunDiff {
    changes: boolean;
    /** Changed input property paths, e.g. `contentHash`, `clickhouse.url`, `vars`. */
    changed: string[];
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function sortedVars(v: Record<string, string> | undefined): Record<string, string> | undefined {
    if (!v || Object.keys(v).length === 0) return undefined;
    return Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * Compares the last run (outputs) with the new inputs. The password is not compared (see the
 * module comment); everything else that can change what dbt builds or where is.
 */
export function diffDbtRun(olds: DbtRunOutputs, news: DbtRunInputs): DbtRunDiff {
    const changed: string[] = [];
    if (olds.contentHash !== news.contentHash) changed.push("contentHash");
    if (olds.projectDir !== news.projectDir) changed.push("projectDir");
    const oc = olds.connection ?? ({} as Partial<DbtConnection>);
    for (const k of ["url", "user", "database"] as const) {
        if (oc[k] !== news.clickhouse[k]) changed.push(`clickhouse.${k}`);
    }
    if (olds.target !== news.target) changed.push("target");
    if ((olds.command ?? "build") !== news.command) changed.push("command");
    if ((olds.threads ?? null) !== (news.threads ?? null)) changed.push("threads");
    if (!sameJson(sortedVars(olds.vars), sortedVars(news.vars))) changed.push("vars");
    if (Boolean(olds.fullRefresh) !== Boolean(news.fullRefresh)) changed.push("fullRefresh");
    return { changes: changed.length > 0, changed };
}

/** Creates the provider object (plain values only, see the module comment). */
export function createDbtRunProvider(options: DbtRunProviderOptions = {}): pulumi.dynamic.ResourceProvider {
    const runner = options.runner ?? runDbt;

    const runAndDescribe = async (raw: Record<string, unknown>): Promise<DbtRunOutputs> => {
        const i = normaliseDbtRunInputs(raw);
        const summary = await runner({
            projectDir: i.projectDir,
            clickhouse: i.clickhouse,
            target: i.target,
            command: i.command,
            threads: i.threads,
            vars: i.vars,
            fullRefresh: i.fullRefresh,
        });
        const outs: DbtRunOutputs = {
            projectDir: i.projectDir,
            connection: { url: i.clickhouse.url, user: i.clickhouse.user, database: i.clickhouse.database },
            target: i.target,
            command: i.command,
            contentHash: i.contentHash,
            summary,
            lastRunAt: new Date().toISOString(),
        };
        // Optional fields only when set: Pulumi rejects `undefined` property values.
        if (i.threads !== undefined) outs.threads = i.threads;
        if (i.vars !== undefined) outs.vars = i.vars;
        if (i.fullRefresh !== undefined) outs.fullRefresh = i.fullRefresh;
        return outs;
    };

    return {
        async create(inputs: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
            const crypto = await import("node:crypto");
            const outs = await runAndDescribe(inputs);
            return { id: `dbt-${crypto.randomUUID()}`, outs };
        },

        async diff(
            _id: string,
            olds: DbtRunOutputs,
            news: Record<string, unknown>,
        ): Promise<pulumi.dynamic.DiffResult> {
            // Never a replacement: a dbt run is re-applied in place. Only changes/replaces reach the
            // engine, which names the changed inputs (contentHash, target, ...) in `preview --diff`
            // itself (components/providers/shared/README.md); `diffDbtRun` names them for tests and tools.
            const d = diffDbtRun(olds, normaliseDbtRunInputs(news));
            return { changes: d.changes, replaces: [], deleteBeforeReplace: false };
        },

        async update(
            _id: string,
            _olds: DbtRunOutputs,
            news: Record<string, unknown>,
        ): Promise<pulumi.dynamic.UpdateResult> {
            return { outs: await runAndDescribe(news) };
        },

        async read(id: string, props?: DbtRunOutputs): Promise<pulumi.dynamic.ReadResult> {
            // The state of a dbt run is the record of the last successful run, which only a run
            // changes. Re-hashing the project here would be wrong: a refresh would then record
            // an edited project as already built, and the next `up` would not run dbt for it.
            return { id, props };
        },

        async delete(): Promise<void> {
            // Deliberately nothing. The tables and views dbt built belong to the dbt project
            // (its models decide what exists, and `dbt build` replaces them on the next run),
            // they may be read by dashboards or other runs, and bronze data lives in the same
            // database. Removing this resource stops Pulumi from running dbt; dropping the
            // database itself is the platform's job.
        },
    };
}

/** The provider used by {@link DbtRun}. */
export const dbtRunProvider = createDbtRunProvider();
