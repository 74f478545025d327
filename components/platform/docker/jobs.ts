/**
 * One-shot job containers (MongoDB's init, the sink-plugin fetcher): their result as a value the
 * next step waits for, the error that names a failed job, and the fetcher's proxy environment.
 */
import type * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { FETCHER_PROXY_VARS } from "./names";

/** How to re-run a one-shot job by hand: replace its container. */
export function rerunHint(urn: string): string {
    return `The next \`npm run up\` runs it again (a failed job is replaced). To re-run it yourself: bash scripts/pulumi.sh up --replace '${urn}'`;
}

/**
 * Throws when a one-shot job's recorded exit code is not 0: what failed, its last log lines and
 * how to re-run it.
 */
export function checkJobResult(
    what: string,
    exitCode: number | null | undefined,
    logs: string | null | undefined,
    urn: string,
): void {
    if (exitCode === undefined || exitCode === null || exitCode === 0) return;
    const tail = (logs ?? "").split("\n").slice(-15).join("\n");
    throw new Error(`${what} failed with exit code ${exitCode}. Last log lines:\n${tail}\n${rerunHint(urn)}`);
}

/**
 * `value` once the one-shot container `job` exited 0; an error naming the job, its last log lines
 * and how to re-run it otherwise (see {@link checkJobResult}). Anything built from the result
 * waits for the job.
 */
export function onlyOnSuccess(
    job: docker.Container,
    what: string,
    value: pulumi.Output<string>,
): pulumi.Output<string> {
    return pulumi.all([job.exitCode, job.containerLogs, job.urn, value]).apply(([code, logs, urn, v]) => {
        checkJobResult(what, code, logs, urn);
        return v;
    });
}

/**
 * The plugin fetcher's proxy environment. The Docker Engine API does not apply the CLI's proxy
 * settings to containers it creates, so `npm run up` passes the user's (`HTTPS_PROXY` & co., or
 * the docker CLI's `proxies.default`) as `CDC_FETCHER_*`; each is given in both spellings
 * (busybox wget reads the lower-case ones). A proxy URL with credentials travels as a secret.
 */
export function fetcherProxyEnv(env: NodeJS.ProcessEnv): pulumi.Input<string>[] {
    const out: pulumi.Input<string>[] = [];
    const pairs: [string, string][] = [
        [FETCHER_PROXY_VARS.httpProxy, "http_proxy"],
        [FETCHER_PROXY_VARS.httpsProxy, "https_proxy"],
        [FETCHER_PROXY_VARS.noProxy, "no_proxy"],
    ];
    for (const [from, name] of pairs) {
        const value = env[from];
        if (!value) continue;
        const secret = /\/\/[^/@]*@/.test(value);
        for (const n of [name, name.toUpperCase()]) out.push(secret ? pulumi.secret(`${n}=${value}`) : `${n}=${value}`);
    }
    return out;
}
