/** Probe for the in-process ClickHouse engine (npm `chdb`), for `requireTier`. */

/** Why the embedded engine cannot load here, or undefined when it can. */
export function chdbProblem(): string | undefined {
    try {
        // A load probe: require() throws here, at the call, when the native engine cannot load.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require("chdb");
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require("chdb/connection");
        return undefined;
    } catch (e) {
        return `npm package chdb does not load (${(e as Error).message.split("\n")[0]}); run npm install`;
    }
}
