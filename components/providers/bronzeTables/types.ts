/**
 * Plain-value types of the bronze-tables dynamic provider, apart from the resource's `pulumi.Input` args.
 */
import type { BronzeReplication } from "./ddl";

/** Resolved inputs. */
export interface BronzeTablesInputs {
    /** ClickHouse HTTP(S) URL as seen from the machine running Pulumi, e.g. `http://localhost:8123`. */
    url: string;
    user: string;
    /** Password (a Pulumi secret in state). */
    password: string;
    /** PEM of the CA that signed ClickHouse's certificate (an https `url`); the system's CAs when absent. */
    caPem?: string;
    /** Database of the bronze tables (created if missing). Changing it replaces the resource. */
    database: string;
    /** Bronze table names, e.g. `mongo_ecom_orders`. */
    tables: string[];
    /** Drop the tables when they leave the list or the resource is destroyed. Default false: bronze keeps its data. */
    dropOnDelete?: boolean;
    /**
     * Relations built on the bronze tables (the dbt project's views, tables and materialized views)
     * dropped before them when the tables are dropped: an insert-time view left on a dropped table
     * would stop feeding silver after the table is re-created, and refreshes would go on running.
     * Only these exact names are dropped (IF EXISTS); nothing else in the database is touched.
     */
    dependents?: string[];
    /**
     * The replicated shape (a `Replicated` database and `ReplicatedMergeTree` bronze on a cluster with Keeper).
     * Absent: the single node (Atomic, MergeTree), exactly as before this field existed.
     */
    replication?: BronzeReplication;
}

/** Outputs stored in the state. The password is kept (delete and refresh need it) but only as a Pulumi secret. */
export interface BronzeTablesOutputs {
    url: string;
    user: string;
    password: string;
    /** The CA trusted for ClickHouse (public: a certificate); read and delete need it. */
    caPem?: string;
    database: string;
    /** The managed tables (on refresh: those that exist). */
    tables: string[];
    dropOnDelete: boolean;
    /** Relations dropped with bronze (absent in states written before this field existed). */
    dependents?: string[];
    /** The replicated shape the tables were created in (absent: the single node). */
    replication?: BronzeReplication;
    /** Digest of the DDL this provider version creates; a change is an explicit diff. */
    schemaVersion: string;
    /** Schema problems found by the last create/read, one sentence each; empty when conforming. */
    drift: string[];
}
