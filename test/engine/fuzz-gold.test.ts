/**
 * Fuzz test (issue 19, "no value can break gold"): fast-check generates change histories whose
 * fields take boundary and hostile values of every contract type (test/support/fuzz/), mixed
 * with valid events for the same documents; each batch goes into the live embedded engine in
 * one INSERT per bronze table, and after gold's own refresh (and up to three more when the first
 * leaves a mart a refresh behind another, which docs/analytics.md allows; printed as a lag):
 *   - every INSERT succeeded and every gold refresh succeeded;
 *   - `bronze_rejects` holds exactly the oracle's rejects of the batch (reason and raw text);
 *   - every silver and gold model equals the oracle of everything inserted so far.
 * One deploy serves every batch; each batch names only documents of its own run, so a failed
 * batch is "retired" (deleted, newer than anything generated) and shrinking goes on against a
 * healthy engine. Seeded: the seed is printed on every run, with the command that replays it.
 *   CDC_FUZZ_SEED=<int> CDC_FUZZ_RUNS=<n> [CDC_FUZZ_PATH=<path>] npm test -- test/engine/fuzz-gold.test.ts
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import fc from "fast-check";
import { dbtVenvProblem } from "../../components/providers/dbt/venv";
import { chdbProblem } from "../support/chdb";
import { requireTier } from "../support/tier";
import { batchArb, buildBatch, retireBatch, type BuiltBatch, type DocSpec } from "../support/fuzz/history";
import { FuzzEngine } from "../support/fuzz/live-engine";
import type { Collection } from "../support/oracle/documents";

/**
 * The seed `npm test` runs with unless CDC_FUZZ_SEED says otherwise (the day the fuzz test was written). With
 * the fuzz findings of issue 19 fixed (F5 depth, F7 `_event_timestamp_ms` beyond 2^53, F8 absent fields as NULL,
 * F9 ISO year 0000, F11 1E-6176) it passes, as do seeds 2 and 3; run others with CDC_FUZZ_SEED=<seed>, or
 * CDC_FUZZ_SEED=random CDC_FUZZ_RUNS=50 now and then.
 */
const DEFAULT_SEED = 20261207;
/** Batches per run in `npm test` (each ≈ 2 s: an INSERT per table, a refresh, the comparison). */
const DEFAULT_RUNS = 6;

function envInt(name: string, fallback: number): number {
    const v = process.env[name];
    if (v === undefined || v === "") return fallback;
    if (v === "random") return Math.floor(Math.random() * 2 ** 31);
    if (!/^-?\d+$/.test(v))
        throw new Error(`${name}=${JSON.stringify(v)}: expected an integer (or "random" for the seed)`);
    return Number(v);
}

const SEED = envInt("CDC_FUZZ_SEED", DEFAULT_SEED);
const RUNS = envInt("CDC_FUZZ_RUNS", DEFAULT_RUNS);
const PATH = process.env.CDC_FUZZ_PATH || undefined;
const TEST_FILE = "test/engine/fuzz-gold.test.ts";
const REPLAY = (seed: number, p?: string) =>
    `CDC_FUZZ_SEED=${seed} CDC_FUZZ_RUNS=${RUNS}${p ? ` CDC_FUZZ_PATH=${p}` : ""} npm test -- ${TEST_FILE}`;

/** Where failing batches are written (replay input). */
const DUMP_DIR = path.join(os.tmpdir(), "cdc-fuzz");

let engine: FuzzEngine | undefined;
after(async () => engine?.stop());

async function problem(): Promise<string | undefined> {
    return chdbProblem() ?? (await dbtVenvProblem());
}

/** Writes a batch as replay input (`npm run analytics:replay -- --bronze DIR`); returns DIR. */
function dumpBatch(seed: number, run: number, batch: BuiltBatch, report: string[]): string {
    const dir = path.join(DUMP_DIR, `seed-${seed}-run-${run}`);
    fs.mkdirSync(dir, { recursive: true });
    for (const c of ["customers", "products", "orders"] as Collection[]) {
        fs.writeFileSync(
            path.join(dir, `mongo_ecom_${c}.jsonl`),
            batch.rows[c].map((r) => `${JSON.stringify(r)}\n`).join(""),
        );
    }
    fs.writeFileSync(path.join(dir, "mismatches.txt"), `${report.join("\n\n")}\n`);
    return dir;
}

describe("fuzz: no bronze content breaks silver, gold or bronze_rejects (fast-check against the oracle)", () => {
    it("deploys the models once on empty bronze", async (t) => {
        if (!requireTier(t, "dbt", await problem())) return;
        engine = await FuzzEngine.start("ecom_fuzz", 1);
    });

    const title =
        `${RUNS} generated batches of hostile and valid events: ` +
        "INSERTs and refreshes succeed, every layer equals the oracle";
    it(title, async (t) => {
        if (!requireTier(t, "dbt", await problem())) return;
        assert.ok(engine, "the deploy failed");
        const e = engine;
        const banner = `fuzz seed ${SEED}, ${RUNS} runs; replay: ${REPLAY(SEED, PATH)}`;
        t.diagnostic(banner);
        process.stderr.write(`\n${banner}\n`);

        const nextOffset: Record<Collection, number> = { customers: 0, products: 0, orders: 0 };
        let run = 0;
        let healthy = true;
        let rowsInserted = 0;
        let firstFailure: { run: number; dir: string; error: string[] } | undefined;
        let lastFailure: { run: number; dir: string; error: string[] } | undefined;
        const ms = { insert: 0, refresh: 0, compare: 0 };
        /** Batches whose gold equalled the oracle only after a second refresh. */
        const lagged: string[] = [];
        const timed = async <T>(k: keyof typeof ms, f: () => Promise<T>): Promise<T> => {
            const t0 = Date.now();
            try {
                return await f();
            } finally {
                ms[k] += Date.now() - t0;
            }
        };

        const property = fc.asyncProperty(batchArb(), async (specs: DocSpec[]) => {
            fc.pre(healthy); // after an engine that could not be brought back, no later case can be judged
            run++;
            const batch = buildBatch(run, specs, nextOffset);
            let problems: string[];
            try {
                await timed("insert", () => e.insert(batch.rows));
                rowsInserted += Object.values(batch.rows).reduce((n, r) => n + r.length, 0);
                const started = new Date();
                await timed("refresh", () => e.refreshed());
                problems = await timed("compare", () => e.mismatches(batch.rows, [started, new Date()]));
                if (problems.length > 0) {
                    // A mart may be a refresh or more behind another (DEPENDS ON orders refreshes by schedule slot,
                    // and a loaded machine stretches them; docs/analytics.md: the lines "end up" right): judge after
                    // up to three more full refreshes, and print the lag.
                    let settled = problems;
                    for (let extra = 0; extra < 3 && settled.length > 0; extra++) {
                        await timed("refresh", () => e.refreshed());
                        settled = await timed("compare", () => e.mismatches(batch.rows, [started, new Date()]));
                    }
                    if (settled.length === 0)
                        lagged.push(
                            `run ${run}: ${problems
                                .map((p) => p.split("\n").slice(0, 3).join(" "))
                                .join("; ")
                                .slice(0, 400)}`,
                        );
                    problems = settled;
                }
            } catch (err) {
                problems = [(err as Error).message];
            }
            if (problems.length === 0) return;
            lastFailure = { run, dir: dumpBatch(SEED, run, batch, problems), error: problems };
            firstFailure ??= lastFailure;
            // bring the engine back: delete the batch's documents, and check that silver and gold agree again
            try {
                await e.insert(retireBatch(batch.ids, nextOffset));
                const started = new Date();
                await e.refreshed();
                const left = await e.mismatches({ customers: [], products: [], orders: [] }, [started, new Date()]);
                if (left.length > 0) throw new Error(`after the deletes: ${left.join("\n")}`);
            } catch (err) {
                healthy = false;
                problems.push(
                    "(deleting the batch's documents did not bring the engine back, later cases are skipped: " +
                        `${(err as Error).message})`,
                );
            }
            throw new Error(problems.join("\n"));
        });

        const result = await fc.check(property, {
            seed: SEED,
            numRuns: RUNS,
            path: PATH,
            interruptAfterTimeLimit: (RUNS * 20 + 240) * 1000,
        });
        t.diagnostic(
            `${run} batches, ${rowsInserted} bronze rows inserted, ${result.numShrinks} shrinks; ` +
                `ms: ${JSON.stringify(ms)}`,
        );
        for (const l of lagged) t.diagnostic(`gold equal to the oracle only after a second refresh: ${l}`);
        if (!result.failed) {
            assert.ok(!result.interrupted || run >= RUNS, `interrupted after ${run} of ${RUNS} batches`);
            return;
        }
        assert.fail(
            [
                `fuzz seed ${result.seed} failed (after ${result.numRuns} batches, shrunk ${result.numShrinks} times).`,
                `replay: ${REPLAY(result.seed, result.counterexamplePath ?? undefined)}`,
                `each failing batch's bronze rows and mismatches are in ${DUMP_DIR}/seed-${SEED}-run-N`,
                `  (replay one alone: npm run analytics:replay -- --bronze DIR --out OUT)`,
                `first failure (run ${firstFailure?.run}):`,
                ...(firstFailure?.error ?? []),
                `smallest failure (run ${lastFailure?.run}, ${lastFailure?.dir}):`,
                ...(lastFailure?.error ?? [String(result.errorInstance)]),
            ].join("\n"),
        );
    });
});
