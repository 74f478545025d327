/**
 * End to end from change events: bronze rows → replay command (embedded ClickHouse + real dbt
 * build) → every silver and gold model, compared as row sets with the independent TypeScript
 * oracle of docs/data-contract.md computed from the same rows.
 *
 * Inputs: the seed CLI's bronze emitter (≥ 10k orders with updates and deletes), the
 * hand-written edge-case fixtures in test/fixtures/bronze-edge/, and the oracle's own boundary
 * history (every bucket boundary and delivery anomaly the contract names).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it, type TestContext } from "node:test";
import { dbtVenvProblem } from "../../components/providers/dbt/venv";
import { simulateHistory } from "../../seed/index";
import { compareModel } from "../support/compare";
import { computeGold, foldBronze, MODEL_NAMES, type BronzeTables, type ModelName } from "../support/oracle";
import {
    readBronzeDir,
    readModelOutput,
    runReplay,
    runSeedEmitter,
    writeBronzeDir,
    type ReplayRun,
} from "../support/oracle/replay-io";
import { boundaryWorld } from "../support/oracle/boundary-world";
import { diffAgainstSeedState } from "../support/oracle/seed-state";
import { requireTier } from "../support/tier";

const REPO = path.resolve(__dirname, "../..");
const EDGE_DIR = path.join(REPO, "test/fixtures/bronze-edge");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "gold-vs-oracle-"));
after(() => fs.rmSync(work, { recursive: true, force: true }));

/** What stops the dbt tier here, or undefined when dbt and the replay command are usable. */
async function dbtTierProblem(): Promise<string | undefined> {
    if (!fs.existsSync(path.join(REPO, "tools/analytics/replay.ts"))) {
        return "the replay command (tools/analytics/replay.ts, `npm run analytics:replay`) is missing";
    }
    return dbtVenvProblem();
}

interface Replayed {
    bronze: BronzeTables;
    outDir: string;
    run: ReplayRun;
}

/** Runs the replay once per input, on first use, and shares the result between the tests. */
function replayOnce(
    name: string,
    bronze: () => Promise<{ dir: string; tables: BronzeTables }>,
): () => Promise<Replayed> {
    let pending: Promise<Replayed> | undefined;
    return () => {
        pending ??= (async () => {
            const { dir, tables } = await bronze();
            const outDir = path.join(work, `${name}-out`);
            const run = await runReplay(REPO, dir, outDir);
            return { bronze: tables, outDir, run };
        })();
        return pending;
    };
}

/**
 * Compares one model of a replay with the oracle. `today()` of the dbt run lies between the
 * run's start and end; when those fall on different UTC days either oracle may match.
 */
function assertModelMatches(model: ModelName, r: Replayed): void {
    const actual = readModelOutput(r.outDir, model);
    const docs = foldBronze(r.bronze);
    const days = [...new Set([r.run.startedAt, r.run.endedAt].map((d) => d.toISOString().slice(0, 10)))];
    const results = days.map((day) =>
        compareModel(model, computeGold(docs, new Date(`${day}T12:00:00Z`))[model], actual),
    );
    const match = results.find((res) => res.equal);
    assert.ok(match !== undefined, results.map((res) => res.report).join("\n\n"));
}

async function gate(t: TestContext): Promise<boolean> {
    return requireTier(t, "dbt", await dbtTierProblem());
}

describe("gold vs oracle on the seed emitter's history", () => {
    const options = { seed: 20241125, customers: 600, products: 250, orders: 10_000, changes: 5_000 };
    let emitted: Promise<BronzeTables> | undefined;
    const dir = path.join(work, "seed-bronze");
    /** The bronze files written by the seed CLI's emitter (run once). */
    const emit = (): Promise<BronzeTables> =>
        (emitted ??= runSeedEmitter(REPO, dir, options).then(() => readBronzeDir(dir)));
    const replayed = replayOnce("seed", async () => ({ dir, tables: await emit() }));

    it("emits at least 10k orders with updates and deletes", async () => {
        const ops = (await emit()).orders.map((r) => (JSON.parse(r.raw_data) as { op: string }).op);
        assert.ok(ops.filter((op) => op === "r" || op === "c").length >= 10_000);
        assert.ok(ops.includes("u") && ops.includes("d"));
    });

    it("folds the emitted rows to the generator's final documents (two independent implementations agree)", async () => {
        const { finalState } = simulateHistory(options);
        assert.deepEqual(diffAgainstSeedState(foldBronze(await emit()), finalState), []);
    });

    for (const model of MODEL_NAMES) {
        it(`builds ${model} equal to the oracle`, async (t) => {
            if (!(await gate(t))) return;
            assertModelMatches(model, await replayed());
        });
    }
});

describe("gold vs oracle on the edge-case fixtures", () => {
    const replayed = replayOnce("edge", async () => ({ dir: EDGE_DIR, tables: readBronzeDir(EDGE_DIR) }));

    async function gateEdge(t: TestContext): Promise<boolean> {
        if (!fs.existsSync(EDGE_DIR)) return requireTier(t, "dbt", `the edge-case fixtures ${EDGE_DIR} are missing`);
        return gate(t);
    }

    for (const model of MODEL_NAMES) {
        it(`builds ${model} equal to the oracle`, async (t) => {
            if (!(await gateEdge(t))) return;
            assertModelMatches(model, await replayed());
        });
    }
});

describe("gold vs oracle on the contract's boundary cases", () => {
    const replayed = replayOnce("boundary", async () => {
        const dir = path.join(work, "boundary-bronze");
        const tables = boundaryWorld();
        writeBronzeDir(dir, tables);
        return { dir, tables };
    });

    for (const model of MODEL_NAMES) {
        it(`builds ${model} equal to the oracle`, async (t) => {
            if (!(await gate(t))) return;
            assertModelMatches(model, await replayed());
        });
    }
});
