/**
 * The connector lifecycle vocabulary and defaults, written once: the config (`cdc:connectors`,
 * pipeline.ts) and the KafkaConnector provider (components/providers/kafkaConnector/) both
 * import them from here. A leaf module (no imports), so the provider Pulumi serialises into the
 * state carries only these values.
 */

/** The lifecycle states a connector can be declared in (`cdc:connectors.<source|sink>.state`). */
export const CONNECTOR_STATES = ["running", "paused", "stopped"] as const;
/** One of {@link CONNECTOR_STATES}. */
export type DesiredState = (typeof CONNECTOR_STATES)[number];

/**
 * What "ready" means after create/update of a running connector (`cdc:connectors.readiness`):
 * "running" once the connector and its tasks are RUNNING; "flowing" also once data moves — a
 * source has produced to a topic, a sink has committed offsets when it got records.
 */
export const READINESS_MODES = ["running", "flowing"] as const;
/** One of {@link READINESS_MODES}. */
export type Readiness = (typeof READINESS_MODES)[number];

/** Default wait for RUNNING, in seconds; also the bound of each whole connector operation. */
export const DEFAULT_READY_TIMEOUT_SECONDS = 300;
/** Default timeout of one Kafka Connect REST call, in seconds. */
export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 30;
/** Default bound of automatic restarts of failed parts in one `up`/`refresh`. */
export const DEFAULT_MAX_RESTARTS = 3;
/** Default restart backoff base, in seconds (restart n waits base × (n² + n): 0, 4, 12 s). */
export const DEFAULT_RESTART_BACKOFF_SECONDS = 2;
