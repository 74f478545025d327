/**
 * The credentials a platform that runs the services itself generates (docker and kubernetes):
 * the MongoDB root and Debezium passwords, MongoDB's replica-set keyfile, the pipeline's ClickHouse
 * password and Kafka's KRaft cluster id. Each is a `random` resource named `<component>-<role>`,
 * a child of the platform component, and reaches the program only as a Pulumi secret.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { StackTls } from "./tls";

export interface PlatformCredentials {
    mongoRootPassword: pulumi.Output<string>;
    debeziumPassword: pulumi.Output<string>;
    /** The replica set members' shared keyfile (96 characters). */
    mongoKeyfile: pulumi.Output<string>;
    clickhousePassword: pulumi.Output<string>;
    /** KRaft cluster id (16 random bytes, base64url). */
    kafkaClusterId: pulumi.Output<string>;
    /** SCRAM-SHA-512 password of Kafka user `connect` (the Connect workers and both connectors' clients). */
    kafkaConnectPassword: pulumi.Output<string>;
    /** SCRAM-SHA-512 password of Kafka user `status` (`npm run status`). */
    kafkaStatusPassword: pulumi.Output<string>;
    /** Password of Kafka Connect's REST user (HTTP basic auth). */
    connectRestPassword: pulumi.Output<string>;
    /**
     * Monitoring (`cdc:monitoring.enabled`, absent when off): the HTTP basic-auth password of user
     * `metrics` on every scrape endpoint (the JMX agents, the pipeline exporter), Grafana's admin
     * password and Prometheus' own `admin` password (its UI and API).
     */
    metricsPassword?: pulumi.Output<string>;
    grafanaAdminPassword?: pulumi.Output<string>;
    prometheusAdminPassword?: pulumi.Output<string>;
    /**
     * The stack's CA and service certificates (shared/tls.ts); absent when TLS is off
     * (`cdc:tls.enabled: false`, docker only).
     */
    tls?: StackTls;
}

/**
 * Generates the platform's credentials as children of `parent`, named `<name>-<role>`; the
 * monitoring passwords only when `monitoring` is on.
 */
export function credentials(name: string, parent: pulumi.Resource, monitoring = false): PlatformCredentials {
    const child = { parent };
    const password = (role: string, length = 32) =>
        // Explicitly secret too (the engine marks `result` secret; this keeps it so everywhere).
        pulumi.secret(new random.RandomPassword(`${name}-${role}`, { length, special: false }, child).result);
    return {
        mongoRootPassword: password("mongo-root-password"),
        debeziumPassword: password("mongo-debezium-password"),
        mongoKeyfile: password("mongo-keyfile", 96),
        clickhousePassword: password("clickhouse-password"),
        kafkaConnectPassword: password("kafka-connect-password"),
        kafkaStatusPassword: password("kafka-status-password"),
        connectRestPassword: password("connect-rest-password"),
        kafkaClusterId: new random.RandomId(`${name}-kafka-cluster-id`, { byteLength: 16 }, child).b64Url,
        ...(monitoring
            ? {
                  metricsPassword: password("metrics-password"),
                  grafanaAdminPassword: password("grafana-admin-password"),
                  prometheusAdminPassword: password("prometheus-admin-password"),
              }
            : {}),
    };
}
