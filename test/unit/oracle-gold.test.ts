import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BronzeBuilder, customerDoc, ext, oid, orderDoc, productDoc, type LineSpec } from "../support/oracle/builder";
import { computeGold, foldBronze, type OracleRow } from "../support/oracle";

const TODAY = new Date("2024-06-15T08:00:00.000Z");
const C1 = oid(0xc1);
const C2 = oid(0xc2);
const P1 = oid(0xa1);
const P2 = oid(0xa2);

/** Builds a tiny world: each customer and product inserted, then the given orders. */
function world(opts: {
    customers?: string[];
    products?: { id: string; price: string; stock?: number }[];
    orders?: { id: string; customer: string; status: string; lines: LineSpec[]; at?: string }[];
    then?: (b: BronzeBuilder) => void;
}) {
    const b = new BronzeBuilder();
    let ts = 1000;
    for (const c of opts.customers ?? []) b.insert("customers", customerDoc(c), { tsMs: ts++ });
    for (const p of opts.products ?? []) b.insert("products", productDoc(p.id, p.price, p.stock ?? 50), { tsMs: ts++ });
    for (const o of opts.orders ?? [])
        b.insert("orders", orderDoc(o.id, o.customer, o.status, o.lines, o.at), { tsMs: ts++ });
    opts.then?.(b);
    return computeGold(foldBronze(b.tables()), TODAY);
}

function one(rows: OracleRow[], column: string, value: string | number): OracleRow {
    const found = rows.filter((r) => r[column] === value);
    assert.equal(found.length, 1, `exactly one row with ${column}=${value}`);
    return found[0]!;
}

const line = (product: string, quantity: number, unitPrice: string): LineSpec => ({ product, quantity, unitPrice });

describe("oracle computeGold", () => {
    it("computes order totals exactly as Σ quantity × unit_price (0.1 × 3 = 0.30)", () => {
        const gold = world({
            customers: [C1],
            products: [
                { id: P1, price: "0.10" },
                { id: P2, price: "19.99" },
            ],
            orders: [{ id: oid(1), customer: C1, status: "paid", lines: [line(P1, 3, "0.1"), line(P2, 2, "19.99")] }],
        });
        const o = one(gold.stg_orders, "order_id", oid(1));
        assert.equal(o.order_total, "40.28");
        assert.equal(o.item_count, 2);
        assert.deepEqual(gold.fact_orders.map((r) => r.line_total).sort(), ["0.30", "39.98"]);
    });

    it("excludes cancelled orders from revenue, CLV, units and items but counts them as orders", () => {
        const gold = world({
            customers: [C1],
            products: [{ id: P1, price: "10.00" }],
            orders: [
                { id: oid(1), customer: C1, status: "delivered", lines: [line(P1, 2, "10.00")] },
                { id: oid(2), customer: C1, status: "cancelled", lines: [line(P1, 5, "10.00")] },
            ],
        });
        const c = one(gold.dim_customers, "customer_id", C1);
        assert.equal(c.total_orders, 2);
        assert.equal(c.customer_lifetime_value, "20.00");
        const p = one(gold.dim_products, "product_id", P1);
        assert.equal(p.units_sold, 2);
        assert.equal(p.revenue, "20.00");
        const day = one(gold.fct_daily_sales, "order_date", "2024-03-01");
        assert.deepEqual(
            [day.total_orders_placed, day.revenue_orders, day.cancelled_orders, day.total_revenue, day.items_sold],
            [2, 1, 1, "20.00", 2],
        );
        assert.equal(one(gold.fact_orders, "order_id", oid(2)).order_total_value, "50.00");
    });

    it("uses the current status: an order updated to cancelled stops bearing revenue", () => {
        const gold = world({
            customers: [C1],
            products: [{ id: P1, price: "10.00" }],
            orders: [{ id: oid(1), customer: C1, status: "paid", lines: [line(P1, 1, "10.00")] }],
            then: (b) => b.update("orders", orderDoc(oid(1), C1, "cancelled", [line(P1, 1, "10.00")]), { tsMs: 9000 }),
        });
        assert.equal(one(gold.dim_customers, "customer_id", C1).customer_lifetime_value, "0.00");
        assert.equal(one(gold.dim_customers, "customer_id", C1).customer_segment, "prospect");
    });

    it("segments customers at the CLV boundaries 1000 / 250 / > 0", () => {
        const cases: [string, string][] = [
            ["1000.00", "high_value"],
            ["999.99", "medium_value"],
            ["250.00", "medium_value"],
            ["249.99", "low_value"],
            ["0.01", "low_value"],
        ];
        const customers = cases.map((_, i) => oid(0x100 + i));
        const gold = world({
            customers: [...customers, C2],
            products: [{ id: P1, price: "1.00" }],
            orders: cases.map(([amount], i) => ({
                id: oid(0x200 + i),
                customer: customers[i]!,
                status: "paid",
                lines: [line(P1, 1, amount)],
            })),
        });
        cases.forEach(([amount, segment], i) => {
            const c = one(gold.dim_customers, "customer_id", customers[i]!);
            assert.equal(c.customer_lifetime_value, amount);
            assert.equal(c.customer_segment, segment, `CLV ${amount}`);
        });
        const noOrders = one(gold.dim_customers, "customer_id", C2);
        assert.deepEqual(
            [noOrders.customer_segment, noOrders.total_orders, noOrders.first_order_at],
            ["prospect", 0, null],
        );
    });

    it("categorises prices at the boundaries 25 / 100 / 500", () => {
        const cases: [string, string][] = [
            ["24.99", "budget"],
            ["25.00", "standard"],
            ["99.99", "standard"],
            ["100.00", "premium"],
            ["499.99", "premium"],
            ["500.00", "luxury"],
        ];
        const gold = world({ products: cases.map(([price], i) => ({ id: oid(0x300 + i), price })) });
        cases.forEach(([price, category], i) => {
            assert.equal(
                one(gold.dim_products, "product_id", oid(0x300 + i)).price_category,
                category,
                `price ${price}`,
            );
        });
    });

    it("derives inventory status from stock 0 / 1–10 / > 10", () => {
        const cases: [number, string][] = [
            [0, "out_of_stock"],
            [1, "low_stock"],
            [10, "low_stock"],
            [11, "in_stock"],
        ];
        const gold = world({ products: cases.map(([stock], i) => ({ id: oid(0x400 + i), price: "5.00", stock })) });
        cases.forEach(([stock, status], i) => {
            assert.equal(
                one(gold.dim_products, "product_id", oid(0x400 + i)).inventory_status,
                status,
                `stock ${stock}`,
            );
        });
    });

    it("dates orders in UTC: 23:59:59.999 on its day, 00:00:00.000 on the next", () => {
        const gold = world({
            customers: [C1],
            products: [{ id: P1, price: "10.00" }],
            orders: [
                {
                    id: oid(1),
                    customer: C1,
                    status: "paid",
                    lines: [line(P1, 1, "10.00")],
                    at: "2024-03-31T23:59:59.999Z",
                },
                {
                    id: oid(2),
                    customer: C1,
                    status: "paid",
                    lines: [line(P1, 1, "10.00")],
                    at: "2024-04-01T00:00:00.000Z",
                },
            ],
        });
        assert.equal(one(gold.fact_orders, "order_id", oid(1)).order_date, "2024-03-31");
        assert.equal(one(gold.fact_orders, "order_id", oid(2)).order_date, "2024-04-01");
        assert.deepEqual(gold.fct_daily_sales.map((d) => d.order_date).sort(), ["2024-03-31", "2024-04-01"]);
        const c = one(gold.dim_customers, "customer_id", C1);
        assert.equal(c.first_order_at, Date.UTC(2024, 2, 31, 23, 59, 59, 999));
        assert.equal(c.last_order_at, Date.UTC(2024, 3, 1));
    });

    it("keeps fact rows of a deleted customer and product with their attributes NULL", () => {
        const gold = world({
            customers: [C1],
            products: [
                { id: P1, price: "10.00" },
                { id: P2, price: "20.00" },
            ],
            orders: [{ id: oid(1), customer: C1, status: "paid", lines: [line(P1, 1, "10.00"), line(P2, 1, "20.00")] }],
            then: (b) => {
                b.deleteWithBefore("customers", customerDoc(C1), { tsMs: 9000 });
                b.deleteByKey("products", P2, { tsMs: 9001 });
            },
        });
        assert.equal(gold.dim_customers.length, 0);
        assert.equal(gold.fact_orders.length, 2);
        const kept = gold.fact_orders.find((r) => r.product_id === P1)!;
        const orphan = gold.fact_orders.find((r) => r.product_id === P2)!;
        for (const r of [kept, orphan]) {
            assert.deepEqual(
                [r.customer_id, r.customer_name, r.customer_segment, r.customer_lifetime_value],
                [C1, null, null, null],
            );
            assert.equal(r.order_total_value, "30.00");
        }
        assert.deepEqual(
            [
                orphan.product_name,
                orphan.category,
                orphan.price_category,
                orphan.current_product_price,
                orphan.price_variance,
            ],
            [null, null, null, null, null],
        );
        assert.deepEqual([orphan.unit_price, orphan.line_total, orphan.line_number], ["20.00", "20.00", 2]);
        assert.deepEqual([kept.product_name, kept.price_category, kept.line_number], ["Widget", "budget", 1]);
        assert.equal(one(gold.dim_products, "product_id", P1).revenue, "10.00");
    });

    it("computes price_variance as unit_price − current product price, negative when the price rose", () => {
        const gold = world({
            customers: [C1],
            products: [{ id: P1, price: "10.00" }],
            orders: [{ id: oid(1), customer: C1, status: "paid", lines: [line(P1, 1, "10.00")] }],
            then: (b) => b.update("products", productDoc(P1, "12.35"), { tsMs: 9000 }),
        });
        const r = one(gold.fact_orders, "order_id", oid(1));
        assert.deepEqual([r.unit_price, r.current_product_price, r.price_variance], ["10.00", "12.35", "-2.35"]);
    });

    it("averages order value to 2 dp half away from zero, and 0 on a day without revenue orders", () => {
        const gold = world({
            customers: [C1, C2],
            products: [{ id: P1, price: "1.00" }],
            orders: [
                { id: oid(1), customer: C1, status: "paid", lines: [line(P1, 1, "10.00")], at: "2024-03-01T10:00:00Z" },
                { id: oid(2), customer: C2, status: "paid", lines: [line(P1, 1, "5.00")], at: "2024-03-01T11:00:00Z" },
                {
                    id: oid(3),
                    customer: C1,
                    status: "shipped",
                    lines: [line(P1, 1, "5.00")],
                    at: "2024-03-01T12:00:00Z",
                },
                {
                    id: oid(4),
                    customer: C1,
                    status: "cancelled",
                    lines: [line(P1, 1, "9.00")],
                    at: "2024-03-02T12:00:00Z",
                },
            ],
        });
        const d1 = one(gold.fct_daily_sales, "order_date", "2024-03-01");
        assert.deepEqual(
            [d1.total_revenue, d1.revenue_orders, d1.avg_order_value, d1.total_unique_customers],
            ["20.00", 3, "6.67", 2],
        );
        const d2 = one(gold.fct_daily_sales, "order_date", "2024-03-02");
        assert.deepEqual(
            [d2.total_revenue, d2.revenue_orders, d2.avg_order_value, d2.cancelled_orders],
            ["0.00", 0, "0.00", 1],
        );
    });

    it("counts days since registration in UTC calendar days up to today", () => {
        const b = new BronzeBuilder();
        b.insert("customers", customerDoc(C1, { created_at: ext.date("2024-06-14T23:59:59.999Z") }), { tsMs: 1 });
        b.insert("customers", customerDoc(C2, { created_at: ext.date("2024-06-15T00:00:00.000Z") }), { tsMs: 2 });
        const gold = computeGold(foldBronze(b.tables()), TODAY);
        assert.equal(one(gold.dim_customers, "customer_id", C1).days_since_registration, 1);
        assert.equal(one(gold.dim_customers, "customer_id", C2).days_since_registration, 0);
    });

    it("builds silver rows with the contract's derived columns", () => {
        const gold = world({ customers: [C1], products: [{ id: P1, price: "19.99", stock: 3 }] });
        const c = one(gold.stg_customers, "customer_id", C1);
        assert.deepEqual(
            [c.customer_name, c.city, c.country, c.registered_at],
            ["Ada Lovelace", "London", "GB", Date.UTC(2024, 0, 1)],
        );
        assert.match(
            String(c._event_timestamp_ms),
            /^[0-9]+$/,
            "_event_timestamp_ms as exact integer text (Int64 may pass 2^53)",
        );
        const p = one(gold.stg_products, "product_id", P1);
        assert.deepEqual([p.price, p.stock_quantity, p.product_name], ["19.99", 3, "Widget"]);
    });

    it("keeps unicode names intact", () => {
        const b = new BronzeBuilder();
        b.insert("customers", customerDoc(C1, { first_name: "Zoë", last_name: "Ødegård 山田" }), { tsMs: 1 });
        const gold = computeGold(foldBronze(b.tables()), TODAY);
        assert.equal(one(gold.dim_customers, "customer_id", C1).customer_name, "Zoë Ødegård 山田");
    });
});
