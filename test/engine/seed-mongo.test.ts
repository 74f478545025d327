/**
 * The seed's MongoDB path through the real `mongodb` driver against a real wire-protocol
 * server: FerretDB v1.24 with its SQLite backend (built from the Go module proxy by
 * test/support/ferretdb.sh). FerretDB v1 has no Decimal128, so document round trips use
 * customers (no money fields); products and orders are covered at the driver boundary in
 * test/unit/seed-mongo-driver.test.ts, and here only as the server failure they provoke.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { MongoClient } from "mongodb";
import { ChangeChooser } from "../../seed/changes";
import { main as seedMain } from "../../seed/seedMain";
import { DocumentFactory } from "../../seed/factories";
import { buildInitialLoad, type InitialLoad } from "../../seed/initial";
import type { ChangeKind } from "../../seed/model";
import { applyMutation } from "../../seed/mongo/apply";
import { fromBson } from "../../seed/mongo/codec";
import { connectChecked } from "../../seed/mongo/connect";
import { MongoSetupError } from "../../seed/mongo/errors";
import { writeInitialLoad } from "../../seed/mongo/load";
import { readWorld } from "../../seed/mongo/readWorld";
import { ObjectIdFactory } from "../../seed/objectid";
import { Prng } from "../../seed/prng";
import { runSimulation } from "../../seed/simulationLoop";
import { World } from "../../seed/world";
import { ferretdbBinary, startFerretDb, type FerretDb } from "../support/ferretdb";
import { requireTier } from "../support/tier";

const BASE = new Date(Date.UTC(2025, 0, 1));

function load(seed: number, sizes = { customers: 40, products: 0, orders: 0 }): InitialLoad {
    const rng = new Prng(seed);
    return buildInitialLoad(sizes, BASE, rng, new DocumentFactory(seed, rng), new ObjectIdFactory(seed));
}

async function withClient<T>(uri: string, fn: (c: MongoClient) => Promise<T>): Promise<T> {
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5_000 });
    try {
        await client.connect();
        return await fn(client);
    } finally {
        await client.close();
    }
}

describe("seed against a MongoDB wire-protocol server (FerretDB)", { timeout: 20 * 60_000 }, () => {
    let binary: string | undefined;
    let problem: string | undefined;
    let rs: FerretDb | undefined;

    before(async () => {
        const found = await ferretdbBinary();
        binary = found.path;
        problem = found.problem;
        if (binary) rs = await startFerretDb(binary, { replSetName: "rs0" });
    });
    after(async () => {
        await rs?.stop();
    });

    it("inserts the initial load in batches through the driver and reads every document back unchanged", async (t) => {
        if (!requireTier(t, "engine", problem)) return;
        const docs = load(1);
        const conn = await connectChecked(rs!.uri, { allowStandalone: false, appName: "test" });
        try {
            assert.equal(conn.replicaSet, "rs0");
            const { written } = await writeInitialLoad(conn.db, docs, { reset: true, batchSize: 7 });
            assert.deepEqual(written, { customers: 40, products: 0, orders: 0 });
            const back = await conn.db
                .collection("customers")
                .find({}, { sort: { _id: 1 } })
                .toArray();
            assert.deepEqual(
                back.map((d) => fromBson(d)),
                docs.customers,
            );
        } finally {
            await conn.client.close();
        }
    });

    it("rejects a second load without --reset on the unique email index and says to use --reset", async (t) => {
        if (!requireTier(t, "engine", problem)) return;
        const conn = await connectChecked(rs!.uri, { allowStandalone: false, appName: "test" });
        try {
            await writeInitialLoad(conn.db, load(1), { reset: true, batchSize: 100 });
            await assert.rejects(writeInitialLoad(conn.db, load(1), { reset: false, batchSize: 100 }), (e: unknown) => {
                assert.ok(e instanceof MongoSetupError);
                assert.match(
                    (e as Error).message,
                    /writing customers failed: .*duplicate key.*rerun with --reset\)\. Written before the failure: customers 0, products 0, orders 0/,
                );
                return true;
            });
            assert.equal(await conn.db.collection("customers").countDocuments(), 40);
        } finally {
            await conn.client.close();
        }
    });

    it("replaces the data on each `npm run seed -- --reset` and exits 0", async (t) => {
        if (!requireTier(t, "engine", problem)) return;
        const args = [
            "--uri",
            rs!.uri,
            "--seed",
            "9",
            "--customers",
            "12",
            "--products",
            "0",
            "--orders",
            "0",
            "--reset",
            "--base-time",
            "2025-01-01",
        ];
        assert.equal(await seedMain(args), 0);
        assert.equal(await seedMain(args), 0);
        const emails = await withClient(rs!.uri, (c) => c.db("ecom").collection("customers").distinct("email"));
        assert.equal(emails.length, 12);
    });

    it("reports the documents written so far when the server fails mid-load (FerretDB v1 refuses Decimal128)", async (t) => {
        if (!requireTier(t, "engine", problem)) return;
        const conn = await connectChecked(rs!.uri, { allowStandalone: false, appName: "test" });
        try {
            await assert.rejects(
                writeInitialLoad(conn.db, load(2, { customers: 15, products: 5, orders: 10 }), {
                    reset: true,
                    batchSize: 10,
                }),
                (e: unknown) => {
                    assert.ok(e instanceof MongoSetupError);
                    assert.match(
                        (e as Error).message,
                        /writing products failed: .*Written before the failure: customers 15, products 0, orders 0\./,
                    );
                    return true;
                },
            );
        } finally {
            await conn.client.close();
        }
    });

    it("applies simulated inserts, updates and deletes so that the database equals the simulator's world", async (t) => {
        if (!requireTier(t, "engine", problem)) return;
        const conn = await connectChecked(rs!.uri, { allowStandalone: false, appName: "test" });
        try {
            await writeInitialLoad(conn.db, load(3), { reset: true, batchSize: 50 });
            const rng = new Prng(3, 7);
            const docs = new DocumentFactory(3, rng);
            const world: World = await readWorld(conn.db, docs);
            assert.equal(world.customers.size, 40);
            // Money-free kinds only (FerretDB v1 has no Decimal128).
            const weights = { new_customer: 3, customer_update: 5, customer_delete: 2 } as Record<ChangeKind, number>;
            let now = 0;
            const stats = await runSimulation(20, 10, new AbortController().signal, {
                chooser: new ChangeChooser(world, rng, docs, new ObjectIdFactory(33), weights),
                write: (m) => applyMutation(conn.db, m),
                now: () => now,
                wallClock: () => new Date(BASE.getTime() + 60_000 + now),
                sleep: async (ms) => void (now += ms),
            });
            assert.equal(stats.events, 200);
            assert.equal(stats.errors, 0);
            assert.ok(
                stats.byCollection.customers.insert > 0 &&
                    stats.byCollection.customers.update > 0 &&
                    stats.byCollection.customers.delete > 0,
            );
            const back = await conn.db
                .collection("customers")
                .find({}, { sort: { _id: 1 } })
                .toArray();
            const expected = [...world.customers.values()].sort((a, b) => (a._id < b._id ? -1 : 1));
            assert.deepEqual(
                back.map((d) => fromBson(d)),
                expected,
            );
        } finally {
            await conn.client.close();
        }
    });

    it("refuses a standalone server with the replica-set hint, and writes with --allow-standalone", async (t) => {
        if (!requireTier(t, "engine", problem)) return;
        const standalone = await startFerretDb(binary!);
        try {
            await assert.rejects(
                connectChecked(standalone.uri, { allowStandalone: false, appName: "test" }),
                (e: unknown) => {
                    assert.ok(e instanceof MongoSetupError);
                    assert.match(
                        (e as Error).message,
                        new RegExp(
                            `127\\.0\\.0\\.1:${standalone.port} is not a replica set member.*rs\\.initiate\\(\\).*--allow-standalone`,
                        ),
                    );
                    return true;
                },
            );
            const args = ["--uri", standalone.uri, "--customers", "3", "--products", "0", "--orders", "0"];
            assert.equal(await seedMain(args), 1);
            assert.equal(await seedMain([...args, "--allow-standalone"]), 0);
        } finally {
            await standalone.stop();
        }
    });

    it("explains an authentication failure and succeeds with the right password", async (t) => {
        if (!requireTier(t, "engine", problem)) return;
        const secured = await startFerretDb(binary!, {
            replSetName: "rs0",
            auth: { user: "seeder", password: "right-pass" },
        });
        try {
            const wrong = secured.uri.replace("right-pass", "wrong-pass");
            await assert.rejects(connectChecked(wrong, { allowStandalone: false, appName: "test" }), (e: unknown) => {
                assert.ok(e instanceof MongoSetupError);
                const msg = (e as Error).message;
                assert.match(msg, new RegExp(`MongoDB at 127\\.0\\.0\\.1:${secured.port} refused the credentials`));
                assert.doesNotMatch(msg, /wrong-pass/);
                return true;
            });
            const ok = await connectChecked(secured.uri, { allowStandalone: false, appName: "test" });
            await ok.client.close();
        } finally {
            await secured.stop();
        }
    });
});
