/**
 * `DbtRun`: runs the dbt project against ClickHouse as part of `pulumi up`, again whenever the
 * project's content hash or the run's settings change, with the summary of the last run as
 * outputs. See `provider.ts` for the behaviour and `venv.ts` for the pinned dbt install.
 */
import * as pulumi from "@pulumi/pulumi";
import { dbtProjectHash } from "./hash";
import { dbtRunProvider } from "./provider";
import type { DbtConnection } from "./provider";
import type { DbtRunSummary } from "./summary";

export { dbtProjectHash, dbtProjectFiles, isHashedFile } from "./hash";
export { createDbtRunProvider, dbtRunProvider, diffDbtRun, normaliseDbtRunInputs } from "./provider";
export type { DbtRunInputs, DbtRunOutputs, DbtConnection, DbtRunDiff, DbtRunProviderOptions } from "./provider";
export { runDbt, dbtRunError, namedConnectionFailure } from "./run";
export type { RunDbtOptions, DbtClickHouse, DbtRunError } from "./run";
export { summariseRunResults, failedNodeLines, errorLinesOfOutput, dbtFailureMessage } from "./summary";
export type { DbtRunSummary } from "./summary";
export {
    renderProfile,
    REPLICATED_DBT_SETTINGS,
    parseClickHouseUrl,
    credentialEnv,
    caEnv,
    DBT_CA_FILE,
    DBT_PROFILE_NAME,
    DBT_USER_ENV,
    DBT_PASSWORD_ENV,
} from "./profile";
export { DBT_PINS, dbtVenvDir, dbtVenvProblem, ensureDbtVenv } from "./venv";

/** Arguments of {@link DbtRun}. */
export interface DbtRunArgs {
    /** Directory of the dbt project (`ecom_analytics/`). */
    projectDir: pulumi.Input<string>;
    /**
     * ClickHouse as seen from the machine running Pulumi; wrapped as a Pulumi secret. `caPem`: the
     * CA that signed its certificate (an https `url`), written to a file only for the run. `replicated`: the
     * database is a `Replicated` database (the profile gets the replicated settings and no `cluster`).
     */
    clickhouse: pulumi.Input<{
        url: string;
        user: string;
        password: string;
        database: string;
        caPem?: string;
        replicated?: boolean;
    }>;
    /** Profile target name. Default `dev`. */
    target?: pulumi.Input<string>;
    /** dbt command. Default `build`. */
    command?: pulumi.Input<"build" | "run">;
    /** dbt threads. Default 4 (the profile's). */
    threads?: pulumi.Input<number>;
    /** Project variables (`--vars`). */
    vars?: pulumi.Input<Record<string, string>>;
    /** Pass `--full-refresh` (changing it re-runs dbt). */
    fullRefresh?: pulumi.Input<boolean>;
}

/** One dbt run (dynamic resource; type `pulumi-nodejs:dynamic/cdc:DbtRun`). */
export class DbtRun extends pulumi.dynamic.Resource {
    // `declare`: with ES2022 class fields a plain `x!: T` field would be re-initialised to
    // undefined after super() and hide the output Pulumi set.
    /** {@link dbtProjectHash} of the project as last built. */
    declare public readonly contentHash: pulumi.Output<string>;
    /** Profile target used. */
    declare public readonly target: pulumi.Output<string>;
    /** dbt command used. */
    declare public readonly command: pulumi.Output<string>;
    /** Connection used, without the password. */
    declare public readonly connection: pulumi.Output<DbtConnection>;
    /** Counts of the last run (models built, tests passed/failed/warned, seconds, ...). */
    declare public readonly summary: pulumi.Output<DbtRunSummary>;
    /** When the last successful run finished (ISO 8601). */
    declare public readonly lastRunAt: pulumi.Output<string>;

    constructor(name: string, args: DbtRunArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            dbtRunProvider,
            name,
            {
                projectDir: args.projectDir,
                clickhouse: pulumi.secret(args.clickhouse),
                target: args.target ?? "dev",
                command: args.command ?? "build",
                threads: args.threads,
                vars: args.vars,
                fullRefresh: args.fullRefresh,
                contentHash: pulumi.output(args.projectDir).apply((dir) => dbtProjectHash(dir)),
                // Outputs filled by the provider.
                connection: undefined,
                summary: undefined,
                lastRunAt: undefined,
            },
            pulumi.mergeOptions(opts, { additionalSecretOutputs: ["clickhouse"] }),
            "cdc",
            "DbtRun",
        );
    }
}
