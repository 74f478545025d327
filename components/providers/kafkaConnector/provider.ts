/**
 * The `KafkaConnector` dynamic provider: Kafka Connect REST, with validation before apply,
 * wait-for-RUNNING, bounded retries on 409/5xx, drift detection on refresh and masked secrets.
 * Each operation (create, update, read, delete) has one deadline, `readyTimeoutSeconds`, and
 * each REST call its own timeout, `requestTimeoutSeconds`; waits log progress to stderr, which
 * Pulumi shows. A create that fails after Connect accepted the config deletes the connector
 * again, or, when that fails too, is recorded in state so `destroy` removes it.
 *
 * Built by {@link createKafkaConnectorProvider} from plain options only, so the object survives
 * `pulumi.runtime.serializeFunction`: no live client is captured, and each method builds what it
 * needs when called. Inputs are read field by field (never spread or stringified), so Pulumi's
 * `__provider` property never reaches Connect.
 */
import type * as pulumi from "@pulumi/pulumi";
import { plainError, withPlainErrors } from "../shared/errors";
import { secretValuesOf } from "../shared/mask";
import { resolveRetryPolicy, type RetryPolicy } from "../shared/retry";
import { containsUnknown } from "../shared/unknown";
import { ConnectHttpError, getConnectorStatus, stopAndDeleteConnector, type ConnectCallOptions } from "./connectClient";
import { applyConnector, type ApplyTuning } from "./apply";
import { diffConnector, type ConnectorDiff } from "./diff";
import {
    checkConnectorInputs,
    DEFAULT_READY_TIMEOUT_SECONDS,
    DEFAULT_REQUEST_TIMEOUT_SECONDS,
    normaliseConnectorInputs,
    outputsOf,
} from "./inputs";
import { secretKeyDigests } from "../shared/mask";
import { readConnector } from "./read";
import type { KafkaConnectorInputs, KafkaConnectorOutputs } from "./types";

export {
    checkConnectorInputs,
    DEFAULT_READY_TIMEOUT_SECONDS,
    DEFAULT_REQUEST_TIMEOUT_SECONDS,
    normaliseConnectorInputs,
} from "./inputs";

/**
 * Set to 1 for a `pulumi destroy` (or refresh) after the Connect cluster is gone for good: a
 * connector whose worker does not answer is then dropped from the state instead of failing.
 */
export const CONNECT_GONE_ENV = "CDC_CONNECT_GONE";

/** Tuning of the provider; plain values only. */
export interface KafkaConnectorProviderOptions {
    /** Backoff for 409/5xx/connection failures. Default {@link DEFAULT_RETRY_POLICY}. */
    retry?: Partial<RetryPolicy>;
    /** Interval between status polls while waiting for RUNNING, in milliseconds. Default 1000. */
    pollIntervalMs?: number;
    /** Timeout of one HTTP request, in milliseconds; overrides the `requestTimeoutSeconds` input (tests). */
    requestTimeoutMs?: number;
    /** Where progress lines go. Default: stderr, which Pulumi shows with the resource's diagnostics. */
    log?: (line: string) => void;
    /** Injectable sleep, for tests. */
    sleep?: (ms: number) => Promise<void>;
    /** After a restart, how long a part still FAILED may be a stale status (ms). Default 5000. */
    restartSettleMs?: number;
    /** How long a sink may receive nothing before it is ready as RUNNING ("flowing"), ms. Default 15 000. */
    sinkGraceMs?: number;
}

/** A failure that means the worker is unreachable (no response at all), not that it said no. */
function unreachable(e: unknown): boolean {
    return (
        e instanceof ConnectHttpError && e.status === undefined && /no (response|answer)|not attempted/.test(e.message)
    );
}

/** Creates the provider object handed to `pulumi.dynamic.Resource`. */
export function createKafkaConnectorProvider(options: KafkaConnectorProviderOptions = {}): Omit<
    pulumi.dynamic.ResourceProvider,
    "diff"
> & {
    diff(id: string, olds: KafkaConnectorOutputs, news: KafkaConnectorInputs): Promise<ConnectorDiff>;
} {
    type Timing = Pick<KafkaConnectorInputs, "readyTimeoutSeconds" | "requestTimeoutSeconds">;
    /** Call options for one operation: its deadline starts now. */
    /** Where Connect is and how to log in: the inputs' (create, update) or the stored outputs' (read, delete). */
    type Conn = Pick<KafkaConnectorInputs, "connectUrl" | "connectAuth" | "caPem">;
    const callOptions = (
        conn: Partial<Conn>,
        secrets: Record<string, string> | undefined,
        t: Timing,
        name: string,
    ): ConnectCallOptions => {
        const ready = t.readyTimeoutSeconds ?? DEFAULT_READY_TIMEOUT_SECONDS;
        const log = options.log ?? ((line: string) => process.stderr.write(`KafkaConnector "${name}": ${line}\n`));
        const masked = secretValuesOf({ ...secrets, ...(conn.connectAuth ? { auth: conn.connectAuth.password } : {}) });
        return {
            baseUrl: conn.connectUrl ?? "",
            ...(conn.connectAuth ? { auth: conn.connectAuth } : {}),
            ...(conn.caPem ? { caPem: conn.caPem } : {}),
            secretValues: masked,
            retry: resolveRetryPolicy(options.retry),
            requestTimeoutMs:
                options.requestTimeoutMs ?? (t.requestTimeoutSeconds ?? DEFAULT_REQUEST_TIMEOUT_SECONDS) * 1000,
            deadline: Date.now() + ready * 1000,
            deadlineName: `readyTimeoutSeconds (${ready} s)`,
            log: (line) => log(masked.reduce((l, v) => l.split(v).join("***"), line)),
            ...(options.sleep ? { sleep: options.sleep } : {}),
        };
    };

    const tuning: ApplyTuning = {
        pollIntervalMs: options.pollIntervalMs,
        restartSettleMs: options.restartSettleMs,
        sinkGraceMs: options.sinkGraceMs,
    };
    /** See {@link applyConnector}; each operation gets its own deadline. */
    const apply = (
        i: KafkaConnectorInputs,
        olds: KafkaConnectorOutputs | undefined,
        restartAll: boolean,
        onApplied?: () => void,
    ) => applyConnector(callOptions(i, i.secretConfig, i, i.connectorName), i, olds, restartAll, tuning, onApplied);

    /** The way forward when the worker does not answer and the connector cannot be reached. */
    const goneHint = (url: string, name: string, action: string) =>
        `Kafka Connect at ${url} does not answer, so connector "${name}" could not be ${action}. If Connect is only down, start it and run the command again. ` +
        `If it is gone for good (its platform was removed), run the command again with ${CONNECT_GONE_ENV}=1 (e.g. \`${CONNECT_GONE_ENV}=1 npm run destroy\`) to drop the connector from the state without contacting Connect`;

    return withPlainErrors({
        async check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
            // Values not known yet (preview before their dependencies exist) are checked at apply time.
            const failures = checkConnectorInputs(normaliseConnectorInputs(news)).filter(
                (f) => !containsUnknown(news[f.property]),
            );
            return { inputs: news, failures };
        },

        async diff(_id: string, olds: KafkaConnectorOutputs, news: KafkaConnectorInputs): Promise<ConnectorDiff> {
            return diffConnector(olds, news);
        },

        async create(raw: Record<string, unknown>) {
            const inputs = normaliseConnectorInputs(raw);
            let applied = false;
            try {
                const outs = await apply(inputs, undefined, false, () => (applied = true));
                return { id: inputs.connectorName, outs };
            } catch (e) {
                if (!applied) throw e;
                // Connect may run what Pulumi will not record: remove it, with a fresh, short deadline.
                const message = plainError(e).message;
                try {
                    const cleanup = callOptions(
                        inputs,
                        inputs.secretConfig,
                        { ...inputs, readyTimeoutSeconds: Math.min(60, inputs.readyTimeoutSeconds ?? 60) },
                        inputs.connectorName,
                    );
                    await stopAndDeleteConnector(cleanup, inputs.connectorName);
                } catch (cleanupError) {
                    // Could not remove it: record it in state (Pulumi's "created but failed to initialise"), so destroy
                    // removes it.
                    throw Object.assign(
                        new Error(
                            `${message}\nThe connector could not be removed again (${plainError(cleanupError).message}); it is kept in the state so \`pulumi destroy\` or the next \`pulumi up\` deals with it.`,
                        ),
                        {
                            id: inputs.connectorName,
                            // With `__provider`, as Pulumi stores it for a successful create, so destroy can load this
                            // provider.
                            properties: { ...outputsOf(inputs, undefined), __provider: raw.__provider },
                            reasons: [message],
                        },
                    );
                }
                throw Object.assign(plainError(e), {
                    message: `${message}\nThe connector was deleted again, so nothing is left on Kafka Connect; fix the cause and run \`pulumi up\` again.`,
                });
            }
        },

        async update(_id: string, olds: KafkaConnectorOutputs, raw: Record<string, unknown>) {
            const inputs = normaliseConnectorInputs(raw);
            // A secret sent by reference changed its value only: the config Connect holds is the same,
            // so restart the connector and its tasks to make them resolve the reference again.
            // (Parts found FAILED are restarted within bounds while waiting: see applyConnector.)
            const digests = secretKeyDigests(inputs.secretConfig, inputs.connectorName);
            const refChanged = Object.keys(inputs.secretRefs ?? {}).some(
                (k) => (olds.secretDigests ?? {})[k] !== digests[k],
            );
            // Only how Connect is reached changed (rotated REST password, new CA): nothing to apply to the
            // connector; its status is read with the new credentials, which the outputs then keep.
            const changedProps = Object.keys(diffConnector(olds, inputs).detailedDiff);
            if (changedProps.length > 0 && changedProps.every((k) => k === "connectAuth" || k === "caPem")) {
                const opts = callOptions(inputs, inputs.secretConfig, inputs, inputs.connectorName);
                const status = await getConnectorStatus(opts, inputs.connectorName);
                return {
                    outs: outputsOf(inputs, status, {
                        restarts: olds.restarts,
                        offsetsResetId: olds.offsetsResetId,
                        flowProof: olds.flowProof,
                    }),
                };
            }
            return { outs: await apply(inputs, olds, refChanged) };
        },

        async read(id: string, props: Partial<KafkaConnectorOutputs>) {
            const name = props.connectorName || id;
            const connectUrl = props.connectUrl ?? "";
            const opts = callOptions(props, undefined, props, name);
            try {
                return await readConnector(opts, name, props, tuning);
            } catch (e) {
                if (!unreachable(e)) throw e;
                if (process.env[CONNECT_GONE_ENV] === "1") return { id: "", props: {} };
                throw new Error(`${plainError(e).message}\n${goneHint(connectUrl, name, "read")}`);
            }
        },

        async delete(id: string, props: Partial<KafkaConnectorOutputs>) {
            const name = props.connectorName || id;
            const url = props.connectUrl ?? "";
            try {
                await stopAndDeleteConnector(callOptions(props, undefined, props, name), name);
            } catch (e) {
                if (!unreachable(e)) throw e;
                if (process.env[CONNECT_GONE_ENV] === "1") {
                    (options.log ?? ((l: string) => process.stderr.write(`${l}\n`)))(
                        `KafkaConnector "${name}": Kafka Connect at ${url} does not answer; ${CONNECT_GONE_ENV}=1, so it is dropped from the state without being deleted`,
                    );
                    return;
                }
                throw new Error(`${plainError(e).message}\n${goneHint(url, name, "stopped and deleted")}`);
            }
        },
    });
}

/** The provider instance used by the `KafkaConnector` resource. */
export const kafkaConnectorProvider = createKafkaConnectorProvider();
