/**
 * Public API of the seed generator's pure core (no database, no I/O): other engineers' tests
 * use {@link simulateHistory} to get Debezium-shaped bronze rows and the state they fold to.
 * Types are documented in ./model.ts.
 */
import { HistoryGenerator } from "./history";
import type { BronzeRow, CollectionName, History, HistoryOptions } from "./model";

export * from "./model";
export { HistoryGenerator, checkHistoryOptions, type TableRow } from "./history";
export { ChangeChooser, CHANGE_WEIGHTS } from "./changes";
export { toStrictJson, toRelaxedJson } from "./extjson";
export {
    keyOf,
    topicOf,
    incrementalSnapshotEnvelope,
    serializeEnvelope,
    DEBEZIUM_VERSION,
    TOPIC_PREFIX,
    DATABASE,
} from "./debezium";
export { centsToMoney, moneyToCents } from "./money";

/**
 * Generates a deterministic history: an initial load of `customers`, `products` and `orders`
 * read by the connector's snapshot, then `changes` streamed changes.
 *
 * @returns `bronze`: the rows of each bronze table in offset order (what the ClickHouse sink
 * writes); `finalState`: the live documents after the last change, keyed by id.
 * @throws RangeError when a size or the seed is not a non-negative integer.
 */
export function simulateHistory(options: HistoryOptions): History {
    const gen = new HistoryGenerator(options);
    const bronze: Record<CollectionName, BronzeRow[]> = { customers: [], products: [], orders: [] };
    for (const { collection, row } of gen.rows()) bronze[collection].push(row);
    return { bronze, finalState: gen.world.state() };
}
