/**
 * The endpoints of `npm run status`, checked before anything is asked: URLs that parse (a bad one
 * fails naming the flag or stack output, never with a trace that holds it), a Kafka bootstrap of
 * host:port pairs, and the credentials in them, which are masked wherever they could be printed.
 */
import { maskSecrets, uriPasswordsOf } from "../../components/providers/shared/mask";

/** Where a value came from, for messages: `--clickhouse-url` or `the stack output clickhouseUrl`. */
export type Origin = string;

/** Refuses what is no http(s) URL with a host; the message shows the URL with its password masked. */
export function checkHttpUrl(value: string, from: Origin): void {
    const shown = maskSecrets(value, uriPasswordsOf(value));
    let url: URL;
    try {
        url = new URL(value);
    } catch {
        throw new Error(
            `${from} is not a valid URL (${shown}): expected http[s]://host:port, ` +
                "e.g. http://localhost:8123 (a port is digits only)",
        );
    }
    if (url.protocol !== "http:" && url.protocol !== "https:")
        throw new Error(`${from} must be an http:// or https:// URL (got ${shown})`);
    if (!url.hostname) throw new Error(`${from} has no host (got ${shown}): expected http[s]://host:port`);
}

/**
 * Refuses a Kafka bootstrap that is not `host:port[,host:port]`. Credentials (`user:password@`)
 * are refused too: status reads Kafka without authentication, so they could only be printed.
 */
export function checkKafkaBootstrap(value: string, from: Origin): void {
    if (value.includes("@")) {
        throw new Error(
            `${from} holds credentials (${value.replace(/^.*@/, "***@")}): npm run status reads Kafka ` +
                "without authentication (no SASL); give the brokers as host:port[,host:port]",
        );
    }
    const bad = value.split(",").find((b) => !/^(\[[0-9A-Fa-f:.]+\]|[^\s:/[\]]+):\d{1,5}$/.test(b.trim()));
    if (bad !== undefined)
        throw new Error(
            `${from} must be host:port[,host:port] (got ${JSON.stringify(value)}): ` +
                `${JSON.stringify(bad)} is no host:port`,
        );
}

/** The credentials inside the endpoint values (URL passwords), to be masked in every output. */
export function endpointSecrets(values: Array<string | undefined>): string[] {
    return values.flatMap((v) => (v ? uriPasswordsOf(v) : []));
}

/** A copy of `value` (a report) with every string masked: nothing printed from it can hold a secret. */
export function maskDeep<T>(value: T, secrets: readonly string[]): T {
    return JSON.parse(JSON.stringify(value), (_key, v: unknown) =>
        typeof v === "string" ? maskSecrets(v, secrets) : v,
    ) as T;
}
