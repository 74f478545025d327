/**
 * The CA `npm run seed` / `simulate` trust when MongoDB requires TLS: `--tls-ca-file`, else
 * `CDC_TLS_CA_FILE`, else (when the URI itself came from the stack) the stack output
 * `caCertificate`; none: the system's trust store (a MongoDB with a public certificate). The PEM is
 * handed to the driver in memory (its `ca` option), so no copy of the CA is written anywhere and
 * nothing is left to clean up when the command is interrupted.
 */
import { readFileSync } from "node:fs";
import { UsageError } from "../args";
import { readPulumiOutput, type ResolvedUri, type StackOutputReader } from "./uri";

/** A CA to trust and where it came from (for the summary line and the error hints). */
export interface ResolvedCa {
    pem: string;
    from: string;
}

/** Reads stack output `caCertificate` (public). */
export const readPulumiCaCertificate: StackOutputReader = () => readPulumiOutput("caCertificate");

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;

/** Reads the PEM file `path` named by `source`; @throws UsageError naming the source and the fix. */
function readCaFile(path: string, source: string, read: (p: string) => string): string {
    let text: string;
    try {
        text = read(path);
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new UsageError(
            `${source} ${path}: ${code === "ENOENT" ? "no such file" : `cannot read it (${code ?? String(e)})`}; ` +
                "save the stack's CA with `pulumi stack output caCertificate > cdc-ca.pem` and pass that file",
        );
    }
    if (!PEM_CERT.test(text))
        throw new UsageError(
            `${source} ${path} holds no PEM certificate (-----BEGIN CERTIFICATE-----): pass the CA certificate, ` +
                "e.g. the file `pulumi stack output caCertificate > cdc-ca.pem` writes",
        );
    return text;
}

/** The value of URI option `name` (case-insensitive), or undefined. */
function uriOption(uri: string, name: string): string | undefined {
    const q = uri.indexOf("?");
    if (q < 0) return undefined;
    for (const pair of uri.slice(q + 1).split("&")) {
        const eq = pair.indexOf("=");
        if (eq > 0 && pair.slice(0, eq).toLowerCase() === name.toLowerCase()) return pair.slice(eq + 1);
    }
    return undefined;
}

/** Whether the URI turns TLS on (`tls=true` / `ssl=true`), off, or leaves it to the default (undefined). */
export function uriTls(uri: string): boolean | undefined {
    const v = (uriOption(uri, "tls") ?? uriOption(uri, "ssl"))?.toLowerCase();
    return v === undefined ? undefined : v === "true";
}

/**
 * Picks the CA for `uri`.
 * @throws UsageError when a CA file is missing or not a certificate, or contradicts the URI.
 */
export function resolveTlsCa(
    flag: string | undefined,
    env: NodeJS.ProcessEnv,
    uri: ResolvedUri,
    readStackCa: StackOutputReader = readPulumiCaCertificate,
    read: (path: string) => string = (p) => readFileSync(p, "utf8"),
): ResolvedCa | undefined {
    const given =
        flag !== undefined
            ? { path: flag, source: "--tls-ca-file" }
            : env.CDC_TLS_CA_FILE
              ? { path: env.CDC_TLS_CA_FILE, source: "CDC_TLS_CA_FILE" }
              : undefined;
    if (given) {
        if (uriTls(uri.uri) === false)
            throw new UsageError(`${given.source} is given but the URI turns TLS off (tls=false): drop one of them`);
        if (uriOption(uri.uri, "tlsCAFile") !== undefined)
            throw new UsageError(`${given.source} is given and the URI names tlsCAFile too: keep one of them`);
        return { pem: readCaFile(given.path, given.source, read), from: `${given.source} ${given.path}` };
    }
    // The stack's own URI: trust the stack's own CA (absent on a stack without TLS).
    if (uri.from === "pulumi stack output mongoUri" && uriTls(uri.uri) === true) {
        const out = readStackCa();
        if (out.value && PEM_CERT.test(out.value)) return { pem: out.value, from: "pulumi stack output caCertificate" };
    }
    return undefined;
}
