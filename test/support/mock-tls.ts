/**
 * The stack's TLS material as `pulumi.output` values, for mocks tests of the service builders
 * while the certificate provider is not wired into `credentials()`: public parts plain, keys and
 * the store password secret, each value carrying {@link MOCK_SECRET_PREFIX} so a leak is findable
 * with the same search as the generated passwords.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ServiceTls, StackTls, TlsService } from "../../components/platform/shared/tls";
import { MOCK_SECRET_PREFIX } from "./mocks";

/** The mock CA certificate (public). */
export const MOCK_CA_PEM = "-----BEGIN CERTIFICATE-----\nMOCK-CA\n-----END CERTIFICATE-----\n";

/** The mock certificate of `service` (public). */
export const mockCertPem = (service: TlsService) =>
    `-----BEGIN CERTIFICATE-----\nMOCK-${service}\n-----END CERTIFICATE-----\n`;

/** The mock private key of `service` (secret): its body is findable as a leaked secret. */
export const mockKeyPem = (service: TlsService) =>
    `-----BEGIN PRIVATE KEY-----\n${MOCK_SECRET_PREFIX}-${service}-key\n-----END PRIVATE KEY-----\n`;

function serviceTls(service: TlsService): ServiceTls {
    return {
        certPem: pulumi.output(mockCertPem(service)),
        keyPem: pulumi.secret(mockKeyPem(service)),
        keystoreP12Base64: pulumi.secret(`${MOCK_SECRET_PREFIX}-${service}-keystore`),
    };
}

/** A {@link StackTls} of fixed values. */
export function mockStackTls(): StackTls {
    return {
        caPem: pulumi.output(MOCK_CA_PEM),
        truststoreP12Base64: pulumi.output("MOCK-TRUSTSTORE"),
        storePassword: pulumi.secret(`${MOCK_SECRET_PREFIX}-store-password`),
        services: {
            kafka: serviceTls("kafka"),
            connect: serviceTls("connect"),
            clickhouse: serviceTls("clickhouse"),
            mongo: serviceTls("mongo"),
        },
    };
}
