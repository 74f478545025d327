/** Shapes the oracle reads (bronze rows) and builds (current documents, rejects). */
import type { Collection } from "./documents";

/** One bronze row as the ClickHouse sink writes it (docs/data-contract.md §3); `_ingested_at` is not needed. */
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
    eventTsMs: bigint;
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
    eventTsMs: bigint;
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
    eventTsMs: bigint;
}

/** The live documents after folding every change event: id → current state. */
export interface OracleDocuments {
    customers: Map<string, CustomerDoc>;
    products: Map<string, ProductDoc>;
    orders: Map<string, OrderDoc>;
    /** Rows that carry no state and are not rejects: `c`/`r`/`u` with a null or absent `after`. */
    skipped: { collection: string; reason: string }[];
    /** Rejected bronze rows, one per distinct (`_topic`, `_partition`, `_offset`), in arrival order. */
    rejects: OracleReject[];
}

/**
 * Reasons a bronze row is rejected, in the order the rules are tried (the first that matches
 * decides): envelope rules first, then the field checks of `c`/`r`/`u` documents.
 */
export const REJECT_REASONS = [
    "not_json",
    "unknown_op",
    "no_source",
    "bad_document",
    "no_id",
    "bad_object",
    "bad_items",
    "bad_oid",
    "bad_string",
    "bad_int",
    "bad_date",
    "non_finite_decimal",
    "bad_decimal",
] as const;

/** A reject reason (`bronze_rejects.reason`). */
export type RejectReason = (typeof REJECT_REASONS)[number];

/** The field-check reasons (rule 7), in their precedence order. */
export const FIELD_REJECT_REASONS = REJECT_REASONS.slice(REJECT_REASONS.indexOf("bad_object")) as FieldRejectReason[];

/** A reason that comes from a field check of the document. */
export type FieldRejectReason = Exclude<
    RejectReason,
    "not_json" | "unknown_op" | "no_source" | "bad_document" | "no_id"
>;

/** One rejected bronze row, coordinates as the row gave them. */
export interface OracleReject {
    collection: Collection;
    /** The row's topic; empty when the row has none. */
    _topic: string;
    _partition: BronzeRow["_partition"];
    _offset: BronzeRow["_offset"];
    reason: RejectReason;
    raw_data: string;
}
