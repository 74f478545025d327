/**
 * The SnapshotSignal provider: each request sent once, idempotency when state is lost, deadlines,
 * secret masking, and survival of Pulumi's function serialization. The store is a fake
 * (test/support/snapshot-signal.ts); the real driver against a real server is
 * test/engine/snapshot-signal.test.ts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import {
    createSnapshotSignalProvider,
    normaliseSignalInputs,
    type SnapshotSignalOutputs,
} from "../../components/providers/snapshotSignal";
import { UNKNOWN_VALUE } from "../../components/providers/shared/unknown";
import { fakeStore, inputs, quiet } from "../support/snapshot-signal";

describe("SnapshotSignal provider", () => {
    it("create sends every request once, in order; update sends only new ids; re-listing executed ids sends nothing", async () => {
        const store = fakeStore();
        const p = createSnapshotSignalProvider({ storeFactory: store.factory, ...quiet });
        const created = await p.create!(inputs({ a: ["orders"], b: ["customers", "orders"] }) as never);
        assert.deepEqual([...store.docs.keys()], ["a", "b"]);
        assert.deepEqual(JSON.parse(store.docs.get("b")!.data)["data-collections"], ["ecom.customers", "ecom.orders"]);
        const outs = created.outs as SnapshotSignalOutputs;
        assert.deepEqual(
            outs.executed.map((e) => [e.id, e.outcome]),
            [
                ["a", "sent"],
                ["b", "sent"],
            ],
        );
        assert.equal(store.opened[0]!.timeoutMs, 5000, "the configured deadline reaches the driver");

        const upd = await p.update!("x", outs, inputs({ b: ["customers"], c: ["orders"] }) as never);
        assert.deepEqual([...store.docs.keys()], ["a", "b", "c"], "only c was sent");
        const outs2 = upd.outs as SnapshotSignalOutputs;
        assert.deepEqual(
            outs2.executed.map((e) => e.id),
            ["a", "b", "c"],
            "executed ids are kept even when removed from the list",
        );

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
        assert.deepEqual(
            outs.executed.map((e) => [e.id, e.outcome]),
            [["a", "found"]],
        );
        assert.match(lines.join("\n"), /"a" is already in ecom\.cdc_signal_dev .*not sent again\. Use a new id/);
    });

    it("a failure names the request, what was sent, what to do, and never shows the connection string's password", async () => {
        const store = fakeStore({ failOn: "b" });
        const p = createSnapshotSignalProvider({ storeFactory: store.factory, ...quiet });
        await assert.rejects(
            p.create!(inputs({ a: ["orders"], b: ["orders"] }) as never),
            (e: Error & { id?: string; properties?: SnapshotSignalOutputs }) => {
                assert.match(
                    e.message,
                    /sending snapshot request "b" to ecom\.cdc_signal_dev for connector dev-mongo-source failed/,
                );
                assert.match(e.message, /Sent before the failure: a\./);
                assert.match(e.message, /run `pulumi up` again/);
                assert.doesNotMatch(e.message, /s3cr/);
                // Pulumi records the resource with what was sent, so `a` is not sent again
                assert.equal(e.id, "snapshot-signal:ecom.cdc_signal_dev");
                assert.deepEqual(
                    e.properties!.executed.map((x) => x.id),
                    ["a"],
                );
                return true;
            },
        );
    });

    it("an insert that never answers fails after the deadline with what to do", async () => {
        const store = fakeStore({ hangOn: "a" });
        const p = createSnapshotSignalProvider({ storeFactory: store.factory, ...quiet });
        const started = Date.now();
        await assert.rejects(
            p.update!("x", { ...inputs({}), executed: [] }, inputs({ a: ["orders"] }, { timeoutSeconds: 1 }) as never),
            /the insert did not complete within 1 s.*Check that MongoDB is reachable/s,
        );
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
        const props = {
            ...inputs({ a: ["orders"] }),
            executed: [{ id: "a", dataCollections: ["ecom.orders"], signalledAt: "t", outcome: "sent" as const }],
        };
        assert.deepEqual((await p.read!("id", props)).props, props);
        await p.delete!("id", props);
        assert.equal(store.opened.length, 0);
    });

    it("survives pulumi.runtime.serializeFunction and works after deserialisation (the driver is loaded when sending)", async () => {
        const provider = createSnapshotSignalProvider({ log: () => undefined });
        const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: false });
        assert.doesNotMatch(sf.text, /MongoClient\s*=\s*class/, "the driver is not serialised into the provider");
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const Module = require("module") as {
            new (id: string): {
                paths: string[];
                _compile(src: string, file: string): void;
                exports: Record<string, unknown>;
            };
            _nodeModulePaths(dir: string): string[];
        };
        const file = `${process.cwd()}/__serialised_snapshot_signal__.js`;
        const m = new Module(file);
        m.paths = Module._nodeModulePaths(process.cwd());
        m._compile(sf.text, file);
        const revived = (m.exports[sf.exportName] as () => typeof provider)();
        const d = await revived.diff(
            "x",
            { ...inputs({}), executed: [] },
            normaliseSignalInputs({ ...inputs({ n: ["orders"] }) }),
        );
        assert.deepEqual(d.toSignal, ["n"]);
        // nothing listens on port 1: the revived provider loads the driver and fails within the deadline, masked
        await assert.rejects(
            revived.create!(
                inputs(
                    { n: ["orders"] },
                    {
                        connectionString: "mongodb://admin:s3cr3t@127.0.0.1:1/?directConnection=true",
                        timeoutSeconds: 1,
                    },
                ) as never,
            ),
            (e: Error) => {
                assert.match(e.message, /SnapshotSignal: sending snapshot request to ecom\.cdc_signal_dev .* failed/);
                assert.doesNotMatch(e.message, /s3cr3t/);
                return true;
            },
        );
    });
});
