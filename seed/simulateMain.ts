/**
 * Entry point of `npm run simulate` (flags: simulateFlags.ts; the loop: simulationLoop.ts): a
 * steady, realistic stream of changes against MongoDB (new orders, status transitions, price and
 * stock changes, new customers, occasional deletes) for the pipeline to capture. Live counters
 * on stderr; Ctrl-C stops cleanly with a summary (a second Ctrl-C exits at once).
 *
 * Exit codes: 0 stopped normally, 1 MongoDB failure, 2 bad command line.
 */
import { UsageError } from "./args";
import { failureExitCode, runAsProcess } from "./exit";
import { ChangeChooser } from "./changes";
import { DocumentFactory } from "./factories";
import { applyMutation } from "./mongo/apply";
import { connectChecked } from "./mongo/connect";
import { MongoSetupError, describeAddress, explainMongoError } from "./mongo/errors";
import { readWorld } from "./mongo/readWorld";
import { resolveTlsCa } from "./mongo/tls";
import { resolveMongoUri } from "./mongo/uri";
import { ObjectIdFactory } from "./objectid";
import { Prng } from "./prng";
import { parseSimulateCommand } from "./simulateFlags";
import { abortableSleep, formatStats, runSimulation, type SimulationStats } from "./simulationLoop";

const log = (line: string) => process.stderr.write(line + "\n");

/** Runs the command line `argv`; resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
    let cmd;
    try {
        cmd = parseSimulateCommand(argv);
    } catch (e) {
        if (e instanceof UsageError) {
            log(`simulate: ${e.message}`);
            return 2;
        }
        throw e;
    }
    if (cmd.mode === "help") {
        process.stderr.write(cmd.text);
        return 0;
    }
    try {
        const resolved = resolveMongoUri(cmd.uri, process.env);
        const uri = resolved.uri;
        const ca = resolveTlsCa(cmd.tlsCaFile, process.env, resolved);
        const conn = await connectChecked(uri, { allowStandalone: cmd.allowStandalone, appName: "cdc-simulate", ca });
        try {
            const seed = cmd.seed ?? Date.now() % 4294967296;
            const rng = new Prng(seed, 0);
            const docs = new DocumentFactory(seed, rng);
            const world = await readWorld(conn.db, docs);
            log(
                `simulate: MongoDB ${describeAddress(uri)}, ${world.customers.size} customers, ${world.products.size} products, ${world.orders.size} orders; ` +
                    `${cmd.rate} changes/s${cmd.durationS ? ` for ${cmd.durationS} s` : " until Ctrl-C"} (seed ${seed})`,
            );
            if (world.customers.size === 0 || world.products.size === 0)
                log("simulate: hint: the database is nearly empty; `npm run seed` loads an initial data set");
            const abort = new AbortController();
            let interrupts = 0;
            const onSigint = () => {
                interrupts++;
                if (interrupts > 1) process.exit(130);
                abort.abort();
            };
            process.on("SIGINT", onSigint);
            process.on("SIGTERM", onSigint);
            const tty = process.stderr.isTTY;
            let lastPrint = 0;
            const onTick = (s: SimulationStats) => {
                const now = performance.now();
                if (tty && now - lastPrint >= 250) {
                    lastPrint = now;
                    process.stderr.write(`\r${formatStats(s)}\x1b[K`);
                } else if (!tty && now - lastPrint >= 10_000) {
                    lastPrint = now;
                    log(`simulate: ${formatStats(s)}`);
                }
            };
            const stats = await runSimulation(cmd.rate, cmd.durationS, abort.signal, {
                chooser: new ChangeChooser(world, rng, docs, new ObjectIdFactory(seed ^ 0x5eed)),
                write: (m) => applyMutation(conn.db, m),
                now: () => performance.now(),
                wallClock: () => new Date(),
                sleep: abortableSleep,
                onTick,
            });
            process.off("SIGINT", onSigint);
            process.off("SIGTERM", onSigint);
            if (tty) process.stderr.write("\n");
            const kinds = Object.entries(stats.byKind)
                .sort()
                .map(([k, n]) => `${k} ${n}`)
                .join(", ");
            log(`simulate: stopped (${stats.stoppedBy}) after ${formatStats(stats)}`);
            if (kinds) log(`simulate: by kind: ${kinds}`);
            if (stats.stoppedBy === "errors") {
                throw explainMongoError(new Error(stats.lastError ?? "repeated write failures"), uri, {
                    caFrom: ca?.from,
                });
            }
            return 0;
        } finally {
            await conn.client.close();
        }
    } catch (e) {
        return failureExitCode("simulate", e, [MongoSetupError]);
    }
}

if (require.main === module) runAsProcess(main);
