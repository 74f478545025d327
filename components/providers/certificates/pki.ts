/**
 * The certificates themselves, pure node-forge: a self-signed CA, a service certificate signed by
 * a CA (RSA 2048, SHA-256, server and client authentication, DNS and IP subject alternative
 * names), and the facts a diff compares (expiry, names). Time is always passed in (`now`).
 */
import { randomBytes, randomInt } from "node:crypto";
import { isIP } from "node:net";
import forge from "node-forge";

/** A PEM certificate with its PEM private key. */
export interface KeyPair {
    certPem: string;
    keyPem: string;
}

/** What a service certificate is issued for. */
export interface CertificateRequest {
    commonName: string;
    dnsNames: string[];
    ipAddresses: string[];
    validityDays: number;
}

const DAY_MS = 86_400_000;
/** Certificates start an hour before they are made: clocks of clients may be a little behind. */
const BACKDATE_MS = 3_600_000;
const KEY_BITS = 2048;

/** True for an IPv4 or IPv6 address (a SAN of type IP, not DNS). */
export function isIpAddress(s: string): boolean {
    return isIP(s) !== 0;
}

/** Splits names into DNS names and IP addresses, each sorted and without duplicates. */
export function splitSans(names: readonly string[]): { dnsNames: string[]; ipAddresses: string[] } {
    const uniq = (xs: string[]) => [...new Set(xs)].sort();
    return {
        dnsNames: uniq(names.filter((n) => !isIpAddress(n)).map((n) => n.toLowerCase())),
        ipAddresses: uniq(names.filter(isIpAddress)),
    };
}

function serialNumber(): string {
    // 16 random bytes, the first below 0x80 so the DER integer stays positive.
    const bytes = randomBytes(16);
    bytes[0] &= 0x7f;
    bytes[0] |= 0x01;
    return bytes.toString("hex");
}

function validity(cert: forge.pki.Certificate, days: number, now: Date): void {
    cert.validity.notBefore = new Date(now.getTime() - BACKDATE_MS);
    cert.validity.notAfter = new Date(now.getTime() + days * DAY_MS);
}

function keyPair(): forge.pki.rsa.KeyPair {
    // node-forge uses node's native generator when it is there.
    return forge.pki.rsa.generateKeyPair({ bits: KEY_BITS, e: 0x10001 });
}

/** A self-signed CA valid from now (an hour back) for `validityDays`. */
export function createCa(o: { commonName: string; validityDays: number; now: Date }): KeyPair {
    const keys = keyPair();
    const cert = forge.pki.createCertificate();
    cert.publicKey = keys.publicKey;
    cert.serialNumber = serialNumber();
    validity(cert, o.validityDays, o.now);
    const subject = [{ name: "commonName", value: o.commonName }];
    cert.setSubject(subject);
    cert.setIssuer(subject);
    cert.setExtensions([
        { name: "basicConstraints", cA: true, pathLenConstraint: 0, critical: true },
        { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
        { name: "subjectKeyIdentifier" },
    ]);
    cert.sign(keys.privateKey, forge.md.sha256.create());
    return { certPem: forge.pki.certificateToPem(cert), keyPem: forge.pki.privateKeyToPem(keys.privateKey) };
}

/** A certificate for `req`, signed by `ca`, valid from now (an hour back) for `req.validityDays`. */
export function issueCertificate(ca: KeyPair, req: CertificateRequest, now: Date): KeyPair {
    const caCert = forge.pki.certificateFromPem(ca.certPem);
    const caKey = forge.pki.privateKeyFromPem(ca.keyPem);
    const keys = keyPair();
    const cert = forge.pki.createCertificate();
    cert.publicKey = keys.publicKey;
    cert.serialNumber = serialNumber();
    validity(cert, req.validityDays, now);
    cert.setSubject([{ name: "commonName", value: req.commonName }]);
    cert.setIssuer(caCert.subject.attributes);
    cert.setExtensions([
        { name: "basicConstraints", cA: false, critical: true },
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
        { name: "extKeyUsage", serverAuth: true, clientAuth: true },
        {
            name: "subjectAltName",
            altNames: [
                ...req.dnsNames.map((value) => ({ type: 2, value })),
                ...req.ipAddresses.map((ip) => ({ type: 7, ip })),
            ],
        },
        { name: "subjectKeyIdentifier" },
        { name: "authorityKeyIdentifier", keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
    ]);
    cert.sign(caKey, forge.md.sha256.create());
    return { certPem: forge.pki.certificateToPem(cert), keyPem: forge.pki.privateKeyToPem(keys.privateKey) };
}

/** What a diff and a test read off a certificate. */
export interface CertificateFacts {
    commonName: string;
    issuerCommonName: string;
    /** ISO 8601. */
    notBefore: string;
    notAfter: string;
    serialNumber: string;
    dnsNames: string[];
    ipAddresses: string[];
    isCa: boolean;
}

export function certificateFacts(certPem: string): CertificateFacts {
    const cert = forge.pki.certificateFromPem(certPem);
    const cn = (attrs: forge.pki.CertificateField[]) => String(attrs.find((a) => a.name === "commonName")?.value ?? "");
    const san = cert.getExtension("subjectAltName") as { altNames?: { type: number; value?: string; ip?: string }[] };
    const names = san?.altNames ?? [];
    const bc = cert.getExtension("basicConstraints") as { cA?: boolean } | null;
    return {
        commonName: cn(cert.subject.attributes),
        issuerCommonName: cn(cert.issuer.attributes),
        notBefore: cert.validity.notBefore.toISOString(),
        notAfter: cert.validity.notAfter.toISOString(),
        serialNumber: cert.serialNumber,
        dnsNames: names.filter((n) => n.type === 2).map((n) => String(n.value)),
        ipAddresses: names.filter((n) => n.type === 7).map((n) => String(n.ip)),
        isCa: bc?.cA === true,
    };
}

/** A password for the PKCS12 stores: 32 letters and digits (safe in any properties or JAAS file). */
export function storePassword(): string {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    return Array.from({ length: 32 }, () => alphabet[randomInt(alphabet.length)]).join("");
}
