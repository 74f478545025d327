/**
 * Checks `npm run up` makes before `pulumi up` on the docker platform, as pure functions of what
 * the docker and pulumi CLIs print (the I/O lives in `scripts/preflight.ts`), so each is unit-tested
 * on recorded outputs (one file per check):
 *
 * - which Docker engine to talk to, resolved like the `docker` CLI does (the current context), and
 *   the environment that hands it to the Pulumi docker provider (which only reads `DOCKER_HOST`);
 * - host ports the stack publishes that another program already holds, naming the
 *   `cdc:docker.ports.*` key to change;
 * - the engine's memory against the sum of the services' limits (a warning with the figures), and
 *   its CPUs against each service's `cpus` (Docker refuses more CPUs than the engine has);
 * - proxy settings passed to the sink-plugin fetcher;
 * - one-shot jobs whose last run failed, to be replaced (re-run) by this `up`.
 */
export * from "./endpoint";
export * from "./failed-jobs";
export * from "./findings";
export * from "./ports";
export * from "./proxies";
export * from "./resources";
