/**
 * A `StackTls` of plain `pulumi.output` values for the mocks tier, until the stack's certificate
 * provider fills `creds.tls` itself: fixed PEM-shaped strings, the private parts secret and marked
 * with {@link MOCK_SECRET_PREFIX} so a leak into plain inputs is findable. Also the platform
 * credentials a service builder reads, with the mocks' generated-password shape.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PlatformCredentials } from "../../components/platform/shared/credentials";
import type { StackTls, TlsService } from "../../components/platform/shared/tls";
import { MOCK_SECRET_PREFIX } from "./mocks";

const pem = (label: string, body: string) => `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;

/** The certificate PEM {@link mockStackTls} gives `service` (public). */
export function mockCertPem(service: TlsService, serial = "1"): string {
    return pem("CERTIFICATE", `MOCK-CERT-${service}-${serial}`);
}

/** The CA PEM of {@link mockStackTls} (public). */
export const MOCK_CA_PEM = pem("CERTIFICATE", "MOCK-CA");

/** The private key PEM {@link mockStackTls} gives `service` (secret): its body is findable as a leaked secret. */
export function mockKeyPem(service: TlsService): string {
    return pem("PRIVATE KEY", `${MOCK_SECRET_PREFIX}-tls-${service}-key`);
}

/** A StackTls whose secrets are `MOCKPW-tls-<service>-key` etc.; `serial` changes every certificate. */
export function mockStackTls(serial = "1"): StackTls {
    const service = (s: TlsService) => ({
        certPem: pulumi.output(mockCertPem(s, serial)),
        keyPem: pulumi.secret(mockKeyPem(s)),
        keystoreP12Base64: pulumi.secret(`${MOCK_SECRET_PREFIX}-tls-${s}-keystore`),
    });
    return {
        caPem: pulumi.output(MOCK_CA_PEM),
        truststoreP12Base64: pulumi.output("MOCK-TRUSTSTORE"),
        storePassword: pulumi.secret(`${MOCK_SECRET_PREFIX}-tls-store-password`),
        services: {
            kafka: service("kafka"),
            connect: service("connect"),
            clickhouse: service("clickhouse"),
            mongo: service("mongo"),
        },
    };
}

/** The ClickHouse password {@link mockCredentials} gives (secret). */
export const MOCK_CLICKHOUSE_PASSWORD = `${MOCK_SECRET_PREFIX}-clickhouse-password`;

/** Platform credentials as a builder receives them, with `tls` when given. */
export function mockCredentials(tls?: StackTls): PlatformCredentials {
    const secret = (role: string) => pulumi.secret(`${MOCK_SECRET_PREFIX}-${role}`);
    return {
        mongoRootPassword: secret("mongo-root-password"),
        debeziumPassword: secret("mongo-debezium-password"),
        mongoKeyfile: secret("mongo-keyfile"),
        clickhousePassword: pulumi.secret(MOCK_CLICKHOUSE_PASSWORD),
        kafkaClusterId: pulumi.output("AAAAAAAAAAAAAAAAAAAAAA"),
        kafkaConnectPassword: secret("kafka-connect-password"),
        kafkaStatusPassword: secret("kafka-status-password"),
        connectRestPassword: secret("connect-rest-password"),
        ...(tls ? { tls } : {}),
    };
}

/** A component to parent a builder's resources under mocks (type `test:index:Parent`). */
export class MockParent extends pulumi.ComponentResource {
    constructor(name: string) {
        super("test:index:Parent", name, {}, {});
    }
}
