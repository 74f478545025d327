/**
 * The oracle's order of one document's changes (docs/data-contract.md §2, 2026-12-07): a snapshot
 * read takes the position of the newest streamed event before it on its partition, in its topic life.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BronzeBuilder, customerDoc, oid } from "../support/oracle/builder";
import { foldBronze } from "../support/oracle";
import { orderPositions } from "../support/oracle/positions";

const C1 = oid(0xc1);
const C2 = oid(0xc2);
const named = (id: string, first_name: string) => customerDoc(id, { first_name });

describe("oracle order of changes: where a snapshot read stands", () => {
    it("an update streamed right after a read wins although the read's clock is later", () => {
        const b = new BronzeBuilder();
        b.insert("customers", named(C2, "other"), { tsMs: 1_000 });
        b.insert("customers", named(C1, "Read"), { tsMs: 30_400 }, true);
        b.update("customers", named(C1, "Updated"), { tsMs: 1_000 + 200 });
        assert.equal(foldBronze(b.tables()).customers.get(C1)?.first_name, "Updated");
        // the read keeps its own ts_ms as the row's event time; the update decided
        assert.equal(foldBronze(b.tables()).customers.get(C1)?.eventTsMs, 1_200n);
    });

    it("a read with no streamed event before it in the topic's life stands at its own ts_ms", () => {
        const b = new BronzeBuilder();
        b.insert("customers", named(C1, "Read"), { tsMs: 5_000 }, true);
        b.update("customers", named(C1, "Late older"), { tsMs: 1_000 });
        assert.equal(foldBronze(b.tables()).customers.get(C1)?.first_name, "Read");
    });

    it("takes the newest streamed position before it, not the last one (a re-delivered older event)", () => {
        const b = new BronzeBuilder();
        const newest = b.insert("customers", named(C2, "B"), { tsMs: 3_000 });
        b.insert("customers", named(C2, "A"), { tsMs: 1_000 });
        b.redeliver("customers", newest);
        b.insert("customers", named(C1, "Read"), { tsMs: 9_000 }, true);
        b.update("customers", named(C1, "Older than B"), { tsMs: 2_000 });
        const rows = b.tables().customers;
        assert.deepEqual(orderPositions(rows).get(3), { tsMs: 3_000n, ord: 1n });
        assert.equal(foldBronze(b.tables()).customers.get(C1)?.first_name, "Read");
    });

    it("a re-delivered older streamed event at a later offset loses to the newer one and the read after it", () => {
        const b = new BronzeBuilder();
        const older = b.update("customers", named(C1, "Older"), { tsMs: 1_000 });
        b.update("customers", named(C1, "Newer"), { tsMs: 2_000 });
        b.insert("customers", named(C1, "Newer"), { tsMs: 2_500 }, true);
        b.redeliver("customers", older);
        assert.equal(foldBronze(b.tables()).customers.get(C1)?.first_name, "Newer");
    });

    it("counts a streamed event whose document is rejected: it still stands at its oplog position", () => {
        const b = new BronzeBuilder();
        b.update("customers", customerDoc(C2, { first_name: 7 }), { tsMs: 4_000 }); // bad_string
        b.insert("customers", named(C1, "Read"), { tsMs: 9_000 }, true);
        b.update("customers", named(C1, "Older"), { tsMs: 3_000 });
        const docs = foldBronze(b.tables());
        assert.equal(docs.rejects.length, 1, "the streamed event is a reject");
        assert.equal(docs.customers.get(C1)?.first_name, "Read");
    });

    it("after Kafka is rebuilt empty (offsets restart at 0), the new reads win over older bronze rows", () => {
        const b = new BronzeBuilder();
        b.insert("customers", named(C1, "Old"), { tsMs: 1_000 });
        b.update("customers", named(C2, "x"), { tsMs: 2_000 });
        b.update("customers", named(C1, "Old newest"), { tsMs: 3_000 });
        // the new topic: the source re-snapshots, offsets from 0 again
        b.insert("customers", named(C2, "x"), { tsMs: 9_000 }, true)._offset = 0;
        b.insert("customers", named(C1, "Restored"), { tsMs: 9_000 }, true)._offset = 1;
        const rows = b.tables().customers;
        assert.deepEqual(orderPositions(rows).get(4), { tsMs: 9_000n, ord: 1n }, "no streamed event before it");
        assert.equal(foldBronze(b.tables()).customers.get(C1)?.first_name, "Restored");
    });

    it("a read re-delivered at a later offset stands where its first delivery stood: a newer update still wins", () => {
        const b = new BronzeBuilder();
        b.insert("customers", named(C2, "x"), { tsMs: 1_000 });
        const read = b.insert("customers", named(C1, "Read"), { tsMs: 30_000 }, true);
        b.update("customers", named(C1, "Updated"), { tsMs: 2_000 });
        b.update("customers", named(C2, "y"), { tsMs: 5_000 });
        b.redeliver("customers", read); // offset 4, after the update and a newer streamed event
        const rows = b.tables().customers;
        assert.deepEqual(orderPositions(rows).get(4), orderPositions(rows).get(1), "the first delivery's position");
        assert.deepEqual(orderPositions(rows).get(4), { tsMs: 1_000n, ord: 1n });
        assert.equal(foldBronze(b.tables()).customers.get(C1)?.first_name, "Updated");
    });

    it("a read delivered only at a later offset (its first delivery never reached bronze) stands there", () => {
        const b = new BronzeBuilder();
        b.insert("customers", named(C2, "x"), { tsMs: 1_000 });
        b.update("customers", named(C1, "Updated"), { tsMs: 2_000 });
        b.update("customers", named(C2, "y"), { tsMs: 5_000 });
        b.insert("customers", named(C1, "Read"), { tsMs: 30_000 }, true);
        assert.equal(foldBronze(b.tables()).customers.get(C1)?.first_name, "Read");
    });

    it("a re-delivered offset-0 row opens no new topic life: a later read still sees the streamed events before it", () => {
        const b = new BronzeBuilder();
        const first = b.insert("customers", named(C2, "x"), { tsMs: 1_000 }, true);
        first._offset = 0;
        b.update("customers", named(C2, "y"), { tsMs: 4_000 });
        b.update("customers", named(C1, "Updated"), { tsMs: 6_000 });
        b.rewrite("customers", first); // the sink writes offset 0 again (at-least-once)
        b.insert("customers", named(C1, "Read"), { tsMs: 50_000 }, true);
        b.update("customers", named(C1, "Streamed after the read"), { tsMs: 7_000 });
        const rows = b.tables().customers;
        assert.deepEqual(orderPositions(rows).get(4), { tsMs: 6_000n, ord: 1n }, "in the first life, after the update");
        assert.equal(foldBronze(b.tables()).customers.get(C1)?.first_name, "Streamed after the read");
    });
});
