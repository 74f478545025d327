/**
 * Reading captured bronze rows from `DIR/mongo_ecom_<collection>.jsonl` (one JSON object per
 * line with the bronze columns of docs/data-contract.md §3, `_ingested_at` excluded: the engine stamps it).
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** The three bronze tables, in load order. */
export const BRONZE_TABLES = ["mongo_ecom_customers", "mongo_ecom_products", "mongo_ecom_orders"] as const;

/** Name of a bronze table. */
export type BronzeTable = (typeof BRONZE_TABLES)[number];

/** One bronze row as inserted. */
export interface BronzeInsertRow {
    raw_data: string;
    _topic: string;
    _partition: number;
    _offset: number;
    _key: string | null;
}

/** Thrown for a missing directory/file or a malformed line; the message names the file and line. */
export class BronzeFileError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "BronzeFileError";
    }
}

function isInteger(v: unknown): v is number {
    return typeof v === "number" && Number.isSafeInteger(v);
}

/** Validates one parsed line; `where` is `file:line` for messages. */
export function toBronzeRow(value: unknown, where: string): BronzeInsertRow {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        throw new BronzeFileError(`${where}: expected a JSON object per line`);
    }
    const o = value as Record<string, unknown>;
    if (typeof o.raw_data !== "string")
        throw new BronzeFileError(`${where}: raw_data must be a string (the record value as on the topic)`);
    if (typeof o._topic !== "string" || o._topic === "")
        throw new BronzeFileError(`${where}: _topic must be a non-empty string`);
    if (!isInteger(o._partition)) throw new BronzeFileError(`${where}: _partition must be an integer`);
    if (!isInteger(o._offset) || o._offset < 0)
        throw new BronzeFileError(`${where}: _offset must be a non-negative integer`);
    if (o._key !== undefined && o._key !== null && typeof o._key !== "string") {
        throw new BronzeFileError(`${where}: _key must be a string or null`);
    }
    return {
        raw_data: o.raw_data,
        _topic: o._topic,
        _partition: o._partition,
        _offset: o._offset,
        _key: (o._key as string | null | undefined) ?? null,
    };
}

/** Parses the text of one `.jsonl` file; blank lines are ignored. */
export function parseBronzeJsonl(text: string, file: string): BronzeInsertRow[] {
    const rows: BronzeInsertRow[] = [];
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
        const line = lines[i]!.trim();
        if (line === "") continue;
        let parsed: unknown;
        try {
            parsed = JSON.parse(line);
        } catch (e) {
            throw new BronzeFileError(`${file}:${i + 1}: not valid JSON (${(e as Error).message})`);
        }
        rows.push(toBronzeRow(parsed, `${file}:${i + 1}`));
    }
    return rows;
}

/** The path of each table's file in `dir`; throws when the directory or a file is missing. */
export function bronzeFilePaths(dir: string): Record<BronzeTable, string> {
    if (!fs.existsSync(dir)) throw new BronzeFileError(`bronze directory ${dir} does not exist`);
    if (!fs.statSync(dir).isDirectory()) throw new BronzeFileError(`bronze path ${dir} is not a directory`);
    const paths = {} as Record<BronzeTable, string>;
    const missing: string[] = [];
    for (const table of BRONZE_TABLES) {
        const file = path.join(dir, `${table}.jsonl`);
        if (!fs.existsSync(file)) missing.push(`${table}.jsonl`);
        paths[table] = file;
    }
    if (missing.length > 0) throw new BronzeFileError(`bronze directory ${dir} lacks ${missing.join(", ")}`);
    return paths;
}
