/**
 * Entry point of `npm run seed` (flags: seedFlags.ts): writes the initial load into MongoDB, or
 * with `--emit bronze` writes the Debezium bronze rows of a generated history to files. Only the
 * summary goes to stderr; stdout stays empty so the command can sit in a pipe.
 *
 * Exit codes: 0 done, 1 failure (MongoDB or file system; the message says what was written),
 * 2 bad command line (the message names the flag and the fix).
 */
import { failureExitCode, runAsProcess } from "./exit";
import { emitBronze, EmitError } from "./emit";
import { DocumentFactory } from "./factories";
import { buildInitialLoad } from "./initial";
import { connectChecked } from "./mongo/connect";
import { MongoSetupError, describeAddress } from "./mongo/errors";
import { writeInitialLoad } from "./mongo/load";
import { resolveTlsCa } from "./mongo/tls";
import { resolveMongoUri } from "./mongo/uri";
import { ObjectIdFactory } from "./objectid";
import { Prng } from "./prng";
import { progressBar } from "./progress";
import { parseSeedCommand, type EmitCommand, type MongoSeedCommand } from "./seedFlags";

const log = (line: string) => process.stderr.write(line + "\n");

async function runEmit(cmd: EmitCommand): Promise<void> {
    const s = await emitBronze(cmd.history, cmd.out);
    const files = s.files.map((f) => `${f.path} (${f.rows} rows)`).join(", ");
    log(
        `seed: wrote ${s.snapshotRows} snapshot + ${s.changeRows} change events in ${s.seconds.toFixed(2)} s: ${files}`,
    );
}

async function runMongo(cmd: MongoSeedCommand): Promise<void> {
    const resolved = resolveMongoUri(cmd.uri, process.env);
    const { uri, from } = resolved;
    const ca = resolveTlsCa(cmd.tlsCaFile, process.env, resolved);
    const started = performance.now();
    // Unless --base-time fixes it, documents are dated relative to now (rounded to the minute)
    // so the demo data looks fresh; names, amounts and statuses are fixed by the seed.
    const base = cmd.baseTime ?? new Date(Math.floor(Date.now() / 60_000) * 60_000);
    const rng = new Prng(cmd.history.seed, 0);
    const load = buildInitialLoad(
        cmd.history,
        base,
        rng,
        new DocumentFactory(cmd.history.seed, rng),
        new ObjectIdFactory(cmd.history.seed),
    );
    const conn = await connectChecked(uri, { allowStandalone: cmd.allowStandalone, appName: "cdc-seed", ca });
    const total = load.customers.length + load.products.length + load.orders.length;
    const bar = progressBar(total);
    try {
        log(
            `seed: MongoDB ${describeAddress(uri)} (from ${from}${ca ? `, TLS with the CA from ${ca.from}` : ""}${conn.replicaSet ? `, replica set ${conn.replicaSet}` : ", standalone"}), database ecom${cmd.reset ? ", dropping collections first" : ""}`,
        );
        const { written, warnings } = await writeInitialLoad(conn.db, load, {
            reset: cmd.reset,
            batchSize: cmd.batchSize,
            onProgress: (w, c) => bar.update(w.customers + w.products + w.orders, c),
        });
        bar.done();
        for (const w of warnings) log(`seed: warning: ${w}`);
        const secs = (performance.now() - started) / 1000;
        log(
            `seed: inserted ${written.customers} customers, ${written.products} products, ${written.orders} orders (seed ${cmd.history.seed}) in ${secs.toFixed(1)} s`,
        );
    } catch (e) {
        bar.done();
        throw e;
    } finally {
        await conn.client.close();
    }
}

/** Runs the command line `argv`; resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
    try {
        const cmd = parseSeedCommand(argv);
        if (cmd.mode === "help") {
            process.stderr.write(cmd.text);
            return 0;
        }
        if (cmd.mode === "emit") await runEmit(cmd);
        else await runMongo(cmd);
        return 0;
    } catch (e) {
        return failureExitCode("seed", e, [MongoSetupError, EmitError]);
    }
}

if (require.main === module) runAsProcess(main);
