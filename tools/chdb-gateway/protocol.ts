/** What the gateway's parent and its child process agree on. */

/** Configuration handed to the child in the `CHDB_GATEWAY_CONFIG` environment variable (JSON). */
export interface ServerConfig {
    /** Engine data directory (created if missing). */
    dataDir: string;
    /** The one accepted user. */
    user: string;
    /** Its password ('' for none). */
    password: string;
    /** Port on 127.0.0.1; 0 for an ephemeral one. */
    port: number;
    /** Remove `dataDir` when the child exits (set when the parent made a temp dir). */
    removeDataDirOnExit: boolean;
    /** Serve HTTPS with this PEM certificate (chain) and key, read from files; absent = plain HTTP. */
    tls?: GatewayTls;
    /**
     * A local disk `backups` at this directory, allowed for `BACKUP … TO Disk('backups', …)` and
     * `File(…)` under it (the engine's `backups.allowed_disk` / `allowed_path`); absent = none.
     */
    backupsDir?: string;
    /**
     * Settings of every INSERT that carries its rows (`INSERT … FORMAT X` / `VALUES` with data), as
     * a server's profile would give them: a setting the request names, or its session has SET, wins.
     */
    insertSettings: Record<string, string>;
}

/** The gateway's TLS certificate and key, as PEM files (test-only TLS termination). */
export interface GatewayTls {
    /** PEM certificate, optionally followed by its chain. */
    certFile: string;
    /** PEM private key. */
    keyFile: string;
}

/** Environment variable carrying the {@link ServerConfig}. */
export const CONFIG_ENV = "CHDB_GATEWAY_CONFIG";

/** Start of the one line the child prints on stdout once it listens: `<marker> {"port":N,...}`. */
export const READY_MARKER = "CHDB_GATEWAY_READY";

/**
 * Start of the line the child prints on stdout when it cannot start for a known reason, before it
 * exits: `<marker> {"code":"EADDRINUSE","message":"..."}` (`code`: the Node error code).
 */
export const FAILED_MARKER = "CHDB_GATEWAY_FAILED";
