/**
 * Waiting for a connector to run: status polls until the connector and every task are RUNNING,
 * a FAILED part (with its trace summarised), or the deadline — with a progress line every few
 * polls so a long wait is never silent.
 */
import { maskSecrets } from "../shared/mask";
import { ConnectHttpError, getConnectorStatus, type ConnectCallOptions } from "./connectClient";
import type { ConnectorStatus } from "./types";

/** A few lines of a Java stack trace: the first line and each `Caused by:` line, masked. */
export function summariseTrace(trace: string | undefined, secretValues: readonly string[], maxLines = 4): string {
    if (!trace) return "(no trace)";
    const lines = trace.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
    const picked = [lines[0], ...lines.filter((l) => l.startsWith("Caused by:"))].slice(0, maxLines);
    return picked.map((l) => maskSecrets(l.length > 300 ? `${l.slice(0, 300)}…` : l, secretValues)).join("\n  ");
}

/** Every FAILED part of a status, with its trace summarised. */
export function failuresOf(status: ConnectorStatus, secretValues: readonly string[]): string[] {
    const out: string[] = [];
    if (status.connector?.state === "FAILED") out.push(`connector FAILED: ${summariseTrace(status.connector.trace, secretValues)}`);
    for (const t of status.tasks ?? []) {
        if (t.state === "FAILED") out.push(`task ${t.id} FAILED: ${summariseTrace(t.trace, secretValues)}`);
    }
    return out;
}

/**
 * Polls the status until the connector and every task (at least one) are RUNNING. Fails at once
 * when anything is FAILED (with the traces summarised), or when `timeoutMs` runs out (with the
 * last status seen).
 */
export async function waitUntilRunning(
    opts: ConnectCallOptions,
    name: string,
    timeoutMs: number,
    pollMs: number,
    progressEveryMs = 10_000,
): Promise<ConnectorStatus> {
    const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const started = Date.now();
    const deadline = Math.min(started + timeoutMs, opts.deadline ?? Infinity);
    let last: ConnectorStatus | undefined;
    let lastProgress = started;
    const notRunning = () =>
        new ConnectHttpError(
            `Kafka Connect connector "${name}" not RUNNING after ${Math.round((Date.now() - started) / 1000)} s (last seen: ${describeStatus(last)}); raise cdc:connectors.readyTimeoutSeconds or check the worker log`,
            undefined,
            undefined,
            false,
        );
    for (;;) {
        if (Date.now() >= deadline) throw notRunning();
        try {
            last = await getConnectorStatus(opts, name);
        } catch (e) {
            // A poll cut short by the deadline: report the wait, not the poll.
            if (Date.now() >= deadline - 1) throw notRunning();
            throw e;
        }
        if (Date.now() - lastProgress >= progressEveryMs) {
            lastProgress = Date.now();
            opts.log?.(`waiting for connector "${name}" to be RUNNING: ${describeStatus(last)} (${Math.round((lastProgress - started) / 1000)} s so far, gives up in ${Math.round((deadline - lastProgress) / 1000)} s)`);
        }
        if (last) {
            const failures = failuresOf(last, opts.secretValues);
            if (failures.length > 0) {
                throw new ConnectHttpError(`Kafka Connect connector "${name}" failed:\n${failures.join("\n")}`, undefined, undefined, false);
            }
            const tasks = last.tasks ?? [];
            if (last.connector?.state === "RUNNING" && tasks.length > 0 && tasks.every((t) => t.state === "RUNNING")) return last;
        }
        await sleep(Math.min(pollMs, Math.max(0, deadline - Date.now())));
    }
}

/** One line for a status: `connector RUNNING, tasks [0:UNASSIGNED]`. */
export function describeStatus(s: ConnectorStatus | undefined): string {
    return s ? `connector ${s.connector?.state}, tasks [${(s.tasks ?? []).map((t) => `${t.id}:${t.state}`).join(", ")}]` : "connector not found";
}
