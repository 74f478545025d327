/** A stack with invalid config fails before any resource is created, naming the key and the fix. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { recorded, runUnderMocks } from "../support/mocks";

describe("stack with invalid config", () => {
    it("throws a ConfigError naming every bad key and creates no resource", async () => {
        await assert.rejects(
            () =>
                runUnderMocks(
                    {
                        "cdc:platform": "docker",
                        "cdc:docker": JSON.stringify({ ports: { connect: 99999 } }),
                        "cdc:dbt": JSON.stringify({ treads: 2 }),
                    },
                    () => import("../../index"),
                ),
            (e: Error) => {
                assert.equal(e.name, "ConfigError");
                assert.match(e.message, /cdc:docker\.ports\.connect: 99999 is not an integer from 1 to 65535/);
                assert.match(e.message, /cdc:dbt\.treads: unknown key; did you mean `cdc:dbt\.threads`\?/);
                assert.match(e.message, /pulumi config set/);
                return true;
            },
        );
        await new Promise((r) => setTimeout(r, 200));
        assert.deepEqual(
            recorded.map((r) => r.name),
            [],
            "no resource registered",
        );
    });
});
