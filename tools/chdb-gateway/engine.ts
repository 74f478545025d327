/**
 * The ClickHouse engine behind the gateway: npm `chdb` bound to one data directory. Every
 * `Connection` is its own chdb connection on that directory (its own current database,
 * settings and temporary tables), so an HTTP session maps onto one connection and a
 * sessionless request onto a fresh one.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Session } from "chdb";

/** What the native addon returns for a query. */
export interface NativeResult {
    bytes: Uint8Array;
    elapsed: number;
    rowsRead: number;
    bytesRead: number;
}

/** What the native addon returns for a raw insert. */
export interface NativeInsertResult {
    rowsWritten: number;
    bytesWritten: number;
    elapsed: number;
}

interface NativeAddon {
    QueryAsyncConnection(
        conn: unknown,
        sql: string,
        format: string,
        bound?: Record<string, string>,
    ): Promise<NativeResult>;
    InsertRawAsyncConnection(
        conn: unknown,
        prefix: string,
        data: Buffer,
        countLines: boolean,
    ): Promise<NativeInsertResult>;
}

// chdb's public API whitelists text formats for raw inserts; the addon underneath takes any
// `INSERT ... FORMAT X` prefix with a byte payload, which is what binary formats need.
// chdb is pinned (3.4.0); its loader is not in the package's export map, hence the path.
function loadNative(): NativeAddon {
    const dir = path.dirname(require.resolve("chdb"));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loader = require(path.join(dir, "dist", "loader.js")) as { loadNative(): NativeAddon };
    return loader.loadNative();
}

const native = loadNative();

// chdb serialises parameter-bound queries process-wide; do the same.
let bindChain: Promise<unknown> = Promise.resolve();

/** One engine connection. */
export class Connection {
    private readonly session: Session;

    constructor(dataDir: string, configFile?: string) {
        // chdb turns on `implicit_select` (a bare `1 + 1` is a query); clickhouse-server does not.
        const args = ["--implicit_select=0", ...(configFile ? [`--config-file=${configFile}`] : [])];
        this.session = new Session(dataDir, { connectionArgs: args });
    }

    /** Runs one statement; `params` are `{name:Type}` bindings in ClickHouse's escaped text form. */
    query(sql: string, format: string, params?: Record<string, string>): Promise<NativeResult> {
        const conn = this.session.connection;
        if (params && Object.keys(params).length > 0) {
            const run = bindChain.then(() => native.QueryAsyncConnection(conn, sql, format, params));
            bindChain = run.catch(() => undefined);
            return run;
        }
        return native.QueryAsyncConnection(conn, sql, format);
    }

    /** Runs `INSERT ... FORMAT X` (the `head`) with `data` as its payload. */
    insert(head: string, data: Buffer): Promise<NativeInsertResult> {
        return native.InsertRawAsyncConnection(this.session.connection, head, data, false);
    }

    /** Runs a statement and returns its TSV output as text. */
    async text(sql: string): Promise<string> {
        const r = await this.query(sql, "TabSeparated");
        return Buffer.from(r.bytes).toString("utf8");
    }

    /** Releases the connection (never throws). */
    close(): void {
        this.session.close();
    }
}

/** The engine for one data directory, with a long-lived connection that keeps it loaded. */
export class Engine {
    private readonly main: Connection;
    /** `version()` of the engine. */
    version = "";
    /** Server time zone (`timezone()`). */
    timezone = "UTC";
    /** Exception code → name, from the engine's own `errorCodeToName`. */
    readonly errorNames = new Map<number, string>();

    /** The engine config file giving the backups disk, when there is one. */
    private readonly configFile?: string;

    constructor(
        readonly dataDir: string,
        backupsDir?: string,
    ) {
        this.configFile = backupsDir === undefined ? undefined : writeBackupsConfig(dataDir, backupsDir);
        this.main = new Connection(dataDir, this.configFile);
    }

    /** Reads version, time zone and the error-name table. */
    async init(): Promise<void> {
        await atomicDefaultDatabase(this.main, this.dataDir);
        const [v, tz] = (await this.main.text("SELECT version(), timezone()")).trim().split("\t");
        this.version = v;
        this.timezone = tz;
        const rows = await this.main.text(
            "SELECT number, errorCodeToName(number) AS n FROM numbers(2000) WHERE n != ''",
        );
        for (const line of rows.split("\n")) {
            const [code, name] = line.split("\t");
            if (name) this.errorNames.set(Number(code), name);
        }
    }

    /** A new connection on the same data directory. */
    connect(): Connection {
        return new Connection(this.dataDir, this.configFile);
    }

    /** Closes the long-lived connection. */
    close(): void {
        this.main.close();
    }
}

/** The disk name `BACKUP … TO Disk(…)` uses on a gateway started with `backupsDir`. */
export const BACKUPS_DISK = "backups";

/**
 * Writes the engine config (XML, next to the data) that declares the local disk `backups` at
 * `backupsDir` and allows it and the directory for BACKUP/RESTORE, as a server's
 * `storage_configuration` and `backups.allowed_disk`/`allowed_path` do; returns its path.
 */
export function writeBackupsConfig(dataDir: string, backupsDir: string): string {
    fs.mkdirSync(backupsDir, { recursive: true });
    const dir = path.resolve(backupsDir) + "/";
    if (/[<>&"']/.test(dir)) throw new Error(`backupsDir ${JSON.stringify(dir)} must not hold <, >, &, " or '`);
    const file = path.join(dataDir, ".chdb-gateway-config.xml");
    fs.writeFileSync(
        file,
        [
            "<clickhouse>",
            `  <storage_configuration><disks><${BACKUPS_DISK}><type>local</type><path>${dir}</path>` +
                `</${BACKUPS_DISK}></disks></storage_configuration>`,
            `  <backups><allowed_disk>${BACKUPS_DISK}</allowed_disk><allowed_path>${dir}</allowed_path></backups>`,
            "</clickhouse>",
            "",
        ].join("\n"),
    );
    return file;
}

/**
 * Makes the `default` database `Atomic`, as on a ClickHouse server. chdb creates it with its own
 * `Overlay` engine, which refreshable materialized views (the gold layer) do not support: an
 * empty `Overlay` default is dropped and re-created as `Atomic`. chdb also wraps an `Atomic`
 * default it finds on disk (a data directory used before) in `Overlay` again when it opens the
 * directory; that one is detached and attached again, which opens it as the `Atomic` database its
 * metadata declares, every table and view in it as it was. A non-empty default whose metadata is
 * no `Atomic` database (made by chdb itself) is left alone.
 */
export async function atomicDefaultDatabase(conn: Connection, dataDir: string): Promise<void> {
    const [engine, tables] = (
        await conn.text(
            "SELECT engine, (SELECT count() FROM system.tables WHERE database = 'default') FROM system.databases WHERE name = 'default'",
        )
    )
        .trim()
        .split("\t");
    if (engine === "Atomic" || engine === undefined || engine === "") return;
    if (Number(tables) === 0) {
        await conn.text("DROP DATABASE default");
        await conn.text("CREATE DATABASE default ENGINE = Atomic");
    } else if (onDiskEngine(dataDir, "default") === "Atomic") {
        await conn.text("USE system");
        await conn.text("DETACH DATABASE default");
        await conn.text("ATTACH DATABASE default");
        await conn.text("USE default");
    }
}

/** The engine a database's metadata file (`metadata/<name>.sql`) declares, if any. */
function onDiskEngine(dataDir: string, name: string): string | undefined {
    try {
        return /\bENGINE\s*=\s*(\w+)/.exec(fs.readFileSync(path.join(dataDir, "metadata", `${name}.sql`), "utf8"))?.[1];
    } catch {
        return undefined;
    }
}
