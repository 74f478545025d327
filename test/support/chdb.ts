/** Probe for the in-process ClickHouse engine (npm `chdb`), for `requireTier`. */

/** Why the embedded engine cannot load here, or undefined when it can. */
export function chdbProblem(): string | undefined {
    try {
        require("chdb");
        require("chdb/connection");
        return undefined;
    } catch (e) {
        return `npm package chdb does not load (${(e as Error).message.split("\n")[0]}); run npm install`;
    }
}
