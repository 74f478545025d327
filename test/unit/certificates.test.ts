/**
 * The certificate providers' pure parts (components/providers/certificates/) and the SAN lists of
 * each platform: what a certificate is made of (checked with node's X509 and node-forge), the
 * PKCS12 stores as Java reads them (keytool), and the renewal decision with an injected clock.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { X509Certificate, createPrivateKey } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import forge from "node-forge";
import {
    type CaOutputs,
    type CertificateInputs,
    type CertificateOutputs,
    createCertificateProvider,
    diffCa,
    diffCertificate,
    expiryReason,
    makeCa,
    makeCertificate,
    readP12,
    splitSans,
} from "../../components/providers/certificates";
import { UNKNOWN_VALUE } from "../../components/providers/shared/unknown";
import { dockerTlsSans } from "../../components/platform/docker/tls";
import { kubernetesTlsSans } from "../../components/platform/kubernetes/tls";
import { makeTestCa } from "../support/tls-pki";

const DAY = 86_400_000;
const T0 = new Date("2026-12-07T12:00:00Z");
const at = (days: number) => new Date(T0.getTime() + days * DAY);

let ca: CaOutputs;
let cert: CertificateOutputs;
let inputs: CertificateInputs;

before(() => {
    ca = makeCa({ commonName: "test CA", validityDays: 3650, renewBeforeDays: 30 }, T0);
    inputs = {
        commonName: "kafka",
        dnsNames: ["kafka", "localhost"],
        ipAddresses: ["127.0.0.1", "::1"],
        validityDays: 90,
        renewBeforeDays: 30,
        caCertPem: ca.certPem,
        caKeyPem: ca.keyPem,
        storePassword: ca.storePassword,
    };
    cert = makeCertificate(inputs, T0);
});

describe("certificates: what they are made of", () => {
    it("a service certificate: RSA 2048, SHA-256, signed by the CA, server and client auth, DNS and IP names", () => {
        const x = new X509Certificate(cert.certPem);
        const issuer = new X509Certificate(ca.certPem);
        assert.ok(x.verify(issuer.publicKey), "signed by the CA");
        assert.ok(x.checkIssued(issuer));
        assert.equal(x.ca, false);
        assert.equal(x.publicKey.asymmetricKeyDetails?.modulusLength, 2048);
        assert.ok(x.checkPrivateKey(createPrivateKey(cert.keyPem)), "the key is the certificate's");
        assert.deepEqual(x.keyUsage?.sort(), ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"]);
        assert.equal(x.subjectAltName, "DNS:kafka, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1");
        assert.equal(x.checkHost("kafka"), "kafka");
        assert.equal(x.checkIP("127.0.0.1"), "127.0.0.1");
        assert.equal(x.checkHost("mongo"), undefined);
        const f = forge.pki.certificateFromPem(cert.certPem);
        assert.equal(f.siginfo.algorithmOid, forge.pki.oids.sha256WithRSAEncryption);
        // valid from an hour back (clock skew) for exactly validityDays
        assert.equal(new Date(x.validFrom).getTime(), T0.getTime() - 3_600_000);
        assert.equal(cert.notAfter, at(90).toISOString());
    });

    it("a generated CA: self-signed, a CA, valid for caValidityDays; a given CA passes through unchanged", () => {
        const x = new X509Certificate(ca.certPem);
        assert.equal(x.ca, true);
        assert.ok(x.verify(x.publicKey));
        assert.equal(ca.notAfter, at(3650).toISOString());
        const own = makeTestCa("my-ca", 365);
        const given = makeCa(
            {
                commonName: "ignored",
                validityDays: 3650,
                renewBeforeDays: 30,
                givenCertPem: own.certPem,
                givenKeyPem: own.keyPem,
            },
            T0,
        );
        assert.equal(given.certPem, own.certPem);
        assert.equal(given.keyPem, own.keyPem);
        const signed = makeCertificate({ ...inputs, caCertPem: given.certPem, caKeyPem: given.keyPem }, T0);
        assert.ok(new X509Certificate(signed.certPem).checkIssued(new X509Certificate(own.certPem)));
    });

    it("stores: the keystore holds the key and the chain, the truststore the CA; the wrong password fails", () => {
        const ks = readP12(cert.keystoreP12Base64, ca.storePassword);
        assert.equal(ks.hasKey, true);
        assert.deepEqual(
            ks.certPems.map((p) => new X509Certificate(p).fingerprint256),
            [cert.certPem, ca.certPem].map((p) => new X509Certificate(p).fingerprint256),
        );
        const ts = readP12(ca.truststoreP12Base64, ca.storePassword);
        assert.equal(ts.hasKey, false);
        assert.equal(
            new X509Certificate(ts.certPems[0]).fingerprint256,
            new X509Certificate(ca.certPem).fingerprint256,
        );
        assert.throws(() => readP12(ca.truststoreP12Base64, "not-the-password"), /MAC|password|Invalid/i);
        assert.match(ca.storePassword, /^[A-Za-z0-9]{32}$/);
    });

    it("refuses bad inputs naming the property, never quoting a key", () => {
        assert.throws(
            () =>
                makeCertificate(
                    { ...inputs, dnsNames: ["bad name"], ipAddresses: [], caKeyPem: "SECRET-KEY-TEXT" },
                    T0,
                ),
            (e: Error) =>
                /dnsNames: not DNS names: bad name/.test(e.message) &&
                /caKeyPem: is not a PEM private key/.test(e.message) &&
                !e.message.includes("SECRET-KEY-TEXT"),
        );
    });
});

describe("certificates: the PKCS12 stores as Java reads them (keytool)", () => {
    const keytool = spawnSync("keytool", ["-help"], { encoding: "utf8" });
    const skip = keytool.error ? `keytool is not installed: ${keytool.error.message}` : false;
    let dir = "";
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "cdc-p12-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const list = (b64: string, password: string) => {
        const file = path.join(dir, `${Math.random().toString(36).slice(2)}.p12`);
        fs.writeFileSync(file, Buffer.from(b64, "base64"));
        return spawnSync(
            "keytool",
            ["-list", "-v", "-keystore", file, "-storetype", "PKCS12", "-storepass", password],
            {
                encoding: "utf8",
            },
        );
    };

    it("the truststore shows the CA as a trustedCertEntry", { skip }, () => {
        const r = list(ca.truststoreP12Base64, ca.storePassword);
        assert.equal(r.status, 0, r.stderr + r.stdout);
        assert.match(r.stdout, /Your keystore contains 1 entry/);
        assert.match(r.stdout, /Entry type: trustedCertEntry/);
        assert.match(r.stdout, /Owner: CN=test CA/);
    });

    it("the keystore shows a PrivateKeyEntry with the chain service → CA", { skip }, () => {
        const r = list(cert.keystoreP12Base64, ca.storePassword);
        assert.equal(r.status, 0, r.stderr + r.stdout);
        assert.match(r.stdout, /Entry type: PrivateKeyEntry/);
        assert.match(r.stdout, /Certificate chain length: 2/);
        assert.match(r.stdout, /Owner: CN=kafka\nIssuer: CN=test CA/);
    });

    it("a wrong store password is refused by Java too", { skip }, () => {
        const r = list(ca.truststoreP12Base64, "wrong-password");
        assert.notEqual(r.status, 0);
        assert.match(r.stdout + r.stderr, /integrity|password/i);
    });
});

describe("certificates: renewal decided in the diff (injected clock)", () => {
    it("keeps a certificate outside its renewal window, replaces it inside, saying why", () => {
        assert.equal(expiryReason(cert.notAfter, 30, at(59)), undefined);
        assert.equal(expiryReason(cert.notAfter, 30, at(61)), "expires 2027-03-07, inside the 30-day renewal window");
        assert.equal(expiryReason(cert.notAfter, 30, at(91)), "expired 2027-03-07");
        const same = diffCertificate(cert, inputs, at(1));
        assert.deepEqual([same.changes, same.replaces], [false, []]);
        const late = diffCertificate(cert, inputs, at(61));
        assert.deepEqual([late.changes, late.replaces], [true, ["notAfter"]]);
        assert.deepEqual(
            late.reasons.map((r) => r.reason),
            ["expires 2027-03-07, inside the 30-day renewal window"],
        );
    });

    it("replaces on changed names, subject, validity, CA or store password; names each", () => {
        const d = diffCertificate(
            cert,
            {
                ...inputs,
                commonName: "kafka2",
                dnsNames: ["kafka", "kafka-0.kafka"],
                ipAddresses: ["127.0.0.1"],
                validityDays: 30,
            },
            at(1),
        );
        assert.deepEqual([...(d.replaces ?? [])].sort(), ["commonName", "dnsNames", "ipAddresses", "validityDays"]);
        assert.deepEqual(
            d.reasons.map((r) => r.reason),
            [
                "its subject changed (CN kafka → kafka2)",
                "its DNS names changed (added kafka-0.kafka; removed localhost)",
                "its IP addresses changed (removed ::1)",
                "its validity changed (90 → 30 days)",
            ],
        );
        const other = makeCa({ commonName: "other", validityDays: 10, renewBeforeDays: 1 }, T0);
        assert.deepEqual(diffCertificate(cert, { ...inputs, caCertPem: other.certPem }, at(1)).replaces, ["caCertPem"]);
        assert.deepEqual(diffCertificate(cert, { ...inputs, caCertPem: UNKNOWN_VALUE }, at(1)).replaces, ["caCertPem"]);
        assert.deepEqual(diffCertificate(cert, { ...inputs, storePassword: "another-one" }, at(1)).replaces, [
            "storePassword",
        ]);
        // the same names in another order: nothing to do
        const reordered = { ...inputs, dnsNames: ["localhost", "kafka"], ipAddresses: ["::1", "127.0.0.1"] };
        assert.equal(diffCertificate(cert, reordered, at(1)).changes, false);
    });

    it("a moved renewal window alone updates in place (the certificate stays)", () => {
        const d = diffCertificate(cert, { ...inputs, renewBeforeDays: 10 }, at(1));
        assert.deepEqual([d.changes, d.replaces], [true, []]);
    });

    it("the CA: renewed inside its window, replaced when given or changed, a given CA never by age", () => {
        const caIn = { commonName: "test CA", validityDays: 3650, renewBeforeDays: 30 };
        assert.equal(diffCa(ca, caIn, at(100)).changes, false);
        assert.deepEqual(diffCa(ca, caIn, at(3630)).replaces, ["notAfter"]);
        const own = makeTestCa("mine", 10);
        const given = { ...caIn, givenCertPem: own.certPem, givenKeyPem: own.keyPem };
        assert.deepEqual(diffCa(ca, given, at(1)).reasons[0].reason, "cdc:tls.ca now gives the CA");
        const givenCa = makeCa(given, T0);
        assert.equal(diffCa(givenCa, given, at(5000)).changes, false);
        assert.deepEqual(diffCa(givenCa, { ...given, givenKeyPem: makeTestCa("x").keyPem }, at(1)).replaces, [
            "givenKeyPem",
        ]);
    });

    it("the provider's diff logs the reason, with the service's name", async () => {
        const lines: string[] = [];
        const provider = createCertificateProvider({ now: () => at(75), log: (l) => lines.push(l) });
        const d = await provider.diff("id", cert, inputs);
        assert.deepEqual(d.replaces, ["notAfter"]);
        assert.deepEqual(lines, [
            "certificate kafka: replacing it: expires 2027-03-07, inside the 30-day renewal window",
        ]);
        for (const l of lines) assert.ok(!l.includes(ca.storePassword) && !l.includes("PRIVATE KEY"));
    });
});

describe("certificates: the names each platform's certificates are for", () => {
    it("splits names into DNS names and IP addresses, sorted, without duplicates", () => {
        assert.deepEqual(splitSans(["Kafka", "10.0.0.5", "kafka", "::1", "a.b"]), {
            dnsNames: ["a.b", "kafka"],
            ipAddresses: ["10.0.0.5", "::1"],
        });
    });

    it("docker: the service's alias, loopback and the host address", () => {
        const sans = dockerTlsSans("192.168.1.20");
        assert.deepEqual(sans.kafka, ["kafka", "localhost", "127.0.0.1", "::1", "192.168.1.20"]);
        assert.deepEqual(sans.clickhouse[0], "clickhouse");
        assert.deepEqual(dockerTlsSans("127.0.0.1").mongo, ["mongo", "localhost", "127.0.0.1", "::1"]);
    });

    it("kubernetes: Service names in four forms, each StatefulSet member, and the configured access address", () => {
        const sans = kubernetesTlsSans({
            namespace: "cdc",
            members: { mongo: 3, kafka: 1, clickhouse: 1 },
            access: { mode: "nodePort", nodeAddress: "10.1.2.3", connectNodePort: 30083, clickhouseNodePort: 30123 },
        });
        for (const n of ["mongo", "mongo.cdc", "mongo.cdc.svc", "mongo.cdc.svc.cluster.local", "mongo-2.mongo.cdc.svc"])
            assert.ok(sans.mongo.includes(n), n);
        assert.ok(!sans.mongo.includes("mongo-3.mongo"));
        assert.ok(sans.kafka.includes("kafka-0.kafka"));
        assert.ok(sans.clickhouse.includes("clickhouse-0.clickhouse-headless.cdc.svc.cluster.local"));
        assert.ok(sans.connect.includes("10.1.2.3") && sans.clickhouse.includes("10.1.2.3"));
        assert.ok(!sans.kafka.includes("10.1.2.3"), "only the services the host reaches carry the access address");
        const url = kubernetesTlsSans({
            namespace: "cdc",
            members: { mongo: 1, kafka: 1, clickhouse: 1 },
            access: {
                mode: "url",
                connectUrl: "https://connect.example.com",
                clickhouseUrl: "https://[2001:db8::1]:8443",
            },
        });
        assert.ok(url.connect.includes("connect.example.com"));
        assert.ok(url.clickhouse.includes("2001:db8::1"));
        const lb = kubernetesTlsSans({
            namespace: "cdc",
            members: { mongo: 1, kafka: 1, clickhouse: 1 },
            access: { mode: "loadBalancer" } as never,
        });
        assert.deepEqual(lb.connect, [
            "connect",
            "connect.cdc",
            "connect.cdc.svc",
            "connect.cdc.svc.cluster.local",
            "localhost",
            "127.0.0.1",
            "::1",
        ]);
    });
});
