/**
 * Plain-value types of the `KafkaConnector` dynamic provider (what the provider methods receive
 * and return), kept apart from the `pulumi.Input` args of the resource class. The lifecycle
 * vocabulary (states, readiness) is the config's (components/config/connectorLifecycle.ts).
 */
import type { DesiredState, Readiness } from "../../config/connectorLifecycle";

export type { DesiredState, Readiness } from "../../config/connectorLifecycle";

/** Resolved inputs of a connector, as the provider receives them. */
export interface KafkaConnectorInputs {
    /** Kafka Connect REST base URL as seen from the machine running Pulumi, e.g. `http://localhost:8083`. */
    connectUrl: string;
    /** Connector name on the Connect cluster. Changing it replaces the connector. */
    connectorName: string;
    /** HTTP basic auth of Connect's REST API; the password is a Pulumi secret, in state only encrypted. */
    connectAuth?: ConnectAuth;
    /** PEM of the CA that signed the worker's certificate (an https `connectUrl`); the system's CAs when absent. */
    caPem?: string;
    /** Non-secret connector config; must hold `connector.class`. Shown in clear in diffs and outputs. */
    config: Record<string, string>;
    /** Secret connector config, merged into what is sent to Connect; never stored or shown in clear. */
    secretConfig?: Record<string, string>;
    /**
     * Per secret key, the Kafka config-provider reference Connect resolves instead of the value
     * (e.g. `${env:CDC_CLICKHOUSE_PASSWORD}`): what is sent to Connect, so its REST API and config
     * topic hold only the reference. The value in `secretConfig` still drives change detection.
     */
    secretRefs?: Record<string, string>;
    /** Seconds to wait for the connector and all its tasks to be RUNNING. Default: DEFAULT_READY_TIMEOUT_SECONDS. */
    readyTimeoutSeconds?: number;
    /** Seconds each Connect REST call may take (the whole operation stays within readyTimeoutSeconds).
     * Default: DEFAULT_REQUEST_TIMEOUT_SECONDS. */
    requestTimeoutSeconds?: number;
    /** Whether create/update wait for RUNNING (else only for the config to be accepted). Default true. */
    requireRunning?: boolean;
    /** Declared state, applied through Connect's pause/resume/stop. Default "running". */
    desiredState?: DesiredState;
    /** What "ready" means after create/update of a running connector (see {@link Readiness}). Default "running". */
    readiness?: Readiness;
    /** Restarts of failed parts one `up`/`refresh` may make (0 disables). Default: DEFAULT_MAX_RESTARTS. */
    maxRestarts?: number;
    /** Base of the restart backoff, in seconds: restart n (0-based) waits base × (n² + n).
     * Default: DEFAULT_RESTART_BACKOFF_SECONDS. */
    restartBackoffSeconds?: number;
    /** A request id: a new one stops the connector, deletes its offsets and restores `desiredState`. */
    resetOffsets?: string;
}

/** Credentials of Kafka Connect's REST API (HTTP basic auth). */
export interface ConnectAuth {
    user: string;
    password: string;
}

/** The Connect state that proves each declared state. */
export const CONNECT_STATE_OF: Record<DesiredState, string> = {
    running: "RUNNING",
    paused: "PAUSED",
    stopped: "STOPPED",
};

/** What the provider's automatic restarts did (a stored output). */
export interface RestartRecord {
    /** Restarts of failed parts made by the provider over the connector's life. */
    count: number;
    /** When the last one was made (ISO-8601), if any. */
    lastAt?: string;
    /** Task ids that were FAILED at the last restart. */
    tasks: number[];
    /** Whether the connector itself was FAILED at the last restart. */
    connector: boolean;
}

/** Outputs stored in the Pulumi state. No secret value in clear: secrets appear as salted digests only. */
export interface KafkaConnectorOutputs {
    connectUrl: string;
    connectorName: string;
    /**
     * The REST credentials (read, refresh and delete need them): a Pulumi secret output, so the
     * password is in state only encrypted.
     */
    connectAuth?: ConnectAuth;
    /** The CA trusted for Connect's REST (public: a certificate). */
    caPem?: string;
    /** `connector.class` of the config. Changing it replaces the connector. */
    connectorClass: string;
    /** The non-secret config, as last applied or as read back from Connect on refresh. */
    config: Record<string, string>;
    /** Names of the secret keys (their values are never stored). */
    secretKeys: string[];
    /** The config-provider references sent to Connect in place of secret values (not secret themselves). */
    secretRefs: Record<string, string>;
    /** Salted SHA-256 digest per secret key, to detect changed secrets without storing them (a Pulumi secret). */
    secretDigests: Record<string, string>;
    /** Connector state as last seen: RUNNING, PAUSED, STOPPED, FAILED, UNASSIGNED, RESTARTING. */
    state: string;
    /** State of each task, in task-id order. */
    taskStates: string[];
    readyTimeoutSeconds: number;
    requestTimeoutSeconds: number;
    requireRunning: boolean;
    desiredState: DesiredState;
    readiness: Readiness;
    maxRestarts: number;
    restartBackoffSeconds: number;
    /** The last offsets-reset request carried out (or recorded at create), if any. */
    offsetsResetId?: string;
    /** Automatic restarts made so far. */
    restarts: RestartRecord;
    /** How readiness was proven on the last create/update (e.g. `active topics: mongo.ecom.orders`). */
    flowProof?: string;
}

/** The connector-level and task-level status as Connect reports it (`GET /connectors/{name}/status`). */
export interface ConnectorStatus {
    name?: string;
    connector: { state: string; worker_id?: string; trace?: string };
    tasks: Array<{ id: number; state: string; worker_id?: string; trace?: string }>;
    type?: string;
}

/** One invalid field reported by `PUT /connector-plugins/{class}/config/validate`. */
export interface ValidationProblem {
    field: string;
    errors: string[];
}
