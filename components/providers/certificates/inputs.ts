/** Reading the providers' raw inputs field by field (never `__provider` or unknown keys), and checking them. */
import { isUnknown } from "../shared/unknown";
import type { CaInputs, CertificateInputs } from "./types";

const str = (v: unknown): string => (typeof v === "string" ? v : "");
const num = (v: unknown): number => (typeof v === "number" ? v : Number(v));
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : isUnknown(v) ? (v as never) : []);

export function normaliseCaInputs(raw: Record<string, unknown>): CaInputs {
    return {
        commonName: str(raw.commonName),
        validityDays: num(raw.validityDays),
        renewBeforeDays: num(raw.renewBeforeDays ?? 0),
        ...(typeof raw.givenCertPem === "string" ? { givenCertPem: raw.givenCertPem } : {}),
        ...(typeof raw.givenKeyPem === "string" ? { givenKeyPem: raw.givenKeyPem } : {}),
    };
}

export function normaliseCertificateInputs(raw: Record<string, unknown>): CertificateInputs {
    return {
        commonName: str(raw.commonName),
        dnsNames: strs(raw.dnsNames),
        ipAddresses: strs(raw.ipAddresses),
        validityDays: num(raw.validityDays),
        renewBeforeDays: num(raw.renewBeforeDays ?? 0),
        caCertPem: str(raw.caCertPem),
        caKeyPem: str(raw.caKeyPem),
        storePassword: str(raw.storePassword),
    };
}

export interface InputFailure {
    property: string;
    reason: string;
}

const DNS_NAME = /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i;

function days(property: string, v: number, min: number, out: InputFailure[]): void {
    if (!Number.isInteger(v) || v < min) out.push({ property, reason: `must be a whole number of days ≥ ${min}` });
}

/** What is wrong with a CA's inputs (never quoting a key). */
export function checkCaInputs(i: CaInputs): InputFailure[] {
    const out: InputFailure[] = [];
    if (!isUnknown(i.commonName) && i.commonName === "") out.push({ property: "commonName", reason: "is empty" });
    days("validityDays", i.validityDays, 1, out);
    days("renewBeforeDays", i.renewBeforeDays, 0, out);
    if ((i.givenCertPem === undefined) !== (i.givenKeyPem === undefined))
        out.push({ property: "givenKeyPem", reason: "a given CA needs both its certificate and its key" });
    return out;
}

/** What is wrong with a certificate's inputs (never quoting a key or password). */
export function checkCertificateInputs(i: CertificateInputs): InputFailure[] {
    const out: InputFailure[] = [];
    if (!isUnknown(i.commonName) && i.commonName === "") out.push({ property: "commonName", reason: "is empty" });
    if (!isUnknown(i.dnsNames)) {
        const bad = i.dnsNames.filter((n) => !isUnknown(n) && !DNS_NAME.test(n));
        if (bad.length) out.push({ property: "dnsNames", reason: `not DNS names: ${bad.join(", ")}` });
        if (i.dnsNames.length === 0 && !isUnknown(i.ipAddresses) && i.ipAddresses.length === 0)
            out.push({ property: "dnsNames", reason: "a certificate needs at least one DNS name or IP address" });
    }
    days("validityDays", i.validityDays, 1, out);
    days("renewBeforeDays", i.renewBeforeDays, 0, out);
    if (!isUnknown(i.caCertPem) && !i.caCertPem.includes("BEGIN CERTIFICATE"))
        out.push({ property: "caCertPem", reason: "is not a PEM certificate" });
    if (!isUnknown(i.caKeyPem) && !/BEGIN (RSA )?PRIVATE KEY/.test(i.caKeyPem))
        out.push({ property: "caKeyPem", reason: "is not a PEM private key (the value is not shown)" });
    if (!isUnknown(i.storePassword) && i.storePassword.length < 6)
        out.push({ property: "storePassword", reason: "is shorter than 6 characters (Java's minimum)" });
    return out;
}
