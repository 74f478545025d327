import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { divideRoundHalfAwayFromZero, formatCents, parseCents } from "../support/oracle/decimal";
import { daysBetweenUtcDates, utcDate } from "../support/oracle/time";

describe("oracle money arithmetic", () => {
    it("parses Decimal128 text exactly, including trailing zeros and exponents", () => {
        assert.equal(parseCents("19.99"), 1999n);
        assert.equal(parseCents("0.1"), 10n);
        assert.equal(parseCents("7"), 700n);
        assert.equal(parseCents("19.990"), 1999n);
        assert.equal(parseCents("1.5E+2"), 15000n);
        assert.equal(parseCents("2500E-2"), 2500n);
        assert.equal(parseCents("-3.05"), -305n);
    });

    it("rejects text that is not a decimal number", () => {
        assert.throws(() => parseCents("abc"), /not a decimal/);
        assert.throws(() => parseCents("."), /not a decimal/);
    });

    it("adds 0.1 three times to exactly 0.30", () => {
        assert.equal(formatCents(parseCents("0.1") * 3n), "0.30");
    });

    it("formats cents with exactly two decimal places and a sign", () => {
        assert.equal(formatCents(0n), "0.00");
        assert.equal(formatCents(5n), "0.05");
        assert.equal(formatCents(-5n), "-0.05");
        assert.equal(formatCents(123456789012n), "1234567890.12");
    });

    it("rounds a quotient half away from zero, like ClickHouse round() on a Decimal", () => {
        assert.equal(divideRoundHalfAwayFromZero(2000n, 3n), 667n); // 6.666… → 6.67
        assert.equal(divideRoundHalfAwayFromZero(1000n, 3n), 333n); // 3.333… → 3.33
        assert.equal(divideRoundHalfAwayFromZero(5n, 2n), 3n); // 0.025 → 0.03
        assert.equal(divideRoundHalfAwayFromZero(-5n, 2n), -3n); // -0.025 → -0.03
        assert.equal(divideRoundHalfAwayFromZero(7n, 8n), 1n); // 0.00875 → 0.01
        assert.throws(() => divideRoundHalfAwayFromZero(1n, 0n));
    });
});

describe("oracle UTC calendar", () => {
    it("puts 23:59:59.999 on its own day and 00:00:00.000 on the next", () => {
        assert.equal(utcDate(Date.UTC(2024, 2, 31, 23, 59, 59, 999)), "2024-03-31");
        assert.equal(utcDate(Date.UTC(2024, 3, 1, 0, 0, 0, 0)), "2024-04-01");
    });

    it("counts calendar-day boundaries, not elapsed 24 h periods", () => {
        assert.equal(daysBetweenUtcDates(Date.UTC(2024, 0, 1, 23, 59), Date.UTC(2024, 0, 2, 0, 1)), 1);
        assert.equal(daysBetweenUtcDates(Date.UTC(2024, 0, 1, 0, 0), Date.UTC(2024, 0, 1, 23, 59)), 0);
        assert.equal(daysBetweenUtcDates(Date.UTC(1969, 11, 31, 12), Date.UTC(1970, 0, 1, 12)), 1);
    });
});
