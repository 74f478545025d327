/** Shapes the oracle reads (bronze rows) and builds (current documents). */

/** One bronze row as the ClickHouse sink writes it (DATA_CONTRACT §3); `_ingested_at` is not needed. */
export interface BronzeRow {
    /** The record value exactly as on the topic: the Debezium envelope as JSON text. */
    raw_data: string;
    /** Kafka topic, e.g. `mongo.ecom.orders`. */
    _topic?: string;
    /** Kafka partition. */
    _partition: number | string;
    /** Kafka offset; a string or bigint when it does not fit a double. */
    _offset: number | string | bigint;
    /** The record key JSON (`{"id": "{\"$oid\": \"...\"}"}`), null/absent when not captured. */
    _key?: string | null;
}

/** Bronze rows of the three collections. */
export interface BronzeTables {
    customers: BronzeRow[];
    products: BronzeRow[];
    orders: BronzeRow[];
}

/** A customer document as it currently stands. Times are epoch milliseconds (UTC). */
export interface CustomerDoc {
    /** 24-char lowercase hex ObjectId. */
    id: string;
    first_name: string | null;
    last_name: string | null;
    email: string | null;
    phone: string | null;
    address: {
        street: string | null;
        city: string | null;
        state: string | null;
        postal_code: string | null;
        country: string | null;
    };
    created_at: number | null;
    updated_at: number | null;
    /** `source.ts_ms` of the event that produced this state. */
    eventTsMs: number;
}

/** A product document as it currently stands. `price` in exact cents. */
export interface ProductDoc {
    id: string;
    sku: string | null;
    name: string | null;
    category: string | null;
    price: bigint | null;
    stock_quantity: number | null;
    created_at: number | null;
    updated_at: number | null;
    eventTsMs: number;
}

/** One order line; `unit_price` in exact cents. */
export interface OrderLine {
    product_id: string | null;
    quantity: number;
    unit_price: bigint;
}

/** An order document as it currently stands. */
export interface OrderDoc {
    id: string;
    customer_id: string | null;
    status: string | null;
    items: OrderLine[];
    ordered_at: number | null;
    updated_at: number | null;
    eventTsMs: number;
}

/** The live documents after folding every change event: id → current state. */
export interface OracleDocuments {
    customers: Map<string, CustomerDoc>;
    products: Map<string, ProductDoc>;
    orders: Map<string, OrderDoc>;
    /** Events that were ignored, with the reason (null-`after` updates, unidentifiable deletes, ...). */
    skipped: { collection: string; reason: string }[];
}
