/**
 * Names shared by the source and the sink: Kafka topics and bronze table names.
 */

/** Kafka topic Debezium writes a collection's change events to: `<prefix>.<db>.<collection>`. */
export function changeTopicName(topicPrefix: string, database: string, collection: string): string {
    return `${topicPrefix}.${database}.${collection}`;
}

/**
 * Bronze table of a collection's change events: `<prefix>_<db>_<collection>` with every character
 * that is not a letter, digit or `_` replaced by `_` (e.g. `mongo_ecom_orders`).
 */
export function bronzeTableName(topicPrefix: string, database: string, collection: string): string {
    return `${topicPrefix}_${database}_${collection}`.replace(/[^A-Za-z0-9_]/g, "_");
}

/** Escapes regex metacharacters, for Debezium's regex-based include lists. */
export function escapeRegex(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Throws unless `value` is a non-empty name made of letters, digits, `_`, `-` (and `.` when allowed). */
export function assertName(field: string, value: string, allowDot = false): void {
    const re = allowDot ? /^[A-Za-z0-9_.-]+$/ : /^[A-Za-z0-9_-]+$/;
    if (typeof value !== "string" || !re.test(value)) {
        throw new Error(
            `${field} must be a non-empty name of letters, digits, '_' or '-'${allowDot ? " or '.'" : ""} (got ${JSON.stringify(value)})`,
        );
    }
}
