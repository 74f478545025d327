/**
 * `npm run status [-- --json] [--stack S] …`: is data flowing? One screen, stage by stage in
 * data-flow order (source → sink → bronze → silver → gold), each with a verdict (ok / lagging /
 * failed). Exit 2 when a stage failed, 0 otherwise, 1 on bad usage. docs/operations.md has the
 * rules, the thresholds and the JSON shape; `--help` lists the flags.
 */
import * as path from "node:path";
import { maskSecrets } from "../../components/providers/shared/mask";
import { maskDeep } from "./endpoints";
import { effectiveThresholds, parseFlags, readStackOutputs, resolveTarget, USAGE } from "./flags";
import { renderTable } from "./render";
import { status } from "./run";

/** The secrets of the run, once known: every output (report, table, error) is masked with them. */
let secrets: readonly string[] = [];

function fail(e: unknown): void {
    process.stderr.write(`status: ${maskSecrets((e as Error)?.message ?? String(e), secrets)}\n`);
    process.exitCode = 1;
}

// A rejection nobody awaited would print Node's trace, URLs and all: the message only, masked.
process.on("unhandledRejection", fail);

async function main(): Promise<number> {
    const root = path.resolve(__dirname, "..", "..");
    const argv = process.argv.slice(2);
    if (argv.includes("--help") || argv.includes("-h")) {
        process.stdout.write(`${USAGE}\n`);
        return 0;
    }
    const flags = parseFlags(argv);
    const target = resolveTarget(flags, root, () => readStackOutputs(root, flags.stack));
    secrets = target.secrets;
    const observed = await status(target, {
        timeoutMs: flags.timeoutSeconds * 1000,
        traceLines: flags.traceLines,
        thresholds: effectiveThresholds(flags, target),
    });
    const report = maskDeep(observed, secrets);
    process.stdout.write(
        flags.json ? `${JSON.stringify(report, null, 2)}\n` : renderTable(report, process.stdout.columns || 120),
    );
    return report.exitCode;
}

main().then((code) => {
    process.exitCode = code;
}, fail);
