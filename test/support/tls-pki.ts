/**
 * A throw-away PKI for the engine tests' TLS hops: a CA and certificates signed by it, made with
 * node-forge (the product's certificate library) in memory, written as PEM files to a directory a
 * test names. Independent of the stack's certificate provider, so a test of a service's TLS setup
 * does not also depend on the product's certificate code.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import forge from "node-forge";

/** A PEM certificate with its PEM private key. */
export interface TestKeyPair {
    certPem: string;
    keyPem: string;
}

export interface TestCertOptions {
    /** The certificate's subject common name. */
    commonName: string;
    /** DNS names and IP addresses of the subject alternative name extension. */
    hosts: string[];
    /** Validity start; default one hour ago. */
    notBefore?: Date;
    /** Validity end; default one day after `notBefore`. */
    notAfter?: Date;
}

function serial(): string {
    // A positive serial number: hex without a leading bit set.
    return "01" + forge.util.bytesToHex(forge.random.getBytesSync(15));
}

function altNames(hosts: string[]): { type: number; value?: string; ip?: string }[] {
    return hosts.map((h) => (/^[0-9.]+$/.test(h) || h.includes(":") ? { type: 7, ip: h } : { type: 2, value: h }));
}

/** A self-signed CA valid from one hour ago for `days` days. */
export function makeTestCa(commonName = "cdc-test-ca", days = 2): TestKeyPair {
    const keys = forge.pki.rsa.generateKeyPair(2048);
    const cert = forge.pki.createCertificate();
    cert.publicKey = keys.publicKey;
    cert.serialNumber = serial();
    cert.validity.notBefore = new Date(Date.now() - 3_600_000);
    cert.validity.notAfter = new Date(cert.validity.notBefore.getTime() + days * 86_400_000);
    const subject = [{ name: "commonName", value: commonName }];
    cert.setSubject(subject);
    cert.setIssuer(subject);
    cert.setExtensions([
        { name: "basicConstraints", cA: true, critical: true },
        { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
        { name: "subjectKeyIdentifier" },
    ]);
    cert.sign(keys.privateKey, forge.md.sha256.create());
    return { certPem: forge.pki.certificateToPem(cert), keyPem: forge.pki.privateKeyToPem(keys.privateKey) };
}

/** A server-and-client certificate for `o.hosts`, signed by `ca`. */
export function makeTestCert(ca: TestKeyPair, o: TestCertOptions): TestKeyPair {
    const caCert = forge.pki.certificateFromPem(ca.certPem);
    const caKey = forge.pki.privateKeyFromPem(ca.keyPem);
    const keys = forge.pki.rsa.generateKeyPair(2048);
    const cert = forge.pki.createCertificate();
    cert.publicKey = keys.publicKey;
    cert.serialNumber = serial();
    cert.validity.notBefore = o.notBefore ?? new Date(Date.now() - 3_600_000);
    cert.validity.notAfter = o.notAfter ?? new Date(cert.validity.notBefore.getTime() + 86_400_000);
    cert.setSubject([{ name: "commonName", value: o.commonName }]);
    cert.setIssuer(caCert.subject.attributes);
    cert.setExtensions([
        { name: "basicConstraints", cA: false },
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
        { name: "extKeyUsage", serverAuth: true, clientAuth: true },
        { name: "subjectAltName", altNames: altNames(o.hosts) },
    ]);
    cert.sign(caKey, forge.md.sha256.create());
    return { certPem: forge.pki.certificateToPem(cert), keyPem: forge.pki.privateKeyToPem(keys.privateKey) };
}

/** Writes `<name>.crt` and `<name>.key` to `dir`; returns their paths. */
export function writeKeyPair(dir: string, name: string, pair: TestKeyPair): { cert: string; key: string } {
    const cert = path.join(dir, `${name}.crt`);
    const key = path.join(dir, `${name}.key`);
    fs.writeFileSync(cert, pair.certPem);
    fs.writeFileSync(key, pair.keyPem, { mode: 0o600 });
    return { cert, key };
}
