import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { promisify } from "node:util";
import { main } from "../../seed/seedMain";
import { emitBronze, EmitError } from "../../seed/emit";
import { simulateHistory } from "../../seed/index";

const run = promisify(execFile);
const FILES = ["mongo_ecom_customers.jsonl", "mongo_ecom_products.jsonl", "mongo_ecom_orders.jsonl"];
const dirs: string[] = [];
function tempDir(): string {
    const d = mkdtempSync(join(tmpdir(), "seed-emit-"));
    dirs.push(d);
    return d;
}
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const args = (seed: number, out: string) => [
    "--emit",
    "bronze",
    "--seed",
    String(seed),
    "--customers",
    "30",
    "--products",
    "12",
    "--orders",
    "150",
    "--changes",
    "400",
    "--out",
    out,
];

describe("seed --emit bronze", () => {
    it("writes byte-identical files for identical arguments and different ones for another seed", async () => {
        const [a, b, c] = [tempDir(), tempDir(), tempDir()];
        assert.equal(await main(args(5, a)), 0);
        assert.equal(await main(args(5, b)), 0);
        assert.equal(await main(args(6, c)), 0);
        for (const f of FILES) {
            const bytes = readFileSync(join(a, f));
            assert.ok(bytes.length > 0);
            assert.ok(bytes.equals(readFileSync(join(b, f))), `${f} differs between two identical runs`);
            assert.ok(!bytes.equals(readFileSync(join(c, f))), `${f} is the same for seeds 5 and 6`);
        }
        assert.deepEqual(readdirSync(a).sort(), [...FILES].sort(), "only the three files, no leftovers");
    });

    it("writes one bronze row per line, equal to simulateHistory's rows", async () => {
        const dir = tempDir();
        await emitBronze({ seed: 9, customers: 10, products: 5, orders: 40, changes: 100 }, dir);
        const h = simulateHistory({ seed: 9, customers: 10, products: 5, orders: 40, changes: 100 });
        for (const c of ["customers", "products", "orders"] as const) {
            const text = readFileSync(join(dir, `mongo_ecom_${c}.jsonl`), "utf8");
            assert.ok(text.endsWith("\n"));
            const lines = text.slice(0, -1).split("\n");
            assert.deepEqual(
                lines.map((l) => JSON.parse(l)),
                h.bronze[c],
            );
            for (const l of lines)
                assert.deepEqual(Object.keys(JSON.parse(l)), ["raw_data", "_topic", "_partition", "_offset", "_key"]);
        }
    });

    it("prints nothing on stdout and a one-line summary on stderr when run as a command", async () => {
        const dir = tempDir();
        const { stdout, stderr } = await run(
            process.execPath,
            ["--import", "tsx", "seed/seedMain.ts", ...args(1, dir)],
            { cwd: join(__dirname, "../..") },
        );
        assert.equal(stdout, "");
        assert.match(
            stderr,
            /^seed: wrote 192 snapshot \+ 400 change events in [\d.]+ s: .*mongo_ecom_customers\.jsonl \(\d+ rows\)/,
        );
        assert.equal(stderr.trim().split("\n").length, 1);
    });

    it("fails with exit code 1, says what was generated and leaves no partial file when the output cannot be written", async () => {
        const parent = tempDir();
        const blocker = join(parent, "not-a-dir");
        writeFileSync(blocker, "x");
        await assert.rejects(emitBronze({ seed: 1, customers: 3, products: 2, orders: 5 }, blocker), (e: unknown) => {
            assert.ok(e instanceof EmitError);
            assert.match((e as Error).message, /writing bronze files to .*not-a-dir failed/);
            return true;
        });
        assert.equal(await main(args(1, blocker)), 1);
        assert.deepEqual(readdirSync(parent), ["not-a-dir"]);
    });

    it("exits 2 on a bad flag without writing anything", async () => {
        const dir = tempDir();
        assert.equal(await main(["--emit", "bronze", "--out", dir, "--orders", "many"]), 2);
        assert.deepEqual(readdirSync(dir), []);
    });
});
