/**
 * Unit tier: how bench:live shapes its raw numbers into the measures `--json` prints
 * (bench/stats.ts): ratios as defined in docs/analytics.md, nearest-rank percentiles, medians.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { liveMeasures, median, percentile, type LiveRun } from "../../bench/stats";

const run: LiveRun = {
    events: 1000,
    refreshSeconds: 5,
    big: { live: 8, plain: 2 },
    small: { live: 3, plain: 1 },
    passBig: 4,
    passSmall: 0.5,
    latencies: [5, 1, 4, 2, 3],
    idleCores: 0.015,
    refreshCostsMs: [30, 10, 20, 1000],
    rebuildsMs: [900, 3000, 1200],
};

describe("bench:live measures", () => {
    it("are exactly the issue's keys", () => {
        assert.deepEqual(Object.keys(liveMeasures(run)).sort(), [
            "events",
            "full_rebuild_ms",
            "idle_core_fraction",
            "insert_ratio_10k",
            "insert_ratio_1k",
            "latency_p50_s",
            "latency_p95_s",
            "refresh_after_change_ms",
            "refresh_seconds",
            "silver_ratio_10k",
            "silver_ratio_1k",
        ]);
    });

    it("insert ratio = plain / with views; silver ratio = (with views - plain) / one pass", () => {
        const m = liveMeasures(run);
        assert.equal(m.insert_ratio_10k, 2 / 8);
        assert.equal(m.insert_ratio_1k, 1 / 3);
        assert.equal(m.silver_ratio_10k, (8 - 2) / 4);
        assert.equal(m.silver_ratio_1k, (3 - 1) / 0.5);
    });

    it("full rebuild is the median of the rebuilds, refresh after a change the median of the changes", () => {
        const m = liveMeasures(run);
        assert.equal(m.full_rebuild_ms, 1200, "the middle of 900, 1200, 3000 — not the first, not the mean");
        assert.equal(m.refresh_after_change_ms, 25, "even count: the mean of the two middle values");
    });

    it("latencies are nearest-rank percentiles of the trials; the rest is passed through", () => {
        const m = liveMeasures(run);
        assert.equal(m.latency_p50_s, 3);
        assert.equal(m.latency_p95_s, 5);
        assert.equal(m.idle_core_fraction, 0.015);
        assert.equal(m.refresh_seconds, 5);
        assert.equal(m.events, 1000);
        assert.doesNotThrow(() => JSON.parse(JSON.stringify(m)));
    });

    it("refuses empty lists (a run that measured nothing) by name", () => {
        assert.throws(() => liveMeasures({ ...run, rebuildsMs: [] }), /median of an empty list/);
        assert.throws(() => median([]), /median of an empty list/);
        assert.throws(() => percentile([], 50), /percentile of an empty list/);
    });
});
