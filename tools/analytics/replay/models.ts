/**
 * The models the replay command writes out, each with the columns that order its rows, and the
 * ClickHouse output settings that fix how values are encoded (see replay.ts / docs/analytics.md).
 */

/** Silver and gold models written to `OUT/<model>.jsonl`, with their key columns (row order). */
export const REPLAY_MODELS = {
    stg_customers: ["customer_id"],
    stg_products: ["product_id"],
    stg_orders: ["order_id"],
    stg_order_lines: ["order_id", "line_number"],
    dim_customers: ["customer_id"],
    dim_products: ["product_id"],
    fact_orders: ["order_id", "line_number"],
    fct_daily_sales: ["order_date"],
} as const satisfies Record<string, readonly string[]>;

/** Name of a model the replay writes. */
export type ReplayModel = keyof typeof REPLAY_MODELS;

/**
 * Output settings for `FORMAT JSONEachRow`: Decimal as a JSON string with its full scale
 * ("19.90"), 64-bit integers as plain JSON numbers, DateTime64(3, 'UTC') as
 * "YYYY-MM-DD hh:mm:ss.sss" (UTC), Date as "YYYY-MM-DD", NULL as null.
 */
export const REPLAY_OUTPUT_SETTINGS = {
    output_format_json_quote_decimals: 1,
    output_format_decimal_trailing_zeros: 1,
    output_format_json_quote_64bit_integers: 0,
    output_format_json_quote_64bit_floats: 0,
    output_format_json_escape_forward_slashes: 0,
    date_time_output_format: "simple",
} as const;

/** `SELECT` that reads one model in key order. */
export function modelSelectSql(database: string, model: ReplayModel): string {
    return `SELECT * FROM \`${database}\`.\`${model}\` ORDER BY ${REPLAY_MODELS[model].join(", ")}`;
}

/**
 * `SELECT` of the bronze rows the models rejected (docs/data-contract.md §6), written as
 * `OUT/bronze_rejects.jsonl`: collection, Kafka coordinates, reason and the raw text, in
 * coordinate order (`_ingested_at` is left out: it is the time of the replay, not of the data).
 */
export function rejectsSelectSql(database: string): string {
    return `SELECT collection, _topic, _partition, _offset, reason, raw_data FROM \`${database}\`.bronze_rejects ORDER BY collection, _topic, _partition, _offset`;
}
