/**
 * Tier gating for tests that need a real toolchain (ClickHouse engine, dbt, Kafka, Pulumi CLI).
 *
 * A tier whose toolchain is missing is skipped *out loud*: the reason is printed. When
 * `CDC_REQUIRE_ALL_TIERS=1` (set by `.ci/run`, and implied by `CI=true`) a missing toolchain
 * fails the test instead, so CI can never go green on a skipped tier.
 */
import type { TestContext } from "node:test";

export function allTiersRequired(): boolean {
    return process.env.CDC_REQUIRE_ALL_TIERS === "1" || process.env.CI === "true";
}

/**
 * Call at the top of a test (or `before` hook) with the result of a toolchain probe.
 * `problem` is undefined when the toolchain is usable, else a sentence saying what is missing
 * and how to get it.
 */
export function requireTier(t: Pick<TestContext, "skip">, tier: string, problem: string | undefined): boolean {
    if (problem === undefined) return true;
    const message = `tier "${tier}" SKIPPED: ${problem}`;
    if (allTiersRequired()) {
        throw new Error(`${message} (skips are failures under CI=true / CDC_REQUIRE_ALL_TIERS=1)`);
    }
    process.stderr.write(`\n*** ${message}\n`);
    t.skip(message);
    return false;
}
