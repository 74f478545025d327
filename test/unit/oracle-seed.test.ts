import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { simulateHistory, type BronzeRow } from "../../seed/index";
import { foldBronze, type BronzeTables } from "../support/oracle";
import { diffAgainstSeedState } from "../support/oracle/seed-state";

/** Deterministic shuffle (LCG) so a failure reproduces. */
function shuffled<T>(items: T[], seed: number): T[] {
    const out = [...items];
    let s = seed >>> 0;
    for (let i = out.length - 1; i > 0; i--) {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        const j = s % (i + 1);
        [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
}

/**
 * Every row in a random arrival order, a third of them delivered again at new offsets. The topic's
 * offset-0 row arrives first: it opens the topic's life (docs/data-contract.md §2, 2026-12-07), and
 * a row arriving before it would belong to an earlier life of the topic, which this history does
 * not have. Within the life the order of arrival must not matter.
 */
function atLeastOnce(rows: BronzeRow[], seed: number): BronzeRow[] {
    let next = rows.reduce((m, r) => Math.max(m, Number(r._offset)), 0) + 1;
    const again = rows.filter((_, i) => i % 3 === seed % 3).map((r) => ({ ...r, _offset: next++ }));
    const mixed = shuffled([...rows, ...again], seed);
    return [...mixed.filter((r) => Number(r._offset) === 0), ...mixed.filter((r) => Number(r._offset) !== 0)];
}

describe("oracle against the seed generator", () => {
    const history = simulateHistory({ seed: 11, customers: 60, products: 25, orders: 400, changes: 900 });

    it("folds the seed's bronze rows into exactly the seed's final documents", () => {
        const docs = foldBronze(history.bronze);
        assert.deepEqual(diffAgainstSeedState(docs, history.finalState), []);
        assert.deepEqual(docs.skipped, []);
        assert.deepEqual(docs.rejects, [], "the seed's history holds no malformed row");
    });

    it("folds to the same documents when rows arrive shuffled and partly re-delivered", () => {
        const disordered: BronzeTables = {
            customers: atLeastOnce(history.bronze.customers, 1),
            products: atLeastOnce(history.bronze.products, 2),
            orders: atLeastOnce(history.bronze.orders, 3),
        };
        assert.deepEqual(diffAgainstSeedState(foldBronze(disordered), history.finalState), []);
    });

    it("notices when a delete is lost (the check can fail)", () => {
        const orders = history.bronze.orders.filter((r) => !r.raw_data.includes('"op":"d"'));
        assert.ok(orders.length < history.bronze.orders.length, "the history has order deletes");
        const diff = diffAgainstSeedState(foldBronze({ ...history.bronze, orders }), history.finalState);
        assert.match(diff.join("\n"), /orders difference/);
    });
});
