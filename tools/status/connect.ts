/** Kafka Connect REST reads of `npm run status`: connector status and the few config keys it needs. */
import * as https from "node:https";
import axios from "axios";
import { maskSecrets } from "../../components/providers/shared/mask";
import { describeAuthFailure, describeTlsError, isAuthStatus } from "../../components/providers/shared/tlsErrors";
import { describeError } from "./deadline";
import { CA_FIX, CONNECT_LOGIN_FIX } from "./flags";
import type { ConnectorObs } from "./types";

export interface ConnectTarget {
    url: string;
    timeoutMs: number;
    secrets: readonly string[];
    traceLines: number;
    /** HTTP basic auth of the REST API (`--connect-user`, `CDC_CONNECT_PASSWORD` or the stack's). */
    auth?: { user: string; password: string };
    /** PEM of the CA trusted for an https URL (`--ca-file`, `CDC_TLS_CA_FILE` or the stack's `caCertificate`). */
    caPem?: string;
}

/**
 * The worker's base URL without credentials, and the header that carries them: Kafka Connect's
 * basic authentication takes them as a header. Credentials in the URL win over `auth`.
 */
export function connectBase(
    url: string,
    auth?: { user: string; password: string },
): { base: string; headers: Record<string, string> } {
    const u = new URL(url);
    const headers: Record<string, string> = { accept: "application/json" };
    const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
    if (u.username || u.password) {
        headers.authorization = basic(decodeURIComponent(u.username), decodeURIComponent(u.password));
        u.username = "";
        u.password = "";
    } else if (auth) headers.authorization = basic(auth.user, auth.password);
    return { base: u.toString().replace(/\/+$/, ""), headers };
}

async function getJson(t: ConnectTarget, path: string): Promise<{ status: number; body: unknown }> {
    const { base, headers } = connectBase(t.url, t.auth);
    const secrets = t.auth ? [...t.secrets, t.auth.password] : t.secrets;
    let r;
    try {
        r = await axios.get<string>(`${base}${path}`, {
            headers,
            timeout: t.timeoutMs,
            // Only the given CA is trusted, as in the providers.
            ...(t.caPem ? { httpsAgent: new https.Agent({ ca: t.caPem, keepAlive: false }) } : {}),
            validateStatus: () => true,
            responseType: "text",
            transformResponse: (x: string) => x,
            transitional: { clarifyTimeoutError: true },
            proxy: false,
        });
    } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === "ETIMEDOUT" || code === "ECONNABORTED") {
            throw new Error(
                `Kafka Connect at ${t.url} did not answer within ${t.timeoutMs / 1000} s: is the worker up (\`npm run up\`)? raise --timeout on a slow network`,
            );
        }
        const tls = describeTlsError(e, { service: "Kafka Connect", url: t.url, caFix: CA_FIX });
        if (tls !== undefined) throw new Error(maskSecrets(tls, secrets));
        throw new Error(
            `Kafka Connect at ${t.url} is unreachable (${describeError(e, secrets)}): is the stack up (\`npm run up\`), is --connect-url right?`,
        );
    }
    if (isAuthStatus(r.status)) {
        throw new Error(
            describeAuthFailure({
                service: "Kafka Connect",
                url: t.url,
                status: r.status,
                user: t.auth?.user,
                fix: CONNECT_LOGIN_FIX,
            }),
        );
    }
    let body: unknown = r.data;
    try {
        body = JSON.parse(r.data);
    } catch {
        /* not JSON: kept as text */
    }
    return { status: r.status, body };
}

/** The first `n` lines of a trace, secrets masked. */
export function traceHead(trace: string | undefined, n: number, secrets: readonly string[]): string | undefined {
    if (!trace) return undefined;
    return maskSecrets(trace.split("\n").slice(0, n).join("\n"), secrets);
}

/** `GET /connectors/{name}/status` as a {@link ConnectorObs} (never throws: errors land in `error`). */
export async function readConnector(t: ConnectTarget, name: string): Promise<ConnectorObs> {
    try {
        const { status, body } = await getJson(t, `/connectors/${encodeURIComponent(name)}/status`);
        if (status === 404)
            return { name, error: `not found on ${t.url}: \`npm run up\` creates it (or check the name)`, tasks: [] };
        if (status !== 200 || typeof body !== "object" || body === null) {
            return {
                name,
                error: `Kafka Connect answered HTTP ${status}: ${maskSecrets(JSON.stringify(body).slice(0, 300), t.secrets)}`,
                tasks: [],
            };
        }
        const b = body as {
            connector?: { state?: string; worker_id?: string; trace?: string };
            tasks?: { id: number; state: string; worker_id: string; trace?: string }[];
        };
        return {
            name,
            state: b.connector?.state,
            workerId: b.connector?.worker_id,
            trace: traceHead(b.connector?.trace, t.traceLines, t.secrets),
            tasks: (b.tasks ?? [])
                .map((x) => ({
                    id: x.id,
                    state: x.state,
                    workerId: x.worker_id,
                    trace: traceHead(x.trace, t.traceLines, t.secrets),
                }))
                .sort((a, c) => a.id - c.id),
        };
    } catch (e) {
        // getJson throws only when Connect gave no usable answer (network, deadline, TLS, login).
        return { name, error: (e as Error).message, unreachable: true, tasks: [] };
    }
}

/**
 * The connector's config (`GET /connectors/{name}/config`), or undefined when it cannot be read.
 * It may hold secrets: callers take the topic keys only and never print it.
 */
export async function readConnectorConfig(t: ConnectTarget, name: string): Promise<Record<string, string> | undefined> {
    try {
        const { status, body } = await getJson(t, `/connectors/${encodeURIComponent(name)}/config`);
        return status === 200 && typeof body === "object" && body !== null
            ? (body as Record<string, string>)
            : undefined;
    } catch {
        return undefined;
    }
}

const split = (v: string | undefined): string[] =>
    (v ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);

/**
 * The topics that show the source is alive, from its config: for Debezium the heartbeat topic
 * (`<heartbeat.topics.prefix>.<topic.prefix>`, when heartbeats are on) and the change topics of
 * `collection.include.list`; for a connector with a plain `topic`/`topics` key, those.
 */
export function sourceTopicsOf(config: Record<string, string>): string[] {
    const prefix = config["topic.prefix"];
    if (prefix) {
        const out: string[] = [];
        if (Number(config["heartbeat.interval.ms"] ?? "0") > 0)
            out.push(`${config["heartbeat.topics.prefix"] ?? "__debezium-heartbeat"}.${prefix}`);
        // The include list holds regular expressions (`ecom\.orders`): plain names only, dots unescaped.
        for (const c of split(config["collection.include.list"])) {
            const name = c.replace(/\\\./g, ".");
            if (/^[A-Za-z0-9_.-]+$/.test(name)) out.push(`${prefix}.${name}`);
        }
        return out;
    }
    return split(config.topic ?? config.topics);
}

/** The sink's topics, consumer group and dead-letter topic, from its config. */
export function sinkTopicsOf(
    name: string,
    config: Record<string, string>,
): { topics: string[]; group: string; deadLetterTopic?: string } {
    return {
        topics: split(config.topics),
        group: config["consumer.override.group.id"] || `connect-${name}`,
        deadLetterTopic: config["errors.deadletterqueue.topic.name"] || undefined,
    };
}
