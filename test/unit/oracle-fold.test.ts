import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BronzeBuilder, customerDoc, ext, oid, orderDoc, productDoc } from "../support/oracle/builder";
import { foldBronze } from "../support/oracle";

const C1 = oid(0xc1);
const P1 = oid(0xa1);

describe("oracle foldBronze", () => {
    it("keeps the state of the latest event when updates follow an insert", () => {
        const b = new BronzeBuilder();
        b.insert("customers", customerDoc(C1, { first_name: "Ada" }), { tsMs: 1000 });
        b.update("customers", customerDoc(C1, { first_name: "Grace" }), { tsMs: 2000 });
        const docs = foldBronze(b.tables());
        assert.equal(docs.customers.get(C1)?.first_name, "Grace");
        assert.equal(docs.customers.get(C1)?.eventTsMs, 2000n);
    });

    it("keeps source.ts_ms beyond 2^53 exact in _event_timestamp_ms, as silver's Int64 does", () => {
        const b = new BronzeBuilder();
        b.insert("customers", customerDoc(C1, { first_name: "Ada" }), { tsMs: 1000 });
        const tables = b.tables();
        const row = tables.customers[0];
        assert.ok(row.raw_data.includes('"ts_ms":1000,'));
        row.raw_data = row.raw_data.replace('"ts_ms":1000,', '"ts_ms":9223372036854769807,');
        const docs = foldBronze(tables);
        assert.equal(docs.customers.get(C1)?.eventTsMs, 9223372036854769807n, "not rounded through a double");
    });

    it("lets a newer event that arrived first win over an older one arriving later (out of order)", () => {
        const b = new BronzeBuilder();
        b.update("products", productDoc(P1, "30.00"), { tsMs: 2000 });
        b.insert("products", productDoc(P1, "10.00"), { tsMs: 1000 });
        assert.equal(foldBronze(b.tables()).products.get(P1)?.price, 3000n);
    });

    it("changes nothing when an older event is re-delivered at a new offset", () => {
        const b = new BronzeBuilder();
        const first = b.insert("products", productDoc(P1, "10.00", 5), { tsMs: 1000 });
        b.update("products", productDoc(P1, "12.50", 4), { tsMs: 2000 });
        b.redeliver("products", first);
        const p = foldBronze(b.tables()).products.get(P1);
        assert.equal(p?.price, 1250n);
        assert.equal(p?.stock_quantity, 4);
    });

    it("keeps one document when the latest event is delivered twice", () => {
        const b = new BronzeBuilder();
        const row = b.insert("customers", customerDoc(C1), { tsMs: 1000 });
        b.redeliver("customers", row);
        assert.equal(foldBronze(b.tables()).customers.size, 1);
    });

    it("orders events of the same source.ts_ms by source.ord, whatever the offsets", () => {
        const b = new BronzeBuilder();
        b.update("customers", customerDoc(C1, { last_name: "second" }), { tsMs: 1000, ord: 2 });
        b.update("customers", customerDoc(C1, { last_name: "first" }), { tsMs: 1000, ord: 1 });
        assert.equal(foldBronze(b.tables()).customers.get(C1)?.last_name, "second");
    });

    it("falls back to the Kafka offset when source.ts_ms and source.ord tie", () => {
        const b = new BronzeBuilder();
        b.update("customers", customerDoc(C1, { last_name: "lower offset" }), { tsMs: 1000, ord: 1 });
        b.update("customers", customerDoc(C1, { last_name: "higher offset" }), { tsMs: 1000, ord: 1 });
        assert.equal(foldBronze(b.tables()).customers.get(C1)?.last_name, "higher offset");
    });

    it("removes a document whose latest event is a delete carrying the id only in before", () => {
        const b = new BronzeBuilder();
        b.insert("customers", customerDoc(C1), { tsMs: 1000 });
        b.deleteWithBefore("customers", customerDoc(C1), { tsMs: 2000 }, true);
        assert.equal(foldBronze(b.tables()).customers.has(C1), false);
    });

    it("removes a document whose latest event is a delete carrying the id only in the record key", () => {
        const b = new BronzeBuilder();
        b.insert("orders", orderDoc(oid(0x01), C1, "paid", [{ product: P1, quantity: 1, unitPrice: "1.00" }]), {
            tsMs: 1000,
        });
        b.deleteByKey("orders", oid(0x01), { tsMs: 2000 });
        const docs = foldBronze(b.tables());
        assert.equal(docs.orders.size, 0);
        assert.deepEqual(docs.skipped, []);
        assert.deepEqual(docs.rejects, []);
    });

    it("keeps a document deleted when an older insert arrives after the delete", () => {
        const b = new BronzeBuilder();
        b.deleteByKey("customers", C1, { tsMs: 2000 });
        b.insert("customers", customerDoc(C1), { tsMs: 1000 });
        assert.equal(foldBronze(b.tables()).customers.has(C1), false);
    });

    it("brings a document back when it is inserted again after a delete", () => {
        const b = new BronzeBuilder();
        b.insert("customers", customerDoc(C1, { first_name: "Old" }), { tsMs: 1000 });
        b.deleteByKey("customers", C1, { tsMs: 2000 });
        b.insert("customers", customerDoc(C1, { first_name: "New" }), { tsMs: 3000 });
        assert.equal(foldBronze(b.tables()).customers.get(C1)?.first_name, "New");
    });

    it("skips an update with a null after, leaving the previous state in place", () => {
        const b = new BronzeBuilder();
        b.insert("customers", customerDoc(C1, { first_name: "Ada" }), { tsMs: 1000 });
        b.updateNullAfter("customers", C1, { tsMs: 2000 });
        const docs = foldBronze(b.tables());
        assert.equal(docs.customers.get(C1)?.first_name, "Ada");
        assert.equal(docs.customers.get(C1)?.eventTsMs, 1000n);
        assert.equal(docs.skipped.length, 1);
    });

    it("does not resurrect a deleted document through a later null-after update", () => {
        const b = new BronzeBuilder();
        b.insert("customers", customerDoc(C1), { tsMs: 1000 });
        b.deleteWithBefore("customers", customerDoc(C1), { tsMs: 2000 });
        b.updateNullAfter("customers", C1, { tsMs: 3000 });
        assert.equal(foldBronze(b.tables()).customers.has(C1), false);
    });

    it("treats snapshot reads (op r) as state", () => {
        const b = new BronzeBuilder();
        b.insert("products", productDoc(P1, "5.00"), { tsMs: 1000 }, true);
        assert.equal(foldBronze(b.tables()).products.get(P1)?.price, 500n);
    });

    it("parses strict extended JSON exactly: ObjectId lower-cased, dates, Decimal128, Int64", () => {
        const upper = "65F0C3AABBCCDDEEFF001122";
        const b = new BronzeBuilder();
        b.insert(
            "products",
            productDoc(upper, "0.10", 0, {
                stock_quantity: ext.long(12),
                created_at: ext.date("2024-02-29T23:59:59.999Z"),
                price: ext.decimal("1.5E+1"),
            }),
            { tsMs: 1000 },
        );
        const p = foldBronze(b.tables()).products.get(upper.toLowerCase());
        assert.equal(p?.price, 1500n);
        assert.equal(p?.stock_quantity, 12);
        assert.equal(p?.created_at, Date.UTC(2024, 1, 29, 23, 59, 59, 999));
    });

    it("rejects a price with more than two decimal places instead of rounding it", () => {
        const b = new BronzeBuilder();
        b.insert("products", productDoc(P1, "19.999"), { tsMs: 1000 });
        const docs = foldBronze(b.tables());
        assert.equal(docs.products.has(P1), false, "the rejected insert creates no product");
        assert.deepEqual(
            docs.rejects.map((r) => r.reason),
            ["bad_decimal"],
        );
    });
});
