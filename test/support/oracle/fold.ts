/**
 * Folds bronze change events into the current documents (docs/data-contract.md §4): each row is first
 * classified by the reject rules (classify-row.ts); rejects are recorded and change nothing;
 * updates with a null `after` carry no state and are skipped; of the remaining events, per
 * document the latest decides, and a latest delete removes: the latest by the position each event
 * takes (positions.ts: its own `(source.ts_ms, source.ord)` when streamed, the newest streamed one
 * before it on its partition when it is a snapshot read), then Kafka offset. Duplicates and late
 * older events therefore change nothing.
 */
import { classifyRow } from "./classify-row";
import { toCustomer, toOrder, toProduct, type Collection } from "./documents";
import { compareEvents, type ChangeEvent } from "./envelope";
import { orderPositions } from "./positions";
import type { JsonObject } from "./extjson";
import { RejectLog } from "./rejects";
import type { BronzeRow, BronzeTables, OracleDocuments } from "./types";

function latestStates(
    rows: BronzeRow[],
    collection: Collection,
    skipped: OracleDocuments["skipped"],
    rejects: RejectLog,
): Map<string, { after: JsonObject; tsMs: bigint }> {
    const latest = new Map<string, ChangeEvent>();
    const positions = orderPositions(rows);
    rows.forEach((row, i) => {
        const c = classifyRow(row, collection);
        if (c.kind === "skip") {
            skipped.push({ collection, reason: c.detail });
            return;
        }
        if (c.kind === "reject") {
            rejects.add(row, collection, c.reason);
            return;
        }
        // ordered by the position it takes; its own ts_ms stays the row's event time
        const position = positions.get(i)!;
        const event = { ...c.event, order: position };
        const current = latest.get(event.docId);
        if (current === undefined || compareEvents(event, current) > 0) latest.set(event.docId, event);
    });
    const states = new Map<string, { after: JsonObject; tsMs: bigint }>();
    for (const [id, event] of latest) {
        if (event.op !== "d" && event.after !== null) states.set(id, { after: event.after, tsMs: event.tsMs });
    }
    return states;
}

/** Current state of every live document after applying all bronze rows of the three collections, plus the rejects. */
export function foldBronze(tables: BronzeTables): OracleDocuments {
    const skipped: OracleDocuments["skipped"] = [];
    const rejects = new RejectLog();
    const docs: OracleDocuments = {
        customers: new Map(),
        products: new Map(),
        orders: new Map(),
        skipped,
        rejects: [],
    };
    for (const [id, s] of latestStates(tables.customers, "customers", skipped, rejects))
        docs.customers.set(id, toCustomer(s.after, s.tsMs));
    for (const [id, s] of latestStates(tables.products, "products", skipped, rejects))
        docs.products.set(id, toProduct(s.after, s.tsMs));
    for (const [id, s] of latestStates(tables.orders, "orders", skipped, rejects))
        docs.orders.set(id, toOrder(s.after, s.tsMs));
    docs.rejects = rejects.list();
    return docs;
}

/**
 * The live documents of one collection as they stand, as their `after` JSON objects (the same events as
 * {@link foldBronze} chooses), for a field the contract does not type yet: a new field taken into silver
 * (docs/analytics.md "Taking a new field in").
 */
export function liveDocuments(rows: BronzeRow[], collection: Collection): Map<string, JsonObject> {
    const states = latestStates(rows, collection, [], new RejectLog());
    return new Map([...states].map(([id, s]) => [id, s.after]));
}
