/**
 * The program under mocks with declared re-snapshots: the source connector reads the stack's
 * signal collection, and a `SnapshotSignal` record is declared after the source, with role names
 * resolved to collections and the MongoDB connection string kept secret.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { isSecretValue, MockRun, runUnderMocks } from "../support/mocks";

let run: MockRun;

before(async () => {
    run = await runUnderMocks(
        {
            "cdc:platform": "docker",
            "cdc:mongo": JSON.stringify({ collections: { products: "items" } }),
            "cdc:connectors": JSON.stringify({
                snapshots: [
                    { id: "orders-resnap-1", collections: ["orders"] },
                    { id: "catalogue-2", collections: ["products", "customers"] },
                ],
            }),
        },
        () => import("../../index"),
    );
});

describe("declared re-snapshots under mocks (docker)", () => {
    it("configures the source for the stack's signal collection", () => {
        const config = run.byName("cdc-source").inputs.config as Record<string, string>;
        assert.equal(config["signal.enabled.channels"], "source");
        assert.equal(config["signal.data.collection"], "ecom.cdc_signal_test");
    });

    it("declares the snapshot record after the source, with collections resolved from roles, the connection string secret", () => {
        const r = run.byName("cdc-snapshots");
        assert.equal(r.type, "pulumi-nodejs:dynamic/cdc:SnapshotSignal");
        assert.deepEqual(r.inputs.requests, { "orders-resnap-1": ["orders"], "catalogue-2": ["items", "customers"] });
        assert.equal(r.inputs.signalCollection, "cdc_signal_test");
        assert.equal(r.inputs.database, "ecom");
        assert.ok(isSecretValue(r.inputs.connectionString), "the MongoDB connection string is a secret input");
        assert.ok(
            run.dependsOn(r.name).has(run.byName("cdc-source").name),
            "signals go out once the source runs with the signal collection",
        );
    });
});
