/**
 * Kafka Connect REST calls of a connector's lifecycle: pause, resume and stop (Kafka 3.5+),
 * active topics (KIP-558) and offsets (KIP-875: GET 3.5+,
 * DELETE 3.6+). Each one goes through {@link connectRequest}, so it is retried and bounded like
 * every other call; a worker that lacks an endpoint says so in a message naming the version.
 */
import { connectRequest, ConnectHttpError, type ConnectCallOptions } from "./connectClient";

const enc = encodeURIComponent;

/** Rethrows a 404/405 on an endpoint as "this worker is too old", with the Kafka version needed. */
async function needsVersion<T>(
    what: string,
    version: string,
    call: () => Promise<{ status: number; data: T }>,
): Promise<T> {
    const res = await call();
    if (res.status === 405 || (res.status === 404 && !/connector .* not found/i.test(JSON.stringify(res.data ?? "")))) {
        throw new ConnectHttpError(
            `${what}: this Kafka Connect worker has no such endpoint (HTTP ${res.status}); it needs Kafka ${version} or later`,
            res.status,
            undefined,
            false,
        );
    }
    if (res.status === 404)
        throw new ConnectHttpError(`${what}: the connector does not exist (HTTP 404)`, 404, undefined, false);
    return res.data;
}

/** `PUT /connectors/{name}/pause`: tasks stop processing; the connector keeps its resources. */
export async function pauseConnector(opts: ConnectCallOptions, name: string): Promise<void> {
    await connectRequest(opts, "PUT", `/connectors/${enc(name)}/pause`);
}

/** `PUT /connectors/{name}/resume`: a PAUSED or STOPPED connector runs again. */
export async function resumeConnector(opts: ConnectCallOptions, name: string): Promise<void> {
    await connectRequest(opts, "PUT", `/connectors/${enc(name)}/resume`);
}

/** `PUT /connectors/{name}/stop` (Kafka 3.5+): connector and tasks shut down, config and offsets kept. */
export async function stopConnector(opts: ConnectCallOptions, name: string): Promise<void> {
    await needsVersion(`stopping connector "${name}"`, "3.5", () =>
        connectRequest(opts, "PUT", `/connectors/${enc(name)}/stop`, undefined, [404, 405]),
    );
}

/**
 * `GET /connectors/{name}/topics` (KIP-558): the topics the connector has produced to (source)
 * or consumed from (sink) since it was created or the set was reset. Undefined when the worker
 * does not track them (endpoint missing or `topic.tracking.enable=false`).
 */
export async function getActiveTopics(opts: ConnectCallOptions, name: string): Promise<string[] | undefined> {
    const res = await connectRequest<Record<string, { topics?: string[] }>>(
        opts,
        "GET",
        `/connectors/${enc(name)}/topics`,
        undefined,
        [400, 403, 404, 405],
    );
    if (res.status >= 400) return undefined;
    return res.data?.[name]?.topics ?? [];
}

/**
 * `PUT /connectors/{name}/topics/reset` (KIP-558): forgets the active topics, so readiness judges
 * the connector afresh. Best effort: false when the worker does not allow it.
 */
export async function resetActiveTopics(opts: ConnectCallOptions, name: string): Promise<boolean> {
    const res = await connectRequest(
        opts,
        "PUT",
        `/connectors/${enc(name)}/topics/reset`,
        undefined,
        [400, 403, 404, 405],
    );
    return res.status < 400;
}

/** One committed offset, as `GET /connectors/{name}/offsets` lists it. */
export interface ConnectorOffset {
    partition: Record<string, unknown>;
    offset: Record<string, unknown> | null;
}

/**
 * `GET /connectors/{name}/offsets` (Kafka 3.5+): a source's committed source offsets, or a sink's
 * consumer-group offsets. Undefined when the worker lacks the endpoint.
 */
export async function getOffsets(opts: ConnectCallOptions, name: string): Promise<ConnectorOffset[] | undefined> {
    const res = await connectRequest<{ offsets?: ConnectorOffset[] }>(
        opts,
        "GET",
        `/connectors/${enc(name)}/offsets`,
        undefined,
        [404, 405],
    );
    if (res.status >= 400) return undefined;
    return res.data?.offsets ?? [];
}

/**
 * `DELETE /connectors/{name}/offsets` (Kafka 3.6+; the connector must be STOPPED): a sink's
 * consumer group and a source's offsets are reset, so the next run starts from the beginning.
 */
export async function deleteOffsets(opts: ConnectCallOptions, name: string): Promise<void> {
    await needsVersion(`resetting the offsets of connector "${name}"`, "3.6", () =>
        connectRequest(opts, "DELETE", `/connectors/${enc(name)}/offsets`, undefined, [404, 405]),
    );
}

/**
 * `PATCH /connectors/{name}/offsets` (Kafka 3.6+; the connector must be STOPPED): sets the given
 * partitions' offsets, e.g. a sink's `{ kafka_topic, kafka_partition }` → `{ kafka_offset }` (the
 * next offset it reads); partitions not listed keep theirs.
 */
export async function patchOffsets(opts: ConnectCallOptions, name: string, offsets: ConnectorOffset[]): Promise<void> {
    await needsVersion(`setting the offsets of connector "${name}"`, "3.6", () =>
        connectRequest(opts, "PATCH", `/connectors/${enc(name)}/offsets`, { offsets }, [404, 405]),
    );
}
