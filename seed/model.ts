/**
 * Types of the seed generator: the MongoDB documents of database `ecom` (docs/data-contract.md §1),
 * the mutations the generator applies to them, and the bronze rows the event emitter produces
 * (docs/data-contract.md §2–§3).
 *
 * Conventions shared by every type here (the pure core never touches the `mongodb` driver):
 * - ids (`_id`, `customer_id`, `product_id`) are 24-char lowercase hex ObjectId strings;
 * - dates are JS `Date` (UTC, millisecond precision, as BSON Date);
 * - money (`price`, `unit_price`) is a decimal string with exactly 2 decimals, e.g. `"19.99"`
 *   (Decimal128 in MongoDB and `$numberDecimal` in events);
 * - integers (`stock_quantity`, `quantity`) are Int32 in MongoDB.
 *
 * This module is a stable API used by other engineers' tests: add fields, never rename them.
 */

/** The three collections of database `ecom`, in the order the initial snapshot reads them. */
export const COLLECTIONS = ["customers", "products", "orders"] as const;

/** Name of one collection of database `ecom`. */
export type CollectionName = (typeof COLLECTIONS)[number];

/** An ObjectId as 24 lowercase hex characters. */
export type ObjectIdHex = string;

/** A money amount as a decimal string with exactly two decimals (`"19.99"`). */
export type Money = string;

/** Postal address embedded in a customer document. */
export interface Address {
    street: string;
    city: string;
    state: string;
    postal_code: string;
    country: string;
}

/** A document of collection `customers`. Field order is the document's BSON field order. */
export interface CustomerDoc {
    _id: ObjectIdHex;
    first_name: string;
    last_name: string;
    /** Unique across live and deleted customers of one generated history. */
    email: string;
    phone: string;
    address: Address;
    /** Registration time. */
    created_at: Date;
    updated_at: Date;
}

/** A document of collection `products`. Field order is the document's BSON field order. */
export interface ProductDoc {
    _id: ObjectIdHex;
    /** Unique across live and deleted products of one generated history. */
    sku: string;
    name: string;
    category: string;
    /** Decimal128, 2 decimals, > 0. */
    price: Money;
    /** Int32, ≥ 0. */
    stock_quantity: number;
    created_at: Date;
    updated_at: Date;
}

/** Order statuses. Life cycle: pending → paid → shipped → delivered; pending|paid → cancelled. */
export const ORDER_STATUSES = ["pending", "paid", "shipped", "delivered", "cancelled"] as const;

/** One order status. */
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** One line of an order. */
export interface OrderItem {
    product_id: ObjectIdHex;
    /** Int32, ≥ 1. */
    quantity: number;
    /** Decimal128: the product's price at the moment the order was placed. */
    unit_price: Money;
}

/** A document of collection `orders`. Field order is the document's BSON field order. */
export interface OrderDoc {
    _id: ObjectIdHex;
    customer_id: ObjectIdHex;
    status: OrderStatus;
    /** 1..5 lines, distinct products. */
    items: OrderItem[];
    ordered_at: Date;
    updated_at: Date;
}

/** Document type of each collection. */
export interface DocOf {
    customers: CustomerDoc;
    products: ProductDoc;
    orders: OrderDoc;
}

/** Any document of `ecom`. */
export type AnyDoc = CustomerDoc | ProductDoc | OrderDoc;

/** What kind of business change a mutation is (for counters and tests; not part of the event). */
export type ChangeKind =
    | "new_customer"
    | "customer_update"
    | "customer_delete"
    | "new_product"
    | "price_change"
    | "stock_change"
    | "product_delete"
    | "new_order"
    | "order_status"
    | "order_delete";

/**
 * One write to MongoDB, as the generator decided it. `insert` has `after` only, `delete` has
 * `before` only, `update` has both (full pre- and post-image) plus the `$set` it applied.
 */
export interface Mutation<C extends CollectionName = CollectionName> {
    collection: C;
    op: "insert" | "update" | "delete";
    kind: ChangeKind;
    id: ObjectIdHex;
    before: DocOf[C] | null;
    after: DocOf[C] | null;
    /** The fields an update `$set`s (top-level names → new values); empty for insert/delete. */
    set: Partial<DocOf[C]>;
    /** Wall-clock time of the write (ms precision). */
    at: Date;
}

/**
 * One row of a bronze table (`mongo_ecom_<collection>`) as the ClickHouse sink writes it:
 * `raw_data` is the Kafka record value (the Debezium envelope JSON) byte for byte.
 */
export interface BronzeRow {
    /** The Debezium envelope, JSON text exactly as on the topic. */
    raw_data: string;
    /** `mongo.ecom.<collection>`. */
    _topic: string;
    /** Always 0 (one partition per topic). */
    _partition: number;
    /** Consecutive per topic-partition from 0 (no tombstones: `tombstones.on.delete=false`). */
    _offset: number;
    /** The record key JSON, `{"id":"{\"$oid\": \"<hex>\"}"}`. */
    _key: string | null;
}

/** The parsed Debezium `source` block as the emitter writes it (field order as emitted). */
export interface DebeziumSource {
    version: string;
    connector: "mongodb";
    name: string;
    /** Cluster time seconds × 1000 (whole seconds, as Debezium reports change-stream events). */
    ts_ms: number;
    snapshot: "true" | "last" | "false" | "incremental";
    db: string;
    sequence: null;
    ts_us: number;
    ts_ns: number;
    collection: CollectionName;
    /** Cluster time increment: orders events that share one `ts_ms`. */
    ord: number;
    lsid: null;
    txnNumber: null;
    /** Wall time of the write in ms; null for snapshot reads. */
    wallTime: number | null;
}

/** `updateDescription` of an update event (`updatedFields` is relaxed extended JSON text). */
export interface UpdateDescription {
    removedFields: string[] | null;
    updatedFields: string | null;
    truncatedArrays: null;
}

/** The parsed Debezium envelope (record value) as the emitter writes it. */
export interface DebeziumEnvelope {
    before: string | null;
    after: string | null;
    updateDescription: UpdateDescription | null;
    source: DebeziumSource;
    op: "r" | "c" | "u" | "d";
    /** Connector processing time (ms). */
    ts_ms: number;
    transaction: null;
}

/** Sizes and seed of one generated history. */
export interface HistoryOptions {
    /** Seed of every random choice (faker and the generator's own PRNG). Integer ≥ 0. */
    seed: number;
    /** Customers in the initial load. */
    customers: number;
    /** Products in the initial load. */
    products: number;
    /** Orders in the initial load. */
    orders: number;
    /** Changes streamed after the initial snapshot. Default 0. */
    changes?: number;
    /**
     * Time of the initial snapshot; the initial load's documents are dated before it and the
     * changes after it. Default {@link DEFAULT_BASE_TIME}.
     */
    baseTime?: Date;
}

/** Default snapshot time of a generated history: 2025-01-01T00:00:00Z. */
export const DEFAULT_BASE_TIME = new Date(Date.UTC(2025, 0, 1));

/** Live documents after all mutations, keyed by id. */
export interface FinalState {
    customers: Map<ObjectIdHex, CustomerDoc>;
    products: Map<ObjectIdHex, ProductDoc>;
    orders: Map<ObjectIdHex, OrderDoc>;
}

/** Result of {@link HistoryOptions}-driven simulation: bronze rows per table and the final state. */
export interface History {
    bronze: Record<CollectionName, BronzeRow[]>;
    finalState: FinalState;
}
