/**
 * `npm run status [-- --json] [--stack S] …`: is data flowing? One screen, stage by stage in
 * data-flow order (source → sink → bronze → silver → gold), each with a verdict (ok / lagging /
 * failed). Exit 2 when a stage failed, 0 otherwise, 1 on bad usage. docs/operations.md has the
 * rules, the thresholds and the JSON shape; `--help` lists the flags.
 */
import * as path from "node:path";
import { effectiveThresholds, parseFlags, readStackOutputs, resolveTarget, USAGE } from "./flags";
import { renderTable } from "./render";
import { status } from "./run";

async function main(): Promise<number> {
    const root = path.resolve(__dirname, "..", "..");
    const argv = process.argv.slice(2);
    if (argv.includes("--help") || argv.includes("-h")) {
        process.stdout.write(`${USAGE}\n`);
        return 0;
    }
    const flags = parseFlags(argv);
    const target = resolveTarget(flags, root, () => readStackOutputs(root, flags.stack));
    const report = await status(target, { timeoutMs: flags.timeoutSeconds * 1000, traceLines: flags.traceLines, thresholds: effectiveThresholds(flags, target) });
    process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : renderTable(report, process.stdout.columns || 120));
    return report.exitCode;
}

main().then(
    (code) => {
        process.exitCode = code;
    },
    (e: Error) => {
        process.stderr.write(`status: ${e.message}\n`);
        process.exitCode = 1;
    },
);
