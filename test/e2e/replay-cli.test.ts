/**
 * The replay command as a user runs it: `npm run --silent analytics:replay -- --bronze DIR --out OUT`.
 * Exit 0 and one `<model>.jsonl` per silver/gold model on good input; 1 with dbt's error lines
 * when a model or test fails; 2 with a clear message for bad flags or missing/malformed input.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { dbtVenvProblem } from "../../components/providers/dbt/venv";
import { REPLAY_MODELS } from "../../tools/analytics/replay/models";
import { malformedRows } from "../support/malformed-rows";
import { requireTier } from "../support/tier";

const REPO = path.resolve(__dirname, "..", "..");
const EDGE = path.join(REPO, "test", "fixtures", "bronze-edge");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "replay-cli-"));
after(() => fs.rmSync(work, { recursive: true, force: true }));

interface Result {
    code: number;
    stdout: string;
    stderr: string;
}

function runReplay(args: string[]): Promise<Result> {
    return new Promise((resolve) => {
        execFile(
            process.execPath,
            ["--import", "tsx", path.join(REPO, "tools", "analytics", "replay.ts"), ...args],
            { cwd: REPO, timeout: 15 * 60_000, maxBuffer: 64 * 1024 * 1024 },
            (error, stdout, stderr) => {
                const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
                resolve({ code, stdout, stderr });
            },
        );
    });
}

function copyEdgeFixtures(dir: string): void {
    fs.mkdirSync(dir, { recursive: true });
    for (const f of fs.readdirSync(EDGE))
        if (f.endsWith(".jsonl")) fs.copyFileSync(path.join(EDGE, f), path.join(dir, f));
}

describe("analytics:replay input errors", () => {
    it("exits 2 and shows the usage when --bronze is missing", async () => {
        const r = await runReplay(["--out", path.join(work, "o1")]);
        assert.equal(r.code, 2);
        assert.match(r.stderr, /missing --bronze DIR/);
        assert.match(r.stderr, /usage: npm run --silent analytics:replay/);
    });

    it("exits 2 on an unknown flag, naming it", async () => {
        const r = await runReplay(["--bronze", EDGE, "--out", path.join(work, "o2"), "--fast"]);
        assert.equal(r.code, 2);
        assert.match(r.stderr, /unknown argument "--fast"/);
    });

    it("exits 2 when the bronze directory does not exist", async () => {
        const missing = path.join(work, "no-such-dir");
        const r = await runReplay(["--bronze", missing, "--out", path.join(work, "o3")]);
        assert.equal(r.code, 2);
        assert.ok(r.stderr.includes(`bronze directory ${missing} does not exist`), r.stderr);
    });

    it("exits 2 naming the bronze files that are missing", async () => {
        const dir = path.join(work, "partial");
        fs.mkdirSync(dir);
        fs.copyFileSync(path.join(EDGE, "mongo_ecom_orders.jsonl"), path.join(dir, "mongo_ecom_orders.jsonl"));
        const r = await runReplay(["--bronze", dir, "--out", path.join(work, "o4")]);
        assert.equal(r.code, 2);
        assert.match(r.stderr, /lacks mongo_ecom_customers\.jsonl, mongo_ecom_products\.jsonl/);
    });

    it("exits 2 naming file and line of a malformed bronze row", async () => {
        const dir = path.join(work, "malformed");
        copyEdgeFixtures(dir);
        fs.appendFileSync(
            path.join(dir, "mongo_ecom_products.jsonl"),
            `{"raw_data": "{}", "_topic": "mongo.ecom.products", "_partition": 0}\n`,
        );
        const r = await runReplay(["--bronze", dir, "--out", path.join(work, "o5")]);
        assert.equal(r.code, 2);
        assert.match(r.stderr, /mongo_ecom_products\.jsonl:7: _offset must be a non-negative integer/);
    });
});

describe("analytics:replay with dbt", () => {
    it("writes every silver and gold model as jsonl equal to the hand-derived gold rows", async (t) => {
        if (!requireTier(t, "dbt", await dbtVenvProblem())) return;
        const out = path.join(work, "ok-out");
        const r = await runReplay(["--bronze", EDGE, "--out", out]);
        assert.equal(r.code, 0, r.stderr);
        for (const model of Object.keys(REPLAY_MODELS)) {
            assert.ok(fs.existsSync(path.join(out, `${model}.jsonl`)), `${model}.jsonl written`);
        }
        const parse = (f: string): Record<string, unknown>[] =>
            fs
                .readFileSync(f, "utf8")
                .split("\n")
                .filter((l) => l !== "")
                .map((l) => JSON.parse(l) as Record<string, unknown>);
        for (const model of ["fct_daily_sales", "dim_products", "fact_orders"]) {
            assert.deepEqual(
                parse(path.join(out, `${model}.jsonl`)),
                parse(path.join(EDGE, "expected", `${model}.jsonl`)),
                model,
            );
        }
    });

    it("writes the rejected rows with their reasons as bronze_rejects.jsonl and exits 0", async (t) => {
        if (!requireTier(t, "dbt", await dbtVenvProblem())) return;
        const dir = path.join(work, "with-rejects");
        copyEdgeFixtures(dir);
        const bad = malformedRows(500);
        for (const m of bad)
            fs.appendFileSync(path.join(dir, `mongo_ecom_${m.collection}.jsonl`), JSON.stringify(m.row) + "\n");
        const out = path.join(work, "rejects-out");
        const r = await runReplay(["--bronze", dir, "--out", out]);
        assert.equal(r.code, 0, r.stderr);
        const rejects = fs
            .readFileSync(path.join(out, "bronze_rejects.jsonl"), "utf8")
            .split("\n")
            .filter((l) => l !== "")
            .map((l) => JSON.parse(l) as Record<string, unknown>);
        const byOffset = new Map(rejects.map((x) => [`${x.collection}/${x._offset}`, x]));
        assert.equal(rejects.length, bad.length);
        for (const m of bad) {
            const got = byOffset.get(`${m.collection}/${m.row._offset}`);
            assert.ok(got, `reject at ${m.collection}/${m.row._offset} written`);
            assert.equal(got.reason, m.reason);
            assert.equal(got.raw_data, m.row.raw_data);
        }
        const parse = (f: string) => fs.readFileSync(f, "utf8");
        assert.equal(
            parse(path.join(out, "fact_orders.jsonl")),
            parse(path.join(EDGE, "expected", "fact_orders.jsonl")),
            "rejects change no gold row",
        );
    });

    it("exits 1 with dbt's error lines when a data test fails", async (t) => {
        if (!requireTier(t, "dbt", await dbtVenvProblem())) return;
        const dir = path.join(work, "bad-status");
        copyEdgeFixtures(dir);
        const after = `{"_id": {"$oid": "65f0c3a1b2c3d4e5f6a7bcff"},"customer_id": {"$oid": "65f0c3a1b2c3d4e5f6a7b801"},"status": "refunded","items": [{"product_id": {"$oid": "65f0c3a1b2c3d4e5f6a7ba01"},"quantity": 1,"unit_price": {"$numberDecimal": "0.10"}}],"ordered_at": {"$date": 1732406400000},"updated_at": {"$date": 1732406400000}}`;
        const envelope = {
            before: null,
            after,
            updateDescription: null,
            source: {
                connector: "mongodb",
                name: "mongo",
                ts_ms: 1732406400000,
                snapshot: "false",
                db: "ecom",
                collection: "orders",
                ord: 1,
            },
            op: "c",
            ts_ms: 1732406400100,
            transaction: null,
        };
        fs.appendFileSync(
            path.join(dir, "mongo_ecom_orders.jsonl"),
            JSON.stringify({
                raw_data: JSON.stringify(envelope),
                _topic: "mongo.ecom.orders",
                _partition: 0,
                _offset: 99,
                _key: null,
            }) + "\n",
        );
        const r = await runReplay(["--bronze", dir, "--out", path.join(work, "bad-out")]);
        assert.equal(r.code, 1, r.stderr);
        assert.match(r.stderr, /dbt build failed/);
        assert.match(r.stderr, /accepted_values_stg_orders_order_status/);
    });
});
