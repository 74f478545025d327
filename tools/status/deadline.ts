/** Every call of `npm run status` is bounded: a read that does not finish in time is an error that says what to do. */
import { maskSecrets } from "../../components/providers/shared/mask";

/** Rejects with `<what> did not answer within N s: <hint>` when `work` takes longer than `ms`. */
export async function withDeadline<T>(work: Promise<T>, ms: number, what: string, hint: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
            () =>
                reject(
                    new Error(
                        `${what} did not answer within ${ms / 1000} s: ${hint} (raise --timeout on a slow network)`,
                    ),
                ),
            ms,
        );
    });
    try {
        return await Promise.race([work, timeout]);
    } finally {
        clearTimeout(timer);
    }
}

/** An error's message, one paragraph, secrets and URI passwords masked. */
export function describeError(e: unknown, secrets: readonly string[]): string {
    const err = e as { message?: string; errors?: unknown[]; cause?: unknown };
    let msg = err?.message ?? String(e);
    // Multi-errors (e.g. a refused connection tried on IPv4 and IPv6) say little on their own.
    const inner = Array.isArray(err?.errors) ? err.errors : err?.cause ? [err.cause] : [];
    const extra = inner.map((x) => (x as Error)?.message ?? String(x)).filter((m) => m && !msg.includes(m));
    if (extra.length) msg = `${msg} (${extra.join("; ")})`;
    return maskSecrets(msg.replace(/\s+/g, " ").trim(), secrets);
}
