/**
 * The failures a host-side client meets on a TLS hop with authentication, each turned into one
 * line naming the service, the cause and what to do — never a stack trace. Used by every client
 * of the machine running `pulumi up` (the Connect REST client, the ClickHouse clients, `npm run
 * status`), which give the fixes that fit where they run (`caFix`, `credentialsFix`).
 *
 * Recognised from the error codes Node's TLS layer sets (OpenSSL's verify codes and
 * `ERR_TLS_CERT_ALTNAME_INVALID`), looked for on the error itself and on its `cause` / `errors`
 * chain, since axios, fetch and @clickhouse/client each wrap the socket's error their own way.
 */

/** What went wrong on the TLS hop. */
export type TlsProblemKind = "unknown-ca" | "hostname" | "expired" | "not-yet-valid" | "not-tls";

export interface TlsProblem {
    kind: TlsProblemKind;
    /** Node's / OpenSSL's code, e.g. `CERT_HAS_EXPIRED`. */
    code: string;
    /** The names the server's certificate holds (`DNS:localhost, IP Address:127.0.0.1`), when known. */
    certNames?: string;
    /** The certificate's end of validity as Node prints it, when known. */
    validTo?: string;
}

/** Where the failure happened and what the user can change there. */
export interface TlsErrorContext {
    /** The service, e.g. `Kafka Connect`, `ClickHouse`. */
    service: string;
    /** The URL the client used (no credentials in it). */
    url: string;
    /** How to give this client the right CA, e.g. `pass --ca-file FILE`. */
    caFix: string;
}

// Arrays, not Sets: Pulumi's function serializer turns a captured Set into a plain object.
const UNKNOWN_CA = [
    "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    "UNABLE_TO_GET_ISSUER_CERT",
    "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
    "SELF_SIGNED_CERT_IN_CHAIN",
    "DEPTH_ZERO_SELF_SIGNED_CERT",
    "CERT_SIGNATURE_FAILURE",
    "CERT_UNTRUSTED",
    "CERT_REJECTED",
];
/** An https client talking to a plain port (OpenSSL reads an HTTP answer as a bad record). */
const NOT_TLS = ["ERR_SSL_WRONG_VERSION_NUMBER", "ERR_SSL_PACKET_LENGTH_TOO_LONG", "EPROTO"];

/** The error and everything it wraps (`cause`, `errors`), outermost first; bounded against cycles. */
function chain(e: unknown): Array<Record<string, unknown>> {
    const out: Array<Record<string, unknown>> = [];
    const todo: unknown[] = [e];
    while (todo.length > 0 && out.length < 20) {
        const x = todo.shift();
        if (!x || typeof x !== "object" || out.includes(x as Record<string, unknown>)) continue;
        const r = x as Record<string, unknown>;
        out.push(r);
        if (r.cause) todo.push(r.cause);
        if (Array.isArray(r.errors)) todo.push(...(r.errors as unknown[]));
    }
    return out;
}

/** The TLS problem behind `e`, or undefined when it is not one. */
export function tlsProblem(e: unknown): TlsProblem | undefined {
    for (const r of chain(e)) {
        const code = typeof r.code === "string" ? r.code : "";
        const message = typeof r.message === "string" ? r.message : "";
        const cert = r.cert as { subjectaltname?: string; valid_to?: string } | undefined;
        if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
            const fromMessage = /cert'?s? (?:altnames|list): (.*)$/.exec(message)?.[1];
            return { kind: "hostname", code, certNames: cert?.subjectaltname ?? fromMessage };
        }
        if (code === "CERT_HAS_EXPIRED") return { kind: "expired", code, validTo: cert?.valid_to };
        if (code === "CERT_NOT_YET_VALID") return { kind: "not-yet-valid", code };
        if (UNKNOWN_CA.includes(code)) return { kind: "unknown-ca", code };
        if (NOT_TLS.includes(code) && /wrong version number|packet length too long|http request/i.test(message))
            return { kind: "not-tls", code };
        if (/wrong version number/i.test(message)) return { kind: "not-tls", code: code || "EPROTO" };
    }
    return undefined;
}

/**
 * The TLS problem a tool's output tells of (dbt: Python's ssl / urllib3 wording of OpenSSL's
 * verify errors), or undefined. For clients that run as processes and report in text.
 */
export function tlsProblemInText(text: string): TlsProblem | undefined {
    const hostname = /(?:Hostname|IP address) mismatch, certificate is not valid for '([^']+)'/.exec(text);
    if (hostname) return { kind: "hostname", code: "CERTIFICATE_VERIFY_FAILED" };
    if (/certificate verify failed: certificate has expired/.test(text))
        return { kind: "expired", code: "CERTIFICATE_VERIFY_FAILED" };
    if (/certificate verify failed: certificate is not yet valid/.test(text))
        return { kind: "not-yet-valid", code: "CERTIFICATE_VERIFY_FAILED" };
    if (
        /certificate verify failed: (unable to get local issuer|self[- ]signed certificate|unable to verify)/.test(text)
    )
        return { kind: "unknown-ca", code: "CERTIFICATE_VERIFY_FAILED" };
    if (/\[SSL: WRONG_VERSION_NUMBER\]|wrong version number/.test(text))
        return { kind: "not-tls", code: "WRONG_VERSION_NUMBER" };
    return undefined;
}

/** The host of `url` (brackets of IPv6 dropped), or the text itself when it does not parse. */
function hostOf(url: string): string {
    try {
        return new URL(url).hostname.replace(/^\[(.*)\]$/, "$1");
    } catch {
        return url;
    }
}

/** The one-line message for a TLS problem, or undefined when `e` is no TLS problem. */
export function describeTlsError(e: unknown, ctx: TlsErrorContext): string | undefined {
    const p = tlsProblem(e);
    return p === undefined ? undefined : describeTlsProblem(p, ctx);
}

/** The one-line message for problem `p` met by the client of `ctx`. */
export function describeTlsProblem(p: TlsProblem, ctx: TlsErrorContext): string {
    const at = `${ctx.service} at ${ctx.url}`;
    switch (p.kind) {
        case "unknown-ca":
            return (
                `${at}: its certificate is not signed by a CA this client trusts (${p.code}): ` +
                `the wrong CA was given, or none. ${ctx.caFix}`
            );
        case "hostname":
            return (
                `${at}: the certificate is not valid for "${hostOf(ctx.url)}" (it names ${p.certNames ?? "other hosts"}): ` +
                `reach the service by one of those names, or give its certificate a subject alternative name for ` +
                `"${hostOf(ctx.url)}" (the stack's own certificates: add the name to the platform's addresses and run \`pulumi up\`)`
            );
        case "expired":
            return (
                `${at}: its certificate has expired${p.validTo ? ` (valid to ${p.validTo})` : ""}: run \`pulumi up\`, ` +
                `which renews the stack's certificates before they expire; a certificate of your own (cdc:tls.ca or ` +
                `a managed service's) must be renewed where it was issued`
            );
        case "not-yet-valid":
            return `${at}: its certificate is not valid yet (${p.code}): check this machine's clock and the server's`;
        case "not-tls":
            return (
                `${at}: the server does not answer TLS on that port (${p.code}): use the service's TLS port, or ` +
                `http:// if it really is a plaintext endpoint (cdc:tls.allowPlaintext on the external platform)`
            );
    }
}

/** Whether an HTTP status means the credentials were missing or refused. */
export const isAuthStatus = (status: number | undefined): boolean => status === 401 || status === 403;

/**
 * The message for a refused login: `sent` says whether credentials were sent at all; `fix` names
 * the config key or flag to correct.
 */
export function describeAuthFailure(o: {
    service: string;
    url: string;
    status: number | string;
    user?: string;
    fix: string;
}): string {
    const what =
        o.user === undefined
            ? "it requires authentication and this client sent no credentials"
            : `it refused user "${o.user}" with the password given`;
    return `${o.service} at ${o.url} answered ${typeof o.status === "number" ? `HTTP ${o.status}` : o.status}: ${what}. ${o.fix}`;
}

/**
 * ClickHouse's codes of a refused login: UNKNOWN_USER (192), WRONG_PASSWORD (193),
 * REQUIRED_PASSWORD (194), AUTHENTICATION_FAILED (516). @clickhouse/client puts them in `code`.
 */
const CLICKHOUSE_AUTH_CODES = ["192", "193", "194", "516"];

/** The ClickHouse login-failure code behind `e`, or undefined. */
export function clickhouseAuthCode(e: unknown): string | undefined {
    for (const r of chain(e)) {
        const code = r.code === undefined ? "" : String(r.code);
        if (CLICKHOUSE_AUTH_CODES.includes(code)) return code;
    }
    return undefined;
}

/** What fixes a refused ClickHouse login for the providers and dbt. */
export const CLICKHOUSE_CREDENTIALS_FIX =
    "External platform: set the secret cdc:clickhousePassword (`pulumi config set --secret cdc:clickhousePassword " +
    "<password>`) and cdc:clickhouse.user; docker/kubernetes: the stack generates the password, run `npm run up`";

/**
 * The one-line message for a ClickHouse client failure that is a TLS problem or a refused login,
 * or undefined for any other failure (the caller keeps its own message).
 */
export function describeClickHouseFailure(
    e: unknown,
    ctx: TlsErrorContext & { user: string; credentialsFix: string },
): string | undefined {
    const tls = describeTlsError(e, ctx);
    if (tls !== undefined) return tls;
    const code = clickhouseAuthCode(e);
    if (code === undefined) return undefined;
    const said = String((e as { message?: unknown })?.message ?? "")
        .split("\n")[0]
        .slice(0, 300);
    const named = describeAuthFailure({
        service: ctx.service,
        url: ctx.url,
        status: `ClickHouse code ${code}`,
        user: ctx.user,
        fix: ctx.credentialsFix,
    });
    // The server's own words (the caller masks secrets) say which of user or password it refused.
    return said ? `${named} (ClickHouse said: ${said})` : named;
}

/** What fixes a refused Kafka Connect login, per place the credentials come from. */
export const CONNECT_CREDENTIALS_FIX =
    "External platform: set cdc:external.connectUser and the secret cdc:connectPassword " +
    "(`pulumi config set --secret cdc:connectPassword <password>`); docker/kubernetes: the stack generates them, " +
    "run `npm run up` so Connect and the stack agree again";

/** What fixes a wrong CA for the providers and dbt (they take it from the stack). */
export const STACK_CA_FIX =
    "On docker/kubernetes the stack's own CA is used: run `npm run up` (a changed CA replaces the service " +
    "certificates). External platform: set cdc:tls.caBundle to the PEM of the CA that signed the service's certificate.";
