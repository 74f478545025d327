/** Turns a parsed extended-JSON document into the oracle's typed current state (docs/data-contract.md §1). */
import { readArray, readCents, readDate, readInt, readObject, readOid, readString, type JsonObject } from "./extjson";
import type { CustomerDoc, OrderDoc, OrderLine, ProductDoc } from "./types";

/** The collections of the `ecom` database. */
export type Collection = "customers" | "products" | "orders";

function requireId(doc: JsonObject, collection: Collection): string {
    const id = readOid(doc._id, `${collection}._id`);
    if (id === null) throw new Error(`${collection} document without _id: ${JSON.stringify(doc)}`);
    return id;
}

/** A customer document → {@link CustomerDoc}. */
export function toCustomer(doc: JsonObject, eventTsMs: bigint): CustomerDoc {
    const address = readObject(doc.address, "customers.address");
    return {
        id: requireId(doc, "customers"),
        first_name: readString(doc.first_name, "customers.first_name"),
        last_name: readString(doc.last_name, "customers.last_name"),
        email: readString(doc.email, "customers.email"),
        phone: readString(doc.phone, "customers.phone"),
        address: {
            street: readString(address.street, "customers.address.street"),
            city: readString(address.city, "customers.address.city"),
            state: readString(address.state, "customers.address.state"),
            postal_code: readString(address.postal_code, "customers.address.postal_code"),
            country: readString(address.country, "customers.address.country"),
        },
        created_at: readDate(doc.created_at, "customers.created_at"),
        updated_at: readDate(doc.updated_at, "customers.updated_at"),
        eventTsMs,
    };
}

/** A product document → {@link ProductDoc}. */
export function toProduct(doc: JsonObject, eventTsMs: bigint): ProductDoc {
    return {
        id: requireId(doc, "products"),
        sku: readString(doc.sku, "products.sku"),
        name: readString(doc.name, "products.name"),
        category: readString(doc.category, "products.category"),
        price: readCents(doc.price, "products.price"),
        stock_quantity: readInt(doc.stock_quantity, "products.stock_quantity"),
        created_at: readDate(doc.created_at, "products.created_at"),
        updated_at: readDate(doc.updated_at, "products.updated_at"),
        eventTsMs,
    };
}

/** An order document → {@link OrderDoc}; lines keep their array order. */
export function toOrder(doc: JsonObject, eventTsMs: bigint): OrderDoc {
    const items: OrderLine[] = readArray(doc.items, "orders.items").map((raw, i) => {
        const line = readObject(raw, `orders.items[${i}]`);
        const quantity = readInt(line.quantity, `orders.items[${i}].quantity`);
        const unitPrice = readCents(line.unit_price, `orders.items[${i}].unit_price`);
        if (quantity === null || unitPrice === null) {
            throw new Error(`orders.items[${i}] lacks quantity or unit_price: ${JSON.stringify(raw)}`);
        }
        return {
            product_id: readOid(line.product_id, `orders.items[${i}].product_id`),
            quantity,
            unit_price: unitPrice,
        };
    });
    return {
        id: requireId(doc, "orders"),
        customer_id: readOid(doc.customer_id, "orders.customer_id"),
        status: readString(doc.status, "orders.status"),
        items,
        ordered_at: readDate(doc.ordered_at, "orders.ordered_at"),
        updated_at: readDate(doc.updated_at, "orders.updated_at"),
        eventTsMs,
    };
}
