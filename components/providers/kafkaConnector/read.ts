/**
 * `read` (refresh) of a connector: its live config and state as Connect reports them, secrets
 * only as digests. A connector declared running whose parts FAILED is restarted (only what
 * failed, within the restart bounds); if it keeps failing, refresh still succeeds and reports
 * FAILED, so the next `up` shows an update that retries and fails with the trace.
 */
import { secretKeyDigests, secretValuesOf } from "../shared/mask";
import { getConnectorConfig, getConnectorStatus, type ConnectCallOptions } from "./connectClient";
import { recordRestarts, restartPolicyOf, restartsOf, type ApplyTuning } from "./apply";
import { DEFAULT_READY_TIMEOUT_SECONDS, outputsOf } from "./inputs";
import type { ConnectorStatus, KafkaConnectorOutputs } from "./types";
import { failuresOf, waitForState, type RestartEvent } from "./wait";

/** The live outputs of connector `name`, or an empty id when it no longer exists. */
export async function readConnector(
    opts: ConnectCallOptions,
    name: string,
    props: Partial<KafkaConnectorOutputs>,
    tuning: ApplyTuning,
): Promise<{ id: string; props: Partial<KafkaConnectorOutputs> }> {
    const live = await getConnectorConfig(opts, name);
    if (live === undefined) return { id: "", props: {} }; // deleted outside Pulumi
    const secretKeys = new Set(props.secretKeys ?? []);
    const refs = props.secretRefs ?? {};
    const config: Record<string, string> = {};
    const secrets: Record<string, string> = {};
    const unchangedRefs: string[] = [];
    for (const [k, v] of Object.entries(live)) {
        // Connect adds `name` to every config; keep it only if we set it ourselves.
        if (k === "name" && !(props.config && "name" in props.config)) continue;
        if (secretKeys.has(k) && refs[k] !== undefined && String(v) === refs[k]) unchangedRefs.push(k);
        else if (secretKeys.has(k)) secrets[k] = String(v);
        else config[k] = String(v);
    }
    const withSecrets = { ...opts, secretValues: secretValuesOf(secrets) };
    let status: ConnectorStatus | undefined = await getConnectorStatus(withSecrets, name);
    let restarts: RestartEvent[] = [];
    const policy = restartPolicyOf(props, tuning);
    if (
        status &&
        (props.desiredState ?? "running") === "running" &&
        policy.maxRestarts > 0 &&
        failuresOf(status, []).length > 0
    ) {
        const timeoutMs = (props.readyTimeoutSeconds ?? DEFAULT_READY_TIMEOUT_SECONDS) * 1000;
        try {
            const waited = await waitForState(
                withSecrets,
                name,
                "RUNNING",
                timeoutMs,
                tuning.pollIntervalMs ?? 1000,
                policy,
            );
            status = waited.status;
            restarts = waited.restarts;
        } catch (e) {
            // Still failing (or not yet running): report what is live; `up` retries and fails with the trace.
            restarts = restartsOf(e);
            opts.log?.(
                `still not RUNNING after ${restarts.length} restart(s); the next \`pulumi up\` retries and reports the trace`,
            );
            status = await getConnectorStatus(withSecrets, name);
        }
    }
    const outs: KafkaConnectorOutputs = {
        ...outputsOf(
            {
                connectUrl: props.connectUrl ?? "",
                connectorName: name,
                ...(props.connectAuth ? { connectAuth: props.connectAuth } : {}),
                ...(props.caPem ? { caPem: props.caPem } : {}),
                config,
                secretConfig: secrets,
                readyTimeoutSeconds: props.readyTimeoutSeconds,
                requestTimeoutSeconds: props.requestTimeoutSeconds,
                requireRunning: props.requireRunning,
                desiredState: props.desiredState,
                readiness: props.readiness,
                maxRestarts: props.maxRestarts,
                restartBackoffSeconds: props.restartBackoffSeconds,
            },
            status,
            {
                restarts: recordRestarts(props.restarts, restarts),
                offsetsResetId: props.offsetsResetId,
                flowProof: props.flowProof,
            },
        ),
        // Keys that were secret stay listed even if deleted out of band, so the diff reports them.
        secretKeys: [...secretKeys].sort(),
        // A reference found as sent keeps its digest (the value behind it is the worker's);
        // a value found instead of the reference is digested like any drifted secret.
        secretDigests: {
            ...secretKeyDigests(secrets, name),
            ...Object.fromEntries(unchangedRefs.map((k) => [k, (props.secretDigests ?? {})[k] ?? ""])),
        },
        secretRefs: Object.fromEntries(Object.entries(refs).filter(([k]) => unchangedRefs.includes(k))),
    };
    return { id: name, props: outs };
}
