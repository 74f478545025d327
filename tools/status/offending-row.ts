/**
 * When a gold refresh failed, the silver row behind it. ClickHouse's errors (`Decimal math
 * overflow`, a conversion that throws) name neither the row nor its document, so status finds it:
 * each view over a silver base table is read with every column computed; one that fails is
 * bisected on the base table's sort key (its document id) until one document is left, and that
 * document's current row in the base table gives the bronze coordinates of the event it came from.
 * About 2·log₂(documents) small queries, run only after a failed refresh.
 */

/** The row a failing silver view stops on. */
export interface OffendingRow {
    view: string;
    /** The id column and value of the document. */
    key: string;
    id: string;
    /** The bronze row whose event gave the document its current state. */
    topic: string;
    partition: number;
    offset: number;
    /** The first line of the error reading it. */
    error: string;
}

/** Runs one read-only query (JSONEachRow); throws ClickHouse's error. */
export type Query = <R>(what: string, sql: string, params?: Record<string, unknown>) => Promise<R[]>;

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_ROUNDS = 64;

/** The offending row of every failing view over `baseTables` (none when every view reads). */
export async function findOffendingRows(query: Query, database: string, baseTables: string[]): Promise<OffendingRow[]> {
    const q = (name: string) => `\`${database.replace(/`/g, "``")}\`.\`${name.replace(/`/g, "``")}\``;
    const tables = await query<{ name: string; engine: string; sorting_key: string; create_table_query: string }>(
        "offending row: tables",
        "SELECT name, engine, sorting_key, create_table_query FROM system.tables WHERE database = {db:String}",
        { db: database },
    );
    const columns = await query<{ table: string; name: string }>(
        "offending row: columns",
        "SELECT table, name FROM system.columns WHERE database = {db:String}",
        { db: database },
    );
    const found: OffendingRow[] = [];
    for (const base of baseTables) {
        const key = tables.find((t) => t.name === base)?.sorting_key ?? "";
        if (!IDENT.test(key) || !IDENT.test(base)) continue;
        const views = tables.filter(
            (t) =>
                t.engine === "View" &&
                new RegExp(`\\b${base}\\b`).test(t.create_table_query) &&
                columns.some((c) => c.table === t.name && c.name === key),
        );
        for (const view of views) {
            const row = await bisect(query, q(view.name), key);
            if (!row) continue;
            const [at] = await query<{ topic: string; partition: number; offset: number }>(
                "offending row: coordinates",
                `SELECT _topic AS topic, _partition AS partition, _offset AS offset FROM ${q(base)} FINAL WHERE ${key} = {id:String} LIMIT 1`,
                { id: row.id },
            );
            if (at)
                found.push({
                    view: view.name,
                    key,
                    id: row.id,
                    topic: at.topic,
                    partition: Number(at.partition),
                    offset: Number(at.offset),
                    error: row.error,
                });
        }
    }
    return found;
}

/** The id of one document whose row of `view` cannot be computed, with the error; undefined when the view reads. */
async function bisect(query: Query, view: string, key: string): Promise<{ id: string; error: string } | undefined> {
    const range = (lo: string | null, hi: string | null) =>
        [lo === null ? "1" : `${key} > {lo:String}`, hi === null ? "1" : `${key} <= {hi:String}`].join(" AND ");
    const params = (lo: string | null, hi: string | null) => ({
        ...(lo === null ? {} : { lo }),
        ...(hi === null ? {} : { hi }),
    });
    const failure = async (lo: string | null, hi: string | null): Promise<string | undefined> => {
        try {
            await query(
                "offending row: read",
                `SELECT count() AS n FROM (SELECT * FROM ${view} WHERE ${range(lo, hi)}) WHERE NOT ignore(*)`,
                params(lo, hi),
            );
            return undefined;
        } catch (e) {
            return ((e as Error).message ?? String(e)).split("\n")[0]!;
        }
    };
    let error = await failure(null, null);
    if (error === undefined) return undefined;
    let lo: string | null = null;
    let hi: string | null = null;
    for (let round = 0; round < MAX_ROUNDS; round++) {
        const [c] = await query<{ n: number }>(
            "offending row: count",
            `SELECT uniqExact(${key}) AS n FROM (SELECT ${key} FROM ${view} WHERE ${range(lo, hi)})`,
            params(lo, hi),
        );
        const n = Number(c?.n ?? 0);
        const rows: { id: string }[] = await query<{ id: string }>(
            "offending row: middle",
            `SELECT DISTINCT toString(${key}) AS id FROM ${view} WHERE ${range(lo, hi)} ORDER BY id LIMIT 1 OFFSET ${Math.max(0, Math.floor((n - 1) / 2))}`,
            params(lo, hi),
        );
        const mid: string | undefined = rows[0]?.id;
        if (mid === undefined) return undefined;
        if (n <= 1) return { id: mid, error };
        const left: string | undefined = await failure(lo, mid);
        if (left !== undefined) [hi, error] = [mid, left];
        else lo = mid;
    }
    return undefined;
}
