/**
 * Replay command: `npm run --silent analytics:replay -- --bronze DIR --out OUT [--verbose]`.
 *
 * Loads `DIR/mongo_ecom_{customers,products,orders}.jsonl` (one bronze row per line: raw_data,
 * _topic, _partition, _offset, _key) into fresh bronze tables on the embedded ClickHouse engine
 * (a chdb gateway with a new temp data dir), runs `dbt build` of the dbt project ecom_analytics/ and writes every
 * silver and gold model to `OUT/<model>.jsonl`. Exit 0 on success; 1 with dbt's error lines
 * when a model or test fails; 2 for bad flags or missing/malformed input.
 *
 * Output encoding (stable; ClickHouse JSONEachRow with output_format_json_quote_decimals=1,
 * output_format_json_quote_64bit_integers=0), one JSON object per row, contract column names,
 * rows sorted by the model's key:
 *   - Decimal(18,2) money → JSON string with exactly 2 decimals: "19.99", "0.30", "-5.00";
 *   - integers (counts, quantities, _event_timestamp_ms) → JSON numbers;
 *   - DateTime64(3, 'UTC') → "YYYY-MM-DD hh:mm:ss.sss" in UTC, e.g. "2024-11-23 23:59:59.999";
 *   - Date → "YYYY-MM-DD";
 *   - strings as JSON strings (UTF-8, unescaped), NULL → null.
 * Files: stg_customers, stg_products, stg_orders, stg_order_lines, dim_customers, dim_products,
 * fact_orders, fct_daily_sales (`.jsonl`).
 */
import { parseReplayArgs, REPLAY_USAGE, ReplayUsageError } from "./replay/args";
import { BronzeFileError } from "./replay/bronzeFiles";
import { replay } from "./replay/index";

async function main(argv: string[]): Promise<number> {
    let args;
    try {
        args = parseReplayArgs(argv);
    } catch (e) {
        if (e instanceof ReplayUsageError) {
            process.stderr.write(`analytics:replay: ${e.message}\n${REPLAY_USAGE}\n`);
            return 2;
        }
        throw e;
    }
    if (args === "help") {
        process.stdout.write(`${REPLAY_USAGE}\n`);
        return 0;
    }
    const verbose = args.verbose;
    try {
        const started = Date.now();
        const result = await replay({
            bronzeDir: args.bronzeDir,
            outDir: args.outDir,
            log: (line) => {
                if (verbose) process.stderr.write(`${line}\n`);
            },
        });
        const d = result.dbt;
        const counts = Object.entries(result.written)
            .map(([m, n]) => `${m}=${n}`)
            .join(" ");
        process.stderr.write(
            `analytics:replay: dbt build ok (${d.modelsBuilt} models, ${d.testsPassed} tests) in ${((Date.now() - started) / 1000).toFixed(1)} s; wrote ${counts} to ${args.outDir}\n`,
        );
        return 0;
    } catch (e) {
        if (e instanceof BronzeFileError) {
            process.stderr.write(`analytics:replay: ${e.message}\n`);
            return 2;
        }
        if (e instanceof Error && e.name === "DbtRunError") {
            process.stderr.write(`analytics:replay: dbt build failed\n${e.message}\n`);
            return 1;
        }
        process.stderr.write(`analytics:replay: ${(e as Error).stack ?? String(e)}\n`);
        return 1;
    }
}

main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
        process.stderr.write(`analytics:replay: ${(e as Error).stack ?? String(e)}\n`);
        process.exit(1);
    },
);
