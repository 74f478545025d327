/**
 * Minimal Kafka Connect REST client used by the `KafkaConnector` provider.
 *
 * Every function takes a plain {@link ConnectCallOptions} and builds its HTTP client (axios) when
 * called, so nothing live is captured when the provider is serialised. Errors are
 * {@link ConnectHttpError}s carrying the HTTP status and the server's `message`, with every secret
 * value masked; request bodies (which hold secrets) are never put in an error.
 */
import type { AxiosInstance } from "axios";
import { maskSecrets, MASK } from "../shared/mask";
import { withRetry, type RetryPolicy } from "../shared/retry";
import {
    CONNECT_CREDENTIALS_FIX,
    describeAuthFailure,
    describeTlsError,
    isAuthStatus,
    STACK_CA_FIX,
} from "../shared/tlsErrors";
import type { ValidationProblem } from "./types";
import type { ConnectorStatus } from "./types";

/** How to reach Connect and how patient to be. */
export interface ConnectCallOptions {
    /** REST base URL, e.g. `http://localhost:8083`. */
    baseUrl: string;
    /** Secret values to mask in any message (see `secretValuesOf`); the auth password is added to them. */
    secretValues: readonly string[];
    /** HTTP basic auth of Connect's REST API (`BasicAuthSecurityRestExtension`); none when undefined. */
    auth?: { user: string; password: string };
    /** PEM of the CA that signed the worker's certificate (https); the system's CAs when undefined. */
    caPem?: string;
    /** Backoff for 409 (rebalance in progress), 5xx and connection failures. */
    retry: RetryPolicy;
    /** Per-request timeout in milliseconds (`cdc:connectors.requestTimeoutSeconds`). */
    requestTimeoutMs: number;
    /**
     * Epoch ms by which the whole operation (every call and retry of one create, update, read or
     * delete) must be over: no attempt starts after it and none runs past it. None when undefined.
     */
    deadline?: number;
    /** What the deadline is called in messages, e.g. `readyTimeoutSeconds (300 s)`. */
    deadlineName?: string;
    /** Progress lines while waiting (retries, polls). Default: none. */
    log?: (line: string) => void;
    /** Injectable sleep (tests). */
    sleep?: (ms: number) => Promise<void>;
}

/** A failed Connect REST call: HTTP status (undefined when no response came) and the server's message, masked. */
export class ConnectHttpError extends Error {
    constructor(
        message: string,
        /** HTTP status, or undefined for a network failure. */
        public readonly status: number | undefined,
        /** The `message` field of Connect's error body, masked. */
        public readonly serverMessage: string | undefined,
        /** Whether retrying may help (409, 5xx, no response). */
        public readonly retryable: boolean,
        /** True when no answer came within the per-request timeout (the worker accepted but did not reply). */
        public readonly timedOut = false,
    ) {
        super(message);
        // Set again explicitly: Pulumi's function serializer turns this class into a plain function
        // whose `super(message)` call no longer initialises `this`, so under the real engine the
        // message was lost (the engine printed "error: undefined").
        this.message = message;
        this.name = "ConnectHttpError";
    }
}

/** Response of one call: status and parsed body. */
export interface ConnectResponse<T = unknown> {
    status: number;
    data: T;
}

function httpClient(opts: ConnectCallOptions): AxiosInstance {
    // Required here, not at module level: the provider must not capture a live client.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const axios = require("axios") as typeof import("axios");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const https = require("node:https") as typeof import("node:https");
    return (axios.default ?? axios).create({
        // Only the stack's CA is trusted when one is given (not the system's as well).
        ...(opts.caPem ? { httpsAgent: new https.Agent({ ca: opts.caPem, keepAlive: false }) } : {}),
        ...(opts.auth ? { auth: { username: opts.auth.user, password: opts.auth.password } } : {}),
        baseURL: opts.baseUrl.replace(/\/+$/, ""),
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        // Every status comes back as a response; we decide below what is an error.
        validateStatus: () => true,
        // Connect answers JSON; keep text if it is not.
        transitional: { silentJSONParsing: true, forcedJSONParsing: true, clarifyTimeoutError: true },
        proxy: false,
    });
}

/** A worker that accepted a request and sent nothing back within the timeout is retried this many times at most. */
const MAX_TIMEOUT_RETRIES = 1;

const seconds = (ms: number) => (ms < 10_000 ? `${Math.max(0, ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`);

function serverMessageOf(data: unknown): string | undefined {
    if (data && typeof data === "object" && typeof (data as { message?: unknown }).message === "string") {
        return (data as { message: string }).message;
    }
    if (typeof data === "string" && data.trim().length > 0) return data.trim().slice(0, 500);
    return undefined;
}

/**
 * One REST call with retries. `okStatuses` lists the non-2xx statuses the caller handles itself
 * (e.g. 404 on delete); any other status ≥ 400 throws a {@link ConnectHttpError}.
 */
export async function connectRequest<T = unknown>(
    opts: ConnectCallOptions,
    method: "GET" | "PUT" | "POST" | "PATCH" | "DELETE",
    path: string,
    body?: unknown,
    okStatuses: readonly number[] = [],
): Promise<ConnectResponse<T>> {
    const client = httpClient(opts);
    const what = `Kafka Connect ${method} ${path}`;
    const secretValues = opts.auth?.password ? [...opts.secretValues, opts.auth.password] : opts.secretValues;
    const deadlineName = opts.deadlineName ?? "the operation's deadline";
    let timeouts = 0;
    return withRetry(
        async () => {
            const left = opts.deadline === undefined ? Infinity : opts.deadline - Date.now();
            if (left <= 0)
                throw new ConnectHttpError(
                    `${what} not attempted: ${deadlineName} has passed`,
                    undefined,
                    undefined,
                    false,
                );
            const timeout = Math.max(1, Math.min(opts.requestTimeoutMs, left));
            let res;
            try {
                res = await client.request({
                    method,
                    url: path,
                    timeout,
                    data: body === undefined ? undefined : JSON.stringify(body),
                });
            } catch (e) {
                const err = e as { code?: string; message?: string };
                // A certificate problem does not go away by retrying: say which and what to do.
                const tls = describeTlsError(e, { service: "Kafka Connect", url: opts.baseUrl, caFix: STACK_CA_FIX });
                if (tls !== undefined)
                    throw new ConnectHttpError(
                        `${what} failed: ${maskSecrets(tls, secretValues)}`,
                        undefined,
                        undefined,
                        false,
                    );
                const timedOut = err.code === "ETIMEDOUT" || err.code === "ECONNABORTED";
                if (timedOut) {
                    timeouts++;
                    const limit =
                        timeout < opts.requestTimeoutMs
                            ? deadlineName
                            : `requestTimeoutSeconds (${seconds(opts.requestTimeoutMs)})`;
                    // A validation may wait on the source system (Debezium's MongoDB server selection: 30 s by
                    // default).
                    const hint = path.includes("/config/validate")
                        ? " (or the plugin's validation is still waiting on the source system, e.g. MongoDB unreachable from Connect: check it, or raise cdc:connectors.requestTimeoutSeconds to 60)"
                        : "";
                    throw new ConnectHttpError(
                        `${what} failed: no answer within ${seconds(timeout)} (${limit}); the worker at ${opts.baseUrl} accepts connections but does not reply${hint}`,
                        undefined,
                        undefined,
                        timeouts <= MAX_TIMEOUT_RETRIES && timeout === opts.requestTimeoutMs,
                        true,
                    );
                }
                const detail = maskSecrets(`${err.code ?? ""} ${err.message ?? String(e)}`.trim(), secretValues);
                throw new ConnectHttpError(`${what} failed: no response (${detail})`, undefined, undefined, true);
            }
            if (res.status < 400 || okStatuses.includes(res.status)) return { status: res.status, data: res.data as T };
            const raw = serverMessageOf(res.data);
            const serverMessage = raw === undefined ? undefined : maskSecrets(raw, secretValues);
            if (isAuthStatus(res.status)) {
                const refused = describeAuthFailure({
                    service: "Kafka Connect",
                    url: opts.baseUrl,
                    status: res.status,
                    user: opts.auth?.user,
                    fix: CONNECT_CREDENTIALS_FIX,
                });
                throw new ConnectHttpError(`${what} failed: ${refused}`, res.status, serverMessage, false);
            }
            const retryable = res.status === 409 || res.status >= 500;
            throw new ConnectHttpError(
                `${what} failed: HTTP ${res.status}${serverMessage ? `: ${serverMessage}` : ""}`,
                res.status,
                serverMessage,
                retryable,
            );
        },
        (e) => e instanceof ConnectHttpError && e.retryable,
        opts.retry,
        (e, attempt, delayMs) => {
            const left = opts.deadline === undefined ? "" : `, gives up in ${seconds(opts.deadline - Date.now())}`;
            opts.log?.(
                `${(e as Error).message}; retry ${attempt} of ${opts.retry.retries} in ${(delayMs / 1000).toFixed(1)} s${left}`,
            );
        },
        opts.sleep,
        opts.deadline,
    );
}

const enc = encodeURIComponent;

/**
 * Asks the plugin to validate a full config. Returns the invalid fields with their messages
 * (empty when valid). Values are never returned, only field names and (masked) messages.
 */
export async function validateConnectorConfig(
    opts: ConnectCallOptions,
    connectorClass: string,
    fullConfig: Record<string, string>,
): Promise<ValidationProblem[]> {
    const res = await connectRequest<{
        error_count?: number;
        configs?: Array<{ value?: { name?: string; errors?: string[] } }>;
    }>(opts, "PUT", `/connector-plugins/${enc(connectorClass)}/config/validate`, fullConfig);
    const problems: ValidationProblem[] = [];
    for (const c of res.data?.configs ?? []) {
        const errors = c.value?.errors ?? [];
        if (errors.length > 0) {
            problems.push({
                field: c.value?.name ?? "?",
                errors: errors.map((m) => maskSecrets(m, opts.secretValues)),
            });
        }
    }
    if (problems.length === 0 && (res.data?.error_count ?? 0) > 0) {
        problems.push({
            field: "?",
            errors: [`validation reported ${res.data?.error_count} error(s) without details`],
        });
    }
    return problems;
}

/** Creates or updates a connector's config (`PUT /connectors/{name}/config`). */
export async function putConnectorConfig(
    opts: ConnectCallOptions,
    name: string,
    fullConfig: Record<string, string>,
): Promise<void> {
    await connectRequest(opts, "PUT", `/connectors/${enc(name)}/config`, fullConfig);
}

/** The connector's live config, or undefined when it does not exist. */
export async function getConnectorConfig(
    opts: ConnectCallOptions,
    name: string,
): Promise<Record<string, string> | undefined> {
    const res = await connectRequest<Record<string, string>>(
        opts,
        "GET",
        `/connectors/${enc(name)}/config`,
        undefined,
        [404],
    );
    return res.status === 404 ? undefined : res.data;
}

/** The connector's status, or undefined when it does not exist. */
export async function getConnectorStatus(opts: ConnectCallOptions, name: string): Promise<ConnectorStatus | undefined> {
    const res = await connectRequest<ConnectorStatus>(opts, "GET", `/connectors/${enc(name)}/status`, undefined, [404]);
    return res.status === 404 ? undefined : res.data;
}

/** Restarts a connector and its tasks: only the failed parts, or all (to re-resolve config-provider references). */
export async function restartConnector(opts: ConnectCallOptions, name: string, onlyFailed = true): Promise<void> {
    await connectRequest(
        opts,
        "POST",
        `/connectors/${enc(name)}/restart?includeTasks=true&onlyFailed=${onlyFailed}`,
        undefined,
        [404],
    );
}

/**
 * Stops (Kafka ≥ 3.5: `PUT /connectors/{name}/stop`, so tasks shut down and offsets are kept
 * cleanly) and deletes a connector. A connector that is already gone is not an error; a worker
 * without the stop endpoint (404/405) just skips that step.
 */
export async function stopAndDeleteConnector(opts: ConnectCallOptions, name: string): Promise<{ existed: boolean }> {
    await connectRequest(opts, "PUT", `/connectors/${enc(name)}/stop`, undefined, [404, 405]);
    const res = await connectRequest(opts, "DELETE", `/connectors/${enc(name)}`, undefined, [404]);
    return { existed: res.status !== 404 };
}

/** Placeholder used when a config must be shown with its secret keys present. */
export const SECRET_PLACEHOLDER = MASK;
