/**
 * The bronze emitter: streams a generated history into
 * `DIR/mongo_ecom_{customers,products,orders}.jsonl`, one bronze row per line
 * (`{"raw_data":…,"_topic":…,"_partition":0,"_offset":…,"_key":…}`).
 *
 * Files are written as `.<name>.partial` and renamed only when all three are complete, so a
 * failure never leaves a file that looks finished; the error says what was written.
 */
import { once } from "node:events";
import { createWriteStream, promises as fsp, type WriteStream } from "node:fs";
import { join } from "node:path";
import { HistoryGenerator } from "./history";
import { COLLECTIONS, type CollectionName, type HistoryOptions } from "./model";

/** File name of a bronze table's rows: `mongo_ecom_<collection>.jsonl`. */
export function bronzeFileName(collection: CollectionName): string {
    return `mongo_ecom_${collection}.jsonl`;
}

/** What the emitter wrote. */
export interface EmitSummary {
    files: { collection: CollectionName; path: string; rows: number; bytes: number }[];
    snapshotRows: number;
    changeRows: number;
    seconds: number;
}

/** An emitter failure, with what had been written before it. */
export class EmitError extends Error {
    constructor(
        message: string,
        readonly partial: { collection: CollectionName; rows: number }[],
    ) {
        super(message);
        this.name = "EmitError";
    }
}

const CHUNK = 1 << 16;

class ChunkedFile {
    rows = 0;
    bytes = 0;
    private buf = "";
    constructor(readonly stream: WriteStream) {}

    async push(line: string): Promise<void> {
        this.buf += line;
        this.rows++;
        if (this.buf.length >= CHUNK) await this.flush();
    }

    async flush(): Promise<void> {
        if (this.buf.length === 0) return;
        const data = this.buf;
        this.buf = "";
        this.bytes += Buffer.byteLength(data);
        if (!this.stream.write(data)) await once(this.stream, "drain");
    }

    async close(): Promise<void> {
        await this.flush();
        this.stream.end();
        await once(this.stream, "finish");
    }
}

/**
 * Writes the bronze files of the history `options` into `outDir` (created if missing).
 * Byte-identical output for identical options.
 * @throws EmitError when writing fails (the partial files are removed).
 */
export async function emitBronze(
    options: HistoryOptions,
    outDir: string,
    clock: () => number = () => performance.now(),
): Promise<EmitSummary> {
    const started = clock();
    const files = new Map<CollectionName, ChunkedFile>();
    const partialPath = (c: CollectionName) => join(outDir, `.${bronzeFileName(c)}.partial`);
    let snapshotRows = 0;
    let changeRows = 0;
    try {
        await fsp.mkdir(outDir, { recursive: true });
        for (const c of COLLECTIONS) {
            const stream = createWriteStream(partialPath(c));
            stream.on("error", () => undefined); // surfaced through the awaited operations below
            files.set(c, new ChunkedFile(stream));
        }
        const gen = new HistoryGenerator(options);
        for (const { collection, row, mutation } of gen.rows()) {
            if (mutation) changeRows++;
            else snapshotRows++;
            await (files.get(collection) as ChunkedFile).push(JSON.stringify(row) + "\n");
        }
        for (const f of files.values()) await f.close();
        for (const c of COLLECTIONS) await fsp.rename(partialPath(c), join(outDir, bronzeFileName(c)));
    } catch (e) {
        const partial = COLLECTIONS.map((c) => ({ collection: c, rows: files.get(c)?.rows ?? 0 }));
        for (const f of files.values()) f.stream.destroy();
        await Promise.all(COLLECTIONS.map((c) => fsp.rm(partialPath(c), { force: true }).catch(() => undefined)));
        const done = partial.map((p) => `${p.collection} ${p.rows} rows`).join(", ");
        throw new EmitError(
            `writing bronze files to ${outDir} failed: ${(e as Error).message}. Rows generated before the failure: ${done}; ` +
                `the partial files were removed (any mongo_ecom_*.jsonl already in ${outDir} is from an earlier run).`,
            partial,
        );
    }
    return {
        files: COLLECTIONS.map((c) => {
            const f = files.get(c) as ChunkedFile;
            return { collection: c, path: join(outDir, bronzeFileName(c)), rows: f.rows, bytes: f.bytes };
        }),
        snapshotRows,
        changeRows,
        seconds: (clock() - started) / 1000,
    };
}
