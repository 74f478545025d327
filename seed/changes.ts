/**
 * The change chooser: picks the next realistic write against the current {@link World},
 * applies it to the world and returns it as a {@link Mutation}. It is the single source of
 * truth for what changes look like, used by the event emitter (synthetic clock) and by the
 * live simulator (wall clock).
 *
 * Mix (relative weights, {@link CHANGE_WEIGHTS}): new orders, order status transitions,
 * stock and price changes, new customers and customer edits, new products, and occasional
 * deletes (cancelled orders, customers, discontinued products). A kind that cannot apply
 * (e.g. no open order) falls back to a new order or a new customer.
 */
import type { DocumentFactory } from "./factories";
import { lineCount, lineQuantity } from "./initial";
import { nextStatus } from "./lifecycle";
import { centsToMoney, moneyToCents } from "./money";
import type { AnyDoc, ChangeKind, CustomerDoc, Mutation, ObjectIdHex, OrderDoc, OrderItem, ProductDoc } from "./model";
import type { ObjectIdFactory } from "./objectid";
import type { Prng } from "./prng";
import type { World } from "./world";

/** Relative weight of each kind of change. */
export const CHANGE_WEIGHTS: Readonly<Record<ChangeKind, number>> = {
    new_order: 28,
    order_status: 32,
    stock_change: 12,
    price_change: 6,
    new_customer: 8,
    customer_update: 5,
    new_product: 2,
    order_delete: 3,
    customer_delete: 2,
    product_delete: 2,
};

/** Chooses and applies changes to a world. */
export class ChangeChooser {
    /**
     * @param world the state to change (mutated in place).
     * @param rng the seeded source of every choice.
     * @param docs factory for new customers/products.
     * @param ids factory for new ids.
     * @param weights mix of change kinds.
     */
    constructor(
        private readonly world: World,
        private readonly rng: Prng,
        private readonly docs: DocumentFactory,
        private readonly ids: ObjectIdFactory,
        private readonly weights: Readonly<Record<ChangeKind, number>> = CHANGE_WEIGHTS,
    ) {}

    /** Chooses one change happening at `at`, applies it to the world and returns it. */
    next(at: Date): Mutation {
        const kind = this.rng.weighted(this.weights);
        return this.apply(kind, at) ?? this.apply("new_order", at) ?? (this.apply("new_customer", at) as Mutation);
    }

    /**
     * Takes a change back out of the world (its write failed), so later changes do not build on
     * a document the database never got. Only valid for the most recent change of a document.
     */
    undo(m: Mutation): void {
        const w = this.world;
        if (m.op === "insert") {
            if (m.collection === "customers") w.deleteCustomer(m.id);
            else if (m.collection === "products") w.deleteProduct(m.id);
            else w.deleteOrder(m.id);
            return;
        }
        const before = m.before as AnyDoc;
        if (m.collection === "customers") w.putCustomer(before as CustomerDoc);
        else if (m.collection === "products") w.putProduct(before as ProductDoc);
        else {
            if (m.op === "update") w.deleteOrder(m.id); // keep the per-customer count right
            w.putOrder(before as OrderDoc);
        }
    }

    /** Applies a change of `kind` at `at`, or returns undefined when it cannot apply now. */
    apply(kind: ChangeKind, at: Date): Mutation | undefined {
        switch (kind) {
            case "new_customer":
                return this.newCustomer(at);
            case "customer_update":
                return this.customerUpdate(at);
            case "customer_delete":
                return this.customerDelete(at);
            case "new_product":
                return this.newProduct(at);
            case "price_change":
                return this.priceChange(at);
            case "stock_change":
                return this.stockChange(at);
            case "product_delete":
                return this.productDelete(at);
            case "new_order":
                return this.newOrder(at);
            case "order_status":
                return this.orderStatus(at);
            case "order_delete":
                return this.orderDelete(at);
        }
    }

    private newCustomer(at: Date): Mutation {
        const doc = this.docs.customer(this.ids.next(at), at);
        this.world.putCustomer(doc);
        return {
            collection: "customers",
            op: "insert",
            kind: "new_customer",
            id: doc._id,
            before: null,
            after: doc,
            set: {},
            at,
        };
    }

    private customerUpdate(at: Date): Mutation | undefined {
        const id = this.world.customerPool.pick(this.rng);
        if (id === undefined) return undefined;
        const before = this.world.customers.get(id) as CustomerDoc;
        const set: Partial<CustomerDoc> = this.rng.chance(0.6)
            ? { address: this.docs.address(), updated_at: at }
            : { phone: this.docs.phone(), updated_at: at };
        const after: CustomerDoc = { ...before, ...set };
        this.world.putCustomer(after);
        return { collection: "customers", op: "update", kind: "customer_update", id, before, after, set, at };
    }

    private customerDelete(at: Date): Mutation | undefined {
        // Prefer a customer without orders (closed account); else anyone.
        let id: ObjectIdHex | undefined;
        for (let i = 0; i < 5; i++) {
            id = this.world.customerPool.pick(this.rng);
            if (id === undefined || !this.world.ordersByCustomer.has(id)) break;
        }
        if (id === undefined) return undefined;
        const before = this.world.customers.get(id) as CustomerDoc;
        this.world.deleteCustomer(id);
        return { collection: "customers", op: "delete", kind: "customer_delete", id, before, after: null, set: {}, at };
    }

    private newProduct(at: Date): Mutation {
        const doc = this.docs.product(this.ids.next(at), at);
        this.world.putProduct(doc);
        return {
            collection: "products",
            op: "insert",
            kind: "new_product",
            id: doc._id,
            before: null,
            after: doc,
            set: {},
            at,
        };
    }

    private priceChange(at: Date): Mutation | undefined {
        const id = this.world.productPool.pick(this.rng);
        if (id === undefined) return undefined;
        const before = this.world.products.get(id) as ProductDoc;
        const factor = 0.8 + this.rng.next() * 0.45;
        let cents = Math.max(99, Math.round(moneyToCents(before.price) * factor));
        if (cents === moneyToCents(before.price)) cents += 100;
        const set: Partial<ProductDoc> = { price: centsToMoney(cents), updated_at: at };
        const after: ProductDoc = { ...before, ...set };
        this.world.putProduct(after);
        return { collection: "products", op: "update", kind: "price_change", id, before, after, set, at };
    }

    private stockChange(at: Date): Mutation | undefined {
        const id = this.world.productPool.pick(this.rng);
        if (id === undefined) return undefined;
        const before = this.world.products.get(id) as ProductDoc;
        const stock = before.stock_quantity;
        let next: number;
        if (stock === 0 || this.rng.chance(0.35))
            next = stock + this.rng.int(10, 200); // restock
        else if (this.rng.chance(0.1))
            next = 0; // sold out
        else next = stock - this.rng.int(1, Math.min(stock, 10)); // sales
        const set: Partial<ProductDoc> = { stock_quantity: next, updated_at: at };
        const after: ProductDoc = { ...before, ...set };
        this.world.putProduct(after);
        return { collection: "products", op: "update", kind: "stock_change", id, before, after, set, at };
    }

    private productDelete(at: Date): Mutation | undefined {
        if (this.world.productPool.size <= 5) return undefined; // keep a catalogue to order from
        const id = this.world.productPool.pick(this.rng) as ObjectIdHex;
        const before = this.world.products.get(id) as ProductDoc;
        this.world.deleteProduct(id);
        return { collection: "products", op: "delete", kind: "product_delete", id, before, after: null, set: {}, at };
    }

    private newOrder(at: Date): Mutation | undefined {
        const customerId = this.world.customerPool.pick(this.rng);
        const pool = this.world.inStockPool.size > 0 ? this.world.inStockPool : this.world.productPool;
        if (customerId === undefined || pool.size === 0) return undefined;
        const n = Math.min(lineCount(this.rng), pool.size);
        const chosen = new Set<ObjectIdHex>();
        for (let tries = 0; chosen.size < n && tries < 50; tries++) chosen.add(pool.pick(this.rng) as ObjectIdHex);
        const items: OrderItem[] = [];
        for (const pid of chosen) {
            const p = this.world.products.get(pid) as ProductDoc;
            items.push({ product_id: pid, quantity: lineQuantity(this.rng), unit_price: p.price });
        }
        const doc: OrderDoc = {
            _id: this.ids.next(at),
            customer_id: customerId,
            status: "pending",
            items,
            ordered_at: at,
            updated_at: at,
        };
        this.world.putOrder(doc);
        return {
            collection: "orders",
            op: "insert",
            kind: "new_order",
            id: doc._id,
            before: null,
            after: doc,
            set: {},
            at,
        };
    }

    private orderStatus(at: Date): Mutation | undefined {
        const id = this.world.openOrders.pick(this.rng);
        if (id === undefined) return undefined;
        const before = this.world.orders.get(id) as OrderDoc;
        const status = nextStatus(before.status, this.rng);
        if (status === undefined) return undefined;
        const set: Partial<OrderDoc> = { status, updated_at: at };
        const after: OrderDoc = { ...before, ...set };
        this.world.putOrder(after);
        return { collection: "orders", op: "update", kind: "order_status", id, before, after, set, at };
    }

    private orderDelete(at: Date): Mutation | undefined {
        const id = this.world.cancelledOrders.pick(this.rng);
        if (id === undefined) return undefined;
        const before = this.world.orders.get(id) as OrderDoc;
        this.world.deleteOrder(id);
        return { collection: "orders", op: "delete", kind: "order_delete", id, before, after: null, set: {}, at };
    }
}
