/**
 * `BronzeTables`: the bronze database and tables of the data contract (§3) in ClickHouse.
 *
 * Created idempotently (`IF NOT EXISTS`); refresh verifies the columns and reports schema drift;
 * a changed table list or schema is an explicit diff. Bronze holds the replayable history of
 * change events, so by default (`dropOnDelete: false`) neither removing a table from the list nor
 * destroying the resource drops anything: the tables stay, with their data.
 */
import * as pulumi from "@pulumi/pulumi";
import type { BronzeReplication } from "./ddl";
import { bronzeTablesProvider } from "./provider";

export * from "./types";
export {
    BRONZE_COLUMNS,
    BRONZE_ORDER_BY,
    bronzeTableDdl,
    createDatabaseDdl,
    dropTableDdl,
    addColumnDdl,
    bronzeSchemaVersion,
    schemaDrift,
    replicatedDatabasePath,
    replicationProblems,
    REPLICATED_DDL_SETTINGS,
    quoteIdentifier,
    assertIdentifier,
} from "./ddl";
export type { BronzeColumn, BronzeReplication, LiveColumn } from "./ddl";
export {
    createBronzeTablesProvider,
    bronzeTablesProvider,
    diffBronze,
    normaliseBronzeInputs,
    checkBronzeInputs,
} from "./provider";
export type { BronzeTablesProviderOptions, BronzeClientFactory, BronzeDiff } from "./provider";
export type { BronzeConnection } from "./client";

/** Arguments of {@link BronzeTables}. */
export interface BronzeTablesArgs {
    /** ClickHouse HTTP(S) URL as seen from the machine running Pulumi, e.g. `http://localhost:8123`. */
    url: pulumi.Input<string>;
    /** ClickHouse user allowed to create databases and tables. */
    user: pulumi.Input<string>;
    /** Its password (stored only as a Pulumi secret). */
    password: pulumi.Input<string>;
    /** PEM of the CA that signed ClickHouse's certificate (an https `url`); the system's CAs when absent. */
    caPem?: pulumi.Input<string>;
    /**
     * Database of the bronze tables, created if missing (contract default `default`). Changing it replaces the
     * resource.
     */
    database: pulumi.Input<string>;
    /** Bronze table names, e.g. `["mongo_ecom_customers", "mongo_ecom_products", "mongo_ecom_orders"]`. */
    tables: pulumi.Input<string[]>;
    /** Drop tables removed from the list and all tables on destroy. Default false: bronze keeps its data. */
    dropOnDelete?: pulumi.Input<boolean>;
    /** Relations built on bronze, dropped before it when it is dropped (see BronzeTablesInputs). */
    dependents?: pulumi.Input<string[]>;
    /**
     * The replicated shape: a `Replicated` database created ON CLUSTER `cluster`, `ReplicatedMergeTree` bronze.
     * Absent (the default): the single node, Atomic and MergeTree, as before.
     */
    replication?: pulumi.Input<BronzeReplication>;
}

/** The bronze tables (dynamic resource; type `pulumi-nodejs:dynamic/cdc:BronzeTables`). */
export class BronzeTables extends pulumi.dynamic.Resource {
    /** Database holding the tables. */
    declare public readonly database: pulumi.Output<string>;
    /** The managed tables. */
    declare public readonly tables: pulumi.Output<string[]>;
    /** Schema problems seen by the last refresh (empty when conforming). */
    declare public readonly drift: pulumi.Output<string[]>;
    /** Digest of the DDL applied. */
    declare public readonly schemaVersion: pulumi.Output<string>;

    constructor(name: string, args: BronzeTablesArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            bronzeTablesProvider,
            name,
            {
                url: args.url,
                user: args.user,
                password: pulumi.secret(args.password),
                caPem: args.caPem,
                database: args.database,
                tables: args.tables,
                dropOnDelete: args.dropOnDelete ?? false,
                dependents: args.dependents ?? [],
                replication: args.replication,
                schemaVersion: undefined,
                drift: undefined,
            },
            pulumi.mergeOptions(opts, { additionalSecretOutputs: ["password"] }),
            "cdc",
            "BronzeTables",
        );
    }
}
