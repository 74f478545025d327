/** `npm test` (test/run.sh): named files only, and unknown tiers refused before any work. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, it } from "node:test";

const ROOT = path.resolve(__dirname, "../..");
function run(args: string[], env: Record<string, string>) {
    // Without NODE_TEST_CONTEXT: else the inner `node --test` reports to this runner, not to stdout.
    const { NODE_TEST_CONTEXT: _inner, ...outer } = process.env;
    const r = spawnSync("bash", ["test/run.sh", ...args], {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...outer, CI: "", CDC_REQUIRE_ALL_TIERS: "", ...env },
        timeout: 120_000,
    });
    return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

describe("test/run.sh", () => {
    it("refuses an unknown tier before warming caches or type-checking", () => {
        const started = Date.now();
        const r = run([], { CDC_TEST_TIERS: "unit bogus" });
        assert.equal(r.status, 2);
        assert.match(r.out, /unknown test tier "bogus".*known tiers: unit engine e2e/);
        assert.doesNotMatch(r.out, /warming|type-checking|running/);
        assert.ok(Date.now() - started < 10_000);
    });

    it("runs just the files it is given", () => {
        const r = run(["test/fixtures/run-sh/only.test.ts"], { CDC_SKIP_TYPECHECK: "1" });
        assert.equal(r.status, 0, r.out);
        assert.match(r.out, /running 1 test files \(tiers: unit\)/);
        assert.match(r.out, /fixture ran/);
        assert.doesNotMatch(r.out, /warming/, "a unit-only selection needs no engine caches");
        assert.match(r.out, /tests: 1 passed/);
    });

    it("names a missing file instead of running everything", () => {
        const r = run(["test/unit/no-such.test.ts"], {});
        assert.equal(r.status, 2);
        assert.match(r.out, /no test file test\/unit\/no-such.test.ts/);
    });
});
