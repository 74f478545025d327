/**
 * The stack's certificates as dynamic resources (node-forge; see docs/security.md for why not
 * `@pulumi/tls`): `CertificateAuthority` (type `pulumi-nodejs:dynamic/cdc:CertificateAuthority`)
 * and `ServiceCertificate` (`…/cdc:ServiceCertificate`). Keys and store passwords are secret
 * outputs; `pulumi up` replaces a certificate inside its renewal window (renewal.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { caProvider, certificateProvider } from "./provider";

export * from "./types";
export { certificateFacts, createCa, issueCertificate, isIpAddress, splitSans, storePassword } from "./pki";
export type { CertificateFacts, CertificateRequest, KeyPair } from "./pki";
export { keystoreP12, readP12, truststoreP12 } from "./stores";
export { caReplaceReasons, certificateReplaceReasons, expiryReason, type ReplaceReason } from "./renewal";
export {
    createCaProvider,
    createCertificateProvider,
    diffCa,
    diffCertificate,
    makeCa,
    makeCertificate,
    replaceMessage,
} from "./provider";
export type { CertificateDiff, CertificateProviderOptions } from "./provider";

export interface CertificateAuthorityArgs {
    /** Subject common name of a generated CA. */
    commonName: pulumi.Input<string>;
    validityDays: pulumi.Input<number>;
    renewBeforeDays: pulumi.Input<number>;
    /** The user's own CA (`cdc:tls.ca`) instead of a generated one. The key is made secret here. */
    given?: { certPem: pulumi.Input<string>; keyPem: pulumi.Input<string> };
}

/** The stack's CA and its truststore. */
export class CertificateAuthority extends pulumi.dynamic.Resource {
    declare public readonly certPem: pulumi.Output<string>;
    /** Secret. */
    declare public readonly keyPem: pulumi.Output<string>;
    declare public readonly notAfter: pulumi.Output<string>;
    declare public readonly truststoreP12Base64: pulumi.Output<string>;
    /** Secret. */
    declare public readonly storePassword: pulumi.Output<string>;

    constructor(name: string, args: CertificateAuthorityArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            caProvider,
            name,
            {
                commonName: args.commonName,
                validityDays: args.validityDays,
                renewBeforeDays: args.renewBeforeDays,
                givenCertPem: args.given?.certPem,
                givenKeyPem: args.given ? pulumi.secret(args.given.keyPem) : undefined,
                certPem: undefined,
                keyPem: undefined,
                notAfter: undefined,
                truststoreP12Base64: undefined,
                storePassword: undefined,
            },
            pulumi.mergeOptions(opts, { additionalSecretOutputs: ["keyPem", "givenKeyPem", "storePassword"] }),
            "cdc",
            "CertificateAuthority",
        );
    }
}

export interface ServiceCertificateArgs {
    /** The service (subject common name). */
    commonName: pulumi.Input<string>;
    /** DNS names the service is reached by (SANs of type DNS; see `splitSans`). */
    dnsNames: pulumi.Input<pulumi.Input<string>[]>;
    /** IP addresses it is reached by (SANs of type IP). */
    ipAddresses: pulumi.Input<pulumi.Input<string>[]>;
    validityDays: pulumi.Input<number>;
    renewBeforeDays: pulumi.Input<number>;
    ca: CertificateAuthority;
}

/** A service's certificate, key and keystore, signed by the stack's CA. */
export class ServiceCertificate extends pulumi.dynamic.Resource {
    declare public readonly certPem: pulumi.Output<string>;
    /** Secret. */
    declare public readonly keyPem: pulumi.Output<string>;
    /** Secret. */
    declare public readonly keystoreP12Base64: pulumi.Output<string>;
    declare public readonly notAfter: pulumi.Output<string>;
    declare public readonly serialNumber: pulumi.Output<string>;

    constructor(name: string, args: ServiceCertificateArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            certificateProvider,
            name,
            {
                commonName: args.commonName,
                dnsNames: args.dnsNames,
                ipAddresses: args.ipAddresses,
                validityDays: args.validityDays,
                renewBeforeDays: args.renewBeforeDays,
                caCertPem: args.ca.certPem,
                caKeyPem: pulumi.secret(args.ca.keyPem),
                storePassword: pulumi.secret(args.ca.storePassword),
                certPem: undefined,
                keyPem: undefined,
                keystoreP12Base64: undefined,
                notAfter: undefined,
                serialNumber: undefined,
            },
            pulumi.mergeOptions(opts, {
                additionalSecretOutputs: ["keyPem", "keystoreP12Base64", "caKeyPem", "storePassword"],
            }),
            "cdc",
            "ServiceCertificate",
        );
    }
}
