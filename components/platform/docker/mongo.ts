/**
 * MongoDB on docker: a single-member replica set with keyfile auth (the image's entrypoint creates
 * the root user), and a one-shot job that initiates the set, creates the Debezium user and turns
 * on pre-images.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { mongoInitScript } from "../scripts";
import type { PlatformCredentials } from "../shared/credentials";
import { debeziumConnectionString, mongoInitOptions } from "../shared/services";
import type { DockerContext } from "./context";
import { onlyOnSuccess } from "./jobs";
import { KEYFILE_UPLOAD, mongoCommand, withRetries } from "./specs";

/** The member's address inside the network. */
const MEMBER = "mongo:27017";

export interface DockerMongo {
    container: docker.Container;
    /** The replica set / Debezium user / pre-images initialisation. */
    init: docker.Container;
    /** Debezium's connection string as Connect reaches it (not gated on the init job). */
    debeziumUri: pulumi.Output<string>;
    /** Debezium's connection string once the init job exited 0 (secret). */
    connectorConnectionString: pulumi.Output<string>;
    /** Root's connection string from the host (secret). */
    hostConnectionString: pulumi.Output<string>;
}

export function mongoReplicaSet(ctx: DockerContext, creds: PlatformCredentials): DockerMongo {
    const { name, child, docker: d, pipeline: p } = ctx;
    const image = ctx.image("mongo", d.images.mongo);
    const data = ctx.volume("mongo-data");
    const container = ctx.serviceContainer("mongo", {
        image: image.imageId,
        publish: [27017, d.ports.mongo],
        args: {
            command: mongoCommand(p.mongo.replicaSet),
            envs: [
                pulumi.interpolate`MONGO_INITDB_ROOT_USERNAME=root`,
                pulumi.interpolate`MONGO_INITDB_ROOT_PASSWORD=${creds.mongoRootPassword}`,
            ],
            uploads: [{ file: KEYFILE_UPLOAD, content: creds.mongoKeyfile, permissions: "0400" }],
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
            uploads: [{ file: "/cdc/init.js", content: mongoInitScript(mongoInitOptions(p, [MEMBER])) }],
            command: [
                "bash",
                "-c",
                withRetries(
                    `mongosh --quiet "mongodb://${MEMBER}/admin?directConnection=true" -u root -p "$MONGO_ROOT_PASSWORD" --authenticationDatabase admin --file /cdc/init.js`,
                ),
            ],
        },
        { ...child, dependsOn: [container] },
    );
    const debeziumUri = debeziumConnectionString(p, [MEMBER], creds.debeziumPassword);
    return {
        container,
        init,
        debeziumUri,
        // Derived from the init job's exit code: the source connector cannot be created before the
        // replica set, the user and pre-images exist, and a failed init fails loudly.
        connectorConnectionString: pulumi.secret(
            onlyOnSuccess(init, "MongoDB init (replica set, Debezium user, pre-images)", debeziumUri),
        ),
        hostConnectionString: pulumi.secret(
            pulumi.interpolate`mongodb://root:${creds.mongoRootPassword}@${ctx.hostAddress}:${d.ports.mongo}/?authSource=admin&directConnection=true`,
        ),
    };
}
