/**
 * The `KafkaConnector` provider's inputs and outputs as plain values: defaults, checks that name
 * the property and the fix, and the outputs stored in state (secret values only as digests).
 */
import type * as pulumi from "@pulumi/pulumi";
import {
    CONNECTOR_STATES,
    DEFAULT_MAX_RESTARTS,
    DEFAULT_READY_TIMEOUT_SECONDS,
    DEFAULT_REQUEST_TIMEOUT_SECONDS,
    DEFAULT_RESTART_BACKOFF_SECONDS,
    READINESS_MODES,
} from "../../config/connectorLifecycle";
import { secretKeyDigests } from "../shared/mask";
import type { ConnectorStatus, KafkaConnectorInputs, KafkaConnectorOutputs } from "./types";

export {
    DEFAULT_MAX_RESTARTS,
    DEFAULT_READY_TIMEOUT_SECONDS,
    DEFAULT_REQUEST_TIMEOUT_SECONDS,
    DEFAULT_RESTART_BACKOFF_SECONDS,
};

/** The resolved inputs, picked field by field (drops `__provider` and anything unknown). */
export function normaliseConnectorInputs(raw: Record<string, unknown>): KafkaConnectorInputs {
    const asMap = (v: unknown): Record<string, string> => {
        const out: Record<string, string> = {};
        if (v && typeof v === "object")
            for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = String(x);
        return out;
    };
    const secret = raw.secretConfig === undefined || raw.secretConfig === null ? undefined : asMap(raw.secretConfig);
    const auth = raw.connectAuth as { user?: unknown; password?: unknown } | undefined | null;
    return {
        connectUrl: String(raw.connectUrl ?? ""),
        connectorName: String(raw.connectorName ?? ""),
        ...(auth && typeof auth === "object"
            ? { connectAuth: { user: String(auth.user ?? ""), password: String(auth.password ?? "") } }
            : {}),
        ...(typeof raw.caPem === "string" && raw.caPem !== "" ? { caPem: raw.caPem } : {}),
        config: asMap(raw.config),
        ...(secret ? { secretConfig: secret } : {}),
        ...(raw.secretRefs && typeof raw.secretRefs === "object" ? { secretRefs: asMap(raw.secretRefs) } : {}),
        readyTimeoutSeconds:
            raw.readyTimeoutSeconds === undefined ? DEFAULT_READY_TIMEOUT_SECONDS : Number(raw.readyTimeoutSeconds),
        requestTimeoutSeconds:
            raw.requestTimeoutSeconds === undefined || raw.requestTimeoutSeconds === null
                ? DEFAULT_REQUEST_TIMEOUT_SECONDS
                : Number(raw.requestTimeoutSeconds),
        requireRunning: raw.requireRunning === undefined ? true : Boolean(raw.requireRunning),
        desiredState: (raw.desiredState === undefined || raw.desiredState === null
            ? "running"
            : String(raw.desiredState)) as KafkaConnectorInputs["desiredState"],
        readiness: (raw.readiness === undefined || raw.readiness === null
            ? "running"
            : String(raw.readiness)) as KafkaConnectorInputs["readiness"],
        maxRestarts:
            raw.maxRestarts === undefined || raw.maxRestarts === null ? DEFAULT_MAX_RESTARTS : Number(raw.maxRestarts),
        restartBackoffSeconds:
            raw.restartBackoffSeconds === undefined || raw.restartBackoffSeconds === null
                ? DEFAULT_RESTART_BACKOFF_SECONDS
                : Number(raw.restartBackoffSeconds),
        ...(raw.resetOffsets === undefined || raw.resetOffsets === null || raw.resetOffsets === ""
            ? {}
            : { resetOffsets: String(raw.resetOffsets) }),
    };
}

/** A Kafka config-provider reference: `${provider:[path:]key}`. */
const CONFIG_REF = /^\$\{[A-Za-z0-9_.-]+:[^{}]+\}$/;

/** What Connect receives: the config, each secret key as its reference when it has one (else its value), and `name`. */
export function connectorConfigToSend(i: KafkaConnectorInputs): Record<string, string> {
    const secrets: Record<string, string> = {};
    for (const [key, value] of Object.entries(i.secretConfig ?? {})) secrets[key] = i.secretRefs?.[key] ?? value;
    return { ...i.config, ...secrets, name: i.connectorName };
}

/** Problems with resolved inputs, each naming the property and the fix (empty when fine). */
export function checkConnectorInputs(i: KafkaConnectorInputs): pulumi.dynamic.CheckFailure[] {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    if (!/^https?:\/\/[^\s/]+/.test(i.connectUrl)) {
        failures.push({
            property: "connectUrl",
            reason: `must be an http(s) URL of the Kafka Connect REST API, e.g. http://localhost:8083 (got "${i.connectUrl}")`,
        });
    }
    if (i.connectAuth !== undefined) {
        // Basic auth joins user and password with ':'; a user holding one would be split wrongly.
        if (!/^[^:\s]+$/.test(i.connectAuth.user))
            failures.push({
                property: "connectAuth",
                reason: `user must be non-empty without ':' or spaces (got "${i.connectAuth.user}"); set cdc:external.connectUser`,
            });
        if (i.connectAuth.password === "")
            failures.push({
                property: "connectAuth",
                reason: "password is empty: set it with `pulumi config set --secret cdc:connectPassword <password>`",
            });
    }
    if (i.caPem !== undefined && !i.caPem.includes("-----BEGIN CERTIFICATE-----")) {
        failures.push({
            property: "caPem",
            reason: "must be a PEM certificate (-----BEGIN CERTIFICATE-----); on the external platform set cdc:tls.caBundle",
        });
    }
    if (!/^[A-Za-z0-9._-]+$/.test(i.connectorName)) {
        failures.push({
            property: "connectorName",
            reason: `must be non-empty and use only letters, digits, '.', '_' or '-' (got "${i.connectorName}")`,
        });
    }
    if (!i.config["connector.class"]) {
        failures.push({
            property: "config",
            reason: `must include "connector.class" (the connector plugin's Java class)`,
        });
    }
    for (const key of Object.keys(i.secretConfig ?? {})) {
        if (Object.prototype.hasOwnProperty.call(i.config, key)) {
            failures.push({
                property: "secretConfig",
                reason: `key "${key}" is also in config: keep each key in exactly one of config and secretConfig`,
            });
        }
    }
    for (const [key, ref] of Object.entries(i.secretRefs ?? {})) {
        if (!Object.prototype.hasOwnProperty.call(i.secretConfig ?? {}, key)) {
            failures.push({
                property: "secretRefs",
                reason: `key "${key}" has a reference but no value in secretConfig: give both (the value detects changes, the reference is what Connect stores)`,
            });
        }
        if (!CONFIG_REF.test(ref)) {
            failures.push({
                property: "secretRefs",
                reason: `the value for key "${key}" (not shown: it may be a secret) is not a config-provider reference like \${env:NAME} or \${file:/path:key}`,
            });
        }
    }
    if ("name" in i.config && i.config.name !== i.connectorName) {
        failures.push({
            property: "config",
            reason: `config.name "${i.config.name}" differs from connectorName "${i.connectorName}": drop config.name`,
        });
    }
    if (!(Number.isFinite(i.readyTimeoutSeconds) && (i.readyTimeoutSeconds ?? 0) > 0)) {
        failures.push({
            property: "readyTimeoutSeconds",
            reason: `must be a positive number of seconds (got ${i.readyTimeoutSeconds})`,
        });
    }
    const rt = i.requestTimeoutSeconds ?? DEFAULT_REQUEST_TIMEOUT_SECONDS;
    if (!(Number.isFinite(rt) && rt > 0)) {
        failures.push({
            property: "requestTimeoutSeconds",
            reason: `must be a positive number of seconds (got ${i.requestTimeoutSeconds})`,
        });
    }
    if (!(CONNECTOR_STATES as readonly string[]).includes(i.desiredState ?? "running")) {
        failures.push({
            property: "desiredState",
            reason: `must be one of ${CONNECTOR_STATES.join(", ")} (got "${i.desiredState}"); set cdc:connectors.<source|sink>.state`,
        });
    }
    if (!(READINESS_MODES as readonly string[]).includes(i.readiness ?? "running")) {
        failures.push({
            property: "readiness",
            reason: `must be one of ${READINESS_MODES.join(", ")} (got "${i.readiness}"); set cdc:connectors.readiness`,
        });
    }
    const mr = i.maxRestarts ?? DEFAULT_MAX_RESTARTS;
    if (!(Number.isInteger(mr) && mr >= 0 && mr <= 100)) {
        failures.push({
            property: "maxRestarts",
            reason: `must be an integer from 0 to 100 (got ${i.maxRestarts}); set cdc:connectors.restarts.max`,
        });
    }
    const rb = i.restartBackoffSeconds ?? DEFAULT_RESTART_BACKOFF_SECONDS;
    if (!(Number.isFinite(rb) && rb >= 0)) {
        failures.push({
            property: "restartBackoffSeconds",
            reason: `must be a number of seconds >= 0 (got ${i.restartBackoffSeconds}); set cdc:connectors.restarts.backoffSeconds`,
        });
    }
    if (i.resetOffsets !== undefined && !/^[A-Za-z0-9._:-]{1,100}$/.test(i.resetOffsets)) {
        failures.push({
            property: "resetOffsets",
            reason: `must be a request id of letters, digits, '.', '_', ':' or '-' (got "${i.resetOffsets}"), e.g. restore-2026-11-29`,
        });
    }
    return failures;
}

/** Outputs that come from what the provider did, not from the inputs. */
export type OperationOutputs = Partial<Pick<KafkaConnectorOutputs, "restarts" | "offsetsResetId" | "flowProof">>;

/** The outputs stored for inputs `i` and the status last seen. */
export function outputsOf(
    i: KafkaConnectorInputs,
    status: ConnectorStatus | undefined,
    done: OperationOutputs = {},
): KafkaConnectorOutputs {
    return {
        connectUrl: i.connectUrl,
        connectorName: i.connectorName,
        ...(i.connectAuth ? { connectAuth: { ...i.connectAuth } } : {}),
        ...(i.caPem ? { caPem: i.caPem } : {}),
        connectorClass: i.config["connector.class"],
        config: { ...i.config },
        secretKeys: Object.keys(i.secretConfig ?? {}).sort(),
        secretDigests: secretKeyDigests(i.secretConfig, i.connectorName),
        secretRefs: { ...(i.secretRefs ?? {}) },
        state: status?.connector?.state ?? "UNKNOWN",
        taskStates: [...(status?.tasks ?? [])].sort((a, b) => a.id - b.id).map((t) => t.state),
        readyTimeoutSeconds: i.readyTimeoutSeconds ?? DEFAULT_READY_TIMEOUT_SECONDS,
        requestTimeoutSeconds: i.requestTimeoutSeconds ?? DEFAULT_REQUEST_TIMEOUT_SECONDS,
        requireRunning: i.requireRunning ?? true,
        desiredState: i.desiredState ?? "running",
        readiness: i.readiness ?? "running",
        maxRestarts: i.maxRestarts ?? DEFAULT_MAX_RESTARTS,
        restartBackoffSeconds: i.restartBackoffSeconds ?? DEFAULT_RESTART_BACKOFF_SECONDS,
        restarts: done.restarts ?? { count: 0, tasks: [], connector: false },
        ...(done.offsetsResetId !== undefined ? { offsetsResetId: done.offsetsResetId } : {}),
        ...(done.flowProof !== undefined ? { flowProof: done.flowProof } : {}),
    };
}
