/**
 * Hand-made bronze rows for tests: Debezium MongoDB envelopes (docs/data-contract.md §2) with strict
 * extended JSON in `after`/`before`, Kafka coordinates and the record key, one offset sequence
 * per collection. Small on purpose: each test states only the fields it is about.
 */
import type { Collection } from "./documents";
import type { BronzeRow, BronzeTables } from "./types";

/** A 24-hex ObjectId built from a small number (or an explicit hex string). */
export function oid(n: number | string): string {
    return typeof n === "string" ? n : n.toString(16).padStart(24, "0");
}

/** Extended-JSON value builders. */
export const ext = {
    oid: (hex: string) => ({ $oid: hex }),
    date: (ms: number | string) => ({ $date: typeof ms === "string" ? Date.parse(ms) : ms }),
    decimal: (text: string) => ({ $numberDecimal: text }),
    long: (n: number | bigint) => ({ $numberLong: String(n) }),
};

/** A customer document in extended JSON; `overrides` replace top-level fields. */
export function customerDoc(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        _id: ext.oid(id),
        first_name: "Ada",
        last_name: "Lovelace",
        email: `${id}@example.com`,
        phone: "+44 20 0000 0000",
        address: { street: "1 St James's Sq", city: "London", state: "LDN", postal_code: "SW1Y 4JH", country: "GB" },
        created_at: ext.date("2024-01-01T00:00:00.000Z"),
        updated_at: ext.date("2024-01-01T00:00:00.000Z"),
        ...overrides,
    };
}

/** A product document; `price` is decimal text. */
export function productDoc(
    id: string,
    price = "19.99",
    stock = 7,
    overrides: Record<string, unknown> = {},
): Record<string, unknown> {
    return {
        _id: ext.oid(id),
        sku: `SKU-${id.slice(-6)}`,
        name: "Widget",
        category: "Tools",
        price: ext.decimal(price),
        stock_quantity: stock,
        created_at: ext.date("2024-01-01T00:00:00.000Z"),
        updated_at: ext.date("2024-01-01T00:00:00.000Z"),
        ...overrides,
    };
}

/** One order line for {@link orderDoc}. */
export interface LineSpec {
    product: string;
    quantity: number;
    unitPrice: string;
}

/** An order document. */
export function orderDoc(
    id: string,
    customer: string,
    status: string,
    lines: LineSpec[],
    orderedAt = "2024-03-01T12:00:00.000Z",
    overrides: Record<string, unknown> = {},
): Record<string, unknown> {
    return {
        _id: ext.oid(id),
        customer_id: ext.oid(customer),
        status,
        items: lines.map((l) => ({
            product_id: ext.oid(l.product),
            quantity: l.quantity,
            unit_price: ext.decimal(l.unitPrice),
        })),
        ordered_at: ext.date(orderedAt),
        updated_at: ext.date(orderedAt),
        ...overrides,
    };
}

/** Strict extended JSON as Debezium writes it: `": "` inside a pair, no space between fields. */
export function strictJson(v: unknown): string {
    if (Array.isArray(v)) return `[${v.map(strictJson).join(",")}]`;
    if (typeof v === "object" && v !== null) {
        return `{${Object.entries(v)
            .map(([k, x]) => `${JSON.stringify(k)}: ${strictJson(x)}`)
            .join(",")}}`;
    }
    return JSON.stringify(v);
}

/** When and where an event happened. */
export interface EventTiming {
    /** `source.ts_ms`. */
    tsMs: number;
    /** `source.ord`; default 1. */
    ord?: number;
    /** Kafka partition; default 0. */
    partition?: number;
}

/** Builds bronze tables event by event; offsets grow per collection in call order. */
export class BronzeBuilder {
    private readonly rows: BronzeTables = { customers: [], products: [], orders: [] };
    private readonly nextOffset: Record<Collection, number> = { customers: 0, products: 0, orders: 0 };

    private push(
        collection: Collection,
        op: "r" | "c" | "u" | "d",
        id: string,
        after: unknown,
        before: unknown,
        t: EventTiming,
        withKey = true,
    ): BronzeRow {
        const envelope = {
            before: before === null ? null : strictJson(before),
            after: after === null ? null : strictJson(after),
            updateDescription: null,
            source: {
                version: "2.7.3.Final",
                connector: "mongodb",
                name: "mongo",
                ts_ms: t.tsMs,
                snapshot: op === "r" ? "true" : "false",
                db: "ecom",
                collection,
                ord: t.ord ?? 1,
                lsid: null,
                txnNumber: null,
            },
            op,
            ts_ms: t.tsMs + 5,
            transaction: null,
        };
        const row: BronzeRow = {
            raw_data: JSON.stringify(envelope),
            _topic: `mongo.ecom.${collection}`,
            _partition: t.partition ?? 0,
            _offset: this.nextOffset[collection]++,
            _key: withKey ? JSON.stringify({ id: strictJson(ext.oid(id)) }) : null,
        };
        this.rows[collection].push(row);
        return row;
    }

    /** An insert (`c`), or a snapshot read (`r`) when `snapshot` is set. */
    insert(collection: Collection, doc: Record<string, unknown>, t: EventTiming, snapshot = false): BronzeRow {
        return this.push(collection, snapshot ? "r" : "c", idOf(doc), doc, null, t);
    }

    /** An update (`u`) whose `after` is the full new document. */
    update(collection: Collection, doc: Record<string, unknown>, t: EventTiming): BronzeRow {
        return this.push(collection, "u", idOf(doc), doc, null, t);
    }

    /** An update whose lookup found nothing (`after` null): carries no state. */
    updateNullAfter(collection: Collection, id: string, t: EventTiming): BronzeRow {
        return this.push(collection, "u", id, null, null, t);
    }

    /** A delete with the pre-image in `before` (and the id in the key unless `keyless`). */
    deleteWithBefore(
        collection: Collection,
        before: Record<string, unknown>,
        t: EventTiming,
        keyless = false,
    ): BronzeRow {
        return this.push(collection, "d", idOf(before), null, before, t, !keyless);
    }

    /** A delete without a pre-image: the id is only in the record key. */
    deleteByKey(collection: Collection, id: string, t: EventTiming): BronzeRow {
        return this.push(collection, "d", id, null, null, t);
    }

    /** The same record delivered again at a new offset (at-least-once delivery). */
    redeliver(collection: Collection, row: BronzeRow): BronzeRow {
        const copy = { ...row, _offset: this.nextOffset[collection]++ };
        this.rows[collection].push(copy);
        return copy;
    }

    /** The same record written again at its own offset (the sink retrying a batch after a crash). */
    rewrite(collection: Collection, row: BronzeRow): BronzeRow {
        const copy = { ...row };
        this.rows[collection].push(copy);
        return copy;
    }

    /** The bronze tables built so far (rows in arrival order). */
    tables(): BronzeTables {
        return {
            customers: [...this.rows.customers],
            products: [...this.rows.products],
            orders: [...this.rows.orders],
        };
    }
}

function idOf(doc: Record<string, unknown>): string {
    const id = (doc._id as { $oid?: string } | undefined)?.$oid;
    if (id === undefined) throw new Error("document without _id.$oid");
    return id;
}
