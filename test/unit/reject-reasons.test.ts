/**
 * Unit: the exporter's list of reject collections and reasons (tools/status/reject-reasons.ts) is the
 * dbt project's: the reason literals the bronze macros produce, and the roles bronze_rejects unions.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { REJECT_COLLECTIONS, REJECT_REASONS } from "../../tools/status/reject-reasons";

const DBT = path.join(__dirname, "..", "..", "ecom_analytics");
const macros = readdirSync(path.join(DBT, "macros"))
    .filter((f) => f.endsWith(".sql"))
    .map((f) => readFileSync(path.join(DBT, "macros", f), "utf8"))
    .join("\n");

describe("reject reasons and collections", () => {
    it("every reason literal of the bronze macros, and only those", () => {
        // The reasons are the quoted results of the reject multiIf's (`not is_json, 'not_json'`) and of the
        // field checks (`'bad_date'`): a quoted snake_case word that starts as a reason does.
        const found = new Set([...macros.matchAll(/'((?:not|no|bad|unknown|non)_[a-z_]+)'/g)].map((m) => m[1]));
        assert.deepEqual([...found].sort(), [...REJECT_REASONS].sort());
        assert.match(macros, /multiIf\(\s*not is_json, 'not_json'/, "the envelope rules are still in a multiIf");
    });

    it("the collections bronze_rejects unions", () => {
        const view = readFileSync(path.join(DBT, "models", "staging", "bronze_rejects.sql"), "utf8");
        const roles = /\{%-? for role in \[([^\]]*)\]/.exec(view);
        assert.ok(roles, "bronze_rejects.sql loops over a list of roles");
        const list = [...roles[1].matchAll(/'([a-z_]+)'/g)].map((m) => m[1]);
        assert.deepEqual(list, [...REJECT_COLLECTIONS]);
    });
});
