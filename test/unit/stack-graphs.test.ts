/**
 * The resource graph of every platform, pinned: the program runs under mocks once per stack shape
 * (docker, kubernetes in three shapes, external in two; each in its own process, see
 * test/support/stack-graph.ts) and every resource's type, name, URN, parent, direct dependencies,
 * options and inputs must equal the committed snapshot `__snapshots__/stack-graphs.<shape>.json`.
 * A refactor that keeps behaviour keeps these files; a change that means to alter the graph
 * rewrites them with `UPDATE_SNAPSHOTS=1` and shows the difference in review.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { promisify } from "node:util";
import { GRAPH_STACKS, type GraphEntry } from "../support/stack-graph";

const SNAPSHOT_DIR = path.join(__dirname, "__snapshots__");
const SCRIPT = path.resolve(__dirname, "..", "support", "stack-graph.ts");
const run = promisify(execFile);

/** One resource per line group: the file reads (and diffs) resource by resource. */
function format(graph: GraphEntry[]): string {
    return `[\n${graph.map((r) => JSON.stringify(r, null, 2).replace(/^/gm, "  ")).join(",\n")}\n]\n`;
}

async function graphOf(shape: string): Promise<GraphEntry[]> {
    const { stdout } = await run(process.execPath, ["--import", "tsx", SCRIPT, shape], {
        cwd: path.resolve(__dirname, "..", ".."),
        maxBuffer: 64 * 1024 * 1024,
        timeout: 120_000,
    });
    return JSON.parse(stdout) as GraphEntry[];
}

const SHAPES = Object.keys(GRAPH_STACKS);
const graphs = new Map<string, GraphEntry[]>();

before(async () => {
    // Two programs at a time (the machine the suite runs on may have two cores).
    const queue = [...SHAPES];
    const worker = async () => {
        for (let shape = queue.shift(); shape !== undefined; shape = queue.shift())
            graphs.set(shape, await graphOf(shape));
    };
    await Promise.all([worker(), worker()]);
});

describe("the resource graph of each platform", () => {
    for (const shape of SHAPES) {
        it(`${shape}: equals the committed snapshot`, () => {
            const graph = graphs.get(shape)!;
            assert.ok(graph.length > 0, "the program declared resources");
            assert.equal(new Set(graph.map((r) => r.name)).size, graph.length, "resource names are unique");
            const file = path.join(SNAPSHOT_DIR, `stack-graphs.${shape}.json`);
            if (process.env.UPDATE_SNAPSHOTS === "1") fs.writeFileSync(file, format(graph));
            assert.ok(
                fs.existsSync(file),
                `snapshot ${file} is missing: run the test with UPDATE_SNAPSHOTS=1 and review the file`,
            );
            const expected = JSON.parse(fs.readFileSync(file, "utf8")) as GraphEntry[];
            assert.deepEqual(
                graph.map((r) => `${r.type} ${r.name}`),
                expected.map((r) => `${r.type} ${r.name}`),
                `${shape}: the set of resources differs from ${file}`,
            );
            for (let i = 0; i < graph.length; i++)
                assert.deepEqual(
                    graph[i],
                    expected[i],
                    `${shape}: ${graph[i].name} differs from ${file} (UPDATE_SNAPSHOTS=1 to accept)`,
                );
        });
    }
});
