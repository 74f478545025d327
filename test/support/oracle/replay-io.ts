/**
 * File plumbing between the oracle and the replay command
 * (`npm run --silent analytics:replay -- --bronze DIR --out OUT`, issue 4): bronze tables as
 * `DIR/mongo_ecom_<collection>.jsonl`, model outputs as `OUT/<model>.jsonl`.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { ModelName } from "./schema";
import type { BronzeRow, BronzeTables } from "./types";

const COLLECTIONS = ["customers", "products", "orders"] as const;

/** Path of one bronze table's file in a bronze directory. */
export function bronzeFile(dir: string, collection: (typeof COLLECTIONS)[number]): string {
    return path.join(dir, `mongo_ecom_${collection}.jsonl`);
}

/** Reads a JSONL file: one JSON object per non-empty line. Errors name the file and line. */
export function readJsonl(file: string): Record<string, unknown>[] {
    const rows: Record<string, unknown>[] = [];
    fs.readFileSync(file, "utf8")
        .split("\n")
        .forEach((line, i) => {
            if (line.trim() === "") return;
            try {
                rows.push(JSON.parse(line) as Record<string, unknown>);
            } catch (e) {
                throw new Error(`${file}:${i + 1}: ${(e as Error).message}`);
            }
        });
    return rows;
}

/** Writes bronze tables as the replay command reads them. */
export function writeBronzeDir(dir: string, tables: BronzeTables): void {
    fs.mkdirSync(dir, { recursive: true });
    for (const c of COLLECTIONS) {
        fs.writeFileSync(bronzeFile(dir, c), tables[c].map((r) => JSON.stringify(r)).join("\n") + "\n");
    }
}

/** Reads a bronze directory; a missing table file counts as an empty table. */
export function readBronzeDir(dir: string): BronzeTables {
    const read = (c: (typeof COLLECTIONS)[number]): BronzeRow[] =>
        fs.existsSync(bronzeFile(dir, c)) ? (readJsonl(bronzeFile(dir, c)) as unknown as BronzeRow[]) : [];
    return { customers: read("customers"), products: read("products"), orders: read("orders") };
}

/** Reads `OUT/<model>.jsonl`; throws naming the model when the replay did not write it. */
export function readModelOutput(outDir: string, model: ModelName): Record<string, unknown>[] {
    const file = path.join(outDir, `${model}.jsonl`);
    if (!fs.existsSync(file)) throw new Error(`the replay wrote no ${model}.jsonl in ${outDir}`);
    return readJsonl(file);
}

/** Outcome of one replay run. */
export interface ReplayRun {
    /** When the run started and ended (the models' `today()` lies between). */
    startedAt: Date;
    endedAt: Date;
}

/**
 * Runs the replay command from the repository root. Rejects with the command's exit code and
 * the tail of its output when it fails.
 */
export function runReplay(
    repoRoot: string,
    bronzeDir: string,
    outDir: string,
    timeoutMs = 20 * 60_000,
): Promise<ReplayRun> {
    const startedAt = new Date();
    return new Promise((resolve, reject) => {
        execFile(
            "npm",
            ["run", "--silent", "analytics:replay", "--", "--bronze", bronzeDir, "--out", outDir],
            { cwd: repoRoot, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: process.env },
            (error, stdout, stderr) => {
                if (error) {
                    const tail = `${stdout}\n${stderr}`.trim().split("\n").slice(-40).join("\n");
                    reject(
                        new Error(`analytics:replay failed (${error.code ?? error.signal ?? error.message}):\n${tail}`),
                    );
                } else {
                    resolve({ startedAt, endedAt: new Date() });
                }
            },
        );
    });
}

/** Sizes and seed of a generated history, as `simulateHistory` and the seed CLI take them. */
export interface EmitOptions {
    seed: number;
    customers: number;
    products: number;
    orders: number;
    changes: number;
}

/**
 * Runs the seed generator's bronze emitter
 * (`npm run --silent seed -- --emit bronze --out DIR ...`), which writes `DIR/mongo_ecom_*.jsonl`.
 */
export function runSeedEmitter(
    repoRoot: string,
    outDir: string,
    o: EmitOptions,
    timeoutMs = 5 * 60_000,
): Promise<void> {
    const args = ["run", "--silent", "seed", "--", "--emit", "bronze", "--out", outDir];
    for (const [flag, value] of Object.entries(o)) args.push(`--${flag}`, String(value));
    return new Promise((resolve, reject) => {
        execFile(
            "npm",
            args,
            { cwd: repoRoot, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
            (error, stdout, stderr) => {
                if (error)
                    reject(
                        new Error(
                            `seed --emit bronze failed (${error.code ?? error.signal ?? error.message}):\n${stdout}\n${stderr}`.trim(),
                        ),
                    );
                else resolve();
            },
        );
    });
}
