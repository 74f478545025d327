/**
 * Names shared by the docker program and `npm run up`'s preflight (which must not load Pulumi).
 */

/** Label every one-shot job carries (value: the job's role); the preflight finds failed jobs by it. */
export const JOB_LABEL = "cdc.job";

/** Proxy settings handed to the plugin fetcher (by `scripts/preflight.ts`, as `CDC_FETCHER_*`). */
export const FETCHER_PROXY_VARS = {
    httpProxy: "CDC_FETCHER_HTTP_PROXY",
    httpsProxy: "CDC_FETCHER_HTTPS_PROXY",
    noProxy: "CDC_FETCHER_NO_PROXY",
} as const;
