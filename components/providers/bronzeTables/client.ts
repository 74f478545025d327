/**
 * ClickHouse access of the BronzeTables provider: a fresh `@clickhouse/client` per operation
 * (nothing live is captured when Pulumi serialises the provider), over HTTPS trusting the stack's
 * CA when one is given, transient failures retried with backoff, the password masked in every
 * error and log line, and a certificate problem or refused login named with its fix
 * (../shared/tlsErrors.ts).
 */
import type { ClickHouseClient } from "@clickhouse/client";
import { maskSecrets, secretValuesOf } from "../shared/mask";
import { resolveRetryPolicy, withRetry, type RetryPolicy } from "../shared/retry";
import { CLICKHOUSE_CREDENTIALS_FIX, describeClickHouseFailure, STACK_CA_FIX, tlsProblem } from "../shared/tlsErrors";
import { isTransientClickHouseError } from "./transient";

/** Where ClickHouse is and how to log in; `caPem` is the CA trusted for an https `url`. */
export interface BronzeConnection {
    url: string;
    user: string;
    password: string;
    caPem?: string;
}

/** How to connect; the default makes an HTTP(S) client from the connection. */
export type BronzeClientFactory = (c: BronzeConnection) => ClickHouseClient;

/** How the provider reaches ClickHouse (part of BronzeTablesProviderOptions). */
export interface BronzeClientOptions {
    /**
     * Builds the ClickHouse client (tests plug the in-process engine here). Default: `@clickhouse/client` over HTTP.
     */
    clientFactory?: BronzeClientFactory;
    /** Request timeout in milliseconds. Default 30000. */
    requestTimeoutMs?: number;
    /**
     * Backoff for transient failures (connection refused or reset, timeouts, a busy server). Default {@link
     * DEFAULT_RETRY_POLICY}.
     */
    retry?: Partial<RetryPolicy>;
    /** Where retry lines go. Default: stderr, which Pulumi shows with the resource's diagnostics. */
    log?: (line: string) => void;
    /** Injectable sleep, for tests. */
    sleep?: (ms: number) => Promise<void>;
}

/** Runs a function with a fresh client: `withClient(connection, what, fn)` (see below). */
export type WithBronzeClient = <T>(
    c: BronzeConnection,
    what: string,
    fn: (client: ClickHouseClient) => Promise<T>,
) => Promise<T>;

/** The client runner of a provider built with `options`. */
export function bronzeClientRunner(options: BronzeClientOptions): WithBronzeClient {
    /** A fresh client (nothing live is captured by the serialised provider). */
    const newClient = (c: BronzeConnection): ClickHouseClient => {
        if (options.clientFactory) return options.clientFactory(c);
        // Required here, not at module level: nothing live is captured by the serialised provider.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const clickhouse = require("@clickhouse/client") as typeof import("@clickhouse/client");
        const { createClient, ClickHouseLogLevel } = clickhouse;
        return createClient({
            url: c.url,
            username: c.user,
            password: c.password,
            request_timeout: options.requestTimeoutMs ?? 30_000,
            // Only the given CA is trusted (not the system's as well); hostname checked as always.
            ...(c.caPem ? { tls: { ca_cert: Buffer.from(c.caPem) } } : {}),
            // Errors reach the user through our (masked) error; the client's own log would repeat them unmasked.
            log: { level: ClickHouseLogLevel.OFF },
        });
    };

    /**
     * Runs `fn` with a fresh client and closes it; a transient failure (see ./transient.ts) runs
     * `fn` again on a new client with backoff, like the Connect client does (every statement is
     * idempotent). The password is masked in any error and log line.
     */
    const withClient = async <T>(
        c: BronzeConnection,
        what: string,
        fn: (client: ClickHouseClient) => Promise<T>,
    ): Promise<T> => {
        const secrets = secretValuesOf({ password: c.password });
        const describe = (e: unknown) => {
            const err = e as { message?: string; code?: string };
            return `${err.code ? `(ClickHouse code ${err.code}) ` : ""}${maskSecrets(String(err.message ?? e), secrets)}`;
        };
        const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
        try {
            return await withRetry(
                async () => {
                    const client = newClient(c);
                    try {
                        return await fn(client);
                    } finally {
                        await client.close().catch(() => undefined);
                    }
                },
                // A certificate problem does not go away by retrying.
                (e) => tlsProblem(e) === undefined && isTransientClickHouseError(e),
                resolveRetryPolicy(options.retry),
                (e, attempt, delayMs) =>
                    log(`BronzeTables: ${what}: ${describe(e)}; retry ${attempt} in ${(delayMs / 1000).toFixed(1)} s`),
                options.sleep,
            );
        } catch (e) {
            const named = describeClickHouseFailure(e, {
                service: "ClickHouse",
                url: c.url,
                caFix: STACK_CA_FIX,
                user: c.user,
                credentialsFix: CLICKHOUSE_CREDENTIALS_FIX,
            });
            if (named !== undefined) throw new Error(`BronzeTables: ${what} failed: ${maskSecrets(named, secrets)}`);
            const err = e as { message?: string; code?: string };
            const transient = isTransientClickHouseError(e)
                ? " (gave up after retrying; is ClickHouse up and reachable from here?)"
                : "";
            throw new Error(
                `BronzeTables: ${what} failed${err.code ? ` (ClickHouse code ${err.code})` : ""}: ${maskSecrets(String(err.message ?? e), secrets)}${transient}`,
            );
        }
    };
    return withClient;
}
