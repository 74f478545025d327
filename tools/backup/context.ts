/** What every backup command works with, and the catalog reads they share. */
import type { ClickHouseClient } from "@clickhouse/client";
import type { ConnectCallOptions } from "../../components/providers/kafkaConnector/connectClient";
import { quoteIdentifier } from "../../components/providers/bronzeTables/ddl";
import { maskSecrets } from "../../components/providers/shared/mask";
import { CATALOG_TABLE, catalogSelect, entryOf, type CatalogEntry } from "./manifest";
import type { KafkaLogsTarget } from "./kafkaLogs";
import type { BackupTarget } from "../../components/backup/target";

/** The pipeline's endpoints as the backup commands use them. */
export interface BackupContext {
    clickhouse: ClickHouseClient;
    database: string;
    bronzeTables: string[];
    target: BackupTarget;
    /** Kafka Connect REST (create and a replaying restore); absent: not contacted. */
    connect?: ConnectCallOptions;
    sink: string;
    source: string;
    /** Kafka (a replaying restore checks the topics' retention); absent: not contacted. */
    kafka?: KafkaLogsTarget;
    /** Progress lines. */
    log: (line: string) => void;
    /** Masks every secret (passwords, the S3 secret) in a message. */
    mask: (text: string) => string;
}

/** A masker over `secrets`. */
export function masker(secrets: readonly string[]): (text: string) => string {
    return (text) => maskSecrets(text, [...secrets]);
}

/** Whether `database.table` exists. */
export async function tableExists(ch: ClickHouseClient, database: string, table: string): Promise<boolean> {
    const rs = await ch.query({
        query: "SELECT count() AS n FROM system.tables WHERE database = {d:String} AND name = {t:String}",
        query_params: { d: database, t: table },
        format: "JSONEachRow",
    });
    return Number((await rs.json<{ n: string | number }>())[0]?.n ?? 0) > 0;
}

/** The catalog's entries (oldest first); none when the catalog does not exist (no backup yet, or a lost volume). */
export async function listBackups(ctx: Pick<BackupContext, "clickhouse" | "database">): Promise<CatalogEntry[]> {
    if (!(await tableExists(ctx.clickhouse, ctx.database, CATALOG_TABLE))) return [];
    return readCatalog(ctx.clickhouse, ctx.database, CATALOG_TABLE);
}

/** Every entry of a catalog table. */
export async function readCatalog(ch: ClickHouseClient, database: string, table: string): Promise<CatalogEntry[]> {
    const rs = await ch.query({ query: catalogSelect(database, table), format: "JSONEachRow" });
    return (await rs.json<Record<string, unknown>>()).map(entryOf);
}

export { quoteIdentifier };
