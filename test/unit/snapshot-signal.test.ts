/**
 * Declared re-snapshots: the config field and its resolution, the signal document Debezium reads,
 * the diff that names a new id, and the provider's idempotency, deadlines, secret masking and
 * survival of Pulumi's function serialization. The store is a fake here; the real driver against
 * a real server is test/engine/snapshot-signal.test.ts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { parseConfig } from "../../components/config";
import { debeziumMongoSourceConfig, signalCollectionName } from "../../connectors/debeziumMongoSource";
import {
    createSnapshotSignalProvider,
    diffSnapshotSignal,
    normaliseSignalInputs,
    resolveSnapshotRequests,
    signalDocument,
    type SignalStore,
    type SignalStoreFactory,
    type SnapshotSignalInputs,
    type SnapshotSignalOutputs,
} from "../../components/providers/snapshotSignal";
import { UNKNOWN_VALUE } from "../../components/providers/shared/unknown";

const SECRET = "mongodb://admin:s3cr%2Ft@127.0.0.1:27017/?replicaSet=rs0";
const ROLES = { customers: "customers", products: "items", orders: "orders" };

function inputs(requests: Record<string, string[]>, extra: Partial<SnapshotSignalInputs> = {}): SnapshotSignalInputs {
    return { connectionString: SECRET, database: "ecom", signalCollection: "cdc_signal_dev", connectorName: "dev-mongo-source", requests, timeoutSeconds: 5, ...extra };
}

/** A fake signal collection: documents by _id; optional failure or hang on the n-th insert. */
function fakeStore(opts: { failOn?: string; hangOn?: string; existing?: string[] } = {}) {
    const docs = new Map<string, { _id: string; type: string; data: string }>();
    for (const id of opts.existing ?? []) docs.set(id, { _id: id, type: "execute-snapshot", data: "{}" });
    const opened: { connectionString: string; database: string; collection: string; timeoutMs: number }[] = [];
    let closed = 0;
    const factory: SignalStoreFactory = async (c) => {
        opened.push(c);
        const store: SignalStore = {
            async insert(doc) {
                if (doc._id === opts.failOn) throw new Error(`connection to ${c.connectionString} reset`);
                if (doc._id === opts.hangOn) return new Promise<"inserted">(() => undefined);
                if (docs.has(doc._id)) return "exists";
                docs.set(doc._id, doc);
                return "inserted";
            },
            async close() {
                closed++;
            },
        };
        return store;
    };
    return { docs, opened, factory, closedCount: () => closed };
}

const quiet = { log: () => undefined, now: () => new Date("2026-11-29T12:00:00Z") };

describe("cdc:connectors.snapshots (config)", () => {
    const base = { platform: "docker" };
    it("defaults to no requests and accepts role or collection names", () => {
        assert.deepEqual(parseConfig(base).connectors.snapshots, []);
        const s = parseConfig({ ...base, mongo: { collections: { products: "items" } }, connectors: { snapshots: [{ id: "orders-1", collections: ["orders"] }, { id: "b", collections: ["customers", "items"] }] } });
        assert.deepEqual(s.connectors.snapshots, [
            { id: "orders-1", collections: ["orders"] },
            { id: "b", collections: ["customers", "items"] },
        ]);
    });

    it("refuses duplicate ids, bad ids, empty or repeated collections and unknown keys, naming each key and the fix", () => {
        const bad = {
            ...base,
            connectors: {
                snapshots: [
                    { id: "a", collections: ["orders"] },
                    { id: "a", collections: ["orders"] },
                    { id: "1st", collections: ["orders"] },
                    { id: "c", collections: [] },
                    { id: "d", collections: ["orders", "orders"] },
                    { id: "e", collections: ["orders"], when: "now" },
                ],
            },
        };
        assert.throws(() => parseConfig(bad), (e: Error) => {
            assert.match(e.message, /cdc:connectors\.snapshots\[1\]\.id: "a" is also the id of cdc:connectors\.snapshots\[0\]; each request needs its own id/);
            assert.match(e.message, /cdc:connectors\.snapshots\[2\]\.id: "1st" is not accepted; an id starts with a letter/);
            assert.match(e.message, /cdc:connectors\.snapshots\[3\]\.collections: \[\] is not a non-empty list/);
            assert.match(e.message, /cdc:connectors\.snapshots\[4\]\.collections: .* names a collection twice/);
            assert.match(e.message, /cdc:connectors\.snapshots\[5\]\.when: unknown key/);
            return true;
        });
        assert.throws(() => parseConfig({ ...base, connectors: { snapshots: { id: "x" } } }), /cdc:connectors\.snapshots: .* is not a list of \{ id, collections \}/);
    });

    it("fails config loading (before any resource) on a name that is not captured, naming the key and the accepted names", () => {
        assert.throws(
            () => parseConfig({ ...base, mongo: { collections: { products: "items" } }, connectors: { snapshots: [{ id: "a", collections: ["orders", "invoices"] }] } }),
            /cdc:connectors\.snapshots\[0\]\.collections\[1\]: "invoices" is not a captured collection; accepted: customers, products, orders, items/,
        );
        const ok = parseConfig({ ...base, mongo: { collections: { products: "items" } }, connectors: { snapshots: [{ id: "a", collections: ["items", "products"] }] } });
        assert.deepEqual(ok.connectors.snapshots, [{ id: "a", collections: ["items", "products"] }]);
    });

    it("resolves role names to the configured collections and refuses names that are not captured", () => {
        const r = resolveSnapshotRequests([{ id: "a", collections: ["products", "items", "orders"] }], ROLES);
        assert.deepEqual(r, { requests: { a: ["items", "orders"] }, problems: [] }, "role products is collection items: listed once");
        const bad = resolveSnapshotRequests([{ id: "a", collections: ["orders"] }, { id: "b", collections: ["invoices"] }], ROLES);
        assert.deepEqual(bad.problems.map((p) => p.key), ["cdc:connectors.snapshots[1].collections[0]"]);
        assert.match(bad.problems[0]!.message, /"invoices" is not a captured collection; accepted: customers, products, orders, items/);
    });
});

describe("source connector signal channel", () => {
    it("reads signals from the stack's signal collection through the source channel", () => {
        const c = debeziumMongoSourceConfig({ topicPrefix: "mongo", database: "ecom", collections: ["customers", "orders"], signalCollection: signalCollectionName("dev") });
        assert.equal(c["signal.enabled.channels"], "source");
        assert.equal(c["signal.data.collection"], "ecom.cdc_signal_dev");
        assert.equal(c["collection.include.list"], "ecom\\.customers,ecom\\.orders", "the signal collection is not a captured (sunk) collection");
        const none = debeziumMongoSourceConfig({ topicPrefix: "mongo", database: "ecom", collections: ["orders"] });
        assert.equal(none["signal.data.collection"], undefined);
    });

    it("names the collection from the stack, and refuses a captured collection as the signal collection", () => {
        assert.equal(signalCollectionName("prod.eu-1"), "cdc_signal_prod_eu_1");
        assert.throws(() => debeziumMongoSourceConfig({ topicPrefix: "mongo", database: "ecom", collections: ["orders"], signalCollection: "orders" }), /signalCollection "orders" is a captured collection/);
    });
});

describe("signal document", () => {
    it("has exactly _id, type, data in that order, data being Debezium's execute-snapshot JSON", () => {
        const d = signalDocument("orders-1", "ecom", ["orders", "customers"]);
        assert.deepEqual(Object.keys(d), ["_id", "type", "data"]);
        assert.equal(d._id, "orders-1");
        assert.equal(d.type, "execute-snapshot");
        assert.deepEqual(JSON.parse(d.data), { "data-collections": ["ecom.orders", "ecom.customers"], type: "incremental" });
    });
});

describe("diffSnapshotSignal", () => {
    const stored = (executed: string[], requests: Record<string, string[]> = {}): SnapshotSignalOutputs => ({
        ...inputs(requests),
        executed: executed.map((id) => ({ id, dataCollections: ["ecom.orders"], signalledAt: "2026-11-01T00:00:00.000Z", outcome: "sent" as const })),
    });

    it("names a new id as an added request, and only the new one", () => {
        const d = diffSnapshotSignal(stored(["a"], { a: ["orders"] }), inputs({ a: ["orders"], b: ["customers"] }));
        assert.equal(d.changes, true);
        assert.deepEqual(d.replaces, []);
        assert.deepEqual(d.detailedDiff, { 'requests["b"]': { kind: "add" } });
        assert.deepEqual(d.toSignal, ["b"]);
    });

    it("an executed id, unchanged or re-added after removal, is no change and sends nothing", () => {
        assert.equal(diffSnapshotSignal(stored(["a"], { a: ["orders"] }), inputs({ a: ["orders"] })).changes, false);
        const readded = diffSnapshotSignal(stored(["a"], {}), inputs({ a: ["orders"] }));
        assert.deepEqual(readded.toSignal, []);
        assert.equal(readded.changes, false);
    });

    it("a removed id shows as a delete that sends nothing; a secret change alone is no change", () => {
        const d = diffSnapshotSignal(stored(["a"], { a: ["orders"] }), inputs({}));
        assert.deepEqual(d.detailedDiff, { 'requests["a"]': { kind: "delete" } });
        assert.deepEqual(d.toSignal, []);
        assert.equal(diffSnapshotSignal(stored(["a"], { a: ["orders"] }), inputs({ a: ["orders"] }, { connectionString: "mongodb://other:pw@h/" })).changes, false);
    });

    it("requests unknown during preview show as an update, never a replacement", () => {
        const d = diffSnapshotSignal(stored(["a"], { a: ["orders"] }), { ...inputs({}), requests: UNKNOWN_VALUE } as unknown as SnapshotSignalInputs);
        assert.deepEqual([d.changes, d.replaces, d.detailedDiff], [true, [], { requests: { kind: "update" } }]);
    });
});

describe("SnapshotSignal provider", () => {
    it("create sends every request once, in order; update sends only new ids; re-listing executed ids sends nothing", async () => {
        const store = fakeStore();
        const p = createSnapshotSignalProvider({ storeFactory: store.factory, ...quiet });
        const created = await p.create!(inputs({ a: ["orders"], b: ["customers", "orders"] }) as never);
        assert.deepEqual([...store.docs.keys()], ["a", "b"]);
        assert.deepEqual(JSON.parse(store.docs.get("b")!.data)["data-collections"], ["ecom.customers", "ecom.orders"]);
        const outs = created.outs as SnapshotSignalOutputs;
        assert.deepEqual(outs.executed.map((e) => [e.id, e.outcome]), [["a", "sent"], ["b", "sent"]]);
        assert.equal(store.opened[0]!.timeoutMs, 5000, "the configured deadline reaches the driver");

        const upd = await p.update!("x", outs, inputs({ b: ["customers"], c: ["orders"] }) as never);
        assert.deepEqual([...store.docs.keys()], ["a", "b", "c"], "only c was sent");
        const outs2 = upd.outs as SnapshotSignalOutputs;
        assert.deepEqual(outs2.executed.map((e) => e.id), ["a", "b", "c"], "executed ids are kept even when removed from the list");

        const opens = store.opened.length;
        await p.update!("x", outs2, inputs({ a: ["orders"], c: ["orders"] }) as never);
        assert.equal(store.opened.length, opens, "nothing pending: MongoDB is not even contacted");
        assert.equal(store.closedCount(), store.opened.length, "every connection is closed");
    });

    it("an id MongoDB already holds (state lost) is recorded as found, not sent twice", async () => {
        const store = fakeStore({ existing: ["a"] });
        const lines: string[] = [];
        const p = createSnapshotSignalProvider({ storeFactory: store.factory, ...quiet, log: (l) => lines.push(l) });
        const outs = (await p.create!(inputs({ a: ["orders"] }) as never)).outs as SnapshotSignalOutputs;
        assert.deepEqual(outs.executed.map((e) => [e.id, e.outcome]), [["a", "found"]]);
        assert.match(lines.join("\n"), /"a" is already in ecom\.cdc_signal_dev .*not sent again\. Use a new id/);
    });

    it("a failure names the request, what was sent, what to do, and never shows the connection string's password", async () => {
        const store = fakeStore({ failOn: "b" });
        const p = createSnapshotSignalProvider({ storeFactory: store.factory, ...quiet });
        await assert.rejects(p.create!(inputs({ a: ["orders"], b: ["orders"] }) as never), (e: Error & { id?: string; properties?: SnapshotSignalOutputs }) => {
            assert.match(e.message, /sending snapshot request "b" to ecom\.cdc_signal_dev for connector dev-mongo-source failed/);
            assert.match(e.message, /Sent before the failure: a\./);
            assert.match(e.message, /run `pulumi up` again/);
            assert.doesNotMatch(e.message, /s3cr/);
            // Pulumi records the resource with what was sent, so `a` is not sent again
            assert.equal(e.id, "snapshot-signal:ecom.cdc_signal_dev");
            assert.deepEqual(e.properties!.executed.map((x) => x.id), ["a"]);
            return true;
        });
    });

    it("an insert that never answers fails after the deadline with what to do", async () => {
        const store = fakeStore({ hangOn: "a" });
        const p = createSnapshotSignalProvider({ storeFactory: store.factory, ...quiet });
        const started = Date.now();
        await assert.rejects(p.update!("x", { ...inputs({}), executed: [] }, inputs({ a: ["orders"] }, { timeoutSeconds: 1 }) as never), /the insert did not complete within 1 s.*Check that MongoDB is reachable/s);
        assert.ok(Date.now() - started < 5000);
        assert.equal(store.closedCount(), 1);
    });

    it("check names the property: bad id, empty request, bad timeout", async () => {
        const p = createSnapshotSignalProvider(quiet);
        const { failures } = await p.check!({}, { ...inputs({ "9x": ["orders"], ok: [] }), timeoutSeconds: 0 });
        assert.deepEqual(failures!.map((f) => f.property).sort(), ["requests", "requests", "timeoutSeconds"]);
        const unknown = await p.check!({}, { ...inputs({}), connectionString: UNKNOWN_VALUE });
        assert.deepEqual(unknown.failures, [], "an unknown secret in preview is checked at apply time");
    });

    it("read and delete never contact MongoDB", async () => {
        const store = fakeStore();
        const p = createSnapshotSignalProvider({ storeFactory: store.factory, ...quiet });
        const props = { ...inputs({ a: ["orders"] }), executed: [{ id: "a", dataCollections: ["ecom.orders"], signalledAt: "t", outcome: "sent" as const }] };
        assert.deepEqual((await p.read!("id", props)).props, props);
        await p.delete!("id", props);
        assert.equal(store.opened.length, 0);
    });

    it("survives pulumi.runtime.serializeFunction and works after deserialisation (the driver is loaded when sending)", async () => {
        const provider = createSnapshotSignalProvider({ log: () => undefined });
        const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: false });
        assert.doesNotMatch(sf.text, /MongoClient\s*=\s*class/, "the driver is not serialised into the provider");
        // eslint-disable-next-line @typescript-eslint/no-var-requires
        const Module = require("module") as { new (id: string): { paths: string[]; _compile(src: string, file: string): void; exports: Record<string, unknown> }; _nodeModulePaths(dir: string): string[] };
        const file = `${process.cwd()}/__serialised_snapshot_signal__.js`;
        const m = new Module(file);
        m.paths = Module._nodeModulePaths(process.cwd());
        m._compile(sf.text, file);
        const revived = (m.exports[sf.exportName] as () => typeof provider)();
        const d = await revived.diff("x", { ...inputs({}), executed: [] }, normaliseSignalInputs({ ...inputs({ n: ["orders"] }) }));
        assert.deepEqual(d.toSignal, ["n"]);
        // nothing listens on port 1: the revived provider loads the driver and fails within the deadline, masked
        await assert.rejects(
            revived.create!(inputs({ n: ["orders"] }, { connectionString: "mongodb://admin:s3cr3t@127.0.0.1:1/?directConnection=true", timeoutSeconds: 1 }) as never),
            (e: Error) => {
                assert.match(e.message, /SnapshotSignal: sending snapshot request to ecom\.cdc_signal_dev .* failed/);
                assert.doesNotMatch(e.message, /s3cr3t/);
                return true;
            },
        );
    });
});
