/**
 * Plain-value types of the certificate dynamic providers, apart from the resources' `pulumi.Input` args.
 */

/** Resolved inputs of the stack's CA. */
export interface CaInputs {
    /** Subject common name of a generated CA. */
    commonName: string;
    /** Lifetime of a generated CA, in days. */
    validityDays: number;
    /** A generated CA is replaced this many days before it expires. */
    renewBeforeDays: number;
    /** The user's own CA certificate (PEM); with `givenKeyPem`, used instead of generating one. */
    givenCertPem?: string;
    /** Its private key (PEM). Secret. */
    givenKeyPem?: string;
}

/** Outputs of the CA, stored in the state. */
export interface CaOutputs extends CaInputs {
    /** The CA certificate (PEM, public). */
    certPem: string;
    /** The CA key (PEM). Secret. */
    keyPem: string;
    /** ISO 8601. */
    notAfter: string;
    /** PKCS12 truststore holding the CA as a trusted entry, base64. */
    truststoreP12Base64: string;
    /** Password of the truststore and of every keystore signed by this CA. Secret. */
    storePassword: string;
}

/** Resolved inputs of one service certificate. */
export interface CertificateInputs {
    /** Subject common name (the service). */
    commonName: string;
    /** DNS subject alternative names (wildcards such as `*.kafka.ns.svc.cluster.local` accepted). */
    dnsNames: string[];
    /** IP subject alternative names. */
    ipAddresses: string[];
    validityDays: number;
    /** Replaced by `pulumi up` once it expires within this many days. */
    renewBeforeDays: number;
    /** The signing CA (PEM). */
    caCertPem: string;
    /** Its key (PEM). Secret. */
    caKeyPem: string;
    /** Password of the keystore. Secret. */
    storePassword: string;
}

/** Outputs of a service certificate, stored in the state. */
export interface CertificateOutputs extends CertificateInputs {
    certPem: string;
    /** Secret. */
    keyPem: string;
    /** PKCS12 keystore: the key and the chain (certificate, CA), base64. Secret. */
    keystoreP12Base64: string;
    /** ISO 8601. */
    notAfter: string;
    serialNumber: string;
}
