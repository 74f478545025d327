/**
 * Creates the pinned dbt venv if needed and prints the path of its `dbt` executable, e.g. for a
 * CI cache warm-up step or to run dbt by hand:
 *
 *   npx tsx components/providers/dbt/venv-cli.ts            # prints …/dbt-venv-<key>/bin/dbt
 *   "$(npx tsx components/providers/dbt/venv-cli.ts)" --version
 *
 * Progress goes to stderr; exits 1 with the reason when the venv cannot be created.
 */
import { ensureDbtVenv } from "./venv";

ensureDbtVenv({ log: (l) => process.stderr.write(`[dbt venv] ${l}\n`) }).then(
    (v) => process.stdout.write(`${v.dbt}\n`),
    (e: Error) => {
        process.stderr.write(`${e.message}\n`);
        process.exit(1);
    },
);
