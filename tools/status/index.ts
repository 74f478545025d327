/**
 * `npm run status [-- --json] [--stack S] …`: is data flowing? One screen, stage by stage in
 * data-flow order (source → sink → bronze → silver → gold), each with a verdict (ok / lagging /
 * failed). Exit 2 when a stage failed, 0 otherwise, 1 on bad usage. docs/operations.md has the
 * rules, the thresholds and the JSON shape; `--help` lists the flags. With `--serve PORT` it is the
 * Prometheus exporter of the pipeline instead (serve.ts), until SIGTERM.
 */
import * as path from "node:path";
import { maskSecrets } from "../../components/providers/shared/mask";
import { maskDeep } from "./endpoints";
import { effectiveThresholds, parseFlags, readStackOutputs, resolveTarget, USAGE } from "./flags";
import { renderTable } from "./render";
import { status } from "./run";
import { serveOptionsOf, startExporter, type ServeOptions } from "./serve";
import type { StatusReport } from "./types";

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
    const serving = serveOptionsOf(flags);
    const target = resolveTarget(flags, root, () => readStackOutputs(root, flags.stack));
    secrets = target.secrets;
    const collect = async () =>
        maskDeep(
            await status(target, {
                timeoutMs: flags.timeoutSeconds * 1000,
                traceLines: flags.traceLines,
                thresholds: effectiveThresholds(flags, target),
            }),
            secrets,
        );
    if (serving) return serve(serving, collect);
    const report = await collect();
    process.stdout.write(
        flags.json ? `${JSON.stringify(report, null, 2)}\n` : renderTable(report, process.stdout.columns || 120),
    );
    return report.exitCode;
}

/** The exporter until SIGTERM or SIGINT, then closed cleanly (exit 0). */
async function serve(o: ServeOptions, collect: () => Promise<StatusReport>): Promise<number> {
    const exporter = await startExporter(o, collect);
    const login = o.auth ? `, basic auth user ${o.auth.user}` : "";
    process.stderr.write(`status: serving ${exporter.url}${login} (SIGTERM stops)\n`);
    await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once("SIGTERM", stop);
        process.once("SIGINT", stop);
    });
    await exporter.close();
    process.stderr.write("status: exporter stopped\n");
    return 0;
}

main().then((code) => {
    process.exitCode = code;
}, fail);
