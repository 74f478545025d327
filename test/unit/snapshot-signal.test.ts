/**
 * Declared re-snapshots: the config field and its resolution, the source connector's signal
 * channel, the signal document Debezium reads, and the diff that names a new id. The provider
 * (idempotency, deadlines, secret masking, serialization) is snapshot-signal-provider.test.ts;
 * the real driver against a real server is test/engine/snapshot-signal.test.ts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseConfig } from "../../components/config";
import { resolveSnapshotRequests } from "../../components/config/snapshots";
import { debeziumMongoSourceConfig, signalCollectionName } from "../../connectors/debeziumMongoSource";
import {
    diffSnapshotSignal,
    signalDocument,
    type SnapshotSignalInputs,
    type SnapshotSignalOutputs,
} from "../../components/providers/snapshotSignal";
import { UNKNOWN_VALUE } from "../../components/providers/shared/unknown";
import { inputs } from "../support/snapshot-signal";

const ROLES = { customers: "customers", products: "items", orders: "orders" };

describe("cdc:connectors.snapshots (config)", () => {
    const base = { platform: "docker" };
    it("defaults to no requests and accepts role or collection names", () => {
        assert.deepEqual(parseConfig(base).connectors.snapshots, []);
        const s = parseConfig({
            ...base,
            mongo: { collections: { products: "items" } },
            connectors: {
                snapshots: [
                    { id: "orders-1", collections: ["orders"] },
                    { id: "b", collections: ["customers", "items"] },
                ],
            },
        });
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
        assert.throws(
            () => parseConfig(bad),
            (e: Error) => {
                assert.match(
                    e.message,
                    /cdc:connectors\.snapshots\[1\]\.id: "a" is also the id of cdc:connectors\.snapshots\[0\]; each request needs its own id/,
                );
                assert.match(
                    e.message,
                    /cdc:connectors\.snapshots\[2\]\.id: "1st" is not accepted; an id starts with a letter/,
                );
                assert.match(e.message, /cdc:connectors\.snapshots\[3\]\.collections: \[\] is not a non-empty list/);
                assert.match(e.message, /cdc:connectors\.snapshots\[4\]\.collections: .* names a collection twice/);
                assert.match(e.message, /cdc:connectors\.snapshots\[5\]\.when: unknown key/);
                return true;
            },
        );
        assert.throws(
            () => parseConfig({ ...base, connectors: { snapshots: { id: "x" } } }),
            /cdc:connectors\.snapshots: .* is not a list of \{ id, collections \}/,
        );
    });

    it("fails config loading (before any resource) on a name that is not captured, naming the key and the accepted names", () => {
        assert.throws(
            () =>
                parseConfig({
                    ...base,
                    mongo: { collections: { products: "items" } },
                    connectors: { snapshots: [{ id: "a", collections: ["orders", "invoices"] }] },
                }),
            /cdc:connectors\.snapshots\[0\]\.collections\[1\]: "invoices" is not a captured collection; accepted: customers, products, orders, items/,
        );
        const ok = parseConfig({
            ...base,
            mongo: { collections: { products: "items" } },
            connectors: { snapshots: [{ id: "a", collections: ["items", "products"] }] },
        });
        assert.deepEqual(
            ok.connectors.snapshots,
            [{ id: "a", collections: ["items"] }],
            "loaded config holds the resolved collections: role products is items",
        );
    });

    it("resolves role names to the configured collections and refuses names that are not captured", () => {
        const r = resolveSnapshotRequests([{ id: "a", collections: ["products", "items", "orders"] }], ROLES);
        assert.deepEqual(
            r,
            { requests: [{ id: "a", collections: ["items", "orders"] }], problems: [] },
            "role products is collection items: listed once",
        );
        const bad = resolveSnapshotRequests(
            [
                { id: "a", collections: ["orders"] },
                { id: "b", collections: ["invoices"] },
            ],
            ROLES,
        );
        assert.deepEqual(
            bad.problems.map((p) => p.key),
            ["cdc:connectors.snapshots[1].collections[0]"],
        );
        assert.match(
            bad.problems[0]!.message,
            /"invoices" is not a captured collection; accepted: customers, products, orders, items/,
        );
    });
});

describe("source connector signal channel", () => {
    it("reads signals from the stack's signal collection through the source channel", () => {
        const c = debeziumMongoSourceConfig({
            topicPrefix: "mongo",
            database: "ecom",
            collections: ["customers", "orders"],
            signalCollection: signalCollectionName("dev"),
        });
        assert.equal(c["signal.enabled.channels"], "source");
        assert.equal(c["signal.data.collection"], "ecom.cdc_signal_dev");
        assert.equal(
            c["collection.include.list"],
            "ecom\\.customers,ecom\\.orders",
            "the signal collection is not a captured (sunk) collection",
        );
        const none = debeziumMongoSourceConfig({ topicPrefix: "mongo", database: "ecom", collections: ["orders"] });
        assert.equal(none["signal.data.collection"], undefined);
    });

    it("names the collection from the stack, and refuses a captured collection as the signal collection", () => {
        assert.equal(signalCollectionName("prod.eu-1"), "cdc_signal_prod_eu_1");
        assert.throws(
            () =>
                debeziumMongoSourceConfig({
                    topicPrefix: "mongo",
                    database: "ecom",
                    collections: ["orders"],
                    signalCollection: "orders",
                }),
            /signalCollection "orders" is a captured collection/,
        );
    });
});

describe("signal document", () => {
    it("has exactly _id, type, data in that order, data being Debezium's execute-snapshot JSON", () => {
        const d = signalDocument("orders-1", "ecom", ["orders", "customers"]);
        assert.deepEqual(Object.keys(d), ["_id", "type", "data"]);
        assert.equal(d._id, "orders-1");
        assert.equal(d.type, "execute-snapshot");
        assert.deepEqual(JSON.parse(d.data), {
            "data-collections": ["ecom.orders", "ecom.customers"],
            type: "incremental",
        });
    });
});

describe("diffSnapshotSignal", () => {
    const stored = (executed: string[], requests: Record<string, string[]> = {}): SnapshotSignalOutputs => ({
        ...inputs(requests),
        executed: executed.map((id) => ({
            id,
            dataCollections: ["ecom.orders"],
            signalledAt: "2026-11-01T00:00:00.000Z",
            outcome: "sent" as const,
        })),
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

    it("a new CA (renewal, TLS turned on) is an update that sends nothing; the same CA is no change", () => {
        const ca = "-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----\n";
        const old = { ...stored(["a"], { a: ["orders"] }), caPem: ca };
        assert.equal(diffSnapshotSignal(old, { ...inputs({ a: ["orders"] }), caPem: ca }).changes, false);
        const renewed = diffSnapshotSignal(old, { ...inputs({ a: ["orders"] }), caPem: ca.replace("A", "B") });
        assert.deepEqual(renewed.detailedDiff, { caPem: { kind: "update" } });
        assert.deepEqual(renewed.toSignal, []);
        const turnedOn = diffSnapshotSignal(stored(["a"], { a: ["orders"] }), {
            ...inputs({ a: ["orders"] }),
            caPem: ca,
        });
        assert.deepEqual(turnedOn.detailedDiff, { caPem: { kind: "update" } });
    });

    it("a removed id shows as a delete that sends nothing; a secret change alone is no change", () => {
        const d = diffSnapshotSignal(stored(["a"], { a: ["orders"] }), inputs({}));
        assert.deepEqual(d.detailedDiff, { 'requests["a"]': { kind: "delete" } });
        assert.deepEqual(d.toSignal, []);
        assert.equal(
            diffSnapshotSignal(
                stored(["a"], { a: ["orders"] }),
                inputs({ a: ["orders"] }, { connectionString: "mongodb://other:pw@h/" }),
            ).changes,
            false,
        );
    });

    it("requests unknown during preview show as an update, never a replacement", () => {
        const d = diffSnapshotSignal(stored(["a"], { a: ["orders"] }), {
            ...inputs({}),
            requests: UNKNOWN_VALUE,
        } as unknown as SnapshotSignalInputs);
        assert.deepEqual([d.changes, d.replaces, d.detailedDiff], [true, [], { requests: { kind: "update" } }]);
    });
});
