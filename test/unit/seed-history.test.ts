import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HistoryGenerator, simulateHistory, type BronzeRow, type History } from "../../seed/index";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Extended JSON of any shape, checked by the assertions
type Ext = Record<string, any>;

interface Parsed {
    collection: "customers" | "products" | "orders";
    op: "r" | "c" | "u" | "d";
    tsMs: number;
    ord: number;
    before: Ext | null;
    after: Ext | null;
}

function parse(collection: Parsed["collection"], row: BronzeRow): Parsed {
    const e = JSON.parse(row.raw_data);
    return {
        collection,
        op: e.op,
        tsMs: e.source.ts_ms,
        ord: e.source.ord,
        before: e.before === null ? null : JSON.parse(e.before),
        after: e.after === null ? null : JSON.parse(e.after),
    };
}

/** Every event of the three topics in the order MongoDB applied them: snapshot, then (ts_ms, ord). */
function globalOrder(h: History): Parsed[] {
    const all: Parsed[] = [];
    for (const c of ["customers", "products", "orders"] as const) for (const r of h.bronze[c]) all.push(parse(c, r));
    const snapshot = all.filter((e) => e.op === "r");
    const stream = all.filter((e) => e.op !== "r").sort((a, b) => a.tsMs - b.tsMs || a.ord - b.ord);
    return [...snapshot, ...stream];
}

const idOf = (doc: Ext) => doc._id.$oid as string;
const HEX24 = /^[0-9a-f]{24}$/;

describe("simulateHistory", () => {
    const options = { seed: 3, customers: 80, products: 30, orders: 500, changes: 1500 };
    const history = simulateHistory(options);

    it("returns byte-identical bronze rows when called twice with the same options", () => {
        const again = simulateHistory(options);
        assert.deepEqual(again.bronze, history.bronze);
    });

    it("returns different data for another seed", () => {
        const other = simulateHistory({ ...options, seed: 4 });
        assert.notDeepEqual(other.bronze.customers[0].raw_data, history.bronze.customers[0].raw_data);
        const emails = (h: History) => new Set(h.bronze.customers.map((r) => parse("customers", r).after?.email));
        const shared = [...emails(other)].filter((e) => emails(history).has(e));
        assert.ok(shared.length < 5, `seeds 3 and 4 share ${shared.length} emails`);
    });

    it("snapshots exactly the requested initial sizes, then the requested number of changes", () => {
        const events = globalOrder(history);
        const reads = events.filter((e) => e.op === "r");
        assert.equal(reads.filter((e) => e.collection === "customers").length, options.customers);
        assert.equal(reads.filter((e) => e.collection === "products").length, options.products);
        assert.equal(reads.filter((e) => e.collection === "orders").length, options.orders);
        assert.equal(events.length - reads.length, options.changes);
    });

    it("has every order's customer and products live when the order is created", () => {
        const live = {
            customers: new Map<string, Ext>(),
            products: new Map<string, Ext>(),
            orders: new Map<string, Ext>(),
        };
        const events = globalOrder(history);
        for (const e of events.filter((x) => x.op === "r")) live[e.collection].set(idOf(e.after!), e.after!);
        const check = (order: Ext, where: string) => {
            const customer = live.customers.get(order.customer_id.$oid);
            assert.ok(customer, `${where}: customer ${order.customer_id.$oid} of order ${idOf(order)} is not live`);
            assert.ok(
                order.ordered_at.$date >= customer.created_at.$date,
                `${where}: order placed before its customer registered`,
            );
            for (const item of order.items) {
                assert.ok(
                    live.products.has(item.product_id.$oid),
                    `${where}: product ${item.product_id.$oid} of order ${idOf(order)} is not live`,
                );
            }
        };
        for (const o of live.orders.values()) check(o, "snapshot");
        let created = 0;
        for (const e of events.filter((x) => x.op !== "r")) {
            if (e.collection === "orders" && e.op === "c") {
                check(e.after!, "stream");
                // Streamed orders are priced at the product's price of that moment.
                for (const item of e.after!.items) {
                    assert.equal(
                        item.unit_price.$numberDecimal,
                        live.products.get(item.product_id.$oid)!.price.$numberDecimal,
                    );
                }
                created++;
            }
            if (e.op === "d") live[e.collection].delete(idOf(e.before!));
            else live[e.collection].set(idOf(e.after!), e.after!);
        }
        assert.ok(created > 100, `only ${created} orders created in the stream`);
    });

    it("moves order statuses only along pending→paid→shipped→delivered or to cancelled from pending/paid", () => {
        const allowed = new Set([
            "pending>paid",
            "paid>shipped",
            "shipped>delivered",
            "pending>cancelled",
            "paid>cancelled",
        ]);
        const seen = new Set<string>();
        for (const e of globalOrder(history)) {
            if (e.collection !== "orders" || e.op !== "u") continue;
            const step = `${e.before!.status}>${e.after!.status}`;
            assert.ok(allowed.has(step), `illegal transition ${step}`);
            seen.add(step);
        }
        for (const step of allowed) assert.ok(seen.has(step), `transition ${step} never happens`);
    });

    it("ages the initial orders consistently: recent ones still open, old ones delivered or cancelled", () => {
        const base = Date.UTC(2025, 0, 1);
        const HOUR = 3_600_000;
        const big = simulateHistory({ seed: 3, customers: 2000, products: 100, orders: 20_000 });
        const counts = new Map<string, number>();
        for (const r of big.bronze.orders) {
            const o = JSON.parse(JSON.parse(r.raw_data).after);
            const ordered = o.ordered_at.$date as number;
            const updated = o.updated_at.$date as number;
            counts.set(o.status, (counts.get(o.status) ?? 0) + 1);
            assert.ok(updated >= ordered && updated < base);
            if (o.status === "pending") {
                assert.equal(updated, ordered);
                assert.ok(base - ordered < 37 * HOUR, "an order pending for days");
            }
            if (o.status === "delivered")
                assert.ok(updated - ordered >= 30 * HOUR, "delivered faster than pay + ship + deliver");
        }
        assert.deepEqual([...counts.keys()].sort(), ["cancelled", "delivered", "paid", "pending", "shipped"]);
        assert.ok(counts.get("delivered")! > 0.8 * 20_000, "most year-old orders are delivered");
    });

    it("mixes inserts, updates and deletes on every collection", () => {
        const ops = new Set(globalOrder(history).map((e) => `${e.collection}:${e.op}`));
        for (const c of ["customers", "products", "orders"])
            for (const op of ["r", "c", "u", "d"]) assert.ok(ops.has(`${c}:${op}`), `no ${op} on ${c}`);
    });

    it("returns as finalState exactly the documents the events fold to", () => {
        const live = {
            customers: new Map<string, Ext>(),
            products: new Map<string, Ext>(),
            orders: new Map<string, Ext>(),
        };
        for (const e of globalOrder(history)) {
            if (e.op === "d") live[e.collection].delete(idOf(e.before!));
            else live[e.collection].set(idOf(e.after!), e.after!);
        }
        for (const c of ["customers", "products", "orders"] as const) {
            assert.deepEqual([...history.finalState[c].keys()].sort(), [...live[c].keys()].sort(), c);
        }
        for (const [id, p] of history.finalState.products) {
            const e = live.products.get(id)!;
            assert.equal(p.price, e.price.$numberDecimal);
            assert.equal(p.stock_quantity, e.stock_quantity);
            assert.equal(p.updated_at.getTime(), e.updated_at.$date);
        }
        for (const [id, o] of history.finalState.orders) {
            const e = live.orders.get(id)!;
            assert.equal(o.status, e.status);
            assert.equal(o.customer_id, e.customer_id.$oid);
            assert.deepEqual(
                o.items.map((i) => [i.product_id, i.quantity, i.unit_price]),
                e.items.map((i: Ext) => [i.product_id.$oid, i.quantity, i.unit_price.$numberDecimal]),
            );
        }
    });

    it("keeps every document within the contract (ids, unique email/sku, money, stock, lines)", () => {
        const emails = new Set<string>();
        const skus = new Set<string>();
        for (const e of globalOrder(history)) {
            const doc = e.after;
            if (doc === null) continue;
            assert.match(idOf(doc), HEX24);
            if (e.collection === "customers") {
                if (e.op !== "u") {
                    assert.ok(!emails.has(doc.email), `duplicate email ${doc.email}`);
                    emails.add(doc.email);
                }
                assert.deepEqual(Object.keys(doc.address), ["street", "city", "state", "postal_code", "country"]);
                assert.deepEqual(Object.keys(doc), [
                    "_id",
                    "first_name",
                    "last_name",
                    "email",
                    "phone",
                    "address",
                    "created_at",
                    "updated_at",
                ]);
            } else if (e.collection === "products") {
                if (e.op !== "u") {
                    assert.ok(!skus.has(doc.sku), `duplicate sku ${doc.sku}`);
                    skus.add(doc.sku);
                }
                assert.match(doc.price.$numberDecimal, /^\d+\.\d{2}$/);
                assert.ok(Number(doc.price.$numberDecimal) > 0);
                assert.ok(
                    Number.isInteger(doc.stock_quantity) && doc.stock_quantity >= 0 && doc.stock_quantity <= 2147483647,
                );
                assert.deepEqual(Object.keys(doc), [
                    "_id",
                    "sku",
                    "name",
                    "category",
                    "price",
                    "stock_quantity",
                    "created_at",
                    "updated_at",
                ]);
            } else {
                assert.ok(doc.items.length >= 1 && doc.items.length <= 5, `${doc.items.length} lines`);
                assert.equal(
                    new Set(doc.items.map((i: Ext) => i.product_id.$oid)).size,
                    doc.items.length,
                    "a product twice in one order",
                );
                for (const i of doc.items) {
                    assert.ok(Number.isInteger(i.quantity) && i.quantity >= 1);
                    assert.match(i.unit_price.$numberDecimal, /^\d+\.\d{2}$/);
                }
                assert.ok(doc.updated_at.$date >= doc.ordered_at.$date);
                assert.deepEqual(Object.keys(doc), [
                    "_id",
                    "customer_id",
                    "status",
                    "items",
                    "ordered_at",
                    "updated_at",
                ]);
            }
        }
    });

    it("dates the initial load before the snapshot time and the changes after it", () => {
        const base = Date.UTC(2025, 0, 1);
        for (const e of globalOrder(history)) {
            const updated = (e.after ?? e.before)!.updated_at.$date as number;
            if (e.op === "r") assert.ok(updated < base, "snapshot document updated after the snapshot time");
            else if (e.op !== "d") assert.ok(updated > base, "streamed change dated before the snapshot");
        }
    });

    it("makes ObjectIds like a driver: creation second in the first 4 bytes, ascending in insertion order", () => {
        for (const c of ["customers", "products", "orders"] as const) {
            const docs = history.bronze[c]
                .map((r) => parse(c, r))
                .filter((e) => e.op === "r")
                .map((e) => e.after!);
            const ids = docs.map(idOf);
            assert.deepEqual([...ids].sort(), ids, `${c} ids not ascending in snapshot order`);
            for (const d of docs) {
                const created = (d.created_at ?? d.ordered_at).$date as number;
                assert.equal(parseInt(idOf(d).slice(0, 8), 16), Math.floor(created / 1000));
            }
        }
        const all = new Set(
            globalOrder(history)
                .filter((e) => e.op === "r" || e.op === "c")
                .map((e) => idOf(e.after!)),
        );
        assert.equal(
            all.size,
            globalOrder(history).filter((e) => e.op === "r" || e.op === "c").length,
            "an id was reused",
        );
    });

    it("handles an empty database and a load without orders", () => {
        const empty = simulateHistory({ seed: 1, customers: 0, products: 0, orders: 0 });
        assert.deepEqual(empty.bronze, { customers: [], products: [], orders: [] });
        const growing = simulateHistory({ seed: 1, customers: 0, products: 0, orders: 0, changes: 50 });
        assert.equal(
            growing.bronze.customers.length + growing.bronze.products.length + growing.bronze.orders.length,
            50,
        );
    });

    it("rejects a negative, fractional or missing size naming the option", () => {
        assert.throws(() => simulateHistory({ ...options, orders: -1 }), /orders must be a non-negative integer/);
        assert.throws(() => simulateHistory({ ...options, changes: 1.5 }), /changes must be a non-negative integer/);
        assert.throws(
            () => new HistoryGenerator({ ...options, seed: Number.NaN }),
            /seed must be a non-negative integer/,
        );
    });
});
