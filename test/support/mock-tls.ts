/**
 * A `StackTls` of `pulumi.output` values for mocks tests (the stack's certificate provider is not
 * needed to test how the platforms use its material). Secret parts carry MOCK_SECRET_PREFIX so a
 * leak is findable.
 */
import * as pulumi from "@pulumi/pulumi";
import type { StackTls, TlsService } from "../../components/platform/shared/tls";
import { MOCK_SECRET_PREFIX } from "./mocks";

export function mockStackTls(): StackTls {
    const service = (s: TlsService) => ({
        certPem: pulumi.output(`-----BEGIN CERTIFICATE-----\n${s}\n-----END CERTIFICATE-----\n`),
        keyPem: pulumi.secret(`${MOCK_SECRET_PREFIX}-${s}-key`),
        keystoreP12Base64: pulumi.secret(Buffer.from(`${MOCK_SECRET_PREFIX}-${s}-keystore`).toString("base64")),
    });
    return {
        caPem: pulumi.output("-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n"),
        truststoreP12Base64: pulumi.output(Buffer.from("truststore").toString("base64")),
        storePassword: pulumi.secret(`${MOCK_SECRET_PREFIX}-store-password`),
        services: {
            kafka: service("kafka"),
            connect: service("connect"),
            clickhouse: service("clickhouse"),
            mongo: service("mongo"),
        },
    };
}
