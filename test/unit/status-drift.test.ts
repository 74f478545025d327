/**
 * The drift stage of `npm run status` (tools/status/drift.ts): per-collection counts by kind (the values of the
 * metric cdc_schema_drift_fields), the verdict (lagging only for type changes; unmodelled fields are a note), the
 * deployed contract version in the table, and what a failed read leaves.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { driftFieldCounts, driftRows, judgeDrift, readDrift, type DriftObs } from "../../tools/status/drift";

const DEPLOYMENT = { contractVersion: "2026-12-07", projectHash: "sha256:abc", deployedAt: "2026-12-07 15:00:00.000" };

describe("status: schema drift", () => {
    it("counts each collection's fields by kind, with a 0 for the other kind", () => {
        const obs: DriftObs = {
            counts: [
                { collection: "products", kind: "unmodelled", fields: 3 },
                { collection: "orders", kind: "type_change", fields: 1 },
                { collection: "orders", kind: "unmodelled", fields: 2 },
            ],
        };
        assert.deepEqual(driftFieldCounts(obs), [
            { collection: "orders", kind: "unmodelled", fields: 2 },
            { collection: "orders", kind: "type_change", fields: 1 },
            { collection: "products", kind: "unmodelled", fields: 3 },
            { collection: "products", kind: "type_change", fields: 0 },
        ]);
        assert.deepEqual(driftFieldCounts(undefined), []);
    });

    it("unmodelled fields alone: ok with a note; a type change: lagging naming the query", () => {
        const unmodelled = judgeDrift({ counts: [{ collection: "customers", kind: "unmodelled", fields: 2 }] });
        assert.equal(unmodelled.verdict, "ok");
        assert.deepEqual(unmodelled.problems, []);
        assert.match(
            (unmodelled.details.notes as string[]).join("\n"),
            /2 field path\(s\) the contract does not model/,
        );
        const changed = judgeDrift({
            counts: [
                { collection: "customers", kind: "unmodelled", fields: 2 },
                { collection: "orders", kind: "type_change", fields: 1 },
            ],
            deployment: DEPLOYMENT,
        });
        assert.equal(changed.verdict, "lagging");
        assert.match(changed.problems[0]!, /1 field\(s\) of the contract arrived with a type silver does not read/);
        assert.deepEqual(changed.details.deployment, DEPLOYMENT);
        const rows = driftRows(changed.details);
        assert.deepEqual(rows.slice(0, 3), [
            ["deployed models", "contract 2026-12-07, project sha256:abc, at 2026-12-07 15:00:00.000"],
            ["  customers", "2 unmodelled field(s), 0 type change(s)"],
            ["  orders", "0 unmodelled field(s), 1 type change(s)"],
        ]);
    });

    it("no drift and no deployment record: ok, saying so; never failed", () => {
        const s = judgeDrift({ counts: [], deploymentError: "x.analytics_deployment does not exist" });
        assert.equal(s.verdict, "ok");
        assert.deepEqual(driftRows(s.details), [
            ["deployed models", "—"],
            ["schema_drift", "no unmodelled field, no type change"],
            ["note", "x.analytics_deployment does not exist"],
        ]);
        assert.equal(judgeDrift(undefined).verdict, "ok");
    });

    it("reads both relations when they exist, and names the missing one with the fix", async () => {
        const asked: string[] = [];
        const query = (async (what: string) => {
            asked.push(what);
            return what === "schema_drift"
                ? [{ collection: "orders", drift: "type_change", fields: "1" }]
                : [
                      {
                          contract_version: "2026-12-07",
                          project_hash: "sha256:abc",
                          deployed_at: "2026-12-07 15:00:00.000",
                      },
                  ];
        }) as Parameters<typeof readDrift>[0];
        const obs = await readDrift(query, "db", new Set(["schema_drift", "analytics_deployment"]));
        assert.deepEqual(obs, {
            counts: [{ collection: "orders", kind: "type_change", fields: 1 }],
            deployment: DEPLOYMENT,
        });
        const missing = await readDrift(query, "db", new Set());
        assert.match(missing.error!, /db\.schema_drift does not exist: `npm run dbt`/);
        assert.match(missing.deploymentError!, /db\.analytics_deployment does not exist/);
        assert.deepEqual(asked, ["schema_drift", "analytics_deployment"]);
    });
});
