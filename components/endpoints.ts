import * as pulumi from "@pulumi/pulumi";
import type { DebeziumMongoTls } from "../connectors";

/**
 * The one seam between "where the services run" (a platform) and "what runs on them" (the CDC
 * layer: bronze tables, connectors, dbt). Every platform produces exactly this; everything after
 * it is the same code on Docker, Kubernetes and external services.
 *
 * Addresses come twice where they differ: `internal` is how a service is reached from inside the
 * platform (what Kafka Connect's connectors use, e.g. `mongo:27017`), `host` is how it is reached
 * from the machine running `pulumi up` (what the dynamic providers, dbt and the seed use, e.g.
 * `127.0.0.1:8123`).
 */
export interface PipelineEndpoints {
    mongo: {
        /**
         * Connection string of the least-privilege Debezium user as seen from Kafka Connect.
         * Secret: it carries the password.
         */
        connectorConnectionString: pulumi.Output<string>;
        /**
         * Admin connection string as seen from the pulumi host (for the seed tools). Secret. Carries
         * `tls=true` when the members require TLS; the CA is not in it (the stack's CA: `tls.caPem`).
         */
        hostConnectionString: pulumi.Output<string>;
        /**
         * How the source connector verifies the members' certificates (a truststore on the Connect
         * workers, its password by reference). Absent: plaintext, or TLS as the connection string
         * says with the workers' default trust (an external MongoDB with a public CA).
         */
        connectorTls?: DebeziumMongoTls;
    };
    kafka: {
        /** Bootstrap servers as seen from inside the platform. */
        internalBootstrap: pulumi.Input<string>;
        /** Bootstrap servers as seen from the pulumi host (may be the same). */
        hostBootstrap: pulumi.Input<string>;
        /** Replication factor for the topics the connectors create (change topics, dead letters). */
        replicationFactor: number;
        /**
         * SASL credentials of the host-side tools (`npm run status`: user `status`) when Kafka
         * requires them (SASL_SSL; the CA is `tls.caPem`). Absent = no authentication. Password secret.
         */
        sasl?: { mechanism: "SCRAM-SHA-512"; user: string; password: pulumi.Output<string> };
    };
    connect: {
        /** Kafka Connect REST URL as seen from the pulumi host. */
        url: pulumi.Input<string>;
        /**
         * HTTP basic auth of Connect's REST API (`BasicAuthSecurityRestExtension`), used by the
         * connector provider and `npm run status`; absent when the REST API takes no credentials.
         * The password is a secret.
         */
        auth?: { user: string; password: pulumi.Output<string> };
        /**
         * Config-provider references the worker resolves to the connector secrets (see
         * connectors/secretRefs.ts). When set, connector configs carry these instead of the
         * secrets, so Connect's REST API and config topic never hold them; when absent (an
         * external worker without providers), the secrets are sent as values.
         */
        secretRefs?: { clickhousePassword: string; debeziumConnectionString: string };
    };
    clickhouse: {
        /**
         * ClickHouse HTTP interface as seen from Kafka Connect (the sink connector). `caFile`: the
         * PEM CA the sink trusts for `ssl`, as a path inside the Connect workers (the stack's CA
         * at `/etc/cdc/tls/ca.crt`); absent, the workers' default JVM truststore.
         */
        internal: {
            host: pulumi.Input<string>;
            port: pulumi.Input<number>;
            ssl: pulumi.Input<boolean>;
            caFile?: string;
        };
        /** ClickHouse HTTP(S) URL as seen from the pulumi host (providers and dbt); `https://` with TLS. */
        url: pulumi.Input<string>;
        /** Database that holds bronze and the dbt models. */
        database: pulumi.Input<string>;
        /** The pipeline's ClickHouse user. */
        user: pulumi.Input<string>;
        /** Its password. Secret. */
        password: pulumi.Output<string>;
        /**
         * Present when ClickHouse is replicated (kubernetes with `cdc:kubernetes.clickhouse.replicas` ≥ 2): the
         * `remote_servers` cluster its replicas form. The CDC layer then creates a `Replicated` database with
         * replicated tables (bronze, dbt). Absent on docker, external and one replica: the single node.
         */
        replication?: { cluster: string };
    };
    /**
     * The CA the host-side clients trust (the providers, dbt, `npm run status`, the seed): the
     * stack's own CA on docker/kubernetes, `cdc:tls.caBundle` on the external platform. Absent =
     * the hops from the host are plaintext (docker with `cdc:tls.enabled: false`, an external
     * stack without TLS) or use certificates the system already trusts.
     */
    tls?: { caPem: pulumi.Input<string> };
    /**
     * Resources that must be ready before the CDC layer touches a service. The pipeline makes
     * each dynamic resource depend on exactly the ones it talks to, so the order of creation is
     * data flow, not sleeps.
     */
    ready: {
        /** MongoDB replica set initiated, Debezium user and pre-images configured. */
        mongo: pulumi.Resource[];
        /** Kafka Connect answering with both plugins installed. */
        connect: pulumi.Resource[];
        /** ClickHouse answering with the pipeline user. */
        clickhouse: pulumi.Resource[];
    };
}
