/**
 * A one-line progress bar on stderr, drawn only when stderr is a terminal (pipes and CI logs
 * get the final summary only).
 */

/** Something that draws progress. */
export interface Progress {
    update(done: number, label: string): void;
    done(): void;
}

/** A bar for `total` units on `stream`; a no-op when the stream is not a TTY. */
export function progressBar(total: number, stream: NodeJS.WriteStream = process.stderr, width = 30): Progress {
    if (!stream.isTTY || total <= 0) return { update: () => undefined, done: () => undefined };
    const started = performance.now();
    let lastDraw = 0;
    const draw = (done: number, label: string) => {
        const frac = Math.min(1, done / total);
        const filled = Math.round(frac * width);
        const secs = (performance.now() - started) / 1000;
        const rate = secs > 0 ? Math.round(done / secs) : 0;
        stream.write(
            `\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% ${done}/${total} ${label} ${rate} docs/s\x1b[K`,
        );
    };
    let last = { done: 0, label: "" };
    return {
        update(done, label) {
            last = { done, label };
            const now = performance.now();
            if (now - lastDraw >= 100 || done >= total) {
                lastDraw = now;
                draw(done, label);
            }
        },
        done() {
            draw(last.done, last.label);
            stream.write("\n");
        },
    };
}
