/**
 * The oracle: an independent TypeScript computation of docs/data-contract.md, from bronze change
 * events to every silver and gold model. Written from the contract alone (not from the dbt SQL),
 * so that comparing the two finds mistakes in either.
 */
import { dimCustomers, dimProducts, factOrders, fctDailySales } from "./gold";
import type { ModelName, OracleRow } from "./schema";
import { stgCustomers, stgOrders, stgProducts } from "./silver";
import type { OracleDocuments } from "./types";

export { foldBronze } from "./fold";
export { classifyRow, type RowClass } from "./classify-row";
export { rejectsAsRows, type RejectRow } from "./rejects";
export { REJECT_REASONS } from "./types";
export type {
    BronzeRow,
    BronzeTables,
    OracleDocuments,
    OracleReject,
    RejectReason,
    CustomerDoc,
    ProductDoc,
    OrderDoc,
    OrderLine,
} from "./types";
export { MODEL_NAMES, MODEL_SCHEMAS, type ModelName, type OracleRow } from "./schema";

/** Every silver and gold model as arrays of plain rows (contract column names). */
export type OracleModels = Record<ModelName, OracleRow[]>;

/**
 * Computes every model from the live documents. `today` plays the role of ClickHouse `today()`
 * (only `days_since_registration` depends on it).
 */
export function computeGold(docs: OracleDocuments, today: Date): OracleModels {
    return {
        stg_customers: stgCustomers(docs),
        stg_products: stgProducts(docs),
        stg_orders: stgOrders(docs),
        dim_customers: dimCustomers(docs, today),
        dim_products: dimProducts(docs),
        fact_orders: factOrders(docs),
        fct_daily_sales: fctDailySales(docs),
    };
}
