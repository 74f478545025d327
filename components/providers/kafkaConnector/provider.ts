/**
 * The `KafkaConnector` dynamic provider: Kafka Connect REST, with validation before apply,
 * wait-for-RUNNING, bounded retries on 409/5xx, drift detection on refresh and masked secrets.
 *
 * Built by {@link createKafkaConnectorProvider} from plain options only, so the object survives
 * `pulumi.runtime.serializeFunction`: no live client is captured, and each method builds what it
 * needs when called. Inputs are read field by field (never spread or stringified), so Pulumi's
 * `__provider` property never reaches Connect.
 */
import type * as pulumi from "@pulumi/pulumi";
import { secretKeyDigests, secretValuesOf } from "../shared/mask";
import { resolveRetryPolicy, type RetryPolicy } from "../shared/retry";
import { containsUnknown } from "../shared/unknown";
import {
    getConnectorConfig,
    getConnectorStatus,
    putConnectorConfig,
    restartFailed,
    stopAndDeleteConnector,
    validateConnectorConfig,
    waitUntilRunning,
    type ConnectCallOptions,
} from "./connectClient";
import { diffConnector, type ConnectorDiff } from "./diff";
import type { ConnectorStatus, KafkaConnectorInputs, KafkaConnectorOutputs } from "./types";

/** Tuning of the provider; plain values only. */
export interface KafkaConnectorProviderOptions {
    /** Backoff for 409/5xx/connection failures. Default {@link DEFAULT_RETRY_POLICY}. */
    retry?: Partial<RetryPolicy>;
    /** Interval between status polls while waiting for RUNNING, in milliseconds. Default 1000. */
    pollIntervalMs?: number;
    /** Timeout of one HTTP request, in milliseconds. Default 90000 (validation may try to reach the source system). */
    requestTimeoutMs?: number;
    /** Injectable sleep, for tests. */
    sleep?: (ms: number) => Promise<void>;
}

/** Default wait for RUNNING, in seconds. */
export const DEFAULT_READY_TIMEOUT_SECONDS = 120;

/** The resolved inputs, picked field by field (drops `__provider` and anything unknown). */
export function normaliseConnectorInputs(raw: Record<string, unknown>): KafkaConnectorInputs {
    const asMap = (v: unknown): Record<string, string> => {
        const out: Record<string, string> = {};
        if (v && typeof v === "object") for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = String(x);
        return out;
    };
    const secret = raw.secretConfig === undefined || raw.secretConfig === null ? undefined : asMap(raw.secretConfig);
    return {
        connectUrl: String(raw.connectUrl ?? ""),
        connectorName: String(raw.connectorName ?? ""),
        config: asMap(raw.config),
        ...(secret ? { secretConfig: secret } : {}),
        readyTimeoutSeconds: raw.readyTimeoutSeconds === undefined ? DEFAULT_READY_TIMEOUT_SECONDS : Number(raw.readyTimeoutSeconds),
        requireRunning: raw.requireRunning === undefined ? true : Boolean(raw.requireRunning),
    };
}

/** Problems with resolved inputs, each naming the property and the fix (empty when fine). */
export function checkConnectorInputs(i: KafkaConnectorInputs): pulumi.dynamic.CheckFailure[] {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    if (!/^https?:\/\/[^\s/]+/.test(i.connectUrl)) {
        failures.push({ property: "connectUrl", reason: `must be an http(s) URL of the Kafka Connect REST API, e.g. http://localhost:8083 (got "${i.connectUrl}")` });
    }
    if (!/^[A-Za-z0-9._-]+$/.test(i.connectorName)) {
        failures.push({ property: "connectorName", reason: `must be non-empty and use only letters, digits, '.', '_' or '-' (got "${i.connectorName}")` });
    }
    if (!i.config["connector.class"]) {
        failures.push({ property: "config", reason: `must include "connector.class" (the connector plugin's Java class)` });
    }
    for (const key of Object.keys(i.secretConfig ?? {})) {
        if (Object.prototype.hasOwnProperty.call(i.config, key)) {
            failures.push({ property: "secretConfig", reason: `key "${key}" is also in config: keep each key in exactly one of config and secretConfig` });
        }
    }
    if ("name" in i.config && i.config.name !== i.connectorName) {
        failures.push({ property: "config", reason: `config.name "${i.config.name}" differs from connectorName "${i.connectorName}": drop config.name` });
    }
    if (!(Number.isFinite(i.readyTimeoutSeconds) && (i.readyTimeoutSeconds ?? 0) > 0)) {
        failures.push({ property: "readyTimeoutSeconds", reason: `must be a positive number of seconds (got ${i.readyTimeoutSeconds})` });
    }
    return failures;
}

function outputsOf(i: KafkaConnectorInputs, status: ConnectorStatus | undefined): KafkaConnectorOutputs {
    return {
        connectUrl: i.connectUrl,
        connectorName: i.connectorName,
        connectorClass: i.config["connector.class"],
        config: { ...i.config },
        secretKeys: Object.keys(i.secretConfig ?? {}).sort(),
        secretDigests: secretKeyDigests(i.secretConfig, i.connectorName),
        state: status?.connector?.state ?? "UNKNOWN",
        taskStates: [...(status?.tasks ?? [])].sort((a, b) => a.id - b.id).map((t) => t.state),
        readyTimeoutSeconds: i.readyTimeoutSeconds ?? DEFAULT_READY_TIMEOUT_SECONDS,
        requireRunning: i.requireRunning ?? true,
    };
}

/** Creates the provider object handed to `pulumi.dynamic.Resource`. */
export function createKafkaConnectorProvider(options: KafkaConnectorProviderOptions = {}): Omit<pulumi.dynamic.ResourceProvider, "diff"> & {
    diff(id: string, olds: KafkaConnectorOutputs, news: KafkaConnectorInputs): Promise<ConnectorDiff>;
} {
    const callOptions = (connectUrl: string, secrets: Record<string, string> | undefined): ConnectCallOptions => ({
        baseUrl: connectUrl,
        secretValues: secretValuesOf(secrets),
        retry: resolveRetryPolicy(options.retry),
        requestTimeoutMs: options.requestTimeoutMs ?? 90_000,
        ...(options.sleep ? { sleep: options.sleep } : {}),
    });

    /** Validate → PUT config → (restart what failed) → wait for RUNNING. */
    const apply = async (i: KafkaConnectorInputs, restart: boolean): Promise<KafkaConnectorOutputs> => {
        const failures = checkConnectorInputs(i);
        if (failures.length > 0) {
            throw new Error(`KafkaConnector "${i.connectorName}": invalid inputs:\n${failures.map((f) => `  - ${f.property}: ${f.reason}`).join("\n")}`);
        }
        const opts = callOptions(i.connectUrl, i.secretConfig);
        // Connect requires `name` in the validated config (and keeps it in the stored one anyway).
        const full: Record<string, string> = { ...i.config, ...(i.secretConfig ?? {}), name: i.connectorName };
        const connectorClass = i.config["connector.class"];
        const problems = await validateConnectorConfig(opts, connectorClass, full);
        if (problems.length > 0) {
            const lines = problems.map((p) => `  - ${p.field}: ${p.errors.join("; ")}`);
            throw new Error(
                `KafkaConnector "${i.connectorName}": ${connectorClass} rejected the config (${problems.length} invalid field(s)):\n${lines.join("\n")}`,
            );
        }
        await putConnectorConfig(opts, i.connectorName, full);
        if (restart) await restartFailed(opts, i.connectorName);
        const status = i.requireRunning
            ? await waitUntilRunning(opts, i.connectorName, (i.readyTimeoutSeconds ?? DEFAULT_READY_TIMEOUT_SECONDS) * 1000, options.pollIntervalMs ?? 1000)
            : await getConnectorStatus(opts, i.connectorName);
        return outputsOf(i, status);
    };

    return {
        async check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
            // Values not known yet (preview before their dependencies exist) are checked at apply time.
            const failures = checkConnectorInputs(normaliseConnectorInputs(news)).filter((f) => !containsUnknown(news[f.property]));
            return { inputs: news, failures };
        },

        async diff(_id: string, olds: KafkaConnectorOutputs, news: KafkaConnectorInputs): Promise<ConnectorDiff> {
            return diffConnector(olds, news);
        },

        async create(raw: Record<string, unknown>) {
            const inputs = normaliseConnectorInputs(raw);
            const outs = await apply(inputs, false);
            return { id: inputs.connectorName, outs };
        },

        async update(_id: string, olds: KafkaConnectorOutputs, raw: Record<string, unknown>) {
            const inputs = normaliseConnectorInputs(raw);
            const wasBroken = olds.state !== undefined && (olds.state !== "RUNNING" || (olds.taskStates ?? []).some((s) => s !== "RUNNING"));
            return { outs: await apply(inputs, wasBroken) };
        },

        async read(id: string, props: Partial<KafkaConnectorOutputs>) {
            const name = props.connectorName || id;
            const connectUrl = props.connectUrl ?? "";
            const opts = callOptions(connectUrl, undefined);
            const live = await getConnectorConfig(opts, name);
            if (live === undefined) return { id: "", props: {} }; // deleted outside Pulumi
            const secretKeys = new Set(props.secretKeys ?? []);
            const config: Record<string, string> = {};
            const secrets: Record<string, string> = {};
            for (const [k, v] of Object.entries(live)) {
                // Connect adds `name` to every config; keep it only if we set it ourselves.
                if (k === "name" && !(props.config && "name" in props.config)) continue;
                if (secretKeys.has(k)) secrets[k] = String(v);
                else config[k] = String(v);
            }
            const status = await getConnectorStatus(callOptions(connectUrl, secrets), name);
            const outs: KafkaConnectorOutputs = {
                ...outputsOf(
                    {
                        connectUrl,
                        connectorName: name,
                        config,
                        secretConfig: secrets,
                        readyTimeoutSeconds: props.readyTimeoutSeconds,
                        requireRunning: props.requireRunning,
                    },
                    status,
                ),
                // Keys that were secret stay listed even if deleted out of band, so the diff reports them.
                secretKeys: [...secretKeys].sort(),
            };
            return { id: name, props: outs };
        },

        async delete(id: string, props: Partial<KafkaConnectorOutputs>) {
            await stopAndDeleteConnector(callOptions(props.connectUrl ?? "", undefined), props.connectorName || id);
        },
    };
}

/** The provider instance used by the `KafkaConnector` resource. */
export const kafkaConnectorProvider = createKafkaConnectorProvider();
