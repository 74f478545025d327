import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
    dbtFailureMessage,
    errorLinesOfOutput,
    failedNodeLines,
    summariseRunResults,
} from "../../components/providers/dbt/summary";

/** A hand-written run_results.json of a `dbt build` with one failure of each kind. */
const RUN_RESULTS = {
    metadata: { dbt_schema_version: "https://schemas.getdbt.com/dbt/run-results/v6.json", dbt_version: "1.11.16" },
    elapsed_time: 12.3456,
    results: [
        { unique_id: "model.ecom_analytics.stg_customers", status: "success", message: "OK", failures: null },
        { unique_id: "model.ecom_analytics.stg_orders", status: "success", message: "OK", failures: null },
        {
            unique_id: "model.ecom_analytics.fact_orders",
            status: "error",
            message: "Database Error in model fact_orders\n  Code: 47. Unknown identifier x",
            failures: null,
        },
        { unique_id: "model.ecom_analytics.fct_daily_sales", status: "skipped", message: null, failures: null },
        {
            unique_id: "test.ecom_analytics.unique_stg_customers_customer_id.1a2b",
            status: "pass",
            message: null,
            failures: 0,
        },
        {
            unique_id: "test.ecom_analytics.not_null_stg_orders_order_id.3c4d",
            status: "fail",
            message: "Got 3 results, configured to fail if != 0",
            failures: 3,
        },
        {
            unique_id: "test.ecom_analytics.accepted_values_status.5e6f",
            status: "warn",
            message: "Got 1 result, configured to warn if != 0",
            failures: 1,
        },
        { unique_id: "unit_test.ecom_analytics.fact_orders.totals", status: "pass", message: null, failures: 0 },
        { unique_id: "seed.ecom_analytics.country_codes", status: "success", message: "INSERT 3", failures: null },
        { unique_id: "snapshot.ecom_analytics.customers_snapshot", status: "success", message: "OK", failures: null },
    ],
};

describe("summariseRunResults", () => {
    it("counts models, tests, seeds, snapshots and skips by status", () => {
        assert.deepEqual(summariseRunResults(RUN_RESULTS, "build"), {
            command: "build",
            dbtVersion: "1.11.16",
            modelsBuilt: 2,
            modelsErrored: 1,
            testsPassed: 2,
            testsFailed: 1,
            testsWarned: 1,
            seedsLoaded: 1,
            snapshotsTaken: 1,
            skipped: 1,
            elapsedSeconds: 12.35,
        });
    });

    it("gives zeros for an invocation with no results", () => {
        const s = summariseRunResults({ results: [] }, "run");
        assert.equal(s.modelsBuilt + s.testsPassed + s.testsFailed, 0);
        assert.equal(s.dbtVersion, "unknown");
        assert.equal(s.command, "run");
    });
});

describe("failedNodeLines", () => {
    it("lists only failed and errored nodes with their messages", () => {
        const lines = failedNodeLines(RUN_RESULTS);
        assert.equal(lines.length, 2);
        assert.match(lines[0], /^ERROR model\.ecom_analytics\.fact_orders: Database Error/);
        assert.match(lines[1], /^FAIL test\.ecom_analytics\.not_null_stg_orders_order_id\.3c4d: Got 3 results/);
    });
});

const STDOUT = [
    "00:25:31  Running with dbt=1.11.16",
    "00:25:31  1 of 5 START sql view model `default`.`broken` ........ [RUN]",
    "00:25:31  1 of 5 ERROR creating sql view model `default`.`broken` ........ [ERROR in 0.81s]",
    "00:25:32  3 of 5 FAIL 2 assert_small ........ [FAIL 2 in 0.26s]",
    "00:25:32  Finished running 1 view model in 0 hours 0 minutes and 1.03 seconds (1.03s).",
    "00:25:32  Completed with 2 errors, 0 partial successes, and 0 warnings:",
    "00:25:32    Database Error in model broken (models/broken.sql)",
    "00:25:32  Failure in test assert_small (tests/assert_small.sql)",
    "00:25:32    Got 2 results, configured to fail if != 0",
    "00:25:32    connecting as http://analyst:hunter2-secret@127.0.0.1:8123 with password hunter2-secret",
    "00:25:32  Done. PASS=1 WARN=0 ERROR=1 SKIP=0 NO-OP=0 TOTAL=3",
].join("\n");

describe("errorLinesOfOutput", () => {
    it("keeps ERROR/FAIL lines and their indented details, drops progress and totals", () => {
        const lines = errorLinesOfOutput(STDOUT);
        assert.ok(lines.some((l) => l.includes("ERROR creating sql view model")));
        assert.ok(lines.some((l) => l.includes("FAIL 2 assert_small")));
        assert.ok(lines.some((l) => l.includes("Database Error in model broken")));
        assert.ok(lines.some((l) => l.includes("Got 2 results")));
        assert.ok(!lines.some((l) => l.startsWith("Done.")));
        assert.ok(!lines.some((l) => l.includes("START sql view")));
        assert.ok(!lines.some((l) => l.includes("Running with dbt")));
    });
});

describe("dbtFailureMessage", () => {
    it("combines run_results failures and output error lines under a headline", () => {
        const msg = dbtFailureMessage({
            command: "build",
            exitCode: 1,
            runResults: RUN_RESULTS,
            stdout: STDOUT,
            secrets: [],
        });
        assert.match(msg.split("\n")[0], /^dbt build failed \(exit code 1\)$/);
        assert.match(msg, /fact_orders: Database Error/);
        assert.match(msg, /FAIL 2 assert_small/);
    });

    it("masks the password wherever it appears, including inside URLs", () => {
        const msg = dbtFailureMessage({
            command: "build",
            exitCode: 1,
            runResults: RUN_RESULTS,
            stdout: STDOUT,
            secrets: ["hunter2-secret"],
        });
        assert.ok(!msg.includes("hunter2-secret"), msg);
        assert.match(msg, /analyst:\*\*\*@127\.0\.0\.1/);
        assert.match(msg, /with password \*\*\*/);
    });

    it("falls back to the tail of the output when nothing looks like an error", () => {
        const msg = dbtFailureMessage({
            command: "deps",
            exitCode: 2,
            stdout: "line one\nsomething odd happened",
            secrets: [],
        });
        assert.match(msg, /exit code 2/);
        assert.match(msg, /something odd happened/);
    });

    it("caps the number of lines shown", () => {
        const stdout = Array.from({ length: 100 }, (_, i) => `ERROR number ${i}`).join("\n");
        const msg = dbtFailureMessage({ command: "run", exitCode: 1, stdout, secrets: [], maxLines: 10 });
        assert.equal(msg.split("\n").length, 12);
        assert.match(msg, /90 more lines/);
    });
});
