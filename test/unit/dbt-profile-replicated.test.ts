/**
 * Unit tier: the dbt profile of the replicated shape (issue 26) — no `cluster` key (dbt-clickhouse 1.10.3 would add
 * ON CLUSTER, which a Replicated database refuses) and the replicated session settings under `custom_settings`
 * (the key of dbt-clickhouse 1.10.3's credentials) — and the single node's profile unchanged.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as yaml from "js-yaml";
import { DBT_PROFILE_NAME, REPLICATED_DBT_SETTINGS, renderProfile } from "../../components/providers/dbt/profile";
import { normaliseDbtRunInputs } from "../../components/providers/dbt/provider";

type Output = Record<string, unknown>;
const output = (text: string, target: string): Output =>
    (yaml.load(text) as Record<string, { outputs: Record<string, Output> }>)[DBT_PROFILE_NAME].outputs[target];

const base = { url: "https://clickhouse:8443", database: "ecom", target: "prod", threads: 2 };

describe("renderProfile, replicated shape", () => {
    it("sets the replicated session settings under custom_settings, with their types, and no cluster", () => {
        const out = output(renderProfile({ ...base, replicated: true }), "prod");
        assert.deepEqual(out.custom_settings, {
            distributed_ddl_output_mode: "null_status_on_timeout",
            distributed_ddl_task_timeout: 120,
            database_replicated_allow_only_replicated_engine: 1,
        });
        assert.deepEqual(out.custom_settings, REPLICATED_DBT_SETTINGS);
        assert.equal("cluster" in out, false);
        assert.equal("database_engine" in out, false);
        // The rest of the profile is the single node's.
        const single = output(renderProfile(base), "prod");
        assert.deepEqual({ ...out, custom_settings: undefined }, { ...single, custom_settings: undefined });
    });

    it("renders the single node's profile without custom_settings, byte for byte as without the flag", () => {
        const single = renderProfile(base);
        assert.equal(renderProfile({ ...base, replicated: false }), single);
        assert.equal("custom_settings" in output(single, "prod"), false);
        assert.doesNotMatch(single, /cluster|custom_settings/);
    });

    it("takes the flag from DbtRun's clickhouse input, only when it is true", () => {
        const raw = (replicated: unknown) => ({
            projectDir: "/p",
            contentHash: "h",
            clickhouse: { url: "http://h:1", user: "u", password: "p", database: "ecom", replicated },
        });
        assert.equal(normaliseDbtRunInputs(raw(true)).clickhouse.replicated, true);
        assert.equal("replicated" in normaliseDbtRunInputs(raw(undefined)).clickhouse, false);
        assert.equal("replicated" in normaliseDbtRunInputs(raw("yes")).clickhouse, false);
    });
});
