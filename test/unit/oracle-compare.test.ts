import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
    canonicalDate,
    canonicalDateTime,
    canonicalInt,
    canonicalMoney,
    compareModel,
    MISSING_COLUMN,
    normalizeRows,
} from "../support/compare";

describe("compare normalisation", () => {
    it("writes money as exact text with two decimal places, from numbers or text", () => {
        assert.equal(canonicalMoney(19.9), "19.90");
        assert.equal(canonicalMoney("12.3400"), "12.34");
        assert.equal(canonicalMoney("7"), "7.00");
        assert.equal(canonicalMoney("-0.00"), "0.00");
        assert.equal(canonicalMoney("12.345"), "12.345");
        assert.equal(canonicalMoney(1e-7), "0.0000001");
        assert.match(canonicalMoney("abc"), /not a decimal/);
    });

    it("writes integers as plain text, whether JSON numbers or quoted 64-bit integers", () => {
        assert.equal(canonicalInt(42), "42");
        assert.equal(canonicalInt("0042"), "42");
        assert.equal(canonicalInt("9007199254740993"), "9007199254740993");
        assert.match(canonicalInt(1.5), /not an integer/);
    });

    it("reads ClickHouse date-times as UTC and epoch milliseconds alike", () => {
        const iso = "2024-03-31T23:59:59.999Z";
        assert.equal(canonicalDateTime("2024-03-31 23:59:59.999"), iso);
        assert.equal(canonicalDateTime(Date.parse(iso)), iso);
        assert.equal(canonicalDateTime(String(Date.parse(iso))), iso);
        assert.equal(canonicalDateTime(iso), iso);
        assert.equal(canonicalDateTime("2024-04-01 00:00:00"), "2024-04-01T00:00:00.000Z");
        assert.equal(canonicalDateTime("2024-04-01 00:00:00.000000"), "2024-04-01T00:00:00.000Z");
    });

    it("keeps a precision difference visible instead of rounding it away", () => {
        assert.notEqual(canonicalDateTime("2024-04-01 00:00:00.000123"), canonicalDateTime("2024-04-01 00:00:00"));
    });

    it("reads dates as text or ClickHouse day numbers, and flags a date carrying a time", () => {
        assert.equal(canonicalDate("2024-03-31"), "2024-03-31");
        assert.equal(canonicalDate(19813), "2024-03-31");
        assert.match(canonicalDate("2024-03-31 12:00:00"), /date with a time/);
    });

    it("keeps exactly the contract's columns and marks absent ones", () => {
        const [row] = normalizeRows("fct_daily_sales", [{ order_date: "2024-03-01", total_revenue: 5, extra: 1 }]);
        assert.equal(row?.total_revenue, "5.00");
        assert.equal(row?.total_orders_placed, MISSING_COLUMN);
        assert.equal(row && "extra" in row, false);
    });
});

describe("compareModel", () => {
    const day = (date: string, revenue: string) => ({
        order_date: date,
        total_orders_placed: 1,
        total_unique_customers: 1,
        total_revenue: revenue,
        revenue_orders: 1,
        avg_order_value: revenue,
        cancelled_orders: 0,
        items_sold: 1,
    });

    it("finds equal row sets equal regardless of row order and encoding", () => {
        const expected = [day("2024-03-01", "10.00"), day("2024-03-02", "5.50")];
        const actual = [
            { ...day("2024-03-02", "5.5"), total_orders_placed: "1" },
            { ...day("2024-03-01", "10"), items_sold: "1" },
        ];
        const result = compareModel("fct_daily_sales", expected, actual);
        assert.equal(result.equal, true, result.report);
    });

    it("names missing rows, unexpected rows and differing columns", () => {
        const expected = [day("2024-03-01", "10.00"), day("2024-03-02", "5.50")];
        const actual = [day("2024-03-01", "10.01"), day("2024-03-03", "1.00")];
        const result = compareModel("fct_daily_sales", expected, actual);
        assert.equal(result.equal, false);
        assert.match(result.report, /1 row\(s\) expected but missing:\n {2}order_date=2024-03-02/);
        assert.match(result.report, /1 row\(s\) not expected:\n {2}order_date=2024-03-03/);
        assert.match(result.report, /total_revenue: expected "10.00", got "10.01"/);
    });

    it("reports duplicate keys on either side", () => {
        const result = compareModel(
            "fct_daily_sales",
            [day("2024-03-01", "1.00")],
            [day("2024-03-01", "1.00"), day("2024-03-01", "1.00")],
        );
        assert.equal(result.equal, false);
        assert.match(result.report, /duplicate key in actual: order_date=2024-03-01/);
    });

    it("distinguishes NULL from an empty string", () => {
        const base = { customer_id: "a", customer_name: null, email: "" };
        const result = compareModel("dim_customers", [base], [{ customer_id: "a", customer_name: "", email: null }]);
        assert.match(result.report, /customer_name: expected NULL, got ""/);
        assert.match(result.report, /email: expected "", got NULL/);
    });
});
