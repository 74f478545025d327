/**
 * Pure diff of a connector's stored outputs against its new inputs: what changed, what forces a
 * replacement, and — for secrets — only *which* keys changed, never their values. Only `changes`,
 * `replaces` and `deleteBeforeReplace` reach the Pulumi engine; the rest is for tests and tools
 * (components/providers/shared/README.md, "Diffs: what reaches the Pulumi engine").
 */
import type * as pulumi from "@pulumi/pulumi";
import {
    DEFAULT_MAX_RESTARTS,
    DEFAULT_READY_TIMEOUT_SECONDS,
    DEFAULT_REQUEST_TIMEOUT_SECONDS,
    DEFAULT_RESTART_BACKOFF_SECONDS,
} from "../../config/connectorLifecycle";
import { secretKeyDigests } from "../shared/mask";
import { isUnknown } from "../shared/unknown";
import type { KafkaConnectorInputs, KafkaConnectorOutputs } from "./types";

/** One property-level change, in the shape of Pulumi's `PropertyDiff.kind`. */
export type PropertyDiffKind = "add" | "delete" | "update" | "add-replace" | "delete-replace" | "update-replace";

/** Pulumi's DiffResult plus a per-key account of the change (not forwarded to the engine; see the header). */
export interface ConnectorDiff extends pulumi.dynamic.DiffResult {
    /** Property path (e.g. `config["topic.prefix"]`, `secretConfig["password"]`) → kind of change. */
    detailedDiff: Record<string, { kind: PropertyDiffKind }>;
    /** Changed config and secret keys, by name only, sorted. */
    changedKeys: string[];
}

/** Property path of a map entry, as Pulumi prints it. */
export function entryPath(property: string, key: string): string {
    return `${property}[${JSON.stringify(key)}]`;
}

function mapDiff(
    property: string,
    olds: Record<string, string>,
    news: Record<string, string>,
    into: ConnectorDiff["detailedDiff"],
    replaceKeys: ReadonlySet<string> = new Set(),
): string[] {
    const changed: string[] = [];
    for (const key of [...new Set([...Object.keys(olds), ...Object.keys(news)])].sort()) {
        const inOld = Object.prototype.hasOwnProperty.call(olds, key);
        const inNew = Object.prototype.hasOwnProperty.call(news, key);
        if (inOld && inNew && olds[key] === news[key]) continue;
        const base = !inOld ? "add" : !inNew ? "delete" : "update";
        into[entryPath(property, key)] = {
            kind: (replaceKeys.has(key) ? `${base}-replace` : base) as PropertyDiffKind,
        };
        changed.push(key);
    }
    return changed;
}

/**
 * Compares stored outputs with new inputs. Name, class or Connect URL change → replace (delete
 * first: a connector name is unique on a cluster, and two CDC sources must not run side by side);
 * config or secret change → in-place update naming the keys; a connector found not in its
 * declared state on refresh (`state`), a new declared state (`desiredState`, `state`) or a new
 * offsets-reset request (`resetOffsets`) → update (which restarts what failed, pauses, resumes,
 * stops or resets).
 */
export function diffConnector(olds: Partial<KafkaConnectorOutputs>, news: KafkaConnectorInputs): ConnectorDiff {
    const detailedDiff: ConnectorDiff["detailedDiff"] = {};
    const replaces: string[] = [];
    const oldConfig = olds.config ?? {};

    // During preview a value may be unknown (Pulumi's marker string): an unknown identity may
    // change, so it is reported as a replacement; unknown config or secrets as an update.
    if (olds.connectorName !== news.connectorName) {
        replaces.push("connectorName");
        detailedDiff.connectorName = { kind: "update-replace" };
    }
    if (olds.connectUrl !== news.connectUrl) {
        replaces.push("connectUrl");
        detailedDiff.connectUrl = { kind: "update-replace" };
    }
    // How Connect is reached: an update that only swaps the credentials or CA kept for later calls.
    if (isUnknown(news.connectAuth) || (news.connectAuth && Object.values(news.connectAuth).some(isUnknown)))
        detailedDiff.connectAuth = { kind: "update" };
    else if (
        (olds.connectAuth?.user ?? "") !== (news.connectAuth?.user ?? "") ||
        (olds.connectAuth?.password ?? "") !== (news.connectAuth?.password ?? "")
    )
        detailedDiff.connectAuth = {
            kind: olds.connectAuth === undefined ? "add" : news.connectAuth ? "update" : "delete",
        };
    if ((olds.caPem ?? "") !== (news.caPem ?? ""))
        detailedDiff.caPem = { kind: olds.caPem === undefined ? "add" : news.caPem ? "update" : "delete" };
    let changedConfig: string[];
    if (isUnknown(news.config)) {
        detailedDiff.config = { kind: "update" };
        changedConfig = [];
    } else {
        changedConfig = mapDiff("config", oldConfig, news.config ?? {}, detailedDiff, new Set(["connector.class"]));
        if (changedConfig.includes("connector.class")) replaces.push("config");
    }

    // Secrets: compare salted digests key by key; only key names reach the diff.
    let changedSecrets: string[] = [];
    if (
        isUnknown(news.secretConfig) ||
        isUnknown(news.connectorName) ||
        Object.values(news.secretConfig ?? {}).some(isUnknown)
    ) {
        detailedDiff.secretConfig = { kind: "update" };
    } else {
        const newDigests = secretKeyDigests(news.secretConfig, news.connectorName);
        changedSecrets = mapDiff("secretConfig", olds.secretDigests ?? {}, newDigests, detailedDiff);
    }

    // References sent in place of secret values are not secret: their keys are named like config keys.
    if (isUnknown(news.secretRefs) || Object.values(news.secretRefs ?? {}).some(isUnknown))
        detailedDiff.secretRefs = { kind: "update" };
    else mapDiff("secretRefs", olds.secretRefs ?? {}, news.secretRefs ?? {}, detailedDiff);

    if (changed(olds.readyTimeoutSeconds, news.readyTimeoutSeconds, DEFAULT_READY_TIMEOUT_SECONDS)) {
        detailedDiff.readyTimeoutSeconds = { kind: "update" };
    }
    if (changed(olds.requestTimeoutSeconds, news.requestTimeoutSeconds, DEFAULT_REQUEST_TIMEOUT_SECONDS)) {
        detailedDiff.requestTimeoutSeconds = { kind: "update" };
    }
    if ((olds.requireRunning ?? true) !== (news.requireRunning ?? true))
        detailedDiff.requireRunning = { kind: "update" };

    // Lifecycle: the declared state (pause/resume/stop), readiness and restart bounds are updated in place.
    const desired = isUnknown(news.desiredState) ? undefined : (news.desiredState ?? "running");
    if ((olds.desiredState ?? "running") !== (news.desiredState ?? "running"))
        detailedDiff.desiredState = { kind: "update" };
    if ((olds.readiness ?? "running") !== (news.readiness ?? "running")) detailedDiff.readiness = { kind: "update" };
    if (changed(olds.maxRestarts, news.maxRestarts, DEFAULT_MAX_RESTARTS)) {
        detailedDiff.maxRestarts = { kind: "update" };
    }
    if (changed(olds.restartBackoffSeconds, news.restartBackoffSeconds, DEFAULT_RESTART_BACKOFF_SECONDS)) {
        detailedDiff.restartBackoffSeconds = { kind: "update" };
    }
    // A reset request not carried out yet (an id already done, or none, does nothing).
    if (
        news.resetOffsets !== undefined &&
        news.resetOffsets !== "" &&
        (isUnknown(news.resetOffsets) || news.resetOffsets !== olds.offsetsResetId)
    ) {
        detailedDiff.resetOffsets = { kind: olds.offsetsResetId === undefined ? "add" : "update" };
    }

    // The live state (as last applied or refreshed) is not the declared one: an update brings it there
    // (restarting what failed). Shown as `state`, the output that holds the live state.
    const requireRunning = news.requireRunning ?? true;
    const target = desired === "paused" ? "PAUSED" : desired === "stopped" ? "STOPPED" : "RUNNING";
    const offTarget =
        olds.state !== undefined &&
        (olds.state !== target || (olds.taskStates ?? []).some((s) => s !== target) || desired === undefined);
    if ((requireRunning && offTarget) || detailedDiff.desiredState) detailedDiff.state = { kind: "update" };

    const changedKeys = [...new Set([...changedConfig, ...changedSecrets])].sort();
    return {
        changes: Object.keys(detailedDiff).length > 0,
        replaces,
        deleteBeforeReplace: replaces.length > 0,
        stables: replaces.length > 0 ? [] : ["connectorName", "connectUrl", "connectorClass"],
        detailedDiff,
        changedKeys,
    };
}

/** Whether a numeric setting differs once each side's absence is read as its default. */
function changed(old: number | undefined, now: number | undefined, def: number): boolean {
    return (old ?? def) !== (now ?? def);
}
