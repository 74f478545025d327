/**
 * The oracle's reject rules, field checks (rule 7): one case per reason on a hand-written
 * document, their precedence, the accepted forms (exponent decimals, ISO dates, `$numberLong`,
 * plain integer prices) and the values they produce.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BronzeBuilder, customerDoc, ext, oid, orderDoc, productDoc, type LineSpec } from "../support/oracle/builder";
import { classifyRow, foldBronze, type BronzeRow } from "../support/oracle";
import type { Collection } from "../support/oracle/documents";

const C1 = oid(0xc1);
const P1 = oid(0xa1);
const O1 = oid(0x01);
const LINE: LineSpec = { product: P1, quantity: 2, unitPrice: "10.00" };

/** An insert of `doc` into `collection`. */
const insert = (collection: Collection, doc: Record<string, unknown>): BronzeRow =>
    new BronzeBuilder().insert(collection, doc, { tsMs: 1000 });

/** The reason of a rejected insert of `doc`, or `event`/`skip`. */
function outcome(collection: Collection, doc: Record<string, unknown>): string {
    const c = classifyRow(insert(collection, doc), collection);
    return c.kind === "reject" ? c.reason : c.kind;
}

/** The same, with the `after` text edited (for number spellings `JSON.stringify` would not write). */
function outcomeOfText(collection: Collection, doc: Record<string, unknown>, from: string, to: string): string {
    const row = insert(collection, doc);
    const env = JSON.parse(row.raw_data) as { after: string };
    assert.ok(env.after.includes(from), `after contains ${from}`);
    env.after = env.after.replace(from, to);
    const c = classifyRow({ ...row, raw_data: JSON.stringify(env) }, collection);
    return c.kind === "reject" ? c.reason : c.kind;
}

const order = (overrides: Record<string, unknown>, lines: LineSpec[] = [LINE]) =>
    orderDoc(O1, C1, "paid", lines, undefined, overrides);
const item = (overrides: Record<string, unknown>) => ({
    product_id: ext.oid(P1),
    quantity: 1,
    unit_price: ext.decimal("1.00"),
    ...overrides,
});

describe("oracle reject rules: field checks", () => {
    it("accepts the builder's well-formed documents and absent or null fields", () => {
        assert.equal(outcome("customers", customerDoc(C1)), "event");
        assert.equal(outcome("products", productDoc(P1)), "event");
        assert.equal(outcome("orders", order({})), "event");
        assert.equal(outcome("customers", { _id: ext.oid(C1), email: null, address: null }), "event");
        assert.equal(outcome("products", { _id: ext.oid(P1), price: null, stock_quantity: null }), "event");
        assert.equal(outcome("orders", { _id: ext.oid(O1), items: null, customer_id: null }), "event");
        assert.equal(outcome("orders", order({ items: [item({ product_id: null })] })), "event");
    });

    it("bad_object: customers.address not an object", () => {
        for (const address of ["London", 1, [], [{}]])
            assert.equal(outcome("customers", customerDoc(C1, { address })), "bad_object");
    });

    it("bad_items: items not an array, an element not an object, or a line without quantity or unit_price", () => {
        const cases = [
            {},
            "x",
            [1],
            [null],
            [item({}), []],
            [item({ quantity: null })],
            [item({ unit_price: undefined })],
        ];
        for (const items of cases) {
            const doc = order({ items });
            assert.equal(
                outcome("orders", JSON.parse(JSON.stringify(doc)) as Record<string, unknown>),
                "bad_items",
                JSON.stringify(items),
            );
        }
    });

    it("bad_oid: orders.customer_id or a line's product_id not an ObjectId", () => {
        assert.equal(outcome("orders", order({ customer_id: C1 })), "bad_oid");
        assert.equal(outcome("orders", order({ customer_id: { $oid: "xyz" } })), "bad_oid");
        assert.equal(
            outcome("orders", order({ items: [item({}), item({ product_id: { $oid: oid(1).slice(1) } })] })),
            "bad_oid",
        );
    });

    it("bad_string: a contract string field holding another type", () => {
        assert.equal(outcome("customers", customerDoc(C1, { email: 42 })), "bad_string");
        assert.equal(outcome("customers", customerDoc(C1, { address: { city: { name: "London" } } })), "bad_string");
        assert.equal(outcome("products", productDoc(P1, "1.00", 1, { sku: ["A"] })), "bad_string");
        assert.equal(outcome("orders", order({ status: true })), "bad_string");
    });

    it("bad_int: stock or quantity not an Int32 (fraction, Double spelling, text, out of range)", () => {
        assert.equal(outcome("products", productDoc(P1, "1.00", 2.5)), "bad_int");
        assert.equal(outcome("products", productDoc(P1, "1.00", 1, { stock_quantity: "7" })), "bad_int");
        assert.equal(outcome("products", productDoc(P1, "1.00", 1, { stock_quantity: ext.long(2 ** 31) })), "bad_int");
        assert.equal(
            outcome("products", productDoc(P1, "1.00", 1, { stock_quantity: { $numberLong: "1e3" } })),
            "bad_int",
        );
        // a double with an integer value is that integer, as silver reads it (ClickHouse re-writes 3.0 as 3;
        // docs/analytics.md)
        assert.equal(
            outcomeOfText("products", productDoc(P1, "1.00", 3), '"stock_quantity": 3', '"stock_quantity": 3.0'),
            "event",
        );
        assert.equal(
            outcomeOfText("products", productDoc(P1, "1.00", 3), '"stock_quantity": 3', '"stock_quantity": 3.5'),
            "bad_int",
        );
        assert.equal(
            outcomeOfText("products", productDoc(P1, "1.00", 3), '"stock_quantity": 3', '"stock_quantity": 3e21'),
            "bad_int",
        );
        assert.equal(outcome("orders", order({}, [{ ...LINE, quantity: -(2 ** 31) - 1 }])), "bad_int");
        assert.equal(outcomeOfText("orders", order({}), '"quantity": 2', '"quantity": 2e0'), "event");
        assert.equal(outcomeOfText("orders", order({}), '"quantity": 2', '"quantity": 2e10'), "bad_int");
    });

    it("bad_date: not {$date: integer | {$numberLong} | ISO-8601 text}", () => {
        const bad = [
            1_700_000_000_000,
            "2024-01-01T00:00:00Z",
            { $date: "yesterday" },
            { $date: 1.5 },
            { $date: null },
            { $date: "2023-02-29T00:00:00Z" },
            { $date: "2024-01-01" },
            { $date: "2024-01-01T00:00:00" },
            { $date: { $numberLong: "x" } },
        ];
        for (const created_at of bad)
            assert.equal(outcome("customers", customerDoc(C1, { created_at })), "bad_date", JSON.stringify(created_at));
        assert.equal(outcome("products", productDoc(P1, "1.00", 1, { updated_at: { $date: true } })), "bad_date");
        assert.equal(outcome("orders", order({ ordered_at: { date: 1 } })), "bad_date");
    });

    it("bad_date: an instant outside 1900-01-01 … 2299-12-31 UTC, however it is written (contract §6)", () => {
        const outside = [
            { $date: Date.UTC(1850, 0, 1) },
            { $date: Date.UTC(1900, 0, 1) - 1 },
            { $date: Date.UTC(2300, 0, 1) },
            { $date: "0001-01-01T00:00:00Z" },
            { $date: "1899-12-31T23:59:59.999Z" },
            { $date: "2300-01-01T00:00:00Z" },
            { $date: "1900-01-01T00:30:00+01:00" },
            { $date: "2299-12-31T23:00:00-05:00" },
            { $date: ext.long(-5_000_000_000_000) },
            { $date: { $numberLong: "99999999999999999999" } },
            { $date: 2 ** 63 },
        ];
        for (const ordered_at of outside)
            assert.equal(outcome("orders", order({ ordered_at })), "bad_date", JSON.stringify(ordered_at));
        assert.equal(
            outcome("customers", customerDoc(C1, { updated_at: { $date: Date.UTC(2300, 0, 1) } })),
            "bad_date",
        );
        assert.equal(outcome("products", productDoc(P1, "1.00", 1, { created_at: { $date: -(2 ** 53) } })), "bad_date");
        const inside = [
            { $date: Date.UTC(1900, 0, 1) },
            { $date: Date.UTC(2300, 0, 1) - 1 },
            { $date: Date.UTC(1969, 11, 31, 23) },
            { $date: "1900-01-01T00:30:00-01:00" },
            { $date: { $numberLong: "-3600000" } },
        ];
        for (const ordered_at of inside)
            assert.equal(outcome("orders", order({ ordered_at })), "event", JSON.stringify(ordered_at));
    });

    it("bad_decimal: a line total or order total outside Decimal(18,2), computed exactly (contract §6)", () => {
        const big = "99999999999999.99";
        assert.equal(
            outcome("orders", order({}, [{ product: P1, quantity: 1000, unitPrice: big }])),
            "bad_decimal",
            "1000 × " + big,
        );
        assert.equal(
            outcome("orders", order({}, [{ product: P1, quantity: 100, unitPrice: big }])),
            "event",
            "100 × " + big,
        );
        assert.equal(
            outcome("orders", order({}, [{ product: P1, quantity: -1000, unitPrice: big }])),
            "bad_decimal",
            "negative",
        );
        const half = "5000000000000000.00";
        assert.equal(
            outcome(
                "orders",
                order({}, [
                    { product: P1, quantity: 1, unitPrice: half },
                    { product: P1, quantity: 1, unitPrice: half },
                ]),
            ),
            "bad_decimal",
            "two lines summing to 10^16",
        );
        assert.equal(
            outcome(
                "orders",
                order({}, [
                    { product: P1, quantity: 1, unitPrice: half },
                    { product: P1, quantity: 1, unitPrice: "4999999999999999.99" },
                ]),
            ),
            "event",
            "an order total of 9999999999999999.99 fits",
        );
        assert.equal(
            outcome(
                "orders",
                order({}, [
                    { product: P1, quantity: 2, unitPrice: half },
                    { product: P1, quantity: -1, unitPrice: half },
                ]),
            ),
            "bad_decimal",
            "a line outside, though the total would fit",
        );
        assert.equal(
            outcome("orders", order({}, [{ product: P1, quantity: 2 ** 31 - 1, unitPrice: "4656612.87" }])),
            "event",
        );
        assert.equal(
            outcome("orders", order({}, [{ product: P1, quantity: 2 ** 31 - 1, unitPrice: "4656612.88" }])),
            "bad_decimal",
        );
    });

    it("non_finite_decimal: NaN and the infinities, in any letter case", () => {
        for (const t of ["NaN", "nan", "Infinity", "-Infinity", "+Infinity", "INFINITY", "Inf", "-inf"]) {
            assert.equal(outcome("products", productDoc(P1, t)), "non_finite_decimal", t);
            assert.equal(outcome("orders", order({}, [{ ...LINE, unitPrice: t }])), "non_finite_decimal", t);
        }
    });

    it("bad_decimal: not decimal text, more than 2 dp, outside Decimal(18,2), or not a Decimal128", () => {
        for (const t of [
            "19.999",
            "0.001",
            "1E-3",
            "abc",
            "",
            " 1.00",
            "1.00 ",
            "1,00",
            "0x10",
            "--1",
            "10000000000000000",
            "1E+16",
            "+Inf",
        ]) {
            assert.equal(outcome("products", productDoc(P1, t)), "bad_decimal", JSON.stringify(t));
        }
        for (const price of ["19.99", 19.5, ext.long(5), { $numberDecimal: 19.99 }, 10 ** 16]) {
            assert.equal(
                outcome("products", productDoc(P1, "1.00", 1, { price })),
                "bad_decimal",
                JSON.stringify(price),
            );
        }
        assert.equal(outcome("orders", order({}, [LINE, { ...LINE, unitPrice: "3.141" }])), "bad_decimal");
    });

    it("reads the accepted forms exactly: exponents, trailing zeros, integer prices, $numberLong, ISO dates", () => {
        const b = new BronzeBuilder();
        const P = [oid(0xb1), oid(0xb2), oid(0xb3), oid(0xb4), oid(0xb5)];
        b.insert("products", productDoc(P[0]!, "1.5E+2", 1, { stock_quantity: ext.long(-3) }), { tsMs: 1 });
        b.insert(
            "products",
            productDoc(P[1]!, "19.9900000", 2 ** 31 - 1, { created_at: { $date: "2024-02-29T23:59:59.9999Z" } }),
            { tsMs: 1 },
        );
        b.insert(
            "products",
            productDoc(P[2]!, "1.00", 1, { price: 7, updated_at: { $date: "2024-03-01T01:00:00+01:00" } }),
            { tsMs: 1 },
        );
        b.insert("products", productDoc(P[3]!, "-.5", 1, { created_at: { $date: { $numberLong: "-86400000" } } }), {
            tsMs: 1,
        });
        b.insert(
            "products",
            productDoc(P[4]!, "9999999999999999.99", 1, {
                created_at: { $date: "1900-01-01T00:00:00Z" },
                updated_at: { $date: "2299-12-31T23:59:59.999Z" },
            }),
            { tsMs: 1 },
        );
        const docs = foldBronze(b.tables());
        assert.deepEqual(docs.rejects, []);
        const p = (i: number) => docs.products.get(P[i]!)!;
        assert.deepEqual([p(0).price, p(0).stock_quantity], [15_000n, -3]);
        assert.deepEqual(
            [p(1).price, p(1).stock_quantity, p(1).created_at],
            [1_999n, 2 ** 31 - 1, Date.UTC(2024, 1, 29, 23, 59, 59, 999)],
        );
        assert.deepEqual([p(2).price, p(2).updated_at], [700n, Date.UTC(2024, 2, 1, 0, 0, 0)]);
        assert.deepEqual([p(3).price, p(3).created_at], [-50n, -86_400_000]);
        assert.deepEqual(
            [p(4).price, p(4).created_at, p(4).updated_at],
            [999_999_999_999_999_999n, Date.UTC(1900, 0, 1), Date.UTC(2300, 0, 1) - 1],
        );
    });

    it("applies the reasons in order whichever field fails (first reason in the list wins)", () => {
        assert.equal(outcome("customers", customerDoc(C1, { address: "x", email: 1, created_at: 5 })), "bad_object");
        assert.equal(outcome("customers", customerDoc(C1, { created_at: 5, phone: 1 })), "bad_string");
        assert.equal(outcome("orders", order({ items: {}, customer_id: "x" })), "bad_items");
        assert.equal(outcome("orders", order({ status: 1, customer_id: "x" })), "bad_oid");
        assert.equal(outcome("orders", order({ status: 1 }, [{ ...LINE, quantity: 1.5 }])), "bad_string");
        assert.equal(outcome("orders", order({ updated_at: 1 }, [{ ...LINE, quantity: 1.5 }])), "bad_int");
        assert.equal(outcome("orders", order({ updated_at: 1 }, [{ ...LINE, unitPrice: "NaN" }])), "bad_date");
        assert.equal(
            outcome(
                "orders",
                order({}, [
                    { ...LINE, unitPrice: "abc" },
                    { ...LINE, unitPrice: "NaN" },
                ]),
            ),
            "non_finite_decimal",
        );
        assert.equal(outcome("products", productDoc(P1, "NaN", 1.5)), "bad_int");
    });

    it("checks no fields of a delete (its before is only read for the id)", () => {
        const row = new BronzeBuilder().deleteWithBefore("products", productDoc(P1, "NaN", 1.5, { sku: 1 }), {
            tsMs: 1,
        });
        assert.equal(classifyRow(row, "products").kind, "event");
    });
});
