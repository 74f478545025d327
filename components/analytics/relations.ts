/**
 * The relations the dbt project creates in ClickHouse, by name: each model's own relation plus
 * the companions its materialization makes (`__mv`, `__next`, `__next_mv` for streaming_table;
 * `__state`, `__state_next`, `__refresh` for refreshed_table). Read from the project's model
 * files when the program runs, so a model added to the project is covered without a list to
 * keep in step. BronzeTables drops exactly these (those that exist) before dropping bronze.
 */
import * as fs from "node:fs";
import * as path from "node:path";

const COMPANIONS = ["", "__mv", "__next", "__next_mv", "__state", "__state_next", "__refresh"];

/** Model names: the `.sql` files under `<projectDir>/models`, sorted. */
export function dbtModelNames(projectDir: string): string[] {
    const out: string[] = [];
    const walk = (dir: string): void => {
        for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
            if (e.isDirectory()) walk(path.join(dir, e.name));
            else if (e.name.endsWith(".sql")) out.push(e.name.slice(0, -4));
        }
    };
    walk(path.join(projectDir, "models"));
    return out.sort();
}

/** Every relation name the project's models can create, sorted. */
export function dbtRelationNames(projectDir: string): string[] {
    return dbtModelNames(projectDir).flatMap((m) => COMPANIONS.map((c) => `${m}${c}`)).sort();
}
