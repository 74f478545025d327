/**
 * `KafkaConnector`: one Kafka Connect connector managed through the Connect REST API.
 *
 * create validates the config with the plugin, applies it and waits for RUNNING; a config change
 * is an in-place update naming the changed keys; a name, class or Connect URL change replaces the
 * connector; refresh detects out-of-band changes and deletion; destroy stops and deletes it.
 * Secret config (passwords, connection strings) is never stored or shown in clear: only salted
 * digests of it are kept, as Pulumi secrets. With `secretRefs`, Connect does not get it either:
 * it gets a config-provider reference its worker resolves. Every operation is bounded by
 * `readyTimeoutSeconds`, every REST call by `requestTimeoutSeconds` (see docs/operations.md).
 *
 * Lifecycle (docs/operations.md, "Connector lifecycle"): `desiredState` running | paused | stopped
 * through pause/resume/stop; FAILED parts restarted on update and refresh within `maxRestarts`
 * and a `restartBackoffSeconds` × (n² + n) backoff (the `restarts` output); `readiness: flowing`
 * waits until data flows (`flowProof`); a new `resetOffsets` id stops the connector, deletes its
 * offsets and restores its state (`offsetsResetId`).
 */
import * as pulumi from "@pulumi/pulumi";
import { kafkaConnectorProvider } from "./provider";
import type { DesiredState, Readiness, RestartRecord } from "./types";

export * from "./types";
export {
    createKafkaConnectorProvider,
    kafkaConnectorProvider,
    normaliseConnectorInputs,
    checkConnectorInputs,
    DEFAULT_READY_TIMEOUT_SECONDS,
    DEFAULT_REQUEST_TIMEOUT_SECONDS,
    CONNECT_GONE_ENV,
} from "./provider";
export type { KafkaConnectorProviderOptions } from "./provider";
export { diffConnector, entryPath } from "./diff";
export type { ConnectorDiff, PropertyDiffKind } from "./diff";
export { ConnectHttpError } from "./connectClient";
export { summariseTrace, waitForState } from "./wait";
export { waitForFlow, SOURCE_NOTHING_FLOWS_CAUSES, SINK_NOTHING_FLOWS_CAUSES } from "./readiness";
export { DEFAULT_MAX_RESTARTS, DEFAULT_RESTART_BACKOFF_SECONDS } from "./inputs";

/** Arguments of {@link KafkaConnector}. */
export interface KafkaConnectorArgs {
    /** Kafka Connect REST base URL as seen from the machine running Pulumi, e.g. `http://localhost:8083`. */
    connectUrl: pulumi.Input<string>;
    /** Connector name on the cluster (unique per cluster). Changing it replaces the connector. */
    connectorName: pulumi.Input<string>;
    /**
     * HTTP basic auth of Connect's REST API; wrapped as a Pulumi secret (the password never in
     * clear in state, previews, logs or errors). A change is an update that only swaps what later
     * calls send.
     */
    connectAuth?: pulumi.Input<{ user: pulumi.Input<string>; password: pulumi.Input<string> }>;
    /** PEM of the CA that signed the worker's certificate (an https `connectUrl`); the system's CAs when absent. */
    caPem?: pulumi.Input<string>;
    /** Non-secret connector config; must include `connector.class` (changing the class replaces the connector). */
    config: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** Secret config merged into what is sent to Connect; wrapped as a Pulumi secret and never shown in clear. */
    secretConfig?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /**
     * Per secret key, a Kafka config-provider reference (`${env:NAME}`, `${file:/path:key}`) the
     * worker resolves; sent to Connect instead of the value, so Connect's REST API and config
     * topic never hold the secret. The worker must have the provider configured.
     */
    secretRefs?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /**
     * Seconds to wait for the connector and all its tasks to be RUNNING; bounds each
     * create/update/read/delete in all. Default: DEFAULT_READY_TIMEOUT_SECONDS
     * (components/config/connectorLifecycle.ts, with the other defaults named here).
     */
    readyTimeoutSeconds?: pulumi.Input<number>;
    /** Seconds each Kafka Connect REST call may take, then unanswered. Default: DEFAULT_REQUEST_TIMEOUT_SECONDS. */
    requestTimeoutSeconds?: pulumi.Input<number>;
    /** Wait for RUNNING on create/update (false: only for the config to be accepted). Default true. */
    requireRunning?: pulumi.Input<boolean>;
    /** Declared state: running, paused or stopped (pause/resume/stop through Connect's REST). Default running. */
    desiredState?: pulumi.Input<DesiredState>;
    /** "running" (default) or "flowing": a running connector is ready only once data flows (see readiness.ts). */
    readiness?: pulumi.Input<Readiness>;
    /** Restarts of failed parts one `up`/`refresh` may make. Default: DEFAULT_MAX_RESTARTS. */
    maxRestarts?: pulumi.Input<number>;
    /** Restart backoff base in seconds (restart n waits base × (n² + n)). Default: DEFAULT_RESTART_BACKOFF_SECONDS. */
    restartBackoffSeconds?: pulumi.Input<number>;
    /** Offsets-reset request id: a new one stops the connector, deletes its offsets, restores its state. */
    resetOffsets?: pulumi.Input<string>;
}

/** A Kafka Connect connector (dynamic resource; type `pulumi-nodejs:dynamic/cdc:KafkaConnector`). */
export class KafkaConnector extends pulumi.dynamic.Resource {
    /** Connector name on the cluster. */
    declare public readonly connectorName: pulumi.Output<string>;
    /** `connector.class` of the config. */
    declare public readonly connectorClass: pulumi.Output<string>;
    /** Connector state when last applied or refreshed (RUNNING, FAILED, PAUSED, ...). */
    declare public readonly state: pulumi.Output<string>;
    /** Task states, in task-id order. */
    declare public readonly taskStates: pulumi.Output<string[]>;
    /** The non-secret config as applied (or as found on refresh). */
    declare public readonly config: pulumi.Output<Record<string, string>>;
    /** Names of the secret config keys (values never stored). */
    declare public readonly secretKeys: pulumi.Output<string[]>;
    /** Salted digests of the secret values (a Pulumi secret), used to detect changes. */
    declare public readonly secretDigests: pulumi.Output<Record<string, string>>;
    /** Config-provider references sent in place of secret values. */
    declare public readonly secretRefs: pulumi.Output<Record<string, string>>;
    /** Connect REST URL used. */
    declare public readonly connectUrl: pulumi.Output<string>;
    /** The declared state (running, paused, stopped). */
    declare public readonly desiredState: pulumi.Output<DesiredState>;
    /** Automatic restarts of failed parts: count, last time, task ids. */
    declare public readonly restarts: pulumi.Output<RestartRecord>;
    /** The last offsets-reset request carried out. */
    declare public readonly offsetsResetId: pulumi.Output<string | undefined>;
    /** How "flowing" readiness was proven on the last create/update. */
    declare public readonly flowProof: pulumi.Output<string | undefined>;

    constructor(name: string, args: KafkaConnectorArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            kafkaConnectorProvider,
            name,
            {
                connectUrl: args.connectUrl,
                connectorName: args.connectorName,
                connectAuth: args.connectAuth === undefined ? undefined : pulumi.secret(args.connectAuth),
                caPem: args.caPem,
                config: args.config,
                secretConfig: args.secretConfig === undefined ? undefined : pulumi.secret(args.secretConfig),
                secretRefs: args.secretRefs,
                readyTimeoutSeconds: args.readyTimeoutSeconds,
                requestTimeoutSeconds: args.requestTimeoutSeconds,
                requireRunning: args.requireRunning,
                desiredState: args.desiredState,
                readiness: args.readiness,
                maxRestarts: args.maxRestarts,
                restartBackoffSeconds: args.restartBackoffSeconds,
                resetOffsets: args.resetOffsets,
                // Outputs filled by the provider.
                restarts: undefined,
                offsetsResetId: undefined,
                flowProof: undefined,
                connectorClass: undefined,
                state: undefined,
                taskStates: undefined,
                secretKeys: undefined,
                secretDigests: undefined,
            },
            pulumi.mergeOptions(opts, { additionalSecretOutputs: ["secretDigests", "connectAuth"] }),
            "cdc",
            "KafkaConnector",
        );
    }
}
