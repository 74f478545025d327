/**
 * `cdc:mongo`, `cdc:kafka`, `cdc:clickhouse`, `cdc:connectors`, `cdc:bronze`, `cdc:analytics` and
 * `cdc:dbt`: the settings every platform shares (what flows where), with every rule on them.
 */
import { checkDistinctNames, type ConfigContext } from "./checks";
import * as lifecycle from "./connectorLifecycle";
import { IDENT, TOPIC } from "./fields";
import { bool, type ConfigProblem, int, oneOf, type Parsed, str, validate } from "./schema";
import { resolveSnapshotRequests, snapshotRequestsField } from "./snapshots";

/** Settings shared by every platform: what flows where. */
export const pipelineShape = {
    mongo: {
        /** Source database. */
        database: str("ecom", { pattern: IDENT, hint: "a MongoDB database name of letters, digits and _" }),
        /**
         * The captured collections by role: which collection holds customers, products and orders
         * (each becomes topic `<prefix>.<db>.<collection>` and bronze table
         * `<prefix>_<db>_<collection>`, which the dbt models read through vars).
         */
        collections: {
            customers: str("customers", { pattern: IDENT, hint: "a collection name of letters, digits and _" }),
            products: str("products", { pattern: IDENT, hint: "a collection name of letters, digits and _" }),
            orders: str("orders", { pattern: IDENT, hint: "a collection name of letters, digits and _" }),
        },
        /** Replica set name (change streams need a replica set). */
        replicaSet: str("rs0", { pattern: /^[A-Za-z0-9_-]+$/, hint: "letters, digits, _ and -" }),
        /** Name of the least-privilege user Debezium connects as. */
        debeziumUser: str("debezium", { pattern: IDENT, hint: "letters, digits and _" }),
    },
    kafka: {
        /** Debezium `topic.prefix`: topics are `<prefix>.<db>.<collection>`. */
        topicPrefix: str("mongo", { pattern: TOPIC, hint: "letters, digits, _ and -" }),
    },
    clickhouse: {
        /** Database for bronze tables and dbt models. */
        database: str("default", { pattern: IDENT, hint: "letters, digits and _" }),
        /** The pipeline's ClickHouse user (its password is generated, or given for `external`). */
        user: str("cdc", { pattern: IDENT, hint: "letters, digits and _" }),
    },
    connectors: {
        /** Kafka Connect name of the Debezium source; defaults to `<stack>-mongo-source`. */
        sourceName: str(undefined, { pattern: /^[A-Za-z0-9._-]+$/, hint: "letters, digits, ., _ and -" }).optional(),
        /** Kafka Connect name of the ClickHouse sink; defaults to `<stack>-clickhouse-sink`. */
        sinkName: str(undefined, { pattern: /^[A-Za-z0-9._-]+$/, hint: "letters, digits, ., _ and -" }).optional(),
        /** How long to wait for a connector and its tasks to reach RUNNING, in seconds. */
        readyTimeoutSeconds: int(lifecycle.DEFAULT_READY_TIMEOUT_SECONDS, 5, 3600, "seconds"),
        /**
         * Timeout of each Kafka Connect REST call, in seconds (a worker that accepts connections but
         * never answers fails after this long per attempt). Retries of one operation stop at
         * `readyTimeoutSeconds` in all. The default leaves room for config validation, which may reach MongoDB.
         */
        requestTimeoutSeconds: int(lifecycle.DEFAULT_REQUEST_TIMEOUT_SECONDS, 1, 600, "seconds"),
        /** Dead-letter topic for records the sink cannot write; default `dlq.<prefix>.<db>.clickhouse`. */
        deadLetterTopic: str(undefined, {
            pattern: /^[A-Za-z0-9._-]+$/,
            hint: "letters, digits, ., _ and -",
        }).optional(),
        /** ClickHouse sink exactly-once mode (needs KeeperMap on the server). */
        exactlyOnce: bool(false),
        /** Debezium heartbeat interval, ms (keeps offsets fresh on quiet collections; proves the source flows). */
        heartbeatIntervalMs: int(10_000, 0, 3_600_000, "milliseconds; 0 disables"),
        /**
         * Declared re-snapshots: `[{ id, collections }]`. Each new id makes the source run one
         * Debezium incremental snapshot of those collections (role names or collection names);
         * an executed id never runs again. See docs/operations.md, "Re-snapshot one collection".
         * Once loaded, each request's collections are the captured collection names (roles resolved).
         */
        snapshots: snapshotRequestsField(),
        /** Declared lifecycle of the Debezium source: running, paused or stopped (see docs/operations.md). */
        source: {
            state: oneOf("running", lifecycle.CONNECTOR_STATES),
        },
        /** Declared lifecycle of the ClickHouse sink, and its offsets-reset request. */
        sink: {
            state: oneOf("running", lifecycle.CONNECTOR_STATES),
            /**
             * A request id; a new one stops the sink, deletes its consumer-group offsets (replays bronze from Kafka's
             * retention) and restores its state.
             */
            resetOffsets: str(undefined, {
                pattern: /^[A-Za-z0-9._:-]{1,100}$/,
                hint: "a request id of letters, digits, ., _, : and -, e.g. restore-2026-11-29",
            }).optional(),
        },
        /**
         * "flowing": a running connector is ready only once data flows (source produced, sink committed); "running":
         * once RUNNING.
         */
        readiness: oneOf("flowing", lifecycle.READINESS_MODES),
        /**
         * Automatic restarts of FAILED connectors/tasks on `up` and `refresh`: at most `max` per run, backoff
         * `backoffSeconds` × (n² + n).
         */
        restarts: {
            max: int(lifecycle.DEFAULT_MAX_RESTARTS, 0, 100),
            backoffSeconds: int(lifecycle.DEFAULT_RESTART_BACKOFF_SECONDS, 0, 600, "seconds"),
        },
    },
    bronze: {
        /** Drop the bronze tables (and their data) on `pulumi destroy`. Default false: bronze is the raw record. */
        dropOnDestroy: bool(false),
    },
    analytics: {
        /**
         * How often ClickHouse refreshes the gold tables from silver, in seconds (refreshable
         * materialized views; silver itself follows bronze at insert time). See docs/analytics.md.
         */
        refreshSeconds: int(5, 1, 86_400, "seconds"),
    },
    dbt: {
        /** Run dbt during `pulumi up`. */
        enabled: bool(true),
        /** dbt target name in the generated profile. */
        target: str("dev", { pattern: /^[A-Za-z0-9_-]+$/, hint: "letters, digits, _ and -" }),
        /** dbt threads. */
        threads: int(4, 1, 64),
    },
} as const;

export type PipelineSettings = Parsed<typeof pipelineShape>;

/**
 * Validates each shared key on its own (`raw` maps key without `cdc:` to its value), and that
 * the three collection roles name three collections.
 */
export function parsePipeline(raw: Record<string, unknown>, problems: ConfigProblem[]): Partial<PipelineSettings> {
    const settings: Record<string, unknown> = {};
    for (const [k, shape] of Object.entries(pipelineShape)) {
        settings[k] = validate(
            shape,
            k === "mongo" ? withoutCollectionList(raw.mongo, problems) : raw[k],
            `cdc:${k}`,
            problems,
        );
    }
    const roles = (settings.mongo as { collections?: Record<string, unknown> } | undefined)?.collections ?? {};
    const byName = new Map<unknown, string>();
    for (const [role, name] of Object.entries(roles)) {
        const other = byName.get(name);
        if (other)
            problems.push({
                key: `cdc:mongo.collections.${role}`,
                message: `${JSON.stringify(name)} is also cdc:mongo.collections.${other}; customers, products and orders need a collection each`,
            });
        byName.set(name, role);
    }
    return settings as Partial<PipelineSettings>;
}

/**
 * The rules across shared keys, after every key is valid on its own: names that must differ (see
 * checks.ts), a request timeout within the operation's, and snapshot requests that name captured
 * collections. Returns the settings with those requests resolved (run once, here: the returned
 * `connectors.snapshots` holds collection names only).
 */
export function checkPipeline(
    settings: Partial<PipelineSettings>,
    ctx: ConfigContext,
    problems: ConfigProblem[],
): Partial<PipelineSettings> {
    checkDistinctNames(settings, ctx, problems);
    const conn = settings.connectors;
    if (conn && conn.requestTimeoutSeconds > conn.readyTimeoutSeconds) {
        problems.push({
            key: "cdc:connectors.requestTimeoutSeconds",
            message: `${conn.requestTimeoutSeconds} is longer than cdc:connectors.readyTimeoutSeconds (${conn.readyTimeoutSeconds}), which bounds each connector operation in all; lower it or raise readyTimeoutSeconds`,
        });
    }
    // snapshot requests name captured collections (by role or name): resolved once, before any resource exists
    const roleNames = settings.mongo?.collections;
    const resolved = conn?.snapshots && roleNames ? resolveSnapshotRequests(conn.snapshots, roleNames) : undefined;
    if (resolved) problems.push(...resolved.problems);
    return conn && resolved ? { ...settings, connectors: { ...conn, snapshots: resolved.requests } } : settings;
}

/**
 * `cdc:mongo.collections` was a list before the models could be told which collection plays which
 * role; a list now fails with the object form to use instead (nothing else of `cdc:mongo` changes).
 */
function withoutCollectionList(mongo: unknown, problems: ConfigProblem[]): unknown {
    if (typeof mongo !== "object" || mongo === null || !Array.isArray((mongo as Record<string, unknown>).collections))
        return mongo;
    const list = (mongo as { collections: unknown[] }).collections;
    problems.push({
        key: "cdc:mongo.collections",
        message: `${JSON.stringify(list)} is a list; give the collection of each role instead, e.g. \`pulumi config set --path cdc:mongo.collections.orders purchases\` (roles: customers, products, orders; defaults are the role names)`,
    });
    const { collections: _dropped, ...rest } = mongo as Record<string, unknown>;
    return rest;
}

/** The captured collections in role order: customers, products, orders. */
export function collectionNames(collections: { customers: string; products: string; orders: string }): string[] {
    return [collections.customers, collections.products, collections.orders];
}
