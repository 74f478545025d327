/**
 * Folds bronze change events into the current documents (DATA_CONTRACT §4): per document the
 * latest event by `(source.ts_ms, source.ord)`, then Kafka offset, decides; a latest delete
 * removes; updates with a null `after` carry no state and are skipped; duplicates and late
 * older events therefore change nothing.
 */
import { toCustomer, toOrder, toProduct, type Collection } from "./documents";
import { compareEvents, readEvent, type ChangeEvent } from "./envelope";
import type { JsonObject } from "./extjson";
import type { BronzeRow, BronzeTables, OracleDocuments } from "./types";

function latestStates(
    rows: BronzeRow[],
    collection: Collection,
    skipped: OracleDocuments["skipped"],
): Map<string, { after: JsonObject; tsMs: number }> {
    const latest = new Map<string, ChangeEvent>();
    for (const row of rows) {
        const event = readEvent(row);
        if (event.op !== "d" && event.after === null) {
            skipped.push({ collection, reason: `op ${event.op} with null after at offset ${event.offset}` });
            continue;
        }
        if (event.docId === null) {
            skipped.push({ collection, reason: `op ${event.op} without an id (no before, no _key) at offset ${event.offset}` });
            continue;
        }
        const current = latest.get(event.docId);
        if (current === undefined || compareEvents(event, current) > 0) latest.set(event.docId, event);
    }
    const states = new Map<string, { after: JsonObject; tsMs: number }>();
    for (const [id, event] of latest) {
        if (event.op !== "d" && event.after !== null) states.set(id, { after: event.after, tsMs: event.tsMs });
    }
    return states;
}

/** Current state of every live document after applying all bronze rows of the three collections. */
export function foldBronze(tables: BronzeTables): OracleDocuments {
    const skipped: OracleDocuments["skipped"] = [];
    const docs: OracleDocuments = { customers: new Map(), products: new Map(), orders: new Map(), skipped };
    for (const [id, s] of latestStates(tables.customers, "customers", skipped)) docs.customers.set(id, toCustomer(s.after, s.tsMs));
    for (const [id, s] of latestStates(tables.products, "products", skipped)) docs.products.set(id, toProduct(s.after, s.tsMs));
    for (const [id, s] of latestStates(tables.orders, "orders", skipped)) docs.orders.set(id, toOrder(s.after, s.tsMs));
    return docs;
}
