/**
 * The pipeline exporter as one self-contained CommonJS file: `npm run status` (tools/status) with
 * every dependency bundled (cliBundle.ts), so `node exporter.js --serve 9464 --connect-url …` runs in
 * the official Node 20 image with no node_modules (the stack mounts it from a volume or ConfigMap).
 * The dbt project's silver and gold table names are read now and embedded (the image has no
 * project; tools/status/layers.ts).
 */
import * as path from "node:path";
import { dbtModelLayers } from "../analytics/relations";
import { bundleCli } from "./cliBundle";

const ROOT = path.resolve(__dirname, "..", "..");

let cached: string | undefined;

/** The bundle's text (built once per process, minified and compressed: it must fit a Kubernetes ConfigMap, < 1 MiB). */
export function exporterBundle(): string {
    if (cached !== undefined) return cached;
    const layers = dbtModelLayers(path.join(ROOT, "ecom_analytics"));
    cached = bundleCli({
        contents:
            `import { embedModelLayers } from "./layers";\n` +
            `embedModelLayers(${JSON.stringify(layers)});\n` +
            // After the names are in place: the CLI starts when its module is evaluated.
            `require("./index");\n`,
        resolveDir: path.join("tools", "status"),
        sourcefile: "exporter.ts",
        comment: [
            "The CDC pipeline exporter (`npm run status -- --serve`), built by components/monitoring/exporterBundle.ts:",
            "its code and dependencies (licences included) bundled by esbuild, brotli-compressed.",
        ],
    });
    return cached;
}
