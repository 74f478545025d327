/**
 * The endpoints of a platform that runs the services itself (docker, kubernetes): what its
 * builders return, put in the one shape the CDC layer reads. The ClickHouse database and user
 * are the pipeline's own; the password is the generated one, kept secret.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PipelineSettings } from "../../config";
import type { PipelineEndpoints } from "../../endpoints";

type E = PipelineEndpoints;

/** What a platform's Kafka Connect builder gives the CDC layer. */
export interface ConnectAccess {
    /** The REST URL from the machine running `pulumi up`. */
    url: pulumi.Output<string>;
    /** The references the workers resolve to the connector secrets. */
    secretRefs: NonNullable<E["connect"]["secretRefs"]>;
    /** REST basic auth (TLS on). */
    auth?: NonNullable<E["connect"]["auth"]>;
}

export function generatedEndpoints(o: {
    pipeline: PipelineSettings;
    clickhousePassword: pulumi.Output<string>;
    mongo: E["mongo"];
    kafka: {
        internalBootstrap: string;
        hostBootstrap: string;
        replicationFactor: number;
        sasl?: NonNullable<E["kafka"]["sasl"]>;
    };
    connect: ConnectAccess;
    clickhouse: {
        internal: E["clickhouse"]["internal"];
        url: pulumi.Input<string>;
        replication?: NonNullable<E["clickhouse"]["replication"]>;
    };
    ready: E["ready"];
    /** The stack's CA, when TLS is on. */
    caPem?: pulumi.Input<string>;
}): PipelineEndpoints {
    return {
        mongo: {
            connectorConnectionString: o.mongo.connectorConnectionString,
            hostConnectionString: o.mongo.hostConnectionString,
            ...(o.mongo.connectorTls ? { connectorTls: o.mongo.connectorTls } : {}),
        },
        kafka: {
            internalBootstrap: o.kafka.internalBootstrap,
            hostBootstrap: o.kafka.hostBootstrap,
            replicationFactor: o.kafka.replicationFactor,
            ...(o.kafka.sasl ? { sasl: { ...o.kafka.sasl, password: pulumi.secret(o.kafka.sasl.password) } } : {}),
        },
        connect: {
            url: o.connect.url,
            secretRefs: o.connect.secretRefs,
            ...(o.connect.auth
                ? { auth: { ...o.connect.auth, password: pulumi.secret(o.connect.auth.password) } }
                : {}),
        },
        clickhouse: {
            internal: o.clickhouse.internal,
            url: o.clickhouse.url,
            database: o.pipeline.clickhouse.database,
            user: o.pipeline.clickhouse.user,
            password: pulumi.secret(o.clickhousePassword),
            ...(o.clickhouse.replication ? { replication: o.clickhouse.replication } : {}),
        },
        ...(o.caPem !== undefined ? { tls: { caPem: o.caPem } } : {}),
        ready: o.ready,
    };
}
