/**
 * The stack's TLS material as the platforms use it: one CA per stack and one certificate per
 * service, each a Pulumi secret where it must be (private keys, keystores, their password).
 * Every container finds its files at {@link TLS_DIR} (see docs/security.md).
 */
import * as pulumi from "@pulumi/pulumi";
import type { TlsSettings } from "../../config";
import { CertificateAuthority, ServiceCertificate, splitSans } from "../../providers/certificates";

/** The services that serve TLS. */
export type TlsService = "kafka" | "connect" | "clickhouse" | "mongo";
/** The monitoring services that serve TLS (certificates made only with `cdc:monitoring.enabled`). */
export type MonitoringTlsService = "prometheus" | "grafana" | "exporter";

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
    services: Record<TlsService, ServiceTls> & Partial<Record<MonitoringTlsService, ServiceTls>>;
}

/** Every service that serves TLS, in a fixed order. */
export const TLS_SERVICES: readonly TlsService[] = ["mongo", "kafka", "connect", "clickhouse"];
/** The monitoring services, in a fixed order after {@link TLS_SERVICES}. */
export const MONITORING_TLS_SERVICES: readonly MonitoringTlsService[] = ["prometheus", "grafana", "exporter"];

/**
 * The names (DNS names and IP addresses, mixed) each service's certificate is for; a monitoring
 * service gets a certificate only when its names are given.
 */
export type TlsSans = Record<TlsService, pulumi.Input<string[]>> &
    Partial<Record<MonitoringTlsService, pulumi.Input<string[]>>>;

/**
 * The stack's CA (`<name>-tls-ca`: generated, or `cdc:tls.ca`) and one certificate per service
 * (`<name>-tls-<service>`) for `sans`, children of `parent`, with the JVM stores. `pulumi up`
 * replaces a certificate inside its renewal window (components/providers/certificates/).
 */
export function stackTls(name: string, settings: TlsSettings, sans: TlsSans, parent: pulumi.Resource): StackTls {
    const ca = new CertificateAuthority(
        `${name}-tls-ca`,
        {
            commonName: `cdc ${pulumi.getProject()}/${pulumi.getStack()} CA`,
            validityDays: settings.caValidityDays,
            renewBeforeDays: settings.renewBeforeDays,
            given: settings.ca,
        },
        { parent },
    );
    const services = {} as StackTls["services"];
    const issued = [...TLS_SERVICES, ...MONITORING_TLS_SERVICES.filter((s) => sans[s] !== undefined)];
    for (const service of issued) {
        const names = pulumi.output(sans[service]!).apply(splitSans);
        const cert = new ServiceCertificate(
            `${name}-tls-${service}`,
            {
                commonName: service,
                dnsNames: names.dnsNames,
                ipAddresses: names.ipAddresses,
                validityDays: settings.validityDays,
                renewBeforeDays: settings.renewBeforeDays,
                ca,
            },
            { parent },
        );
        services[service] = {
            certPem: cert.certPem,
            keyPem: pulumi.secret(cert.keyPem),
            keystoreP12Base64: pulumi.secret(cert.keystoreP12Base64),
        };
    }
    return {
        caPem: ca.certPem,
        truststoreP12Base64: ca.truststoreP12Base64,
        storePassword: pulumi.secret(ca.storePassword),
        services,
    };
}
