/**
 * The stack's TLS material as the platforms use it: one CA per stack and one certificate per
 * service, each a Pulumi secret where it must be (private keys, keystores, their password).
 * Every container finds its files at {@link TLS_DIR} (see docs/security.md).
 */
import type * as pulumi from "@pulumi/pulumi";

/** The services that serve TLS. */
export type TlsService = "kafka" | "connect" | "clickhouse" | "mongo";

/** Where every container finds its TLS files (`ca.crt`, `tls.crt`, `tls.key`, `keystore.p12`, `truststore.p12`). */
export const TLS_DIR = "/etc/cdc/tls";

/** One service's certificate. */
export interface ServiceTls {
    /** PEM certificate (public). */
    certPem: pulumi.Output<string>;
    /** PEM private key. Secret. */
    keyPem: pulumi.Output<string>;
    /** PKCS12 keystore (key + certificate chain), base64, for JVM listeners. Secret. */
    keystoreP12Base64: pulumi.Output<string>;
}

/** The stack's CA and the certificates of its services. */
export interface StackTls {
    /** PEM CA certificate (public): what every client trusts. */
    caPem: pulumi.Output<string>;
    /** PKCS12 truststore holding the CA as a trusted entry, base64, for JVM clients. */
    truststoreP12Base64: pulumi.Output<string>;
    /** Password of the keystores and the truststore. Secret. */
    storePassword: pulumi.Output<string>;
    services: Record<TlsService, ServiceTls>;
}
