/**
 * The seed tools against a MongoDB that requires TLS, without a server: which CA they trust
 * (`--tls-ca-file`, `CDC_TLS_CA_FILE`, the stack's `caCertificate`), and the one-line messages for
 * the driver's TLS failures (wrong CA, another host's certificate, expired, plaintext refused).
 * The same failures from a real TLS server: test/engine/seed-mongo-tls.test.ts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MongoNetworkError, MongoServerSelectionError } from "mongodb";
import { UsageError } from "../../seed/args";
import { explainMongoError, MongoSetupError } from "../../seed/mongo/errors";
import { resolveTlsCa, uriTls } from "../../seed/mongo/tls";
import type { ResolvedUri } from "../../seed/mongo/uri";

const CA = "-----BEGIN CERTIFICATE-----\nQ0E=\n-----END CERTIFICATE-----\n";
const files: Record<string, string> = { "/ca.pem": CA, "/notes.txt": "hello" };
const read = (p: string) => {
    if (!(p in files)) throw Object.assign(new Error(`ENOENT: ${p}`), { code: "ENOENT" });
    return files[p];
};
const flagUri = (uri: string): ResolvedUri => ({ uri, from: "--uri" });
const stackUri = (uri: string): ResolvedUri => ({ uri, from: "pulumi stack output mongoUri" });
const TLS_URI = "mongodb://root:pw@127.0.0.1:27017/?authSource=admin&directConnection=true&tls=true";
const noStack = () => {
    throw new Error("the stack must not be read");
};

describe("resolveTlsCa", () => {
    it("prefers --tls-ca-file, then CDC_TLS_CA_FILE, and names where the CA came from", () => {
        const env = { CDC_TLS_CA_FILE: "/other.pem" };
        assert.deepEqual(resolveTlsCa("/ca.pem", env, flagUri(TLS_URI), noStack, read), {
            pem: CA,
            from: "--tls-ca-file /ca.pem",
        });
        assert.deepEqual(resolveTlsCa(undefined, { CDC_TLS_CA_FILE: "/ca.pem" }, flagUri(TLS_URI), noStack, read), {
            pem: CA,
            from: "CDC_TLS_CA_FILE /ca.pem",
        });
    });

    it("reads the stack's caCertificate only for the stack's own TLS URI", () => {
        let reads = 0;
        const stack = () => (reads++, { value: CA });
        assert.deepEqual(resolveTlsCa(undefined, {}, stackUri(TLS_URI), stack, read), {
            pem: CA,
            from: "pulumi stack output caCertificate",
        });
        assert.equal(resolveTlsCa(undefined, {}, flagUri(TLS_URI), stack, read), undefined, "a --uri: system trust");
        assert.equal(resolveTlsCa(undefined, {}, stackUri("mongodb://h:1/?tls=false"), stack, read), undefined);
        assert.equal(reads, 1);
        // A stack without TLS has no such output: plaintext as before.
        assert.equal(
            resolveTlsCa(undefined, {}, stackUri(TLS_URI), () => ({ problem: "none" }), read),
            undefined,
        );
    });

    it("refuses a missing file, a file without a certificate and a CA that contradicts the URI, naming the source", () => {
        const usage = (fn: () => unknown, re: RegExp) =>
            assert.throws(fn, (e: unknown) => e instanceof UsageError && re.test((e as Error).message));
        usage(
            () => resolveTlsCa("/missing.pem", {}, flagUri(TLS_URI), noStack, read),
            /^--tls-ca-file \/missing\.pem: no such file; .*pulumi stack output caCertificate > cdc-ca\.pem/,
        );
        usage(
            () => resolveTlsCa(undefined, { CDC_TLS_CA_FILE: "/notes.txt" }, flagUri(TLS_URI), noStack, read),
            /^CDC_TLS_CA_FILE \/notes\.txt holds no PEM certificate/,
        );
        usage(
            () => resolveTlsCa("/ca.pem", {}, flagUri("mongodb://h:1/?tls=false"), noStack, read),
            /--tls-ca-file is given but the URI turns TLS off/,
        );
        usage(
            () => resolveTlsCa("/ca.pem", {}, flagUri(`${TLS_URI}&tlsCAFile=/x.pem`), noStack, read),
            /names tlsCAFile too: keep one/,
        );
    });

    it("reads tls= and ssl= from the URI's options", () => {
        assert.equal(uriTls(TLS_URI), true);
        assert.equal(uriTls("mongodb://h:1/?ssl=TRUE"), true);
        assert.equal(uriTls("mongodb://h:1/?tls=false"), false);
        assert.equal(uriTls("mongodb://h:1/?replicaSet=rs0"), undefined);
    });
});

/** The error the driver raises when every server failed with `cause` (as mongodb 7 nests it). */
function selectionFailure(message: string, code?: string): MongoServerSelectionError {
    const tlsError = Object.assign(new Error(message), code ? { code } : {});
    const network = new MongoNetworkError(message, { cause: tlsError });
    const description = { error: network } as never;
    const reason = { servers: new Map([["127.0.0.1:27017", description]]) } as never;
    return new MongoServerSelectionError(message, reason);
}

describe("MongoDB TLS errors", () => {
    const uri = "mongodb://root:s3cret@127.0.0.1:27017/?directConnection=true&tls=true";
    const cases: [string, string, MongoSetupError["problem"], RegExp][] = [
        [
            "unable to verify the first certificate",
            "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
            "tls-untrusted",
            /does not trust .*pulumi stack output caCertificate > cdc-ca\.pem.*--tls-ca-file cdc-ca\.pem/,
        ],
        [
            "self-signed certificate in certificate chain",
            "SELF_SIGNED_CERT_IN_CHAIN",
            "tls-untrusted",
            /does not trust/,
        ],
        [
            "Hostname/IP does not match certificate's altnames: IP: 127.0.0.1 is not in the cert's list: ",
            "ERR_TLS_CERT_ALTNAME_INVALID",
            "tls-hostname",
            /certificate made for another host .*connect by a name the certificate carries/,
        ],
        ["certificate has expired", "CERT_HAS_EXPIRED", "tls-expired", /outside its validity .*npm run up/],
    ];
    for (const [message, code, problem, hint] of cases)
        it(`names ${code} as ${problem}, in one line, with what to do and without the password`, () => {
            const e = explainMongoError(selectionFailure(message, code), uri);
            assert.equal(e.problem, problem);
            assert.match(e.message, /^MongoDB at 127\.0\.0\.1:27017 /);
            assert.match(e.message, hint);
            assert.ok(e.message.includes(code), "the cause's code");
            assert.ok(!e.message.includes("\n") && !e.message.includes("s3cret"));
        });

    it("says the CA given is not the stack's when a CA file was passed", () => {
        const e = explainMongoError(
            selectionFailure("unable to verify the first certificate", "UNABLE_TO_VERIFY_LEAF_SIGNATURE"),
            uri,
            {
                caFrom: "--tls-ca-file old-ca.pem",
            },
        );
        assert.match(e.message, /the CA from --tls-ca-file old-ca\.pem did not sign .*not this stack's CA/);
    });

    it("explains a closed connection of a plaintext client as a server that requires TLS", () => {
        const plain = "mongodb://root:pw@127.0.0.1:27017/?directConnection=true";
        const e = explainMongoError(selectionFailure("connection <monitor> to 127.0.0.1:27017 closed"), plain);
        assert.equal(e.problem, "tls-required");
        assert.match(e.message, /most likely requires TLS\. Add tls=true to the URI/);
        // With tls=true already, a closed connection is just unreachable.
        const e2 = explainMongoError(selectionFailure("connection <monitor> to 127.0.0.1:27017 closed"), uri);
        assert.equal(e2.problem, "unreachable");
    });
});
