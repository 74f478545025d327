/**
 * Content hash of a dbt project: what decides whether `DbtRun` runs dbt again.
 *
 * Every file that can change what dbt builds is hashed (models, macros, tests, seeds, snapshots,
 * analyses, docs blocks in `.md`, `dbt_project.yml`, `packages.yml`, `package-lock.yml`, ...),
 * by relative path and content. Left out: dbt's own output and install directories at the top
 * level (`target/`, `dbt_packages/`, `logs/`), `node_modules/` and `__pycache__/` anywhere,
 * hidden entries (`.git`, `.user.yml`, ...) and the top-level `profiles.yml` (DbtRun generates its
 * own profile; the connection is compared separately). Nothing else is skipped: the project
 * directory holds only what dbt reads (the tools that drive it live in `tools/`), so any other
 * file placed in it counts rather than hiding a change.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** Top-level directories of dbt's output and installed packages, never hashed. */
export const IGNORED_TOP_DIRS: readonly string[] = ["target", "dbt_packages", "logs"];
/** Directory names skipped at any depth. */
export const IGNORED_DIRS: readonly string[] = ["node_modules", "__pycache__"];

function ignoredDir(parts: readonly string[], index: number): boolean {
    return IGNORED_DIRS.includes(parts[index]) || (index === 0 && IGNORED_TOP_DIRS.includes(parts[index]));
}

/** Whether a project file (path relative to the project, `/`-separated) takes part in the hash. */
export function isHashedFile(relPath: string): boolean {
    const parts = relPath.split("/");
    if (parts.some((p) => p.startsWith("."))) return false;
    for (let i = 0; i < parts.length - 1; i++) if (ignoredDir(parts, i)) return false;
    const base = parts[parts.length - 1];
    return !(parts.length === 1 && base === "profiles.yml");
}

/** Relative paths (sorted, `/`-separated) of the files that take part in the hash. */
export function dbtProjectFiles(projectDir: string): string[] {
    const out: string[] = [];
    const walk = (rel: string): void => {
        const abs = path.join(projectDir, rel);
        for (const entry of fs.readdirSync(abs, { withFileTypes: true })) {
            const childRel = rel ? `${rel}/${entry.name}` : entry.name;
            if (entry.name.startsWith(".")) continue;
            if (entry.isDirectory()) {
                if (!ignoredDir(childRel.split("/"), childRel.split("/").length - 1)) walk(childRel);
            } else if ((entry.isFile() || entry.isSymbolicLink()) && isHashedFile(childRel)) {
                out.push(childRel);
            }
        }
    };
    walk("");
    return out.sort();
}

/**
 * `sha256:<hex>` over the project's hashed files (relative path and bytes of each, in sorted
 * order). Throws when `projectDir` has no `dbt_project.yml`.
 */
export function dbtProjectHash(projectDir: string): string {
    if (!fs.existsSync(path.join(projectDir, "dbt_project.yml"))) {
        throw new Error(`${projectDir} is not a dbt project (no dbt_project.yml)`);
    }
    const h = crypto.createHash("sha256");
    for (const rel of dbtProjectFiles(projectDir)) {
        const content = fs.readFileSync(path.join(projectDir, rel));
        h.update(`${rel.length}:${rel}\n${content.length}:`);
        h.update(content);
        h.update("\n");
    }
    return `sha256:${h.digest("hex")}`;
}
