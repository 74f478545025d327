/**
 * Turns `mongodb` driver failures into messages a person can act on: which server, what went
 * wrong, what to do. Never prints the password of a URI.
 */
import {
    MongoInvalidArgumentError,
    MongoParseError,
    MongoRuntimeError,
    MongoServerError,
    MongoServerSelectionError,
} from "mongodb";

/** What a {@link MongoSetupError} is about, for the problems a user of a TLS stack meets. */
export type MongoProblem =
    "tls-untrusted" | "tls-hostname" | "tls-expired" | "tls-required" | "credentials" | "unreachable" | "uri" | "other";

/** A MongoDB problem explained for the command line (exit code 1). */
export class MongoSetupError extends Error {
    constructor(
        message: string,
        /** What went wrong, when known. */
        readonly problem: MongoProblem = "other",
    ) {
        super(message);
        this.name = "MongoSetupError";
    }
}

/** Where the seed's CA came from, for the hints (undefined: none given, the system's trust). */
export interface TlsContext {
    caFrom?: string;
}

/** The stack's CA, the one-liner the hints give. */
const CA_HINT =
    "save the stack's CA with `pulumi stack output caCertificate > cdc-ca.pem` and pass --tls-ca-file cdc-ca.pem (or CDC_TLS_CA_FILE=cdc-ca.pem)";

/** Node's TLS verification codes, by what the user has to do about them. */
const TLS_CODES: Record<string, "tls-untrusted" | "tls-hostname" | "tls-expired"> = {
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: "tls-untrusted",
    UNABLE_TO_GET_ISSUER_CERT: "tls-untrusted",
    UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "tls-untrusted",
    SELF_SIGNED_CERT_IN_CHAIN: "tls-untrusted",
    DEPTH_ZERO_SELF_SIGNED_CERT: "tls-untrusted",
    CERT_SIGNATURE_FAILURE: "tls-untrusted",
    CERT_UNTRUSTED: "tls-untrusted",
    ERR_TLS_CERT_ALTNAME_INVALID: "tls-hostname",
    CERT_HAS_EXPIRED: "tls-expired",
    CERT_NOT_YET_VALID: "tls-expired",
};

/** The first TLS verification failure in `e`'s causes or in the failures of the servers it tried. */
function tlsFailure(e: unknown): { kind: (typeof TLS_CODES)[string]; code: string; message: string } | undefined {
    const seen = new Set<unknown>();
    const queue: unknown[] = [e];
    while (queue.length > 0) {
        const x = queue.shift() as { code?: unknown; message?: unknown; cause?: unknown; reason?: unknown } | undefined;
        if (!x || typeof x !== "object" || seen.has(x)) continue;
        seen.add(x);
        if (typeof x.code === "string" && TLS_CODES[x.code])
            return { kind: TLS_CODES[x.code], code: x.code, message: String(x.message ?? "") };
        queue.push(x.cause);
        const servers = (x.reason as { servers?: Map<string, { error?: unknown }> } | undefined)?.servers;
        if (servers instanceof Map) for (const d of servers.values()) queue.push(d.error);
    }
    return undefined;
}

/** `tls=true` / `ssl=true` in the URI's options. */
function uriAsksTls(uri: string): boolean {
    return /[?&](tls|ssl)=true(&|$)/i.test(uri);
}

/**
 * Splits `scheme://userinfo@rest` at the *last* `@` before the query: a password with an
 * unescaped `/`, `@` or `:` (the usual cause of a malformed URI) still counts as userinfo, so
 * none of it leaks into the address or the redacted form.
 */
function splitUri(uri: string): { scheme: string; userinfo?: string; rest: string } | undefined {
    const m = /^([a-z][a-z0-9+.-]*:\/\/)(.*)$/is.exec(uri);
    if (!m) return undefined;
    const body = m[2];
    const q = body.indexOf("?");
    const at = body.lastIndexOf("@", q >= 0 ? q : body.length);
    return at < 0
        ? { scheme: m[1], rest: body }
        : { scheme: m[1], userinfo: body.slice(0, at), rest: body.slice(at + 1) };
}

/** `host:port` list of a MongoDB URI, without credentials (a placeholder when unparsable). */
export function describeAddress(uri: string): string {
    const parts = splitUri(uri);
    if (!parts) return "<unparsable URI>";
    return /^[^/?]*/.exec(parts.rest)![0] || "localhost:27017";
}

/** The URI with any password replaced by `***` (everything after the user name up to the last `@`). */
export function redactUri(uri: string): string {
    const parts = splitUri(uri);
    if (!parts) return uri.includes("@") ? "<unparsable URI>" : uri;
    if (parts.userinfo === undefined) return uri;
    const colon = parts.userinfo.indexOf(":");
    const user = colon < 0 ? parts.userinfo : parts.userinfo.slice(0, colon);
    return `${parts.scheme}${colon < 0 ? user : `${user}:***`}@${parts.rest}`;
}

/** `text` with the URI's password (raw and percent-decoded) replaced by `***`. */
function maskPassword(text: string, uri: string): string {
    const info = splitUri(uri)?.userinfo;
    const colon = info?.indexOf(":") ?? -1;
    if (!info || colon < 0) return text;
    const raw = info.slice(colon + 1);
    const values = new Set([raw]);
    try {
        values.add(decodeURIComponent(raw));
    } catch {
        /* not decodable: the raw form is masked */
    }
    let out = text;
    for (const v of [...values].sort((a, b) => b.length - a.length)) if (v.length > 0) out = out.split(v).join("***");
    return out;
}

const AUTH_CODES = new Set([18, 13]); // AuthenticationFailed, Unauthorized

/** Explains a driver error met while talking to `uri` (`tls`: where the CA came from, for the hints). */
export function explainMongoError(e: unknown, uri: string, tls: TlsContext = {}): MongoSetupError {
    if (e instanceof MongoSetupError) return e;
    const failure = tlsFailure(e);
    if (failure) return explainTls(failure, describeAddress(uri), tls);
    // The driver's message may quote the URI or a piece of it: mask the password in it.
    const raw = e as Error & { code?: number; codeName?: string };
    return explain(
        e,
        {
            name: raw?.name,
            code: raw?.code,
            codeName: raw?.codeName,
            message: maskPassword(String(raw?.message ?? e), uri),
        },
        uri,
    );
}

function explain(
    e: unknown,
    err: { name?: string; code?: number; codeName?: string; message: string },
    uri: string,
): MongoSetupError {
    const address = describeAddress(uri);
    // mongodb-connection-string-url throws its own MongoParseError class: match by name too.
    const badUri =
        e instanceof MongoParseError ||
        e instanceof MongoInvalidArgumentError ||
        err.name === "MongoParseError" ||
        (e instanceof MongoRuntimeError && /parse/i.test(err.message));
    if (badUri) {
        return new MongoSetupError(
            `the MongoDB URI ${redactUri(uri)} is not valid: ${err.message}. Expected mongodb://user:password@host:port/?replicaSet=rs0; ` +
                "percent-encode special characters of the password (/ → %2F, @ → %40, : → %3A) (pass it with --uri or MONGODB_URI).",
            "uri",
        );
    }
    if (e instanceof MongoServerSelectionError && !uriAsksTls(uri) && /\bclosed\b|ECONNRESET/i.test(err.message)) {
        return new MongoSetupError(
            `MongoDB at ${address} closed the connection before answering (${err.message}): it most likely requires TLS. ` +
                `Add tls=true to the URI (the stack output mongoUri has it) and ${CA_HINT}.`,
            "tls-required",
        );
    }
    if (e instanceof MongoServerSelectionError) {
        const hints = [
            `is MongoDB running and reachable from here (\`npm run up\` starts the stack; \`pulumi stack output mongoUri\` shows the address)?`,
        ];
        if (/replicaSet=/.test(uri) && !/directConnection=true/.test(uri)) {
            hints.push(
                "if the server answers but advertises replica-set member names this machine cannot resolve (e.g. mongo:27017), add directConnection=true to the URI",
            );
        }
        return new MongoSetupError(
            `cannot reach MongoDB at ${address}: ${err.message}. Hint: ${hints.join("; ")}`,
            "unreachable",
        );
    }
    if (e instanceof MongoServerError && (AUTH_CODES.has(err.code ?? -1) || /auth/i.test(err.codeName ?? ""))) {
        return new MongoSetupError(
            `MongoDB at ${address} refused the credentials (${err.codeName ?? err.code}: ${err.message}). Check the user, password and authSource in the URI (the stack output mongoUri has working ones).`,
            "credentials",
        );
    }
    if (/Authentication failed|auth/i.test(err.message ?? "") && (err.name ?? "").startsWith("Mongo")) {
        return new MongoSetupError(
            `MongoDB at ${address} refused the credentials: ${err.message}. Check the user, password and authSource in the URI.`,
            "credentials",
        );
    }
    return new MongoSetupError(`MongoDB at ${address} failed: ${err.name ?? "Error"}: ${err.message}`);
}

/** One line per TLS verification failure: the server, the cause, what to do. */
function explainTls(
    f: { kind: "tls-untrusted" | "tls-hostname" | "tls-expired"; code: string; message: string },
    address: string,
    tls: TlsContext,
): MongoSetupError {
    const cause = `${f.code}: ${f.message}`;
    switch (f.kind) {
        case "tls-untrusted":
            return new MongoSetupError(
                tls.caFrom
                    ? `MongoDB at ${address} presented a certificate the CA from ${tls.caFrom} did not sign (${cause}): ` +
                          `that file is not this stack's CA; ${CA_HINT}.`
                    : `MongoDB at ${address} presented a certificate this machine does not trust (${cause}): ${CA_HINT}.`,
                f.kind,
            );
        case "tls-hostname":
            return new MongoSetupError(
                `MongoDB at ${address} presented a certificate made for another host (${cause}): connect by a name the ` +
                    "certificate carries (the stack output mongoUri uses one); after changing cdc:docker.bindAddress or the " +
                    "cluster's names, run `npm run up` so the stack re-issues the certificate.",
                f.kind,
            );
        case "tls-expired":
            return new MongoSetupError(
                `MongoDB at ${address} presented a certificate outside its validity (${cause}): run \`npm run up\` to ` +
                    "renew the stack's certificates (renewed within cdc:tls.renewBeforeDays of expiry), and check this " +
                    "machine's clock.",
                f.kind,
            );
    }
}

/** The error for a server that is not a replica set member. */
export function notReplicaSetError(uri: string): MongoSetupError {
    return new MongoSetupError(
        `MongoDB at ${describeAddress(uri)} is not a replica set member, so it has no change streams and Debezium will capture nothing. ` +
            "Hint: start it with --replSet rs0 and run rs.initiate() in mongosh, or use the stack's MongoDB (`npm run up` initiates rs0); " +
            "pass --allow-standalone to write anyway.",
    );
}
