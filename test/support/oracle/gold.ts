/**
 * Gold models (docs/data-contract.md §5), computed directly from the live documents.
 *
 * Where the contract is silent the oracle decides as follows (the dbt project must agree):
 * - `first_order_at` / `last_order_at`: min / max `ordered_at` over the customer's live orders of any status;
 * - `days_since_registration`: `dateDiff('day', registered_at, today)` in UTC (calendar days);
 * - `fact_orders.line_number`: 1-based position of the line in the order's `items` array;
 * - `fct_daily_sales.total_unique_customers`: distinct non-null `customer_id` over all live orders of the day;
 * - `avg_order_value`: exact quotient rounded half away from zero to cents (ClickHouse `round(·, 2)`).
 */
import { customerSegment, inventoryStatus, isRevenueBearing, priceCategory } from "./classify";
import { divideRoundHalfAwayFromZero, formatCents } from "./decimal";
import type { OracleRow } from "./schema";
import { customerName, orderTotalCents } from "./silver";
import { daysBetweenUtcDates, utcDate } from "./time";
import type { OracleDocuments, OrderDoc } from "./types";

interface CustomerAgg {
    totalOrders: number;
    clv: bigint;
    first: number | null;
    last: number | null;
}

function customerAggregates(docs: OracleDocuments): Map<string, CustomerAgg> {
    const aggs = new Map<string, CustomerAgg>();
    for (const o of docs.orders.values()) {
        if (o.customer_id === null) continue;
        let a = aggs.get(o.customer_id);
        if (a === undefined) {
            a = { totalOrders: 0, clv: 0n, first: null, last: null };
            aggs.set(o.customer_id, a);
        }
        a.totalOrders += 1;
        if (isRevenueBearing(o.status)) a.clv += orderTotalCents(o);
        if (o.ordered_at !== null) {
            a.first = a.first === null ? o.ordered_at : Math.min(a.first, o.ordered_at);
            a.last = a.last === null ? o.ordered_at : Math.max(a.last, o.ordered_at);
        }
    }
    return aggs;
}

/** `dim_customers`: one row per live customer. */
export function dimCustomers(docs: OracleDocuments, today: Date): OracleRow[] {
    const aggs = customerAggregates(docs);
    return [...docs.customers.values()].map((c) => {
        const a = aggs.get(c.id) ?? { totalOrders: 0, clv: 0n, first: null, last: null };
        return {
            customer_id: c.id,
            customer_name: customerName(c),
            email: c.email,
            city: c.address.city,
            country: c.address.country,
            registered_at: c.created_at,
            days_since_registration: c.created_at === null ? null : daysBetweenUtcDates(c.created_at, today.getTime()),
            total_orders: a.totalOrders,
            customer_lifetime_value: formatCents(a.clv),
            first_order_at: a.first,
            last_order_at: a.last,
            customer_segment: customerSegment(a.clv),
        };
    });
}

/** `dim_products`: one row per live product; units and revenue from revenue-bearing live orders. */
export function dimProducts(docs: OracleDocuments): OracleRow[] {
    const units = new Map<string, number>();
    const revenue = new Map<string, bigint>();
    for (const o of docs.orders.values()) {
        if (!isRevenueBearing(o.status)) continue;
        for (const line of o.items) {
            if (line.product_id === null) continue;
            units.set(line.product_id, (units.get(line.product_id) ?? 0) + line.quantity);
            revenue.set(
                line.product_id,
                (revenue.get(line.product_id) ?? 0n) + BigInt(line.quantity) * line.unit_price,
            );
        }
    }
    return [...docs.products.values()].map((p) => ({
        product_id: p.id,
        sku: p.sku,
        product_name: p.name,
        category: p.category,
        price: p.price === null ? null : formatCents(p.price),
        stock_quantity: p.stock_quantity,
        price_category: priceCategory(p.price),
        inventory_status: inventoryStatus(p.stock_quantity),
        units_sold: units.get(p.id) ?? 0,
        revenue: formatCents(revenue.get(p.id) ?? 0n),
    }));
}

/** `fact_orders`: one row per line of each live order; attributes of a non-live customer/product are NULL. */
export function factOrders(docs: OracleDocuments): OracleRow[] {
    const aggs = customerAggregates(docs);
    const rows: OracleRow[] = [];
    for (const o of docs.orders.values()) {
        const customer = o.customer_id === null ? undefined : docs.customers.get(o.customer_id);
        const clv = customer === undefined ? null : (aggs.get(customer.id)?.clv ?? 0n);
        const total = orderTotalCents(o);
        o.items.forEach((line, i) => {
            const product = line.product_id === null ? undefined : docs.products.get(line.product_id);
            const currentPrice = product?.price ?? null;
            rows.push({
                order_id: o.id,
                line_number: i + 1,
                order_date: o.ordered_at === null ? null : utcDate(o.ordered_at),
                ordered_at: o.ordered_at,
                order_status: o.status,
                customer_id: o.customer_id,
                customer_name: customer === undefined ? null : customerName(customer),
                customer_segment: clv === null ? null : customerSegment(clv),
                product_id: line.product_id,
                product_name: product?.name ?? null,
                category: product?.category ?? null,
                price_category: product === undefined ? null : priceCategory(product.price),
                quantity: line.quantity,
                unit_price: formatCents(line.unit_price),
                line_total: formatCents(BigInt(line.quantity) * line.unit_price),
                current_product_price: currentPrice === null ? null : formatCents(currentPrice),
                price_variance: currentPrice === null ? null : formatCents(line.unit_price - currentPrice),
                order_total_value: formatCents(total),
                customer_lifetime_value: clv === null ? null : formatCents(clv),
            });
        });
    }
    return rows;
}

/** `fct_daily_sales`: one row per UTC `order_date` with at least one live order. */
export function fctDailySales(docs: OracleDocuments): OracleRow[] {
    const byDate = new Map<string, OrderDoc[]>();
    for (const o of docs.orders.values()) {
        if (o.ordered_at === null) continue;
        const d = utcDate(o.ordered_at);
        const list = byDate.get(d) ?? [];
        list.push(o);
        byDate.set(d, list);
    }
    return [...byDate.entries()].map(([orderDate, orders]) => {
        const revenueOrders = orders.filter((o) => isRevenueBearing(o.status));
        const totalRevenue = revenueOrders.reduce((s, o) => s + orderTotalCents(o), 0n);
        const customers = new Set(orders.map((o) => o.customer_id).filter((id): id is string => id !== null));
        return {
            order_date: orderDate,
            total_orders_placed: orders.length,
            total_unique_customers: customers.size,
            total_revenue: formatCents(totalRevenue),
            revenue_orders: revenueOrders.length,
            avg_order_value: formatCents(
                revenueOrders.length === 0
                    ? 0n
                    : divideRoundHalfAwayFromZero(totalRevenue, BigInt(revenueOrders.length)),
            ),
            cancelled_orders: orders.filter((o) => o.status === "cancelled").length,
            items_sold: revenueOrders.reduce((s, o) => s + o.items.reduce((q, l) => q + l.quantity, 0), 0),
        };
    });
}
