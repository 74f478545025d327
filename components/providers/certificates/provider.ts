/**
 * The certificate dynamic providers: the stack's CA (generated, or the user's passed through) and
 * a service certificate signed by it, with the PKCS12 stores the JVM services read. Nothing lives
 * outside the state: create makes the material, read returns the state, delete forgets it.
 * Renewal is a replacement decided in `diff` (renewal.ts), which logs why on stderr (the engine
 * shows a provider's stderr; only `changes`/`replaces` reach its decision, see
 * components/providers/shared/README.md).
 *
 * Built from plain options only, so they survive `pulumi.runtime.serializeFunction`. Inputs are
 * read field by field: `__provider` is never used. No message ever quotes a key or a password.
 */
import type * as pulumi from "@pulumi/pulumi";
import { withPlainErrors } from "../shared/errors";
import { containsUnknown } from "../shared/unknown";
import { checkCaInputs, checkCertificateInputs, normaliseCaInputs, normaliseCertificateInputs } from "./inputs";
import { certificateFacts, createCa, issueCertificate, storePassword } from "./pki";
import { caReplaceReasons, certificateReplaceReasons, type ReplaceReason } from "./renewal";
import { keystoreP12, truststoreP12 } from "./stores";
import type { CaInputs, CaOutputs, CertificateInputs, CertificateOutputs } from "./types";

export interface CertificateProviderOptions {
    /** The clock (tests move it). */
    now?: () => Date;
    /** Where the diff's reasons go; default stderr, which the engine shows. */
    log?: (line: string) => void;
}

/** Pulumi's DiffResult plus the reasons of a replacement (logged; not forwarded to the engine). */
export interface CertificateDiff extends pulumi.dynamic.DiffResult {
    reasons: ReplaceReason[];
}

/** The diff from the reasons: replace for any, update in place when only the renewal window moved. */
function toDiff(reasons: ReplaceReason[], renewBeforeChanged: boolean): CertificateDiff {
    return {
        changes: reasons.length > 0 || renewBeforeChanged,
        replaces: [...new Set(reasons.map((r) => r.property))],
        deleteBeforeReplace: false,
        reasons,
    };
}

/** "certificate kafka: replacing it: expires 2027-01-02, inside the 30-day renewal window". */
export function replaceMessage(what: string, reasons: ReplaceReason[]): string {
    return `${what}: replacing it: ${reasons.map((r) => r.reason).join("; ")}`;
}

export function diffCa(olds: Partial<CaOutputs>, news: CaInputs, now: Date): CertificateDiff {
    return toDiff(caReplaceReasons(olds, news, now), olds.renewBeforeDays !== news.renewBeforeDays);
}

export function diffCertificate(
    olds: Partial<CertificateOutputs>,
    news: CertificateInputs,
    now: Date,
): CertificateDiff {
    return toDiff(certificateReplaceReasons(olds, news, now), olds.renewBeforeDays !== news.renewBeforeDays);
}

function failOn(kind: string, failures: { property: string; reason: string }[]): void {
    if (failures.length > 0)
        throw new Error(
            `${kind}: invalid inputs:\n${failures.map((f) => `  - ${f.property}: ${f.reason}`).join("\n")}`,
        );
}

/** Makes (or passes through) the CA and its truststore. */
export function makeCa(i: CaInputs, now: Date): CaOutputs {
    failOn("CertificateAuthority", checkCaInputs(i));
    const pair =
        i.givenCertPem !== undefined && i.givenKeyPem !== undefined
            ? { certPem: i.givenCertPem, keyPem: i.givenKeyPem }
            : createCa({ commonName: i.commonName, validityDays: i.validityDays, now });
    const password = storePassword();
    return {
        ...i,
        certPem: pair.certPem,
        keyPem: pair.keyPem,
        notAfter: certificateFacts(pair.certPem).notAfter,
        truststoreP12Base64: truststoreP12(pair.certPem, password),
        storePassword: password,
    };
}

/** Issues a service certificate and its keystore. */
export function makeCertificate(i: CertificateInputs, now: Date): CertificateOutputs {
    failOn(`ServiceCertificate ${i.commonName}`, checkCertificateInputs(i));
    const pair = issueCertificate(
        { certPem: i.caCertPem, keyPem: i.caKeyPem },
        { commonName: i.commonName, dnsNames: i.dnsNames, ipAddresses: i.ipAddresses, validityDays: i.validityDays },
        now,
    );
    const facts = certificateFacts(pair.certPem);
    return {
        ...i,
        certPem: pair.certPem,
        keyPem: pair.keyPem,
        keystoreP12Base64: keystoreP12(pair.keyPem, [pair.certPem, i.caCertPem], i.storePassword),
        notAfter: facts.notAfter,
        serialNumber: facts.serialNumber,
    };
}

type Provider<I, O> = Omit<pulumi.dynamic.ResourceProvider, "diff"> & {
    diff(id: string, olds: O, news: I): Promise<CertificateDiff>;
};

/** The CA provider. */
export function createCaProvider(options: CertificateProviderOptions = {}): Provider<CaInputs, CaOutputs> {
    const now = options.now ?? (() => new Date());
    const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
    return withPlainErrors({
        async check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
            const failures = checkCaInputs(normaliseCaInputs(news)).filter((f) => !containsUnknown(news[f.property]));
            return { inputs: news, failures };
        },
        async diff(_id: string, olds: CaOutputs, news: CaInputs): Promise<CertificateDiff> {
            const d = diffCa(olds, normaliseCaInputs(news as unknown as Record<string, unknown>), now());
            if (d.reasons.length > 0) log(replaceMessage(`CA ${news.commonName}`, d.reasons));
            return d;
        },
        async create(raw: Record<string, unknown>) {
            const outs = makeCa(normaliseCaInputs(raw), now());
            return { id: `ca-${certificateFacts(outs.certPem).serialNumber}`, outs };
        },
        async update(_id: string, olds: CaOutputs, raw: Record<string, unknown>) {
            // Only the renewal window moved (anything else replaces): the CA stays.
            return { outs: { ...olds, renewBeforeDays: normaliseCaInputs(raw).renewBeforeDays } };
        },
        async read(id: string, props: Record<string, unknown>) {
            return { id, props };
        },
        async delete() {
            // Nothing outside the state: the CA is forgotten with it.
        },
    });
}

/** The service-certificate provider. */
export function createCertificateProvider(
    options: CertificateProviderOptions = {},
): Provider<CertificateInputs, CertificateOutputs> {
    const now = options.now ?? (() => new Date());
    const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
    return withPlainErrors({
        async check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
            const failures = checkCertificateInputs(normaliseCertificateInputs(news)).filter(
                (f) => !containsUnknown(news[f.property]),
            );
            return { inputs: news, failures };
        },
        async diff(_id: string, olds: CertificateOutputs, news: CertificateInputs): Promise<CertificateDiff> {
            const d = diffCertificate(
                olds,
                normaliseCertificateInputs(news as unknown as Record<string, unknown>),
                now(),
            );
            if (d.reasons.length > 0) log(replaceMessage(`certificate ${news.commonName}`, d.reasons));
            return d;
        },
        async create(raw: Record<string, unknown>) {
            const outs = makeCertificate(normaliseCertificateInputs(raw), now());
            return { id: `cert-${outs.commonName}-${outs.serialNumber}`, outs };
        },
        async update(_id: string, olds: CertificateOutputs, raw: Record<string, unknown>) {
            return { outs: { ...olds, renewBeforeDays: normaliseCertificateInputs(raw).renewBeforeDays } };
        },
        async read(id: string, props: Record<string, unknown>) {
            return { id, props };
        },
        async delete() {
            // Nothing outside the state.
        },
    });
}

export const caProvider = createCaProvider();
export const certificateProvider = createCertificateProvider();
