/**
 * How `npm run seed` and `npm run simulate` end: a failure printed as `<command>: <message>` and
 * mapped to the exit code both document (2 bad command line, 1 a failure the command explains or
 * an unexpected one, with its stack).
 */
import { UsageError } from "./args";

/** Prints `e` for `command` and returns its exit code; `explained`: the errors whose message says it all. */
export function failureExitCode(
    command: string,
    e: unknown,
    explained: ReadonlyArray<abstract new (...args: never[]) => Error>,
): number {
    const log = (line: string) => process.stderr.write(line + "\n");
    if (e instanceof UsageError) {
        log(`${command}: ${e.message}`);
        return 2;
    }
    if (explained.some((k) => e instanceof k)) {
        log(`${command}: ${(e as Error).message}`);
        return 1;
    }
    log(`${command}: unexpected failure: ${(e as Error).stack ?? String(e)}`);
    return 1;
}

/** Runs a command's `main` on the process's arguments and sets the exit code it resolves to. */
export function runAsProcess(main: (argv: readonly string[]) => Promise<number>): void {
    void main(process.argv.slice(2)).then((code) => {
        process.exitCode = code;
    });
}
