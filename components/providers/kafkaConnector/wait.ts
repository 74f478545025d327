/**
 * Waiting for a connector to reach a state: status polls until the connector (and every task) is
 * RUNNING, PAUSED or STOPPED, a FAILED part (restarted within bounds, else reported with its
 * trace summarised), or the deadline — with a progress line every few
 * polls so a long wait is never silent.
 */
import { maskSecrets } from "../shared/mask";
import { ConnectHttpError, getConnectorStatus, restartConnector, type ConnectCallOptions } from "./connectClient";
import type { ConnectorStatus } from "./types";

/** A few lines of a Java stack trace: the first line and each `Caused by:` line, masked. */
export function summariseTrace(trace: string | undefined, secretValues: readonly string[], maxLines = 4): string {
    if (!trace) return "(no trace)";
    const lines = trace
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l.length > 0);
    const picked = [lines[0], ...lines.filter((l) => l.startsWith("Caused by:"))].slice(0, maxLines);
    return picked.map((l) => maskSecrets(l.length > 300 ? `${l.slice(0, 300)}…` : l, secretValues)).join("\n  ");
}

/** Every FAILED part of a status, with its trace summarised. */
export function failuresOf(status: ConnectorStatus, secretValues: readonly string[]): string[] {
    const out: string[] = [];
    if (status.connector?.state === "FAILED")
        out.push(`connector FAILED: ${summariseTrace(status.connector.trace, secretValues)}`);
    for (const t of status.tasks ?? []) {
        if (t.state === "FAILED") out.push(`task ${t.id} FAILED: ${summariseTrace(t.trace, secretValues)}`);
    }
    return out;
}

/** Automatic restarts of failed parts while waiting (Strimzi-like backoff, bounded per operation). */
export interface RestartPolicy {
    /** Restarts allowed in this wait; 0: a FAILED part fails the wait at once. */
    maxRestarts: number;
    /** Backoff base: restart n (0-based) waits base × (n² + n) ms, so the first is immediate. */
    backoffMs: number;
    /**
     * After a restart, a part still FAILED counts as failing again only once it was seen not FAILED, or after this long
     * (ms).
     */
    settleMs: number;
}

/** One restart made while waiting. */
export interface RestartEvent {
    at: string;
    tasks: number[];
    connector: boolean;
}

/** Whether `s` shows the connector in Connect state `target` (RUNNING, PAUSED or STOPPED). */
export function reached(s: ConnectorStatus, target: string): boolean {
    const tasks = s.tasks ?? [];
    if (s.connector?.state !== target) return false;
    if (target === "RUNNING") return tasks.length > 0 && tasks.every((t) => t.state === "RUNNING");
    // A stopped connector has no tasks; a paused one keeps them PAUSED.
    return tasks.every((t) => t.state === target);
}

/**
 * Polls the status until the connector is in Connect state `target` (RUNNING: the connector and
 * every task, at least one). A FAILED part is restarted (only what failed) when `restart` allows
 * it and the target is RUNNING, after a growing backoff; otherwise, or once the restarts are used
 * up, the wait fails with the traces summarised. Fails with the last status seen when
 * `timeoutMs` runs out.
 */
export async function waitForState(
    opts: ConnectCallOptions,
    name: string,
    target: string,
    timeoutMs: number,
    pollMs: number,
    restart?: RestartPolicy,
    progressEveryMs = 10_000,
): Promise<{ status: ConnectorStatus; restarts: RestartEvent[] }> {
    const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const started = Date.now();
    const deadline = Math.min(started + timeoutMs, opts.deadline ?? Infinity);
    const restarts: RestartEvent[] = [];
    let last: ConnectorStatus | undefined;
    let lastProgress = started;
    let settling: { until: number; seenHealthy: boolean } | undefined;
    const after = () => (restarts.length > 0 ? ` after ${restarts.length} automatic restart(s)` : "");
    /** The error, carrying the restarts made (so a caller can still record them). */
    const withRestarts = (e: ConnectHttpError) => Object.assign(e, { restarts: [...restarts] });
    const notReached = () =>
        withRestarts(
            new ConnectHttpError(
                `Kafka Connect connector "${name}" not ${target} after ${Math.round((Date.now() - started) / 1000)} s${after()} (last seen: ${describeStatus(last)}); raise cdc:connectors.readyTimeoutSeconds or check the worker log`,
                undefined,
                undefined,
                false,
            ),
        );
    for (;;) {
        if (Date.now() >= deadline) throw notReached();
        try {
            last = await getConnectorStatus(opts, name);
        } catch (e) {
            // A poll cut short by the deadline: report the wait, not the poll.
            if (Date.now() >= deadline - 1) throw notReached();
            throw e;
        }
        if (Date.now() - lastProgress >= progressEveryMs) {
            lastProgress = Date.now();
            opts.log?.(
                `waiting for connector "${name}" to be ${target}: ${describeStatus(last)} (${Math.round((lastProgress - started) / 1000)} s so far, gives up in ${Math.round((deadline - lastProgress) / 1000)} s)`,
            );
        }
        if (last) {
            const failures = failuresOf(last, opts.secretValues);
            if (settling && failures.length === 0) settling.seenHealthy = true;
            const stale = settling !== undefined && !settling.seenHealthy && Date.now() < settling.until;
            if (failures.length > 0 && !stale) {
                const n = restarts.length;
                const delay = restart ? restart.backoffMs * (n * n + n) : 0;
                if (!restart || target !== "RUNNING" || n >= restart.maxRestarts || Date.now() + delay >= deadline) {
                    const why =
                        restart && target === "RUNNING" && n < restart.maxRestarts
                            ? " (the next restart would pass readyTimeoutSeconds)"
                            : "";
                    throw withRestarts(
                        new ConnectHttpError(
                            `Kafka Connect connector "${name}" failed${after()}${why}:\n${failures.join("\n")}`,
                            undefined,
                            undefined,
                            false,
                        ),
                    );
                }
                const event: RestartEvent = {
                    at: "",
                    tasks: (last.tasks ?? []).filter((t) => t.state === "FAILED").map((t) => t.id),
                    connector: last.connector?.state === "FAILED",
                };
                opts.log?.(
                    `restarting the failed parts of connector "${name}" (${[event.connector ? "connector" : "", ...event.tasks.map((t) => `task ${t}`)].filter(Boolean).join(", ")}), restart ${n + 1} of ${restart.maxRestarts}${delay > 0 ? ` in ${(delay / 1000).toFixed(1)} s` : ""}: ${failures[0].split("\n")[0]}`,
                );
                if (delay > 0) await sleep(delay);
                // KIP-745: POST /connectors/{name}/restart?includeTasks=true&onlyFailed=true
                await restartConnector(opts, name, true);
                event.at = new Date().toISOString();
                restarts.push(event);
                settling = { until: Date.now() + restart.settleMs, seenHealthy: false };
            } else if (!stale && reached(last, target)) {
                return { status: last, restarts };
            }
        }
        await sleep(Math.min(pollMs, Math.max(0, deadline - Date.now())));
    }
}

/** Waits for RUNNING without restarting anything (see {@link waitForState}). */
export async function waitUntilRunning(
    opts: ConnectCallOptions,
    name: string,
    timeoutMs: number,
    pollMs: number,
    progressEveryMs = 10_000,
): Promise<ConnectorStatus> {
    return (await waitForState(opts, name, "RUNNING", timeoutMs, pollMs, undefined, progressEveryMs)).status;
}

/** One line for a status: `connector RUNNING, tasks [0:UNASSIGNED]`. */
export function describeStatus(s: ConnectorStatus | undefined): string {
    return s
        ? `connector ${s.connector?.state}, tasks [${(s.tasks ?? []).map((t) => `${t.id}:${t.state}`).join(", ")}]`
        : "connector not found";
}
