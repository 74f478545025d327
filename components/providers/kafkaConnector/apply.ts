/**
 * Applying a connector's declared inputs on create and update: validate → PUT config → (restart
 * to re-resolve references) → reset offsets when a new request id is declared → bring it to its
 * declared state (pause / resume / stop) → wait for that state, restarting failed parts within
 * bounds → (running, readiness "flowing") wait until data flows.
 */
import {
    connectorConfigToSend,
    checkConnectorInputs,
    DEFAULT_MAX_RESTARTS,
    DEFAULT_READY_TIMEOUT_SECONDS,
    DEFAULT_RESTART_BACKOFF_SECONDS,
    outputsOf,
} from "./inputs";
import {
    getConnectorStatus,
    putConnectorConfig,
    restartConnector,
    validateConnectorConfig,
    type ConnectCallOptions,
} from "./connectClient";
import { deleteOffsets, pauseConnector, resetActiveTopics, resumeConnector, stopConnector } from "./lifecycleClient";
import { waitForFlow } from "./readiness";
import { CONNECT_STATE_OF, type KafkaConnectorInputs, type KafkaConnectorOutputs, type RestartRecord } from "./types";
import { waitForState, type RestartEvent, type RestartPolicy } from "./wait";

/** Plain tuning of waits (from the provider's options). */
export interface ApplyTuning {
    pollIntervalMs?: number;
    /** See {@link RestartPolicy.settleMs}. Default 5000. */
    restartSettleMs?: number;
    /** How long a sink may receive nothing before it is ready as RUNNING. Default 15 000. */
    sinkGraceMs?: number;
}

/** The restart policy of inputs `i`. */
export function restartPolicyOf(
    i: Pick<KafkaConnectorInputs, "maxRestarts" | "restartBackoffSeconds">,
    t: ApplyTuning,
): RestartPolicy {
    return {
        maxRestarts: i.maxRestarts ?? DEFAULT_MAX_RESTARTS,
        backoffMs: (i.restartBackoffSeconds ?? DEFAULT_RESTART_BACKOFF_SECONDS) * 1000,
        settleMs: t.restartSettleMs ?? 5000,
    };
}

/** The stored restart record after `events` (appended to `before`). */
export function recordRestarts(before: RestartRecord | undefined, events: readonly RestartEvent[]): RestartRecord {
    const base = before ?? { count: 0, tasks: [], connector: false };
    const last = events[events.length - 1];
    if (!last) return base;
    return { count: base.count + events.length, lastAt: last.at, tasks: last.tasks, connector: last.connector };
}

/** Restart events a failed wait carried (see `waitForState`). */
export function restartsOf(e: unknown): RestartEvent[] {
    const r = (e as { restarts?: unknown })?.restarts;
    return Array.isArray(r) ? (r as RestartEvent[]) : [];
}

/**
 * Applies `i`; `olds` are the stored outputs on update (undefined on create). `onApplied` runs
 * once Connect may hold the connector.
 */
export async function applyConnector(
    opts: ConnectCallOptions,
    i: KafkaConnectorInputs,
    olds: Partial<KafkaConnectorOutputs> | undefined,
    restartAll: boolean,
    tuning: ApplyTuning,
    onApplied: () => void = () => undefined,
): Promise<KafkaConnectorOutputs> {
    const failures = checkConnectorInputs(i);
    if (failures.length > 0) {
        throw new Error(
            `KafkaConnector "${i.connectorName}": invalid inputs:\n${failures.map((f) => `  - ${f.property}: ${f.reason}`).join("\n")}`,
        );
    }
    const name = i.connectorName;
    // Connect requires `name` in the validated config (and keeps it in the stored one anyway).
    // Secret keys with a reference are sent as the reference: Connect resolves it (validation included).
    const full = connectorConfigToSend(i);
    const connectorClass = i.config["connector.class"];
    const problems = await validateConnectorConfig(opts, connectorClass, full);
    if (problems.length > 0) {
        const lines = problems.map((p) => `  - ${p.field}: ${p.errors.join("; ")}`);
        throw new Error(
            `KafkaConnector "${name}": ${connectorClass} rejected the config (${problems.length} invalid field(s)):\n${lines.join("\n")}`,
        );
    }
    // From here Connect may hold the connector even if the PUT's answer is lost.
    onApplied();
    await putConnectorConfig(opts, name, full);
    if (restartAll) await restartConnector(opts, name, false);

    const timeoutMs = (i.readyTimeoutSeconds ?? DEFAULT_READY_TIMEOUT_SECONDS) * 1000;
    const pollMs = tuning.pollIntervalMs ?? 1000;
    const desired = i.desiredState ?? "running";
    // A new reset request: stop, delete the offsets; the declared state is restored below.
    // On create there is nothing to reset: the id is recorded as done.
    const resetNow = olds !== undefined && i.resetOffsets !== undefined && i.resetOffsets !== olds.offsetsResetId;
    if (resetNow) {
        opts.log?.(
            `offsets reset "${i.resetOffsets}": stopping the connector, deleting its offsets, then restoring state ${desired}`,
        );
        try {
            await stopConnector(opts, name);
            await waitForState(opts, name, "STOPPED", timeoutMs, pollMs);
            await deleteOffsets(opts, name);
        } catch (e) {
            // Not reset: put the connector back in its declared state (best effort) and say where it is.
            const restored = await (
                desired === "paused"
                    ? pauseConnector(opts, name)
                    : desired === "running"
                      ? resumeConnector(opts, name)
                      : Promise.resolve()
            ).then(
                () => `it was put back in its declared state (${desired})`,
                () => "it may be left STOPPED: `npm run up -- --refresh` brings it back to its declared state",
            );
            throw new Error(
                `KafkaConnector "${name}": offsets reset "${i.resetOffsets}" failed, the offsets are unchanged and ${restored}: ${(e as Error).message}`,
            );
        }
        // Readiness then judges it afresh: a sink over topics emptied by retention is not waited on for commits.
        await resetActiveTopics(opts, name);
        opts.log?.(`offsets reset "${i.resetOffsets}": offsets deleted`);
    }
    const wasHeld =
        resetNow ||
        ["PAUSED", "STOPPED"].includes(olds?.state ?? "") ||
        (olds?.desiredState ?? "running") !== "running";
    if (desired === "paused") await pauseConnector(opts, name);
    else if (desired === "stopped") await stopConnector(opts, name);
    else if (wasHeld) await resumeConnector(opts, name);

    let restarts: RestartEvent[] = [];
    let flowProof: string | undefined;
    let status;
    if (i.requireRunning ?? true) {
        // Failed parts are restarted (within bounds) on update; on create a failure is reported at once.
        const policy = olds !== undefined && desired === "running" ? restartPolicyOf(i, tuning) : undefined;
        const waited = await waitForState(opts, name, CONNECT_STATE_OF[desired], timeoutMs, pollMs, policy);
        status = waited.status;
        restarts = waited.restarts;
        if (desired === "running" && i.readiness === "flowing") {
            flowProof = await waitForFlow(opts, name, status.type, timeoutMs, pollMs, tuning.sinkGraceMs ?? 15_000);
            opts.log?.(`data flows: ${flowProof}`);
        }
    } else {
        status = await getConnectorStatus(opts, name);
    }
    return outputsOf(i, status, {
        restarts: recordRestarts(olds?.restarts, restarts),
        offsetsResetId: i.resetOffsets ?? olds?.offsetsResetId,
        flowProof,
    });
}
