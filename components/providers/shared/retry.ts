/**
 * Bounded exponential backoff for the dynamic providers' HTTP calls.
 *
 * Pure and dependency-free so it survives `pulumi.runtime.serializeFunction`: the policy is a
 * plain object of numbers, and the sleep is injectable so unit tests run without waiting.
 */

/** How often and how long to retry a transient failure. */
export interface RetryPolicy {
    /** Retries after the first attempt (so at most `retries + 1` attempts). Default 6. */
    retries: number;
    /** Delay before the first retry, in milliseconds. Default 250. */
    baseDelayMs: number;
    /** Upper bound of any single delay, in milliseconds. Default 5000. */
    maxDelayMs: number;
}

/**
 * The defaults used against a real Kafka Connect worker: at most 7 attempts with 12.75 s of
 * waiting between them, plus the time each attempt takes (bounded by the caller's per-request
 * timeout). Callers also pass an overall deadline, which ends the retries sooner.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 6, baseDelayMs: 250, maxDelayMs: 5000 };

/** Fills the unset fields of a partial policy from {@link DEFAULT_RETRY_POLICY} and checks them. */
export function resolveRetryPolicy(partial?: Partial<RetryPolicy>): RetryPolicy {
    const p = { ...DEFAULT_RETRY_POLICY, ...(partial ?? {}) };
    if (!Number.isInteger(p.retries) || p.retries < 0)
        throw new Error(`retry.retries must be an integer >= 0, got ${p.retries}`);
    if (!(p.baseDelayMs >= 0)) throw new Error(`retry.baseDelayMs must be >= 0, got ${p.baseDelayMs}`);
    if (!(p.maxDelayMs >= p.baseDelayMs))
        throw new Error(`retry.maxDelayMs must be >= baseDelayMs, got ${p.maxDelayMs}`);
    return p;
}

/** Delay before retry number `attempt` (1-based): base × 2^(attempt−1), capped at maxDelayMs. */
export function backoffDelayMs(policy: RetryPolicy, attempt: number): number {
    return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
}

/**
 * Runs `fn` until it succeeds, `isRetryable(error)` says no, the policy's retries are used up,
 * or the next attempt could not start before `deadline` (epoch ms; none when undefined); then
 * rethrows the last error. `onRetry` sees each retried error (for logging).
 */
export async function withRetry<T>(
    fn: (attempt: number) => Promise<T>,
    isRetryable: (error: unknown) => boolean,
    policy: RetryPolicy,
    onRetry?: (error: unknown, attempt: number, delayMs: number) => void,
    sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    deadline?: number,
): Promise<T> {
    for (let attempt = 0; ; attempt++) {
        try {
            return await fn(attempt);
        } catch (error) {
            if (attempt >= policy.retries || !isRetryable(error)) throw error;
            const delay = backoffDelayMs(policy, attempt + 1);
            if (deadline !== undefined && Date.now() + delay >= deadline) throw error;
            onRetry?.(error, attempt + 1, delay);
            await sleep(delay);
        }
    }
}
