/**
 * The relations the dbt project creates in ClickHouse, by name: each model's own relation plus
 * the companions its materialization makes (`__mv`, `__next`, `__next_mv` for streaming_table, and with a two-path
 * silver also `__gate_mv`, `__slow_mv`, `__slow_in` and their `__next_` forms;
 * `__state`, `__state_next`, `__refresh`, `__gate`, `__apply` for refreshed_table). Read from the project's model
 * files when the program runs, so a model added to the project is covered without a list to
 * keep in step. BronzeTables drops exactly these (those that exist) before dropping bronze.
 */
import * as fs from "node:fs";
import * as path from "node:path";

const COMPANIONS = [
    "",
    "__mv",
    "__next",
    "__next_mv",
    ...["gate_mv", "slow_mv", "slow_in"].flatMap((v) => [`__${v}`, `__next_${v}`]),
    "__state",
    "__state_next",
    "__refresh",
    "__gate",
    "__apply",
];

/** The model files under `<projectDir>/models`: name (file name without `.sql`) and path, sorted by name. */
function modelFiles(projectDir: string): Array<{ name: string; file: string }> {
    const out: Array<{ name: string; file: string }> = [];
    const walk = (dir: string): void => {
        for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
            const p = path.join(dir, e.name);
            if (e.isDirectory()) walk(p);
            else if (e.name.endsWith(".sql")) out.push({ name: e.name.slice(0, -4), file: p });
        }
    };
    walk(path.join(projectDir, "models"));
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Model names: the `.sql` files under `<projectDir>/models`, sorted. */
export function dbtModelNames(projectDir: string): string[] {
    return modelFiles(projectDir).map((m) => m.name);
}

/**
 * The tables `npm run status` reads silver and gold in, by materialization. Silver is the `stg_*`
 * views (docs/data-contract.md §4); they read `FINAL` from its storage, `silverStorage`: the models
 * materialized as `streaming_table` that read a bronze source (the `base_*` tables, where rows and
 * arrival times are), apart from `models/monitoring/` (schema drift). Gold = the models materialized as
 * `refreshed_table` (the marts).
 */
export function dbtModelLayers(projectDir: string): { silverStorage: string[]; gold: string[] } {
    const silverStorage: string[] = [];
    const gold: string[] = [];
    for (const m of modelFiles(projectDir)) {
        const sql = fs.readFileSync(m.file, "utf8");
        const materialized = /materialized\s*=\s*['"]([a-z_]+)['"]/.exec(sql)?.[1];
        // models/monitoring/ (schema drift) also streams from bronze, but is no layer of the data
        const monitoring = path.basename(path.dirname(m.file)) === "monitoring";
        if (materialized === "streaming_table" && /source\(\s*['"]bronze['"]/.test(sql) && !monitoring)
            silverStorage.push(m.name);
        if (materialized === "refreshed_table") gold.push(m.name);
    }
    return { silverStorage, gold };
}

/** Every relation name the project's models can create, sorted. */
export function dbtRelationNames(projectDir: string): string[] {
    return dbtModelNames(projectDir)
        .flatMap((m) => COMPANIONS.map((c) => `${m}${c}`))
        .sort();
}
