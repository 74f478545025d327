/**
 * The generator's in-memory picture of database `ecom`: live documents plus the indexes the
 * change chooser needs to pick a random customer, product or open order in O(1).
 * Documents are treated as immutable: an update stores a new object.
 */
import type { CustomerDoc, FinalState, ObjectIdHex, OrderDoc, OrderStatus, ProductDoc } from "./model";
import type { Prng } from "./prng";

/** A set of ids that supports O(1) add, remove and uniform random pick. */
export class IdPool {
    private readonly ids: ObjectIdHex[] = [];
    private readonly index = new Map<ObjectIdHex, number>();

    /** Number of ids in the pool. */
    get size(): number {
        return this.ids.length;
    }

    /** Adds `id` (no-op when present). */
    add(id: ObjectIdHex): void {
        if (this.index.has(id)) return;
        this.index.set(id, this.ids.length);
        this.ids.push(id);
    }

    /** Removes `id` (no-op when absent). */
    delete(id: ObjectIdHex): void {
        const i = this.index.get(id);
        if (i === undefined) return;
        const last = this.ids.pop() as ObjectIdHex;
        if (i < this.ids.length) {
            this.ids[i] = last;
            this.index.set(last, i);
        }
        this.index.delete(id);
    }

    /** True when `id` is in the pool. */
    has(id: ObjectIdHex): boolean {
        return this.index.has(id);
    }

    /** A uniformly random id, or undefined when empty. */
    pick(rng: Prng): ObjectIdHex | undefined {
        return this.ids.length === 0 ? undefined : this.ids[Math.floor(rng.next() * this.ids.length)];
    }
}

/** Statuses from which an order can still move. */
export const OPEN_STATUSES: ReadonlySet<OrderStatus> = new Set(["pending", "paid", "shipped"]);

/** Live state plus pick indexes. */
export class World {
    readonly customers = new Map<ObjectIdHex, CustomerDoc>();
    readonly products = new Map<ObjectIdHex, ProductDoc>();
    readonly orders = new Map<ObjectIdHex, OrderDoc>();
    readonly customerPool = new IdPool();
    readonly productPool = new IdPool();
    /** Live products with stock > 0. */
    readonly inStockPool = new IdPool();
    /** Live orders in an open status (pending, paid, shipped). */
    readonly openOrders = new IdPool();
    /** Live cancelled orders (candidates for housekeeping deletes). */
    readonly cancelledOrders = new IdPool();
    /** Live orders per customer id (live or not). */
    readonly ordersByCustomer = new Map<ObjectIdHex, number>();

    /** Stores a customer (insert or update). */
    putCustomer(doc: CustomerDoc): void {
        this.customers.set(doc._id, doc);
        this.customerPool.add(doc._id);
    }

    /** Removes a customer. */
    deleteCustomer(id: ObjectIdHex): void {
        this.customers.delete(id);
        this.customerPool.delete(id);
    }

    /** Stores a product (insert or update). */
    putProduct(doc: ProductDoc): void {
        this.products.set(doc._id, doc);
        this.productPool.add(doc._id);
        if (doc.stock_quantity > 0) this.inStockPool.add(doc._id);
        else this.inStockPool.delete(doc._id);
    }

    /** Removes a product. */
    deleteProduct(id: ObjectIdHex): void {
        this.products.delete(id);
        this.productPool.delete(id);
        this.inStockPool.delete(id);
    }

    /** Stores an order (insert or update). */
    putOrder(doc: OrderDoc): void {
        if (!this.orders.has(doc._id)) {
            this.ordersByCustomer.set(doc.customer_id, (this.ordersByCustomer.get(doc.customer_id) ?? 0) + 1);
        }
        this.orders.set(doc._id, doc);
        if (OPEN_STATUSES.has(doc.status)) this.openOrders.add(doc._id);
        else this.openOrders.delete(doc._id);
        if (doc.status === "cancelled") this.cancelledOrders.add(doc._id);
        else this.cancelledOrders.delete(doc._id);
    }

    /** Removes an order. */
    deleteOrder(id: ObjectIdHex): void {
        const doc = this.orders.get(id);
        if (!doc) return;
        this.orders.delete(id);
        this.openOrders.delete(id);
        this.cancelledOrders.delete(id);
        const n = (this.ordersByCustomer.get(doc.customer_id) ?? 1) - 1;
        if (n > 0) this.ordersByCustomer.set(doc.customer_id, n);
        else this.ordersByCustomer.delete(doc.customer_id);
    }

    /** The live documents (the maps themselves, not copies). */
    state(): FinalState {
        return { customers: this.customers, products: this.products, orders: this.orders };
    }
}
