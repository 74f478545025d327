/**
 * (Arrays, not Sets: Pulumi's function serializer does not carry a module-level Set across.)
 *
 * Which ClickHouse failures are worth another try: the server or the network was briefly
 * unavailable, not "this DDL is wrong" or "these credentials are refused". Every statement the
 * bronze provider sends is idempotent (`IF NOT EXISTS` / `IF EXISTS`), so repeating one is safe.
 */

/** Node/undici network error codes of a connection that failed or broke. */
const NETWORK_CODES: readonly string[] = [
    "ECONNREFUSED",
    "ECONNRESET",
    "ETIMEDOUT",
    "EPIPE",
    "EHOSTUNREACH",
    "ENETUNREACH",
    "EAI_AGAIN",
    "ECONNABORTED",
    "UND_ERR_SOCKET",
];

/**
 * ClickHouse error codes of a server that is busy, restarting or briefly without its
 * coordination service: TIMEOUT_EXCEEDED (159), TOO_MANY_SIMULTANEOUS_QUERIES (202),
 * SOCKET_TIMEOUT (209), NETWORK_ERROR (210), TABLE_IS_READ_ONLY (242), UNKNOWN_STATUS_OF_INSERT
 * (319), SYSTEM_ERROR (425), DEADLOCK_AVOIDED (473), ALL_CONNECTION_TRIES_FAILED (279),
 * KEEPER_EXCEPTION (999).
 */
const SERVER_CODES: readonly string[] = ["159", "202", "209", "210", "242", "279", "319", "425", "473", "999"];

/** True when `e` (from `@clickhouse/client`) is a transient failure. */
export function isTransientClickHouseError(e: unknown): boolean {
    if (!e || typeof e !== "object") return false;
    const err = e as { code?: unknown; message?: unknown; cause?: unknown };
    const code = err.code === undefined ? undefined : String(err.code);
    if (code !== undefined && (NETWORK_CODES.includes(code) || SERVER_CODES.includes(code))) return true;
    const message = typeof err.message === "string" ? err.message : "";
    // The client reports a request timeout and a dropped socket in words, without a code.
    if (/\b(Timeout error|socket hang up|other side closed|ECONNREFUSED|ECONNRESET|fetch failed)\b/i.test(message))
        return true;
    // An HTTP 502/503/504 from a proxy or load balancer in front of the server.
    if (/\b(502 Bad Gateway|503 Service Unavailable|504 Gateway Time-?out)\b/i.test(message)) return true;
    return err.cause !== undefined && err.cause !== e && isTransientClickHouseError(err.cause);
}
