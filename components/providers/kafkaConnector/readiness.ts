/**
 * Readiness that proves data flows ("flowing"), checked once a connector is RUNNING:
 *
 * - a source is ready once it has produced a record: Connect lists a topic among its active
 *   topics (KIP-558, recorded on the first record sent to it), or it has committed source
 *   offsets (Kafka 3.5+). Debezium's heartbeat topic proves it even when every collection is
 *   empty. A source that produces nothing before the deadline fails, naming the likely causes.
 * - a sink is ready once its consumer group has committed offsets. When no record reached it
 *   within the grace period (its topics are empty: a healthy pipeline over empty collections)
 *   nothing can be proven and it is ready as RUNNING, saying so; when it did receive records
 *   (active topics) but commits nothing before the deadline, it fails.
 */
import { ConnectHttpError, type ConnectCallOptions } from "./connectClient";
import { getActiveTopics, getOffsets } from "./lifecycleClient";

/** Why a RUNNING source may produce nothing, for the message of a failed wait. */
export const SOURCE_NOTHING_FLOWS_CAUSES =
    "likely causes: the source cannot read changes — MongoDB is not a replica set or sharded cluster (change streams need one), " +
    "the connector's user has wrong credentials or lacks the read/changeStream privileges, or MongoDB is unreachable from Connect (network, DNS, TLS); " +
    "Debezium then retries while its task stays RUNNING. Heartbeats disabled (cdc:connectors.heartbeatIntervalMs 0) on collections without writes also produce nothing. " +
    "Check the worker log for the connector; to accept RUNNING alone, set cdc:connectors.readiness to running";

/** Why a sink that received records commits no offset. */
export const SINK_NOTHING_FLOWS_CAUSES =
    "likely causes: its writes fail and are retried — the destination (ClickHouse) is unreachable from Connect, refuses the credentials, or lacks the tables. " +
    "Check the worker log for the connector; to accept RUNNING alone, set cdc:connectors.readiness to running";

/**
 * Waits until the connector proves data flows (see the module comment); returns the proof in
 * one line, e.g. `produced to: mongo.ecom.orders`. `kind` is the status' `type`.
 */
export async function waitForFlow(
    opts: ConnectCallOptions,
    name: string,
    kind: string | undefined,
    timeoutMs: number,
    pollMs: number,
    sinkGraceMs: number,
    progressEveryMs = 10_000,
): Promise<string> {
    const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const started = Date.now();
    const deadline = Math.min(started + timeoutMs, opts.deadline ?? Infinity);
    const sink = kind === "sink";
    // Never longer than half the wait, so a sink that got records still has time to commit.
    const grace = Math.min(sinkGraceMs, (deadline - started) / 2);
    let lastProgress = started;
    let consumed: string[] = [];
    const fail = () => {
        const secs = Math.round((Date.now() - started) / 1000);
        const what = sink
            ? `consumed records from ${consumed.join(", ")} but committed no offset in ${secs} s; ${SINK_NOTHING_FLOWS_CAUSES}`
            : `produced no record in ${secs} s (no active topic, no committed offset); ${SOURCE_NOTHING_FLOWS_CAUSES}`;
        return new ConnectHttpError(
            `Kafka Connect connector "${name}" is RUNNING but ${what}`,
            undefined,
            undefined,
            false,
        );
    };
    for (;;) {
        let topics: string[] | undefined;
        let offsets: Awaited<ReturnType<typeof getOffsets>>;
        try {
            topics = await getActiveTopics(opts, name);
            offsets = await getOffsets(opts, name);
        } catch (e) {
            // A poll cut short by the deadline: report the wait, not the poll.
            if (Date.now() >= deadline - 1) throw fail();
            throw e;
        }
        if (topics === undefined && offsets === undefined) {
            return "not provable: this worker reports neither active topics nor offsets (needs Kafka 3.5+ and topic.tracking.enable); ready as RUNNING";
        }
        if (sink) {
            if (offsets && offsets.length > 0) return `committed offsets on ${offsets.length} partition(s)`;
            consumed = topics ?? [];
            if (consumed.length === 0 && Date.now() - started >= grace) {
                return `nothing to consume: no record reached it within ${(grace / 1000).toFixed(grace < 10_000 ? 1 : 0)} s (its topics are empty so far); ready as RUNNING`;
            }
        } else {
            if (topics && topics.length > 0) return `produced to: ${[...topics].sort().join(", ")}`;
            if (offsets && offsets.length > 0) return `committed source offsets on ${offsets.length} partition(s)`;
        }
        const now = Date.now();
        if (now >= deadline) throw fail();
        if (now - lastProgress >= progressEveryMs) {
            lastProgress = now;
            opts.log?.(
                `waiting for connector "${name}" to ${sink ? "commit offsets" : "produce a record"} (${Math.round((now - started) / 1000)} s so far, gives up in ${Math.round((deadline - now) / 1000)} s)`,
            );
        }
        await sleep(Math.min(pollMs, Math.max(0, deadline - Date.now())));
    }
}
