/** Proxy settings handed to the sink-plugin fetcher. */
import { FETCHER_PROXY_VARS } from "../names";

export interface ProxySettings {
    httpProxy?: string;
    httpsProxy?: string;
    noProxy?: string;
    /** `environment` or the docker CLI config file it came from. */
    source: string;
}

/** The first non-empty of `names` in `env` (HTTPS_PROXY before https_proxy). */
function envValue(env: NodeJS.ProcessEnv, ...names: string[]): string | undefined {
    for (const n of names) if (env[n]) return env[n];
    return undefined;
}

/**
 * Proxy settings for the plugin fetcher: the environment's (`HTTP_PROXY`, `HTTPS_PROXY`,
 * `NO_PROXY`, either case) or else the docker CLI's `proxies.default` (what `docker run` would
 * inject; the Engine API, which Pulumi uses, does not). Undefined when there is none.
 *
 * @param dockerConfig the docker CLI's config.json text, if any
 */
export function resolveProxies(
    env: NodeJS.ProcessEnv,
    dockerConfig?: { path: string; text: string },
): ProxySettings | undefined {
    const fromEnv = {
        httpProxy: envValue(env, "HTTP_PROXY", "http_proxy"),
        httpsProxy: envValue(env, "HTTPS_PROXY", "https_proxy"),
        noProxy: envValue(env, "NO_PROXY", "no_proxy"),
    };
    if (fromEnv.httpProxy || fromEnv.httpsProxy) return { ...fromEnv, source: "environment" };
    if (dockerConfig) {
        try {
            const d = (
                JSON.parse(dockerConfig.text) as {
                    proxies?: { default?: { httpProxy?: string; httpsProxy?: string; noProxy?: string } };
                }
            ).proxies?.default;
            if (d && (d.httpProxy || d.httpsProxy))
                return {
                    httpProxy: d.httpProxy || undefined,
                    httpsProxy: d.httpsProxy || undefined,
                    noProxy: d.noProxy || undefined,
                    source: dockerConfig.path,
                };
        } catch {
            // not JSON: the CLI would complain itself
        }
    }
    return undefined;
}

/** A proxy URL with its password replaced by `***`, for messages. */
export function maskProxy(url: string): string {
    return url.replace(/\/\/([^/@:]*):[^/@]*@/, "//$1:***@");
}

/** The `CDC_FETCHER_*` variables the docker program reads (see `fetcherProxyEnv`), all set or unset. */
export function proxyExports(p: ProxySettings | undefined): Record<string, string | null> {
    return {
        [FETCHER_PROXY_VARS.httpProxy]: p?.httpProxy ?? null,
        [FETCHER_PROXY_VARS.httpsProxy]: p?.httpsProxy ?? null,
        [FETCHER_PROXY_VARS.noProxy]: p?.noProxy ?? null,
    };
}
