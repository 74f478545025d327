/**
 * Benchmark of the seed generator (not a test): document generation speed, event emitter speed
 * (in memory and to files), next to the raw cost of the faker calls the generation makes, all
 * measured in the same run so the ratios compare like with like.
 *
 *   npx tsx bench/seed.ts [--orders 100000] [--changes 100000] [--rounds 2]
 *
 * Each stage runs `rounds` times, interleaved, and the fastest round counts (the machine is
 * shared; the minimum is the least disturbed measurement).
 * Sizes: customers = orders / 5, products = orders / 50 (the default seed's proportions).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Faker, en } from "@faker-js/faker";
import { emitBronze } from "../seed/emit";
import { DocumentFactory } from "../seed/factories";
import { HistoryGenerator } from "../seed/history";
import { buildInitialLoad } from "../seed/initial";
import { ObjectIdFactory } from "../seed/objectid";
import { Prng } from "../seed/prng";

function flag(name: string, fallback: number): number {
    const i = process.argv.indexOf(`--${name}`);
    const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
    if (!Number.isSafeInteger(v) || v <= 0) throw new Error(`--${name} must be a positive whole number`);
    return v;
}

const orders = flag("orders", 100_000);
const changes = flag("changes", 100_000);
const customers = Math.max(1, Math.floor(orders / 5));
const products = Math.max(1, Math.floor(orders / 50));
const rounds = flag("rounds", 2);
const seed = 42;
const base = new Date(Date.UTC(2025, 0, 1));

function time<T>(fn: () => T): { seconds: number; value: T } {
    const t0 = performance.now();
    const value = fn();
    return { seconds: (performance.now() - t0) / 1000, value };
}

async function timeAsync<T>(fn: () => Promise<T>): Promise<{ seconds: number; value: T }> {
    const t0 = performance.now();
    const value = await fn();
    return { seconds: (performance.now() - t0) / 1000, value };
}

/** Exactly the faker calls the generation makes for the initial load, and nothing else. */
function fakerOnly(): number {
    const f = new Faker({ locale: [en] });
    f.seed(seed);
    let calls = 0;
    for (let i = 0; i < customers; i++) {
        const first = f.person.firstName();
        const last = f.person.lastName();
        f.internet.email({ firstName: first, lastName: last });
        f.phone.number({ style: "national" });
        f.location.streetAddress();
        f.location.city();
        f.location.state({ abbreviated: true });
        f.location.zipCode();
        calls += 8;
    }
    for (let i = 0; i < products; i++) {
        f.commerce.productName();
        calls++;
    }
    return calls;
}

async function mainBench(): Promise<void> {
    // Warm up the JIT on a small run of each stage.
    fakerOnly.call(null);
    for (const _ of new HistoryGenerator({ seed: 1, customers: 200, products: 20, orders: 1000, changes: 1000 }).rows())
        void _;

    const best = <T>(a: { seconds: number; value: T } | undefined, b: { seconds: number; value: T }) =>
        a === undefined || b.seconds < a.seconds ? b : a;
    let faker: { seconds: number; value: number } | undefined;
    let gen: { seconds: number; value: unknown } | undefined;
    let events: { seconds: number; value: { n: number; bytes: number } } | undefined;
    let files: { seconds: number; value: Awaited<ReturnType<typeof emitBronze>> } | undefined;
    for (let r = 0; r < rounds; r++) {
        faker = best(faker, time(fakerOnly));
        gen = best(
            gen,
            time(() => {
                const rng = new Prng(seed);
                buildInitialLoad(
                    { customers, products, orders },
                    base,
                    rng,
                    new DocumentFactory(seed, rng),
                    new ObjectIdFactory(seed),
                );
                return undefined;
            }),
        );
        events = best(
            events,
            time(() => {
                let n = 0;
                let bytes = 0;
                for (const { row } of new HistoryGenerator({ seed, customers, products, orders, changes }).rows()) {
                    n++;
                    bytes += row.raw_data.length;
                }
                return { n, bytes };
            }),
        );
        const dir = mkdtempSync(join(tmpdir(), "seed-bench-"));
        try {
            files = best(files, await timeAsync(() => emitBronze({ seed, customers, products, orders, changes }, dir)));
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    }
    if (!faker || !gen || !events || !files) throw new Error("no round ran");
    const docs = customers + products + orders;
    const fileEvents = files.value.snapshotRows + files.value.changeRows;
    const fileBytes = files.value.files.reduce((n, f) => n + f.bytes, 0);

    const rows = [
        { stage: "faker calls alone (initial load's)", count: faker.value, unit: "calls", s: faker.seconds },
        { stage: "generate initial load (documents)", count: docs, unit: "docs", s: gen.seconds },
        {
            stage: "emit events in memory (snapshot + changes)",
            count: events.value.n,
            unit: "events",
            s: events.seconds,
        },
        { stage: "emit events to JSONL files", count: fileEvents, unit: "events", s: files.seconds },
    ];
    const out: string[] = [];
    out.push(
        `seed benchmark: ${customers} customers, ${products} products, ${orders} orders, ${changes} changes; best of ${rounds} rounds (node ${process.version})`,
    );
    out.push("");
    out.push(
        `${"stage".padEnd(44)} ${"count".padStart(9)} ${"unit".padEnd(6)} ${"seconds".padStart(8)} ${"per second".padStart(11)} ${"× faker time".padStart(12)}`,
    );
    for (const r of rows) {
        out.push(
            `${r.stage.padEnd(44)} ${String(r.count).padStart(9)} ${r.unit.padEnd(6)} ${r.s.toFixed(3).padStart(8)} ${Math.round(
                r.count / r.s,
            )
                .toLocaleString("en-US")
                .padStart(11)} ${(r.s / faker.seconds).toFixed(2).padStart(12)}`,
        );
    }
    out.push("");
    out.push(
        `faker share of document generation: ${((100 * faker.seconds) / gen.seconds).toFixed(0)}% (the rest: PRNG, dates, order lines, statuses, ids)`,
    );
    out.push(
        `envelope text: ${(events.value.bytes / 1e6).toFixed(1)} MB of raw_data in memory; files: ${(fileBytes / 1e6).toFixed(1)} MB`,
    );
    process.stdout.write(out.join("\n") + "\n");
}

mainBench().catch((e) => {
    process.stderr.write(`bench/seed.ts: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
});
