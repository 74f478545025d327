/** Kafka 4 on docker: one KRaft node (broker + controller), a listener for Connect and one for the host. */
import type * as docker from "@pulumi/docker";
import type { PlatformCredentials } from "../shared/credentials";
import { heapMb } from "../shared/services";
import type { DockerContext } from "./context";
import { kafkaEnv } from "./specs";

export interface DockerKafka {
    container: docker.Container;
    /** Bootstrap servers inside the network (Connect's). */
    internalBootstrap: string;
    /** Bootstrap servers from the host. */
    hostBootstrap: string;
    /** One broker: every topic has one replica. */
    replicationFactor: number;
}

export function kafkaCluster(ctx: DockerContext, creds: PlatformCredentials): DockerKafka {
    const d = ctx.docker;
    const data = ctx.volume("kafka-data");
    const container = ctx.serviceContainer("kafka", {
        publish: [19092, d.ports.kafka],
        args: {
            envs: kafkaEnv({
                clusterId: creds.kafkaClusterId,
                hostAddress: ctx.hostAddress,
                hostPort: d.ports.kafka,
                heapMb: heapMb("kafka", d.resources.kafka.memoryMb),
            }),
            volumes: [{ volumeName: data.name, containerPath: "/var/lib/kafka/data" }],
        },
    });
    return {
        container,
        internalBootstrap: "kafka:9092",
        hostBootstrap: `${ctx.hostAddress}:${d.ports.kafka}`,
        replicationFactor: 1,
    };
}
