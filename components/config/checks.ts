/**
 * Checks across keys, run by `parseConfig` after each key is valid on its own: names and topics
 * that must differ, secrets that must be Pulumi secrets, and URLs that must not carry credentials.
 */
import { signalCollectionName } from "../../connectors/debeziumMongoSource";
import type { ConfigProblem } from "./schema";

/** Config keys whose values are credentials: they must be set with `pulumi config set --secret`. */
export const SECRET_KEYS = [
    "clickhousePassword",
    "debeziumConnectionString",
    "connectPassword",
    "backupS3AccessKeyId",
    "backupS3SecretAccessKey",
] as const;

/** What the stack knows beyond the raw values. */
export interface ConfigContext {
    /** Stack name, to resolve the default connector names (`<stack>-mongo-source`, `<stack>-clickhouse-sink`). */
    stack?: string;
    /**
     * Full keys (`cdc:clickhousePassword`) Pulumi holds encrypted. Undefined when unknown (the
     * check is then skipped); an empty set means no key is secret.
     */
    secretKeys?: ReadonlySet<string>;
}

/** Refuses a credential given with `pulumi config set` instead of `pulumi config set --secret`. */
export function checkSecretsAreSecret(
    raw: Record<string, unknown>,
    ctx: ConfigContext,
    problems: ConfigProblem[],
    keys: readonly string[] = SECRET_KEYS,
): void {
    if (!ctx.secretKeys) return;
    for (const k of keys) {
        const key = `cdc:${k}`;
        if (raw[k] === undefined || ctx.secretKeys.has(key)) continue;
        problems.push({
            key,
            message:
                `is stored in plain text in Pulumi.<stack>.yaml; a credential must be encrypted. ` +
                `Run \`pulumi config rm ${key}\`, then \`pulumi config set --secret ${key} <value>\` (and change the credential if the file was shared)`,
        });
    }
}

/** A URL's `user:password@` or `user@` part, or undefined. */
export function urlCredentials(url: string): string | undefined {
    const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)@/i.exec(url);
    return m ? m[1] : undefined;
}

/**
 * Refuses credentials embedded in the URLs of `cdc:external` (they would be printed in the
 * preview and in the `clickhouseUrl`/`connectUrl` outputs). Passwords go in their secret keys.
 */
export function checkNoUrlCredentials(external: unknown, problems: ConfigProblem[]): void {
    if (!external || typeof external !== "object") return;
    const e = external as { connectUrl?: unknown; clickhouse?: { url?: unknown } };
    checkUrls(
        [
            ["cdc:external.connectUrl", e.connectUrl, CONNECT_FIX],
            ["cdc:external.clickhouse.url", e.clickhouse?.url, CLICKHOUSE_FIX],
        ],
        problems,
    );
}

/** The same for `cdc:kubernetes.access` in `url` mode. */
export function checkAccessUrlCredentials(access: unknown, problems: ConfigProblem[]): void {
    if (!access || typeof access !== "object") return;
    const a = access as { mode?: unknown; connectUrl?: unknown; clickhouseUrl?: unknown };
    if (a.mode !== "url") return;
    const fix =
        "the pipeline's ClickHouse password is generated on kubernetes; Connect's REST API is reached without credentials";
    checkUrls(
        [
            ["cdc:kubernetes.access.connectUrl", a.connectUrl, fix],
            ["cdc:kubernetes.access.clickhouseUrl", a.clickhouseUrl, fix],
        ],
        problems,
    );
}

const CONNECT_FIX =
    "give the user with `pulumi config set --path cdc:external.connectUser <user>` and the password with `pulumi config set --secret cdc:connectPassword <password>`";
const CLICKHOUSE_FIX =
    "give the user with `pulumi config set --path cdc:clickhouse.user <user>` and the password with `pulumi config set --secret cdc:clickhousePassword <password>`";

function checkUrls(urls: Array<[string, unknown, string]>, problems: ConfigProblem[]): void {
    for (const [key, url, fix] of urls) {
        if (typeof url !== "string" || urlCredentials(url) === undefined) continue;
        const shown = url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, "$1***@");
        problems.push({
            key,
            message: `${shown} holds credentials (user:password@), which would be shown in clear in the preview and the stack outputs; remove them from the URL and ${fix}`,
        });
    }
}

/**
 * A collection role must not name the stack's signal collection (`cdc_signal_<stack>`): Debezium
 * writes its snapshot watermarks there, and capturing it as a role would feed them into bronze.
 */
function checkNotSignalCollection(roles: Record<string, unknown>, signal: string, problems: ConfigProblem[]): void {
    for (const [role, name] of Object.entries(roles)) {
        if (name !== signal) continue;
        problems.push({
            key: `cdc:mongo.collections.${role}`,
            message:
                `"${signal}" is this stack's signal collection (Debezium's snapshot signals and watermarks, ` +
                `cdc_signal_<stack>), not a collection of ${role}. Name the collection that holds the ${role}, ` +
                `e.g. \`pulumi config set --path cdc:mongo.collections.${role} ${role}\` ` +
                "(or remove the key for that default)",
        });
    }
}

/** Debezium's heartbeat topic for a prefix (`heartbeat.interval.ms` > 0 writes to it). */
export function heartbeatTopic(prefix: string): string {
    return `__debezium-heartbeat.${prefix}`;
}

/**
 * Connector names must differ (one `PUT /connectors/<name>/config` would overwrite the other),
 * and the dead-letter topic must not be a topic the pipeline reads or writes.
 */
export function checkDistinctNames(
    s: {
        mongo?: { database?: string; collections?: { customers?: string; products?: string; orders?: string } };
        kafka?: { topicPrefix?: string };
        connectors?: { sourceName?: string; sinkName?: string; deadLetterTopic?: string };
    },
    ctx: ConfigContext,
    problems: ConfigProblem[],
): void {
    const c = s.connectors ?? {};
    const source = c.sourceName ?? (ctx.stack ? `${ctx.stack}-mongo-source` : undefined);
    const sink = c.sinkName ?? (ctx.stack ? `${ctx.stack}-clickhouse-sink` : undefined);
    if (source !== undefined && source === sink) {
        const key =
            c.sourceName !== undefined && c.sinkName === undefined
                ? "cdc:connectors.sourceName"
                : "cdc:connectors.sinkName";
        problems.push({
            key,
            message: `"${source}" is the name of both connectors; Kafka Connect keeps one config per name, so the source would overwrite the sink. Give each its own name, e.g. \`pulumi config set --path ${key} ${source}-2\``,
        });
    }
    if (ctx.stack) checkNotSignalCollection(s.mongo?.collections ?? {}, signalCollectionName(ctx.stack), problems);
    const prefix = s.kafka?.topicPrefix;
    const db = s.mongo?.database;
    const dlq = c.deadLetterTopic;
    if (dlq === undefined || prefix === undefined || db === undefined) return;
    const taken = new Map<string, string>(
        Object.values(s.mongo?.collections ?? {})
            .filter((col): col is string => typeof col === "string")
            .map((col) => [`${prefix}.${db}.${col}`, `the change topic of collection "${col}"`]),
    );
    taken.set(heartbeatTopic(prefix), "Debezium's heartbeat topic");
    const what = taken.get(dlq);
    if (what) {
        problems.push({
            key: "cdc:connectors.deadLetterTopic",
            message: `"${dlq}" is ${what}: failed records would be fed back into the sink. Use a topic of its own, e.g. \`pulumi config set --path cdc:connectors.deadLetterTopic dlq.${prefix}.${db}.clickhouse\` (or remove the key for that default)`,
        });
    }
}
