/**
 * Column lists, kinds and keys of every silver and gold model, as docs/data-contract.md §4–§5 names them.
 * The comparison layer (test/support/compare.ts) uses the kinds to bring oracle rows and rows
 * read back from ClickHouse into one canonical form.
 */

/**
 * How a column's values are compared:
 * `string` as is; `int` as integer text; `money` as decimal text with exactly 2 dp;
 * `datetime` as ISO-8601 UTC with milliseconds; `date` as `YYYY-MM-DD`.
 * Every kind admits NULL.
 */
export type ColumnKind = "string" | "int" | "money" | "datetime" | "date";

/** One model's contract: its columns in contract order and the columns that identify a row. */
export interface ModelSchema {
    columns: Record<string, ColumnKind>;
    key: string[];
}

/** Every model the contract defines, silver then gold. */
export const MODEL_SCHEMAS = {
    stg_customers: {
        key: ["customer_id"],
        columns: {
            customer_id: "string",
            first_name: "string",
            last_name: "string",
            customer_name: "string",
            email: "string",
            phone: "string",
            city: "string",
            country: "string",
            registered_at: "datetime",
            updated_at: "datetime",
            _event_timestamp_ms: "int",
        },
    },
    stg_products: {
        key: ["product_id"],
        columns: {
            product_id: "string",
            sku: "string",
            product_name: "string",
            category: "string",
            price: "money",
            stock_quantity: "int",
            created_at: "datetime",
            updated_at: "datetime",
            _event_timestamp_ms: "int",
        },
    },
    stg_orders: {
        key: ["order_id"],
        columns: {
            order_id: "string",
            customer_id: "string",
            order_status: "string",
            ordered_at: "datetime",
            updated_at: "datetime",
            item_count: "int",
            order_total: "money",
            _event_timestamp_ms: "int",
        },
    },
    dim_customers: {
        key: ["customer_id"],
        columns: {
            customer_id: "string",
            customer_name: "string",
            email: "string",
            city: "string",
            country: "string",
            registered_at: "datetime",
            days_since_registration: "int",
            total_orders: "int",
            customer_lifetime_value: "money",
            first_order_at: "datetime",
            last_order_at: "datetime",
            customer_segment: "string",
        },
    },
    dim_products: {
        key: ["product_id"],
        columns: {
            product_id: "string",
            sku: "string",
            product_name: "string",
            category: "string",
            price: "money",
            stock_quantity: "int",
            price_category: "string",
            inventory_status: "string",
            units_sold: "int",
            revenue: "money",
        },
    },
    fact_orders: {
        key: ["order_id", "line_number"],
        columns: {
            order_id: "string",
            line_number: "int",
            order_date: "date",
            ordered_at: "datetime",
            order_status: "string",
            customer_id: "string",
            customer_name: "string",
            customer_segment: "string",
            product_id: "string",
            product_name: "string",
            category: "string",
            price_category: "string",
            quantity: "int",
            unit_price: "money",
            line_total: "money",
            current_product_price: "money",
            price_variance: "money",
            order_total_value: "money",
            customer_lifetime_value: "money",
        },
    },
    fct_daily_sales: {
        key: ["order_date"],
        columns: {
            order_date: "date",
            total_orders_placed: "int",
            total_unique_customers: "int",
            total_revenue: "money",
            revenue_orders: "int",
            avg_order_value: "money",
            cancelled_orders: "int",
            items_sold: "int",
        },
    },
} as const satisfies Record<string, ModelSchema>;

/** Name of a silver or gold model. */
export type ModelName = keyof typeof MODEL_SCHEMAS;

/** Every model name, silver first. */
export const MODEL_NAMES = Object.keys(MODEL_SCHEMAS) as ModelName[];

/** A value in an oracle row: text (ids, strings, money, dates), a number (ints, epoch-ms times) or NULL. */
export type OracleValue = string | number | null;

/** One row of a model as plain column → value. */
export type OracleRow = Record<string, OracleValue>;
