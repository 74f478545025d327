/** Silver models (docs/data-contract.md §4): one row per live document, straight from the folded state. */
import { formatCents } from "./decimal";
import type { OracleRow } from "./schema";
import type { CustomerDoc, OrderDoc, OracleDocuments } from "./types";

/** `first + ' ' + last`; NULL when either part is NULL (as `concat` of Nullable values in ClickHouse). */
export function customerName(c: CustomerDoc): string | null {
    return c.first_name === null || c.last_name === null ? null : `${c.first_name} ${c.last_name}`;
}

/** Σ quantity × unit_price over the order's lines, in cents. */
export function orderTotalCents(o: OrderDoc): bigint {
    return o.items.reduce((sum, line) => sum + BigInt(line.quantity) * line.unit_price, 0n);
}

/** `stg_customers` rows. */
export function stgCustomers(docs: OracleDocuments): OracleRow[] {
    return [...docs.customers.values()].map((c) => ({
        customer_id: c.id,
        first_name: c.first_name,
        last_name: c.last_name,
        customer_name: customerName(c),
        email: c.email,
        phone: c.phone,
        city: c.address.city,
        country: c.address.country,
        registered_at: c.created_at,
        updated_at: c.updated_at,
        _event_timestamp_ms: c.eventTsMs.toString(),
    }));
}

/** `stg_products` rows. */
export function stgProducts(docs: OracleDocuments): OracleRow[] {
    return [...docs.products.values()].map((p) => ({
        product_id: p.id,
        sku: p.sku,
        product_name: p.name,
        category: p.category,
        price: p.price === null ? null : formatCents(p.price),
        stock_quantity: p.stock_quantity,
        created_at: p.created_at,
        updated_at: p.updated_at,
        _event_timestamp_ms: p.eventTsMs.toString(),
    }));
}

/** `stg_orders` rows; `item_count` is the number of lines (array length), not Σ quantity. */
export function stgOrders(docs: OracleDocuments): OracleRow[] {
    return [...docs.orders.values()].map((o) => ({
        order_id: o.id,
        customer_id: o.customer_id,
        order_status: o.status,
        ordered_at: o.ordered_at,
        updated_at: o.updated_at,
        item_count: o.items.length,
        order_total: formatCents(orderTotalCents(o)),
        _event_timestamp_ms: o.eventTsMs.toString(),
    }));
}
