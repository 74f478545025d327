import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, beforeEach, describe, it } from "node:test";
import { dbtProjectFiles, dbtProjectHash, isHashedFile } from "../../components/providers/dbt/hash";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "dbt-hash-test-"));
let dir = "";

function write(rel: string, content: string): void {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
}

describe("dbtProjectHash", () => {
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(root, "p-"));
        write("dbt_project.yml", "name: p\nprofile: clickhouse_project\n");
        write("models/staging/stg_a.sql", "select 1 as a\n");
        write("models/schema.yml", "version: 2\n");
        write("macros/m.sql", "{% macro m() %}1{% endmacro %}\n");
    });
    after(() => fs.rmSync(root, { recursive: true, force: true }));

    it("is stable for unchanged content", () => {
        assert.equal(dbtProjectHash(dir), dbtProjectHash(dir));
        assert.match(dbtProjectHash(dir), /^sha256:[0-9a-f]{64}$/);
    });

    it("changes when a model changes", () => {
        const before = dbtProjectHash(dir);
        write("models/staging/stg_a.sql", "select 2 as a\n");
        assert.notEqual(dbtProjectHash(dir), before);
    });

    it("changes when a file is renamed, added or removed", () => {
        const before = dbtProjectHash(dir);
        fs.renameSync(path.join(dir, "macros/m.sql"), path.join(dir, "macros/n.sql"));
        const renamed = dbtProjectHash(dir);
        assert.notEqual(renamed, before);
        write("seeds/s.csv", "a\n1\n");
        const added = dbtProjectHash(dir);
        assert.notEqual(added, renamed);
        fs.rmSync(path.join(dir, "seeds/s.csv"));
        assert.equal(dbtProjectHash(dir), renamed);
    });

    it("ignores dbt's output and install directories, hidden files and profiles.yml", () => {
        const before = dbtProjectHash(dir);
        write("target/run_results.json", "{}");
        write("target/compiled/x.sql", "select 1");
        write("dbt_packages/dbt_utils/macros/u.sql", "x");
        write("logs/dbt.log", "log");
        write(".user.yml", "id: 1");
        write("profiles.yml", "clickhouse_project: {}");
        assert.equal(dbtProjectHash(dir), before);
    });

    it("counts any other file in the project, a script included: nothing in it can hide a change", () => {
        const before = dbtProjectHash(dir);
        write("helper.ts", "export {}");
        assert.notEqual(dbtProjectHash(dir), before);
        assert.ok(dbtProjectFiles(dir).includes("helper.ts"));
    });

    it("includes packages, docs and tests that dbt reads", () => {
        const before = dbtProjectHash(dir);
        write("packages.yml", "packages: []\n");
        const withPackages = dbtProjectHash(dir);
        assert.notEqual(withPackages, before);
        write("models/docs.md", "{% docs x %}x{% enddocs %}\n");
        assert.notEqual(dbtProjectHash(dir), withPackages);
        assert.ok(dbtProjectFiles(dir).includes("models/docs.md"));
    });

    it("does not depend on file modification times", () => {
        const before = dbtProjectHash(dir);
        const later = new Date(Date.now() + 3_600_000);
        fs.utimesSync(path.join(dir, "models/schema.yml"), later, later);
        assert.equal(dbtProjectHash(dir), before);
    });

    it("throws for a directory that is not a dbt project", () => {
        const empty = fs.mkdtempSync(path.join(root, "empty-"));
        assert.throws(() => dbtProjectHash(empty), /not a dbt project/);
    });
});

describe("the repository's dbt project", () => {
    it("holds only dbt's files (models, macros, tests, YAML): the tools that drive it live in tools/", () => {
        const project = path.resolve(__dirname, "..", "..", "ecom_analytics");
        const strays = dbtProjectFiles(project).filter((f) => !/\.(sql|yml|md|csv)$/.test(f));
        assert.deepEqual(strays, [], "move scripts out of ecom_analytics/ (to tools/)");
    });
});

describe("isHashedFile", () => {
    it("keeps nested yml/sql/csv/md and drops a nested target dir", () => {
        assert.equal(isHashedFile("models/a.sql"), true);
        assert.equal(isHashedFile("seeds/a.csv"), true);
        assert.equal(
            isHashedFile("models/target/a.sql"),
            true,
            "only directories named target are skipped, a file inside models/target/ is still a model",
        );
        assert.equal(isHashedFile("target/a.sql"), false);
        assert.equal(isHashedFile("models/profiles.yml"), true, "only the top-level profiles.yml is dbt's profile");
    });
});
