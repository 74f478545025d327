import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { computeGold, foldBronze, type OracleRow } from "../support/oracle";
import { oid } from "../support/oracle/builder";
import { boundaryWorld } from "../support/oracle/boundary-world";

const gold = computeGold(foldBronze(boundaryWorld()), new Date("2024-12-01T00:00:00Z"));
const by = (rows: OracleRow[], column: string, value: string): OracleRow | undefined =>
    rows.find((r) => r[column] === value);

describe("oracle boundary world (input of the gold-vs-oracle e2e)", () => {
    it("puts customers exactly on and just below every segment boundary", () => {
        const segments = [0, 1, 2, 3, 4].map(
            (i) => by(gold.dim_customers, "customer_id", oid(0xc000 + i))?.customer_segment,
        );
        assert.deepEqual(segments, ["high_value", "medium_value", "medium_value", "low_value", "low_value"]);
        assert.equal(by(gold.dim_customers, "customer_id", oid(0xc100))?.customer_segment, "prospect");
    });

    it("covers every price category and inventory status", () => {
        assert.deepEqual(
            new Set(gold.dim_products.map((p) => p.price_category)),
            new Set(["budget", "standard", "premium", "luxury"]),
        );
        assert.deepEqual(
            new Set(gold.dim_products.map((p) => p.inventory_status)),
            new Set(["out_of_stock", "low_stock", "in_stock"]),
        );
    });

    it("has days whose average needs rounding (6.67) and a half cent (0.025 → 0.03)", () => {
        assert.equal(by(gold.fct_daily_sales, "order_date", "2024-11-03")?.avg_order_value, "6.67");
        assert.equal(by(gold.fct_daily_sales, "order_date", "2024-11-04")?.avg_order_value, "0.03");
        assert.equal(by(gold.fct_daily_sales, "order_date", "2024-11-02")?.avg_order_value, "0.00");
    });

    it("resolves the ordering and delivery anomalies as the contract says", () => {
        assert.equal(by(gold.stg_orders, "order_id", oid(0xd400))?.order_status, "cancelled");
        assert.equal(by(gold.stg_orders, "order_id", oid(0xd401))?.order_status, "delivered");
        assert.equal(by(gold.stg_customers, "customer_id", oid(0xc103))?.first_name, "Higher");
        assert.equal(by(gold.stg_orders, "order_id", oid(0xd502)), undefined);
        assert.equal(by(gold.stg_customers, "customer_id", oid(0xc200)), undefined);
        assert.equal(by(gold.stg_customers, "customer_id", oid(0xc201))?.first_name, "New");
        assert.ok(
            by(gold.stg_customers, "customer_id", oid(0xc102)),
            "a null-after update does not remove the customer",
        );
    });

    it("keeps fact rows of a deleted customer and a deleted product", () => {
        const orphanCustomer = gold.fact_orders.filter((r) => r.order_id === oid(0xd500));
        assert.equal(orphanCustomer.length, 2);
        assert.ok(orphanCustomer.every((r) => r.customer_name === null && r.customer_lifetime_value === null));
        const orphanProduct = gold.fact_orders.find((r) => r.product_id === oid(0xb100));
        assert.equal(orphanProduct?.product_name, null);
        assert.equal(orphanProduct?.line_total, "84.00");
    });

    it("has a line priced differently from its product's current price", () => {
        assert.ok(gold.fact_orders.some((r) => r.price_variance !== null && r.price_variance !== "0.00"));
    });

    it("skips a document whose only event is a null-after update and keeps escaped, emoji names", () => {
        assert.equal(by(gold.stg_orders, "order_id", oid(0xd600)), undefined);
        assert.equal(
            by(gold.dim_customers, "customer_id", oid(0xc300))?.customer_name,
            'Ann "Nan" O\'Brien \\ 😀\tTab',
        );
    });

    it("has the representable extremes: dates from 1900 to 2299 and sums beyond Decimal(18,2)", () => {
        const c = by(gold.dim_customers, "customer_id", oid(0xc400));
        assert.equal(c?.customer_lifetime_value, "99999999999999974.97");
        assert.deepEqual([c?.first_order_at, c?.last_order_at], [Date.UTC(1900, 0, 1), Date.UTC(2300, 0, 1) - 1]);
        assert.equal(by(gold.fct_daily_sales, "order_date", "1900-01-01")?.total_revenue, "99999999999999900.00");
        assert.ok(by(gold.fct_daily_sales, "order_date", "1969-12-31"));
        assert.ok(by(gold.fct_daily_sales, "order_date", "2149-06-07"));
        assert.ok(by(gold.fct_daily_sales, "order_date", "2299-12-31"));
        assert.equal(by(gold.dim_products, "product_id", oid(0xb200))?.revenue, "99999999999999900.00");
    });

    it("reads short Decimal128 text, repeated products and lines removed by an update", () => {
        assert.equal(by(gold.stg_orders, "order_id", oid(0xd700))?.order_total, "134.77");
        assert.deepEqual(
            gold.fact_orders.filter((r) => r.order_id === oid(0xd701)).map((r) => [r.line_number, r.line_total]),
            [[1, "199.98"]],
        );
    });
});
