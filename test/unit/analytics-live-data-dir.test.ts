/**
 * Unit: the `--data-dir` of `analytics:live` — checked before the engine starts, and the record of what was
 * deployed.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import {
    checkDataDir,
    forgetDeployed,
    readDeployed,
    sameDeploy,
    writeDeployed,
} from "../../tools/analytics/live-data-dir";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "live-data-dir-"));
after(() => fs.rmSync(root, { recursive: true, force: true }));

describe("analytics:live --data-dir", () => {
    it("accepts a new, an empty or an engine's directory (creating a new one)", () => {
        const fresh = path.join(root, "new", "deeper");
        checkDataDir(fresh);
        assert.ok(fs.statSync(fresh).isDirectory());
        checkDataDir(fresh);
        const used = path.join(root, "used");
        fs.mkdirSync(path.join(used, "metadata"), { recursive: true });
        fs.writeFileSync(path.join(used, "status"), "");
        checkDataDir(used);
        assert.deepEqual(fs.readdirSync(used).sort(), ["metadata", "status"], "the probe file is removed");
    });

    it("refuses a file, a path below a file and a directory of other files, naming the flag", () => {
        const file = path.join(root, "file");
        fs.writeFileSync(file, "x");
        assert.throws(() => checkDataDir(file), /^Error: --data-dir .*file cannot be used: .*(EEXIST|not a directory)/);
        assert.throws(() => checkDataDir(path.join(file, "sub")), /--data-dir .* cannot be used: ENOTDIR/);
        const other = path.join(root, "other");
        fs.mkdirSync(other);
        for (const n of ["a.txt", "b.txt", "c.txt", "d.txt"]) fs.writeFileSync(path.join(other, n), "");
        assert.throws(
            () => checkDataDir(other),
            /holds other files \(a\.txt, b\.txt, c\.txt, …\) and is no data directory/,
        );
    });

    it("records a deploy; the same project hash and vars count as the same deploy, any change does not", () => {
        const dir = path.join(root, "rec");
        fs.mkdirSync(dir);
        assert.equal(readDeployed(dir), undefined);
        const r = { projectHash: "sha256:1", vars: { gold_refresh_seconds: "5", bronze_orders: "mongo_ecom_orders" } };
        writeDeployed(dir, r);
        assert.ok(sameDeploy(readDeployed(dir), { projectHash: "sha256:1", vars: { ...r.vars } }));
        assert.ok(!sameDeploy(readDeployed(dir), { ...r, projectHash: "sha256:2" }), "models changed");
        assert.ok(
            !sameDeploy(readDeployed(dir), { ...r, vars: { ...r.vars, gold_refresh_seconds: "7" } }),
            "a var changed",
        );
        assert.ok(!sameDeploy(readDeployed(dir), { ...r, vars: { gold_refresh_seconds: "5" } }), "a var dropped");
        forgetDeployed(dir);
        assert.equal(readDeployed(dir), undefined);
        fs.writeFileSync(path.join(dir, ".analytics-live.json"), "{not json");
        assert.equal(readDeployed(dir), undefined, "an unreadable record counts as none");
    });
});
