/**
 * HTTP sessions (`session_id`): one engine connection per session, so `SET`, `USE` and
 * temporary tables persist across its requests, closed after `session_timeout` seconds idle.
 * Requests of one session run one at a time, in arrival order (ClickHouse would answer
 * SESSION_IS_LOCKED to a concurrent one; queueing is kinder and changes no result).
 */
import type { Connection, Engine } from "./engine";
import { Codes, GatewayError } from "./errors";

/** A live session. */
export interface SessionState {
    readonly id: string;
    readonly conn: Connection;
    /** The database the session is in (changed by `USE`). */
    currentDatabase: string;
    timeoutMs: number;
    timer?: NodeJS.Timeout;
    queue: Promise<unknown>;
}

/** The sessions of one gateway. */
export class Sessions {
    private readonly map = new Map<string, SessionState>();

    constructor(private readonly engine: Engine) {}

    /**
     * Runs `work` inside session `id` (created unless `check` demands it exists), then re-arms
     * the idle timer, or closes the session when `close` is set.
     */
    run<T>(
        id: string,
        opts: { timeoutSec?: number; check?: boolean; close?: boolean },
        work: (s: SessionState) => Promise<T>,
    ): Promise<T> {
        let s = this.map.get(id);
        if (!s) {
            if (opts.check) throw new GatewayError(Codes.SESSION_NOT_FOUND, `Session ${id} not found`);
            s = {
                id,
                conn: this.engine.connect(),
                currentDatabase: "default",
                timeoutMs: 60_000,
                queue: Promise.resolve(),
            };
            this.map.set(id, s);
        }
        const session = s;
        if (opts.timeoutSec !== undefined && Number.isFinite(opts.timeoutSec) && opts.timeoutSec >= 0) {
            session.timeoutMs = Math.min(opts.timeoutSec, 3600) * 1000;
        }
        if (session.timer) clearTimeout(session.timer);
        const result = session.queue.then(() => work(session));
        session.queue = result.then(
            () => undefined,
            () => undefined,
        );
        void session.queue.then(() => {
            if (this.map.get(id) !== session) return;
            if (opts.close) return this.close(id);
            if (session.timer) clearTimeout(session.timer);
            session.timer = setTimeout(() => this.close(id), session.timeoutMs);
            session.timer.unref();
        });
        return result;
    }

    /** Closes one session. */
    close(id: string): void {
        const s = this.map.get(id);
        if (!s) return;
        this.map.delete(id);
        if (s.timer) clearTimeout(s.timer);
        void s.queue.then(() => s.conn.close());
    }

    /** Closes every session. */
    closeAll(): void {
        for (const id of [...this.map.keys()]) this.close(id);
    }
}
