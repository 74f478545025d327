/**
 * MongoDB on docker: a single-member replica set with keyfile auth (the image's entrypoint creates
 * the root user), and a one-shot job that initiates the set, creates the Debezium user and turns
 * on pre-images. With the stack's TLS material (`creds.tls`) the member requires TLS on every
 * connection and every client (the job, the healthcheck, Debezium, the host's tools) verifies its
 * certificate against the stack's CA; without it (`cdc:tls.enabled: false`) all stays plaintext.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { DebeziumMongoTls } from "../../../connectors";
import { mongoInitScript } from "../scripts";
import type { PlatformCredentials } from "../shared/credentials";
import { debeziumConnectionString, debeziumMongoTls, MONGOSH_TLS, mongoInitOptions } from "../shared/services";
import type { StackTls } from "../shared/tls";
import type { DockerContext } from "./context";
import { onlyOnSuccess } from "./jobs";
import { KEYFILE_UPLOAD, MONGO_TLS_UPLOADS, mongoCommand, mongoHealthcheck, withRetries } from "./specs";

/** The member's name and address inside the network (its certificate names `mongo`). */
const HOST = "mongo";
const MEMBER = `${HOST}:27017`;

type Upload = { file: string; content: pulumi.Input<string>; permissions: string };

/** The member's TLS files: the CA and its certificate readable, its key root-only (copied for mongod). */
function memberTlsUploads(tls: StackTls): Upload[] {
    return [
        { file: MONGO_TLS_UPLOADS.ca, content: tls.caPem, permissions: "0444" },
        { file: MONGO_TLS_UPLOADS.cert, content: tls.services.mongo.certPem, permissions: "0444" },
        { file: MONGO_TLS_UPLOADS.key, content: pulumi.secret(tls.services.mongo.keyPem), permissions: "0400" },
    ];
}

export interface DockerMongo {
    container: docker.Container;
    /** The replica set / Debezium user / pre-images initialisation. */
    init: docker.Container;
    /** Debezium's connection string as Connect reaches it (not gated on the init job). */
    debeziumUri: pulumi.Output<string>;
    /** Debezium's connection string once the init job exited 0 (secret). */
    connectorConnectionString: pulumi.Output<string>;
    /** Root's connection string from the host (secret); `tls=true` with TLS (the CA: the stack's `caCertificate`). */
    hostConnectionString: pulumi.Output<string>;
    /** Debezium's truststore settings when the member requires TLS. */
    connectorTls?: DebeziumMongoTls;
}

export function mongoReplicaSet(ctx: DockerContext, creds: PlatformCredentials): DockerMongo {
    const { name, child, docker: d, pipeline: p } = ctx;
    const tls = creds.tls;
    const image = ctx.image("mongo", d.images.mongo);
    const data = ctx.volume("mongo-data");
    const container = ctx.serviceContainer("mongo", {
        image: image.imageId,
        publish: [27017, d.ports.mongo],
        args: {
            command: mongoCommand(p.mongo.replicaSet, tls !== undefined),
            ...(tls ? { healthcheck: mongoHealthcheck({ host: HOST }) } : {}),
            envs: [
                pulumi.interpolate`MONGO_INITDB_ROOT_USERNAME=root`,
                pulumi.interpolate`MONGO_INITDB_ROOT_PASSWORD=${creds.mongoRootPassword}`,
            ],
            uploads: [
                { file: KEYFILE_UPLOAD, content: creds.mongoKeyfile, permissions: "0400" },
                ...(tls ? memberTlsUploads(tls) : []),
            ],
            volumes: [{ volumeName: data.name, containerPath: "/data/db" }],
        },
    });
    const init = new docker.Container(
        `${name}-mongo-init`,
        {
            ...ctx.job("mongo-init"),
            image: image.imageId,
            networksAdvanced: ctx.attach("mongo-init"),
            envs: [
                pulumi.interpolate`MONGO_ROOT_PASSWORD=${creds.mongoRootPassword}`,
                pulumi.interpolate`DEBEZIUM_PASSWORD=${creds.debeziumPassword}`,
            ],
            uploads: [
                { file: "/cdc/init.js", content: mongoInitScript(mongoInitOptions(p, [MEMBER])) },
                // The CA only: the job verifies the member, it holds no key.
                ...(tls ? [{ file: MONGO_TLS_UPLOADS.ca, content: tls.caPem, permissions: "0444" }] : []),
            ],
            command: [
                "bash",
                "-c",
                withRetries(
                    `mongosh --quiet ${tls ? `${MONGOSH_TLS} ` : ""}"mongodb://${MEMBER}/admin?directConnection=true" -u root -p "$MONGO_ROOT_PASSWORD" --authenticationDatabase admin --file /cdc/init.js`,
                ),
            ],
        },
        { ...child, dependsOn: [container] },
    );
    const debeziumUri = debeziumConnectionString(p, [MEMBER], creds.debeziumPassword, tls !== undefined);
    return {
        container,
        init,
        debeziumUri,
        ...(tls ? { connectorTls: debeziumMongoTls() } : {}),
        // Derived from the init job's exit code: the source connector cannot be created before the
        // replica set, the user and pre-images exist, and a failed init fails loudly.
        connectorConnectionString: pulumi.secret(
            onlyOnSuccess(init, "MongoDB init (replica set, Debezium user, pre-images)", debeziumUri),
        ),
        hostConnectionString: pulumi.secret(
            pulumi.interpolate`mongodb://root:${creds.mongoRootPassword}@${ctx.hostAddress}:${d.ports.mongo}/?authSource=admin&directConnection=true${tls ? "&tls=true" : ""}`,
        ),
    };
}
