import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, it } from "node:test";
import { DBT_LOCK, DBT_PINS, dbtVenvDir, dbtVenvProblem } from "../../components/providers/dbt/venv";

/** `name==version` lines of the committed lock, keyed by normalised name. */
function lockPins(): Map<string, string> {
    const pins = new Map<string, string>();
    for (const line of DBT_LOCK.split("\n")) {
        const m = /^([A-Za-z0-9_.-]+)==(\S+)$/.exec(line.trim());
        if (m) pins.set(m[1].toLowerCase().replace(/[_.]/g, "-"), m[2]);
    }
    return pins;
}

describe("dbt venv pins", () => {
    it("pins every direct requirement exactly, in agreement with requirements.lock", () => {
        const lock = lockPins();
        for (const [name, version] of Object.entries(DBT_PINS)) {
            assert.match(version, /^\d+\.\d+\.\d+$/, `${name} must be an exact version`);
            assert.equal(lock.get(name), version, `${name} in DBT_PINS and requirements.lock differ`);
        }
    });

    it("locks the transitive dependencies too (every lock line is an exact pin)", () => {
        const lines = DBT_LOCK.split("\n").filter((l) => l.trim() && !l.startsWith("#"));
        assert.ok(lines.length > 20, "the lock should hold the whole dependency tree");
        for (const l of lines) assert.match(l, /^[A-Za-z0-9_.-]+==\S+$/, `not an exact pin: ${l}`);
        assert.ok(lockPins().has("dbt-adapters") && lockPins().has("clickhouse-connect"));
    });
});

describe("dbtVenvDir", () => {
    const saved = { xdg: process.env.XDG_CACHE_HOME, py: process.env.CDC_PYTHON };
    afterEach(() => {
        for (const [k, v] of [
            ["XDG_CACHE_HOME", saved.xdg],
            ["CDC_PYTHON", saved.py],
        ] as const) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
    });

    it("lives under $XDG_CACHE_HOME/cdc-pipeline, named by a hash of pins and interpreter", () => {
        process.env.XDG_CACHE_HOME = "/tmp/some-cache";
        assert.match(dbtVenvDir(), /^\/tmp\/some-cache\/cdc-pipeline\/dbt-venv-[0-9a-f]{16}$/);
    });

    it("falls back to ~/.cache when XDG_CACHE_HOME is unset", () => {
        delete process.env.XDG_CACHE_HOME;
        assert.ok(dbtVenvDir().startsWith(path.join(os.homedir(), ".cache", "cdc-pipeline", "dbt-venv-")));
    });

    it("uses another directory for another interpreter", () => {
        const a = dbtVenvDir();
        process.env.CDC_PYTHON = "/nonexistent/python3";
        assert.notEqual(dbtVenvDir(), a);
    });
});

describe("dbtVenvProblem", () => {
    it("says what is missing when the interpreter cannot run", async () => {
        const saved = process.env.CDC_PYTHON;
        process.env.CDC_PYTHON = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "nopy-")), "python3");
        try {
            assert.match((await dbtVenvProblem()) ?? "", /cannot run .*python3.*CDC_PYTHON/);
        } finally {
            if (saved === undefined) delete process.env.CDC_PYTHON;
            else process.env.CDC_PYTHON = saved;
        }
    });
});
