/**
 * The seed's MongoDB write path at the driver boundary: a fake `Db` records the calls the real
 * `mongodb` driver would receive, and the BSON the codec produces goes through the driver's own
 * serializer. (The engine test seed-mongo.test.ts runs the same path against FerretDB.)
 */
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { describe, it } from "node:test";
import { BSON, Decimal128, Int32, MongoServerError, ObjectId, type Db } from "mongodb";
import { DocumentFactory } from "../../seed/factories";
import { buildInitialLoad } from "../../seed/initial";
import type { Mutation, ProductDoc } from "../../seed/model";
import { applyMutation } from "../../seed/mongo/apply";
import { fromBson, toBson } from "../../seed/mongo/codec";
import { connectChecked } from "../../seed/mongo/connect";
import { describeAddress, explainMongoError, MongoSetupError, redactUri } from "../../seed/mongo/errors";
import { writeInitialLoad } from "../../seed/mongo/load";
import { ObjectIdFactory } from "../../seed/objectid";
import { Prng } from "../../seed/prng";

interface Call {
    op: string;
    collection?: string;
    args: unknown[];
}

/** A fake Db: records calls; `failInsertAt` makes the n-th insertMany throw like a server error. */
function fakeDb(opts: { existing?: string[]; failInsertAt?: number; collModFails?: boolean } = {}) {
    const calls: Call[] = [];
    let inserts = 0;
    const collection = (name: string) => ({
        drop: async () => void calls.push({ op: "drop", collection: name, args: [] }),
        createIndex: async (...args: unknown[]) => void calls.push({ op: "createIndex", collection: name, args }),
        insertMany: async (docs: unknown[], o: unknown) => {
            inserts++;
            if (opts.failInsertAt === inserts) {
                throw Object.assign(new MongoServerError({ message: "E11000 duplicate key error", code: 11000 }), {
                    result: { insertedCount: 2 },
                });
            }
            calls.push({ op: "insertMany", collection: name, args: [docs, o] });
            return { insertedCount: docs.length };
        },
        insertOne: async (doc: unknown) => void calls.push({ op: "insertOne", collection: name, args: [doc] }),
        updateOne: async (...args: unknown[]) => (
            calls.push({ op: "updateOne", collection: name, args }),
            { modifiedCount: 1 }
        ),
        deleteOne: async (...args: unknown[]) => (
            calls.push({ op: "deleteOne", collection: name, args }),
            { deletedCount: 1 }
        ),
    });
    const db = {
        listCollections: () => ({ toArray: async () => (opts.existing ?? []).map((name) => ({ name })) }),
        createCollection: async (name: string) =>
            void calls.push({ op: "createCollection", collection: name, args: [] }),
        command: async (cmd: Record<string, unknown>) => {
            calls.push({ op: "command", args: [cmd] });
            if (opts.collModFails) throw new Error("`collMod` command is not implemented yet");
            return { ok: 1 };
        },
        collection,
    };
    return { db: db as unknown as Db, calls };
}

function smallLoad(seed = 1) {
    const rng = new Prng(seed);
    return buildInitialLoad(
        { customers: 25, products: 10, orders: 40 },
        new Date(Date.UTC(2025, 0, 1)),
        rng,
        new DocumentFactory(seed, rng),
        new ObjectIdFactory(seed),
    );
}

describe("seed MongoDB codec", () => {
    it("stores ids as ObjectId, money as Decimal128, counts as Int32 and dates as Date, and reads them back unchanged", () => {
        const load = smallLoad();
        for (const doc of [load.customers[0], load.products[0], load.orders[0]]) {
            const bytes = BSON.serialize(toBson(doc));
            const raw = BSON.deserialize(bytes, { promoteValues: false });
            assert.ok(raw._id instanceof ObjectId);
            assert.equal(raw._id.toHexString(), doc._id);
            assert.deepEqual(fromBson(BSON.deserialize(bytes)), doc);
        }
        const p = BSON.deserialize(BSON.serialize(toBson(load.products[0])), { promoteValues: false });
        assert.ok(p.price instanceof Decimal128);
        assert.equal(p.price.toString(), load.products[0].price);
        assert.ok(p.stock_quantity instanceof Int32);
        assert.ok(p.created_at instanceof Date);
        const o = BSON.deserialize(BSON.serialize(toBson(load.orders[0])), { promoteValues: false });
        assert.ok(o.customer_id instanceof ObjectId);
        assert.ok(o.items[0].product_id instanceof ObjectId);
        assert.ok(o.items[0].unit_price instanceof Decimal128);
        assert.ok(o.items[0].quantity instanceof Int32);
    });

    it("reads Decimal128 amounts with other scales back as 2-decimal strings, and refuses sub-cent amounts", () => {
        assert.deepEqual(
            fromBson({ _id: new ObjectId("0123456789abcdef01234567"), price: Decimal128.fromString("19.9") }),
            { _id: "0123456789abcdef01234567", price: "19.90" },
        );
        assert.equal((fromBson({ price: Decimal128.fromString("5.000") }) as unknown as ProductDoc).price, "5.00");
        assert.throws(() => fromBson({ price: Decimal128.fromString("5.001") }), /more than 2 decimals/);
    });
});

describe("writeInitialLoad", () => {
    it("inserts every collection in unordered batches of the requested size, customers first", async () => {
        const { db, calls } = fakeDb();
        const load = smallLoad();
        const { written } = await writeInitialLoad(db, load, { reset: false, batchSize: 10 });
        assert.deepEqual(written, { customers: 25, products: 10, orders: 40 });
        const inserts = calls.filter((c) => c.op === "insertMany");
        assert.deepEqual(
            inserts.map((c) => [c.collection, (c.args[0] as unknown[]).length]),
            [
                ["customers", 10],
                ["customers", 10],
                ["customers", 5],
                ["products", 10],
                ["orders", 10],
                ["orders", 10],
                ["orders", 10],
                ["orders", 10],
            ],
        );
        for (const c of inserts) assert.deepEqual(c.args[1], { ordered: false });
        const firstOrder = (inserts.find((c) => c.collection === "orders")!.args[0] as Record<string, unknown>[])[0];
        assert.ok(firstOrder._id instanceof ObjectId && firstOrder.customer_id instanceof ObjectId);
    });

    it("drops existing collections with --reset, recreates them with pre-images and the unique indexes", async () => {
        const { db, calls } = fakeDb({ existing: ["customers", "orders", "other"] });
        await writeInitialLoad(db, smallLoad(), { reset: true, batchSize: 1000 });
        assert.deepEqual(
            calls.filter((c) => c.op === "drop").map((c) => c.collection),
            ["customers", "orders"],
        );
        assert.deepEqual(
            calls.filter((c) => c.op === "createCollection").map((c) => c.collection),
            ["customers", "products", "orders"],
        );
        const collMods = calls.filter((c) => c.op === "command").map((c) => c.args[0]);
        assert.deepEqual(
            collMods,
            ["customers", "products", "orders"].map((n) => ({
                collMod: n,
                changeStreamPreAndPostImages: { enabled: true },
            })),
        );
        const indexes = calls
            .filter((c) => c.op === "createIndex")
            .map((c) => [c.collection, c.args[0], (c.args[1] as { unique?: boolean }).unique]);
        assert.deepEqual(indexes.slice(0, 2), [
            ["customers", { email: 1 }, true],
            ["products", { sku: 1 }, true],
        ]);
        const firstInsert = calls.findIndex((c) => c.op === "insertMany");
        const lastDrop = calls.map((c) => c.op).lastIndexOf("drop");
        assert.ok(lastDrop >= 0 && lastDrop < firstInsert, "drops happen before inserts");
    });

    it("keeps existing collections without --reset and warns (not fails) when pre-images are refused", async () => {
        const { db, calls } = fakeDb({ existing: ["customers", "products", "orders"], collModFails: true });
        const { warnings } = await writeInitialLoad(db, smallLoad(), { reset: false, batchSize: 1000 });
        assert.equal(calls.filter((c) => c.op === "drop" || c.op === "createCollection").length, 0);
        assert.equal(warnings.length, 3);
        assert.match(warnings[0], /could not enable pre-images on customers/);
    });

    it("reports how many documents of each collection were written when a batch fails", async () => {
        const { db } = fakeDb({ failInsertAt: 4 });
        await assert.rejects(writeInitialLoad(db, smallLoad(), { reset: false, batchSize: 10 }), (e: unknown) => {
            assert.ok(e instanceof MongoSetupError);
            assert.match(
                (e as Error).message,
                /writing products failed: E11000.*rerun with --reset.*Written before the failure: customers 25, products 2, orders 0/,
            );
            return true;
        });
    });
});

describe("applyMutation", () => {
    it("writes inserts whole, updates as $set of the changed fields by _id, deletes by _id", async () => {
        const { db, calls } = fakeDb();
        const product = smallLoad().products[0];
        const at = new Date(Date.UTC(2025, 0, 2));
        const update: Mutation = {
            collection: "products",
            op: "update",
            kind: "price_change",
            id: product._id,
            before: product,
            after: { ...product, price: "1.99", updated_at: at },
            set: { price: "1.99", updated_at: at },
            at,
        };
        await applyMutation(db, { ...update, op: "insert", before: null, set: {} });
        await applyMutation(db, update);
        await applyMutation(db, { ...update, op: "delete", after: null, set: {} });
        assert.deepEqual(
            calls.map((c) => `${c.op} ${c.collection}`),
            ["insertOne products", "updateOne products", "deleteOne products"],
        );
        const [filter, change] = calls[1].args as [{ _id: ObjectId }, { $set: Record<string, unknown> }];
        assert.equal(filter._id.toHexString(), product._id);
        assert.deepEqual(Object.keys(change.$set), ["price", "updated_at"]);
        assert.ok(change.$set.price instanceof Decimal128);
        assert.equal((calls[2].args[0] as { _id: ObjectId })._id.toHexString(), product._id);
    });
});

describe("MongoDB error messages", () => {
    it("names the address and a hint, without the password, when nothing listens", async () => {
        const server = createServer();
        await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
        const port = (server.address() as { port: number }).port;
        await new Promise<void>((r) => server.close(() => r()));
        const uri = `mongodb://seeder:s3cret@127.0.0.1:${port}/?replicaSet=rs0`;
        await assert.rejects(
            connectChecked(uri, { allowStandalone: false, appName: "test", timeoutMs: 300 }),
            (e: unknown) => {
                assert.ok(e instanceof MongoSetupError);
                const msg = (e as Error).message;
                assert.match(msg, new RegExp(`cannot reach MongoDB at 127\\.0\\.0\\.1:${port}`));
                assert.match(msg, /npm run up/);
                assert.match(msg, /directConnection=true/);
                assert.doesNotMatch(msg, /s3cret/);
                return true;
            },
        );
    });

    it("explains an invalid URI with the expected form", async () => {
        await assert.rejects(
            connectChecked("http://db:27017", { allowStandalone: false, appName: "test", timeoutMs: 300 }),
            /the MongoDB URI http:\/\/db:27017 is not valid/,
        );
        await assert.rejects(
            connectChecked("mongodb://u:pw@host:notaport", { allowStandalone: false, appName: "test", timeoutMs: 300 }),
            (e: unknown) => {
                assert.ok(e instanceof MongoSetupError);
                assert.match(
                    (e as Error).message,
                    /the MongoDB URI mongodb:\/\/u:\*\*\*@host:notaport is not valid: .*Expected mongodb:\/\/user:password@host:port/,
                );
                return true;
            },
        );
    });

    it("explains authentication failures", () => {
        const auth = explainMongoError(
            new MongoServerError({ message: "Authentication failed.", code: 18, codeName: "AuthenticationFailed" }),
            "mongodb://u:p@db:27017",
        );
        assert.match(
            auth.message,
            /MongoDB at db:27017 refused the credentials .*AuthenticationFailed.*Check the user, password and authSource/,
        );
        assert.equal(describeAddress("mongodb://u:p@a:1,b:2/?replicaSet=rs0"), "a:1,b:2");
        assert.equal(redactUri("mongodb://u:p%40ss@a:1/x"), "mongodb://u:***@a:1/x");
    });

    it("never prints the password of a malformed URI (unescaped / @ : in the password)", async () => {
        const { MongoClient } = await import("mongodb");
        for (const uri of [
            "mongodb://admin:s3cr/et99@db:27017/?replicaSet=rs0",
            "mongodb://admin:s3cr@et99@db:27017/",
            "mongodb+srv://admin:s3cr:et99@db/",
        ]) {
            let message = "";
            try {
                new MongoClient(uri);
                assert.fail(`the driver accepted ${uri}`);
            } catch (e) {
                message = explainMongoError(e, uri).message;
            }
            assert.doesNotMatch(message, /s3cr|et99/, message);
            assert.match(message, /admin:\*\*\*@db/);
            assert.match(message, /percent-encode/);
            assert.doesNotMatch(describeAddress(uri), /s3cr|et99/);
        }
    });
});
