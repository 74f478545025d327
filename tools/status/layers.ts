/**
 * The silver-storage and gold table names of a status run. They come from the dbt project's model
 * files (`dbtModelLayers`); the bundled exporter (components/monitoring/exporterBundle.ts) runs
 * where no project is, so its build embeds the names it read and they serve when the project
 * directory is absent.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { dbtModelLayers } from "../../components/analytics/relations";

export type ModelLayers = ReturnType<typeof dbtModelLayers>;

let embedded: ModelLayers | undefined;

/** Called by the bundle's entry, before the CLI runs, with the names read when it was built. */
export function embedModelLayers(layers: ModelLayers): void {
    embedded = layers;
}

/** The project's layers; the embedded ones when `projectDir` has no models; else a message naming --project-dir. */
export function modelLayersOf(projectDir: string): ModelLayers {
    if (fs.existsSync(path.join(projectDir, "models"))) return dbtModelLayers(projectDir);
    if (embedded) return embedded;
    throw new Error(
        `${projectDir} holds no dbt project (no models/ directory): pass --project-dir DIR, the repository's ecom_analytics`,
    );
}
