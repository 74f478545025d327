/**
 * Reads the live documents of `ecom` into a {@link World}, so the simulator's changes start
 * from what MongoDB holds (and new emails/SKUs stay unique).
 */
import type { Db } from "mongodb";
import type { DocumentFactory } from "../factories";
import type { CustomerDoc, OrderDoc, ProductDoc } from "../model";
import { World } from "../world";
import { fromBson } from "./codec";

/** Loads every customer, product and order; reserves their emails and SKUs in `docs`. */
export async function readWorld(db: Db, docs: DocumentFactory): Promise<World> {
    const world = new World();
    for await (const d of db.collection("customers").find({}, { sort: { _id: 1 } })) {
        const c = fromBson<CustomerDoc>(d);
        world.putCustomer(c);
        if (typeof c.email === "string") docs.reserveEmail(c.email);
    }
    for await (const d of db.collection("products").find({}, { sort: { _id: 1 } })) {
        const p = fromBson<ProductDoc>(d);
        world.putProduct(p);
        if (typeof p.sku === "string") docs.reserveSku(p.sku);
    }
    for await (const d of db.collection("orders").find({}, { sort: { _id: 1 } })) {
        world.putOrder(fromBson<OrderDoc>(d));
    }
    return world;
}
