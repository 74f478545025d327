/**
 * The floor of any from-scratch build: one pass over the bronze rows that parses each event once
 * with JSONExtract (envelope: op, source.ts_ms, source.ord; document: every field silver keeps)
 * and writes the typed result to a MergeTree table. No ordering logic, no dedup, no gold.
 */
import type { ClickHouseClient } from "@clickhouse/client";
import { BRONZE_TABLES } from "../tools/analytics/replay/bronzeFiles";
import { timed } from "./stats";

const FIELDS: Record<string, string> = {
    mongo_ecom_customers: `JSONExtractString(doc, '_id', '$oid') AS id, JSONExtractString(doc, 'first_name') AS first_name,
        JSONExtractString(doc, 'last_name') AS last_name, JSONExtractString(doc, 'email') AS email, JSONExtractString(doc, 'phone') AS phone,
        JSONExtractString(doc, 'address', 'city') AS city, JSONExtractString(doc, 'address', 'country') AS country,
        JSONExtract(doc, 'created_at', '$date', 'Int64') AS created_at, JSONExtract(doc, 'updated_at', '$date', 'Int64') AS updated_at`,
    mongo_ecom_products: `JSONExtractString(doc, '_id', '$oid') AS id, JSONExtractString(doc, 'sku') AS sku, JSONExtractString(doc, 'name') AS name,
        JSONExtractString(doc, 'category') AS category, toDecimal64OrZero(JSONExtractString(doc, 'price', '$numberDecimal'), 2) AS price,
        JSONExtract(doc, 'stock_quantity', 'Int32') AS stock_quantity,
        JSONExtract(doc, 'created_at', '$date', 'Int64') AS created_at, JSONExtract(doc, 'updated_at', '$date', 'Int64') AS updated_at`,
    mongo_ecom_orders: `JSONExtractString(doc, '_id', '$oid') AS id, JSONExtractString(doc, 'customer_id', '$oid') AS customer_id,
        JSONExtractString(doc, 'status') AS status, JSONExtract(doc, 'ordered_at', '$date', 'Int64') AS ordered_at,
        JSONExtract(doc, 'updated_at', '$date', 'Int64') AS updated_at,
        arrayMap(i -> JSONExtractString(i, 'product_id', '$oid'), JSONExtractArrayRaw(doc, 'items')) AS product_ids,
        arrayMap(i -> JSONExtract(i, 'quantity', 'Int32'), JSONExtractArrayRaw(doc, 'items')) AS quantities,
        arrayMap(i -> toDecimal64OrZero(JSONExtractString(i, 'unit_price', '$numberDecimal'), 2), JSONExtractArrayRaw(doc, 'items')) AS unit_prices`,
};

/** `CREATE TABLE … AS SELECT` of the pass over one bronze table, optionally only rows with `_offset >= fromOffset`. */
export function baselinePassSql(database: string, table: string, target: string, fromOffset = 0): string {
    return `CREATE TABLE \`${database}\`.\`${target}\` ENGINE = MergeTree ORDER BY tuple() AS
SELECT
    JSONExtractString(raw_data, 'op') AS op,
    JSONExtract(raw_data, 'source', 'ts_ms', 'Int64') AS ts_ms,
    JSONExtract(raw_data, 'source', 'ord', 'Int64') AS ord,
    _offset,
    JSONExtractString(raw_data, 'after') AS doc,
    ${FIELDS[table]}
FROM \`${database}\`.\`${table}\`
WHERE _offset >= ${fromOffset}`;
}

/**
 * Runs the pass over every bronze table of `database` (rows from `fromOffsets`, per table; 0 when
 * absent) into `pass_<tag>_<table>` tables; returns the summed seconds of the passes.
 */
export async function timeBaselinePass(
    client: ClickHouseClient,
    database: string,
    tag: string,
    fromOffsets: Record<string, number> = {},
): Promise<number> {
    let seconds = 0;
    for (const table of BRONZE_TABLES) {
        const target = `pass_${tag}_${table}`;
        await client.command({ query: `DROP TABLE IF EXISTS \`${database}\`.\`${target}\`` });
        const [, s] = await timed(() =>
            client.command({ query: baselinePassSql(database, table, target, fromOffsets[table] ?? 0) }),
        );
        seconds += s;
    }
    return seconds;
}
