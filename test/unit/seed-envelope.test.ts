import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { simulateHistory, toStrictJson, type BronzeRow } from "../../seed/index";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Extended JSON of any shape, checked by the assertions
type Ext = Record<string, any>;

/**
 * An independent writer of the Debezium/Java-driver layout: `"key": value` joined by a bare
 * `,` inside documents, `, ` between array elements. Re-serializing a parsed `after` with it
 * must give the same text back.
 */
function javaLayout(v: unknown): string {
    if (Array.isArray(v)) return `[${v.map(javaLayout).join(", ")}]`;
    if (v !== null && typeof v === "object") {
        const entries = Object.entries(v);
        return entries.length === 0
            ? "{ }"
            : `{${entries.map(([k, x]) => `${JSON.stringify(k)}: ${javaLayout(x)}`).join(",")}}`;
    }
    return JSON.stringify(v);
}

const TOP_FIELDS = ["before", "after", "updateDescription", "source", "op", "ts_ms", "transaction"];

describe("Debezium envelope of the emitter", () => {
    const history = simulateHistory({ seed: 21, customers: 40, products: 20, orders: 200, changes: 2000 });
    const rows: { collection: string; row: BronzeRow; env: Ext }[] = [];
    for (const c of ["customers", "products", "orders"] as const) {
        for (const row of history.bronze[c]) rows.push({ collection: c, row, env: JSON.parse(row.raw_data) });
    }

    it("has exactly the contract's top-level fields, in order, with transaction null", () => {
        for (const { env } of rows) {
            assert.deepEqual(Object.keys(env), TOP_FIELDS);
            assert.equal(env.transaction, null);
            assert.ok(["r", "c", "u", "d"].includes(env.op));
            assert.ok(Number.isInteger(env.ts_ms));
        }
    });

    it("fills source like the MongoDB connector (connector, name, db, collection, ord, lsid, txnNumber)", () => {
        for (const { collection, env } of rows) {
            const s = env.source;
            assert.match(s.version, /^\d+\.\d+\.\d+\.Final$/);
            assert.equal(s.connector, "mongodb");
            assert.equal(s.name, "mongo");
            assert.equal(s.db, "ecom");
            assert.equal(s.collection, collection);
            assert.equal(s.lsid, null);
            assert.equal(s.txnNumber, null);
            assert.ok(Number.isInteger(s.ord) && s.ord >= 1);
            assert.equal(s.ts_ms % 1000, 0, "change-stream ts_ms is whole seconds of the cluster time");
            for (const k of [
                "version",
                "connector",
                "name",
                "ts_ms",
                "snapshot",
                "db",
                "collection",
                "ord",
                "lsid",
                "txnNumber",
            ]) {
                assert.ok(k in s, `source.${k} missing`);
            }
        }
    });

    it('writes before/after as strict extended JSON with ": " after names and a bare "," between fields', () => {
        let checked = 0;
        for (const { env } of rows) {
            for (const image of [env.before, env.after]) {
                if (image === null) continue;
                assert.equal(typeof image, "string");
                assert.equal(javaLayout(JSON.parse(image)), image);
                checked++;
            }
        }
        assert.ok(checked > rows.length);
    });

    it("renders the contract's example document byte for byte", () => {
        const doc = {
            _id: "65f0c3a1b2c3d4e5f6a7b8c9",
            price: "19.99",
            stock_quantity: 7,
            created_at: new Date(1732406400000),
        };
        assert.equal(
            toStrictJson(doc),
            '{"_id": {"$oid": "65f0c3a1b2c3d4e5f6a7b8c9"},"price": {"$numberDecimal": "19.99"},"stock_quantity": 7,"created_at": {"$date": 1732406400000}}',
        );
    });

    it("types ids as $oid, dates as $date epoch ms, money as $numberDecimal and counts as plain integers", () => {
        for (const { collection, env } of rows) {
            const doc: Ext = JSON.parse(env.after ?? env.before);
            assert.deepEqual(Object.keys(doc._id), ["$oid"]);
            assert.match(doc._id.$oid, /^[0-9a-f]{24}$/);
            assert.ok(Number.isInteger(doc.created_at?.$date ?? doc.ordered_at?.$date));
            assert.ok(Number.isInteger(doc.updated_at.$date));
            if (collection === "products") {
                assert.deepEqual(Object.keys(doc.price), ["$numberDecimal"]);
                assert.equal(typeof doc.stock_quantity, "number");
            }
            if (collection === "orders") {
                assert.match(doc.customer_id.$oid, /^[0-9a-f]{24}$/);
                for (const i of doc.items) {
                    assert.match(i.product_id.$oid, /^[0-9a-f]{24}$/);
                    assert.equal(typeof i.quantity, "number");
                    assert.deepEqual(Object.keys(i.unit_price), ["$numberDecimal"]);
                }
            }
        }
    });

    it('keys every record {"id":"{\\"$oid\\": \\"<hex>\\"}"} with the document\'s id', () => {
        for (const { row, env } of rows) {
            const doc: Ext = JSON.parse(env.after ?? env.before);
            assert.equal(row._key, `{"id":"{\\"$oid\\": \\"${doc._id.$oid}\\"}"}`);
            assert.deepEqual(JSON.parse(JSON.parse(row._key!).id), { $oid: doc._id.$oid });
        }
    });

    it("places rows on mongo.ecom.<collection>, partition 0, offsets 0,1,2,… per topic", () => {
        for (const c of ["customers", "products", "orders"] as const) {
            history.bronze[c].forEach((row, i) => {
                assert.equal(row._topic, `mongo.ecom.${c}`);
                assert.equal(row._partition, 0);
                assert.equal(row._offset, i);
            });
        }
    });

    it('marks snapshot reads "true", only the very last one "last", and streamed changes "false"', () => {
        const reads = rows.filter((r) => r.env.op === "r");
        assert.equal(reads.filter((r) => r.env.source.snapshot === "last").length, 1);
        const lastOrder = history.bronze.orders.filter((r) => JSON.parse(r.raw_data).op === "r").at(-1)!;
        assert.equal(JSON.parse(lastOrder.raw_data).source.snapshot, "last");
        for (const r of reads) assert.ok(["true", "last"].includes(r.env.source.snapshot));
        for (const r of rows.filter((x) => x.env.op !== "r")) assert.equal(r.env.source.snapshot, "false");
    });

    it("orders streamed changes by (source.ts_ms, ord): ord counts 1,2,3… within a second, after the snapshot", () => {
        const stream = rows.filter((r) => r.env.op !== "r").map((r) => r.env.source);
        stream.sort((a, b) => a.ts_ms - b.ts_ms || a.ord - b.ord);
        const snapshotTs = Math.max(...rows.filter((r) => r.env.op === "r").map((r) => r.env.source.ts_ms));
        let sharedSecond = 0;
        for (let i = 0; i < stream.length; i++) {
            const s = stream[i];
            assert.ok(s.ts_ms > snapshotTs);
            assert.equal(s.ts_ms, Math.floor(s.wallTime / 1000) * 1000, "ts_ms is the write's second");
            if (i === 0) continue;
            const p = stream[i - 1];
            if (s.ts_ms === p.ts_ms) {
                assert.equal(s.ord, p.ord + 1, `ord not consecutive within second ${s.ts_ms}`);
                sharedSecond++;
            } else {
                assert.equal(s.ord, 1, `second ${s.ts_ms} does not start at ord 1`);
            }
            assert.ok(s.wallTime >= p.wallTime, "(ts_ms, ord) order disagrees with the write order");
        }
        assert.ok(sharedSecond > 50, `only ${sharedSecond} changes share a second with the previous one`);
    });

    it("stamps the connector's processing ts_ms no earlier than the write", () => {
        for (const { env } of rows.filter((r) => r.env.op !== "r")) assert.ok(env.ts_ms >= env.source.wallTime);
    });

    it("gives inserts an after only, updates the full before and after, deletes the full before only", () => {
        const byOp = (op: string) => rows.filter((r) => r.env.op === op);
        for (const { env } of [...byOp("r"), ...byOp("c")]) {
            assert.equal(env.before, null);
            assert.equal(env.updateDescription, null);
        }
        for (const { env } of byOp("u")) {
            const before: Ext = JSON.parse(env.before);
            const after: Ext = JSON.parse(env.after);
            assert.equal(before._id.$oid, after._id.$oid);
            assert.deepEqual(Object.keys(after), Object.keys(before));
            const updated: Ext = JSON.parse(env.updateDescription.updatedFields);
            assert.ok("updated_at" in updated);
            assert.match(updated.updated_at.$date, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/);
            assert.equal(new Date(updated.updated_at.$date).getTime(), after.updated_at.$date);
            assert.equal(env.updateDescription.removedFields, null);
            assert.equal(env.updateDescription.truncatedArrays, null);
            for (const k of Object.keys(updated).filter((x) => x !== "updated_at"))
                assert.notDeepEqual(before[k], after[k], `${k} unchanged`);
        }
        const deletes = byOp("d");
        assert.ok(deletes.length > 10);
        for (const { env, collection } of deletes) {
            assert.equal(env.after, null);
            assert.equal(env.updateDescription, null);
            const before: Ext = JSON.parse(env.before);
            const expected = { customers: "email", products: "sku", orders: "items" }[collection]!;
            assert.ok(expected in before, `delete pre-image of ${collection} lacks ${expected}`);
        }
    });
});
