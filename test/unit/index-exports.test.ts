/**
 * Unit: index.ts exports every output `buildStack` returns. `pulumi stack output` only shows what
 * the program's module exports, so a key added to `StackOutputs` (components/stack.ts) but not to
 * index.ts's destructuring is built and then silently missing for the user (this happened to the
 * monitoring outputs the README tells people to read).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";

const ROOT = path.join(__dirname, "..", "..");

/** The top-level member names of `export interface StackOutputs { … }`. */
function stackOutputKeys(): string[] {
    const src = fs.readFileSync(path.join(ROOT, "components/stack.ts"), "utf8");
    const m = /export interface StackOutputs \{\n([\s\S]*?)\n\}/.exec(src);
    assert.ok(m, "components/stack.ts declares export interface StackOutputs");
    return [...m[1].matchAll(/^ {4}(\w+)\??:/gm)].map((x) => x[1]);
}

/** The names destructured from `buildStack(loadConfig())` in index.ts. */
function indexExports(): string[] {
    const src = fs.readFileSync(path.join(ROOT, "index.ts"), "utf8");
    const m = /export const \{([\s\S]*?)\} = buildStack\(loadConfig\(\)\);/.exec(src);
    assert.ok(m, "index.ts exports `const { … } = buildStack(loadConfig())`");
    return m[1]
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
}

describe("index.ts exports", () => {
    it("every StackOutputs key, and nothing else", () => {
        const keys = stackOutputKeys();
        assert.ok(keys.includes("grafanaAdminPassword") && keys.includes("mongoUri"), keys.join(","));
        assert.deepEqual([...indexExports()].sort(), [...keys].sort());
    });
});
