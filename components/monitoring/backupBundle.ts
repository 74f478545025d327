/**
 * The backup CLI (`npm run backup`, tools/backup) as one self-contained CommonJS file
 * (cliBundle.ts), for the scheduled backup job: `node backup.js create NAME …` and `prune` in the
 * official Node 20 image with no node_modules (components/platform/{docker,kubernetes}/backup.ts);
 * `node backup.js schedule` is docker's scheduler loop around it (tools/backup/scheduler.ts).
 * The job passes every endpoint as a flag, so the bundle never reads a stack.
 */
import * as path from "node:path";
import { BUNDLED_FLAG } from "../backup/bundled";
import { bundleCli } from "./cliBundle";

let cached: string | undefined;

/** The bundle's text (built once per process; < 1 MiB, for a ConfigMap). */
export function backupBundle(): string {
    if (cached !== undefined) return cached;
    cached = bundleCli({
        // `schedule`: the docker platform's scheduler loop (scheduler.ts); anything else: the CLI.
        // The CLI's module runs itself when it is the main module, which the bundle's modules all appear to be:
        // the flag, set before it is loaded, says the entry decides (index.ts).
        contents:
            `(globalThis as { ${BUNDLED_FLAG}?: boolean }).${BUNDLED_FLAG} = true;\n` +
            `if (process.argv[2] === "schedule") require("./scheduler").runScheduler().then((c: number) => process.exit(c));\n` +
            `else require("./index").runCli();\n`,
        resolveDir: path.join("tools", "backup"),
        sourcefile: "backup.ts",
        comment: [
            "The CDC pipeline's backup CLI (`npm run backup`), built by components/monitoring/backupBundle.ts:",
            "its code and dependencies (licences included) bundled by esbuild, brotli-compressed.",
        ],
    });
    return cached;
}
