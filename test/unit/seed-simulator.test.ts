import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ChangeChooser } from "../../seed/changes";
import { DocumentFactory } from "../../seed/factories";
import { buildInitialLoad } from "../../seed/initial";
import type { Mutation } from "../../seed/model";
import { ObjectIdFactory } from "../../seed/objectid";
import { Prng } from "../../seed/prng";
import { formatStats, MAX_CONSECUTIVE_ERRORS, runSimulation, type SimulatorDeps } from "../../seed/simulationLoop";
import { World } from "../../seed/world";

/** A chooser over a small seeded world, and a fake clock that only moves when the loop sleeps. */
function setup(seed = 1) {
    const rng = new Prng(seed);
    const docs = new DocumentFactory(seed, rng);
    const ids = new ObjectIdFactory(seed);
    const load = buildInitialLoad(
        { customers: 30, products: 15, orders: 60 },
        new Date(Date.UTC(2025, 0, 1)),
        rng,
        docs,
        ids,
    );
    const world = new World();
    load.customers.forEach((c) => world.putCustomer(c));
    load.products.forEach((p) => world.putProduct(p));
    load.orders.forEach((o) => world.putOrder(o));
    let now = 0;
    const written: Mutation[] = [];
    const deps: SimulatorDeps = {
        chooser: new ChangeChooser(world, rng, docs, ids),
        write: async (m) => void written.push(m),
        now: () => now,
        wallClock: () => new Date(Date.UTC(2025, 0, 1) + now),
        sleep: async (ms) => {
            now += ms;
        },
    };
    return { deps, written, world, advance: (ms: number) => (now += ms) };
}

describe("runSimulation", () => {
    it("writes rate × duration changes at a steady pace", async () => {
        const { deps, written } = setup();
        const times: number[] = [];
        const write = deps.write;
        const stats = await runSimulation(4, 10, new AbortController().signal, {
            ...deps,
            write: async (m) => (times.push(deps.now()), write(m)),
        });
        assert.equal(stats.events, 40);
        assert.equal(written.length, 40);
        assert.equal(stats.stoppedBy, "duration");
        times.forEach((t, i) => assert.equal(t, i * 250));
        const sum = Object.values(stats.byCollection).reduce((n, b) => n + b.insert + b.update + b.delete, 0);
        assert.equal(sum, 40);
    });

    it("stops at once with a summary when aborted (Ctrl-C)", async () => {
        const { deps } = setup();
        const abort = new AbortController();
        const stats = await runSimulation(10, 0, abort.signal, {
            ...deps,
            onTick: (s) => {
                if (s.events === 7) abort.abort();
            },
        });
        assert.equal(stats.stoppedBy, "signal");
        assert.equal(stats.events, 7);
    });

    it("gives up after repeated write failures and keeps the last error", async () => {
        const { deps } = setup();
        const stats = await runSimulation(100, 0, new AbortController().signal, {
            ...deps,
            write: async () => {
                throw new Error("connection reset");
            },
        });
        assert.equal(stats.stoppedBy, "errors");
        assert.equal(stats.errors, MAX_CONSECUTIVE_ERRORS);
        assert.equal(stats.lastError, "connection reset");
    });

    it("takes a failed write back out of the world so later changes never build on it", async () => {
        const { deps, world } = setup(4);
        const snapshot = () => ({
            customers: new Map(world.customers),
            products: new Map(world.products),
            orders: new Map(world.orders),
            perCustomer: new Map(world.ordersByCustomer),
            open: world.openOrders.size,
            cancelled: world.cancelledOrders.size,
            inStock: world.inStockPool.size,
        });
        const initial = snapshot();
        const stats = await runSimulation(50, 2, new AbortController().signal, {
            ...deps,
            write: async () => {
                throw new Error("not primary");
            },
        });
        assert.equal(stats.errors, MAX_CONSECUTIVE_ERRORS);
        assert.deepEqual(snapshot(), initial);
    });

    it("drops the backlog instead of bursting when writes fall more than a second behind", async () => {
        const { deps, advance } = setup();
        const times: number[] = [];
        const stats = await runSimulation(10, 5, new AbortController().signal, {
            ...deps,
            write: async () => {
                times.push(deps.now());
                if (times.length === 3) advance(3000); // one slow write
            },
        });
        // Without the reset, the 27 missed slots would be written back to back at t = 3200.
        const burst = times.filter((t) => t === times[3]).length;
        assert.equal(burst, 1);
        assert.ok(stats.events < 50);
    });

    it("produces a realistic mix whose writes keep the world consistent", async () => {
        const { deps, world } = setup(5);
        const stats = await runSimulation(50, 60, new AbortController().signal, deps);
        assert.equal(stats.events, 3000);
        for (const kind of [
            "new_order",
            "order_status",
            "stock_change",
            "price_change",
            "new_customer",
            "customer_update",
            "order_delete",
        ]) {
            assert.ok((stats.byKind[kind] ?? 0) > 0, `no ${kind}`);
        }
        assert.ok(stats.byKind.new_order > stats.byKind.customer_delete * 5);
        for (const o of world.orders.values()) assert.ok(o.items.length >= 1 && o.items.length <= 5);
        assert.match(
            formatStats(stats),
            /^60\.0 s, 3000 changes \(50\.0\/s\) \| customers \+\d+ ~\d+ -\d+ \| products/,
        );
    });
});
