/**
 * `cdc:tls` (components/config/tls.ts): defaults, the rules on each key and across platforms, the
 * user's own CA (a secret, a CA, its key), and the external platform's refusal of remote plaintext.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { ConfigError, parseConfig } from "../../components/config";
import type { ConfigContext } from "../../components/config/checks";
import { makeTestCa, makeTestCert, type TestKeyPair } from "../support/tls-pki";

function problemsOf(raw: Record<string, unknown>, ctx?: ConfigContext): { key: string; message: string }[] {
    try {
        parseConfig(raw, ctx);
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected ConfigError, got ${e}`);
        return e.problems;
    }
    assert.fail("expected parseConfig to throw");
}

const EXTERNAL = {
    connectUrl: "https://connect.example.com:8083",
    kafkaBootstrap: "k1:9093",
    clickhouse: { url: "https://ch.example.com:8443" },
};
const SECRETS = { clickhousePassword: "pw-Q7", debeziumConnectionString: "mongodb://debezium:pw-Q7@m:27017/" };
const KUBE = { platform: "kubernetes", kubernetes: { access: { mode: "loadBalancer" } } };
const ALL_SECRET = new Set(["cdc:clickhousePassword", "cdc:debeziumConnectionString", "cdc:tls"]);
const external = (e: Record<string, unknown> = EXTERNAL, tls?: unknown) => ({
    platform: "external",
    external: e,
    ...SECRETS,
    ...(tls === undefined ? {} : { tls }),
});

describe("cdc:tls defaults and rules", () => {
    it("is on by default on every platform, with the documented lifetimes", () => {
        for (const raw of [{ platform: "docker" }, KUBE, external()]) {
            const c = parseConfig(raw);
            assert.deepEqual(c.tls, {
                enabled: true,
                validityDays: 90,
                renewBeforeDays: 30,
                caValidityDays: 3650,
                allowPlaintext: false,
            });
        }
    });

    it("accepts enabled: false on docker only, and names the key and the fix elsewhere", () => {
        assert.equal(parseConfig({ platform: "docker", tls: { enabled: "false" } }).tls.enabled, false);
        for (const raw of [{ ...KUBE, tls: { enabled: false } }, external(EXTERNAL, { enabled: false })]) {
            const p = problemsOf(raw);
            assert.equal(p.length, 1, JSON.stringify(p));
            assert.equal(p[0].key, "cdc:tls.enabled");
            assert.match(p[0].message, /docker platform only.*pulumi config rm --path cdc:tls\.enabled/);
        }
    });

    it("refuses a renewal window as long as the validity, and a certificate outliving its CA", () => {
        const p = problemsOf({ platform: "docker", tls: { validityDays: 30, renewBeforeDays: 30 } });
        assert.deepEqual(
            p.map((x) => x.key),
            ["cdc:tls.renewBeforeDays"],
        );
        assert.match(p[0].message, /not less than cdc:tls\.validityDays \(30\).*renewBeforeDays 10/);
        assert.equal(
            parseConfig({ platform: "docker", tls: { validityDays: 30, renewBeforeDays: 29 } }).tls.renewBeforeDays,
            29,
        );
        const q = problemsOf({ platform: "docker", tls: { validityDays: 400, caValidityDays: 365 } });
        assert.deepEqual(
            q.map((x) => x.key),
            ["cdc:tls.validityDays"],
        );
    });

    it("names unknown keys and values out of range", () => {
        const p = problemsOf({ platform: "docker", tls: { validityDay: 10, caValidityDays: 0 } });
        assert.deepEqual(p.map((x) => x.key).sort(), ["cdc:tls.caValidityDays", "cdc:tls.validityDay"]);
        assert.match(p.find((x) => x.key === "cdc:tls.validityDay")!.message, /did you mean `cdc:tls\.validityDays`/);
    });

    it("reads caBundle and allowPlaintext on the external platform only", () => {
        const ca = makeTestCa("bundle-ca");
        for (const base of [{ platform: "docker" }, KUBE]) {
            const p = problemsOf({ ...base, tls: { caBundle: ca.certPem, allowPlaintext: true } });
            assert.deepEqual(p.map((x) => x.key).sort(), ["cdc:tls.allowPlaintext", "cdc:tls.caBundle"]);
        }
        assert.equal(parseConfig(external(EXTERNAL, { caBundle: ca.certPem })).tls.caBundle, ca.certPem);
        const bad = problemsOf(external(EXTERNAL, { caBundle: "not a certificate" }));
        assert.deepEqual(
            bad.map((x) => x.key),
            ["cdc:tls.caBundle"],
        );
        assert.doesNotMatch(bad[0].message, /not a certificate/);
    });
});

describe("cdc:tls on the external platform: no plaintext to a remote address", () => {
    it("refuses http to a non-loopback host, naming the key and cdc:tls.allowPlaintext", () => {
        const p = problemsOf(
            external({
                ...EXTERNAL,
                connectUrl: "http://connect.lan:8083",
                clickhouse: { url: "http://10.0.0.5:8123" },
            }),
        );
        assert.deepEqual(
            p.map((x) => x.key),
            ["cdc:external.connectUrl", "cdc:external.clickhouse.url"],
        );
        for (const x of p)
            assert.match(x.message, /plain http.*https:\/\/.*pulumi config set --path cdc:tls\.allowPlaintext true/);
    });

    it("accepts http to loopback, https anywhere, and http when plaintext is allowed", () => {
        const loop = {
            ...EXTERNAL,
            connectUrl: "http://127.0.0.1:8083",
            clickhouse: { url: "http://localhost:8123" },
        };
        assert.equal(parseConfig(external(loop)).platform, "external");
        assert.equal(parseConfig(external({ ...EXTERNAL, connectUrl: "http://[::1]:8083" })).platform, "external");
        const remote = { ...EXTERNAL, connectUrl: "http://connect.lan:8083" };
        assert.equal(parseConfig(external(remote, { allowPlaintext: true })).tls.allowPlaintext, true);
    });

    it("does not show a URL's credentials in the plaintext problem", () => {
        const p = problemsOf(external({ ...EXTERNAL, connectUrl: "http://admin:hunter2@connect.lan:8083" }));
        for (const x of p) assert.doesNotMatch(x.message, /hunter2/);
        assert.ok(p.some((x) => /plain http to connect\.lan/.test(x.message)));
    });
});

describe("cdc:tls.ca: bring your own CA", () => {
    let ca: TestKeyPair;
    let other: TestKeyPair;
    const secret: ConfigContext = { secretKeys: new Set(["cdc:tls"]) };
    before(() => {
        ca = makeTestCa("my-ca", 3650);
        other = makeTestCa("other-ca", 3650);
    });

    it("accepts a CA with its key, set as a secret", () => {
        const c = parseConfig({ platform: "docker", tls: { ca } }, secret);
        assert.deepEqual(c.tls.ca, ca);
    });

    it("refuses a CA stored in plain text, never echoing it", () => {
        const p = problemsOf({ ...KUBE, tls: { ca } }, { secretKeys: new Set() });
        assert.deepEqual(
            p.map((x) => x.key),
            ["cdc:tls.ca"],
        );
        assert.match(p[0].message, /plain text.*pulumi config set --secret --path cdc:tls\.ca\.keyPem/);
        assert.doesNotMatch(p[0].message, /BEGIN/);
    });

    it("refuses a key that is not the certificate's, and a certificate that is not a CA", () => {
        const p = problemsOf(
            { platform: "docker", tls: { ca: { certPem: ca.certPem, keyPem: other.keyPem } } },
            secret,
        );
        assert.deepEqual(
            p.map((x) => x.key),
            ["cdc:tls.ca.keyPem"],
        );
        assert.match(p[0].message, /not the private key of cdc:tls\.ca\.certPem/);
        const leaf = makeTestCert(ca, { commonName: "leaf", hosts: ["leaf"] });
        const q = problemsOf({ platform: "docker", tls: { ca: leaf } }, secret);
        assert.deepEqual(
            q.map((x) => x.key),
            ["cdc:tls.ca.certPem"],
        );
        assert.match(q[0].message, /not a CA/);
    });

    it("names a half-given CA, a key that does not parse, and never shows the values", () => {
        const p = problemsOf({ platform: "docker", tls: { ca: { keyPem: ca.keyPem } } }, secret);
        assert.deepEqual(
            p.map((x) => x.key),
            ["cdc:tls.ca.certPem"],
        );
        const q = problemsOf(
            { platform: "docker", tls: { ca: { certPem: ca.certPem, keyPem: "s3cret-not-a-key" } } },
            secret,
        );
        assert.deepEqual(
            q.map((x) => x.key),
            ["cdc:tls.ca.keyPem"],
        );
        assert.doesNotMatch(JSON.stringify([...p, ...q]), /s3cret|PRIVATE KEY/);
    });

    it("refuses a CA that expires before a certificate issued now would", () => {
        const shortCa = makeTestCa("short-ca", 30);
        const p = problemsOf({ platform: "docker", tls: { ca: shortCa } }, secret);
        assert.deepEqual(
            p.map((x) => x.key),
            ["cdc:tls.ca.certPem"],
        );
        assert.match(p[0].message, /expires \d{4}-\d\d-\d\d, before a certificate of cdc:tls\.validityDays \(90\)/);
        assert.ok(
            parseConfig({ platform: "docker", tls: { ca: shortCa, validityDays: 20, renewBeforeDays: 5 } }, secret),
        );
    });

    it("is refused on the external platform (give its CA as caBundle)", () => {
        const p = problemsOf(external(EXTERNAL, { ca }), { secretKeys: ALL_SECRET });
        assert.deepEqual(
            p.map((x) => x.key),
            ["cdc:tls.ca"],
        );
        assert.match(p[0].message, /cdc:tls\.caBundle/);
    });
});
