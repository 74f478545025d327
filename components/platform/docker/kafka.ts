/**
 * Kafka 4 on docker: one KRaft node (broker + controller), a listener for Connect and one for the
 * host. With TLS on (`creds.tls`), every listener is encrypted and clients authenticate with
 * SCRAM-SHA-512 (shared/kafkaSecurity.ts); off, today's PLAINTEXT listeners.
 */
import type * as docker from "@pulumi/docker";
import type { PlatformCredentials } from "../shared/credentials";
import { hostToolsSasl, type KafkaSasl } from "../shared/kafkaSecurity";
import { heapMb } from "../shared/services";
import type { DockerContext } from "./context";
import { kafkaEnv, kafkaSecureCommand, kafkaSecureEnv, secureHealthchecks, tlsUploads } from "./specs";

export interface DockerKafka {
    container: docker.Container;
    /** Bootstrap servers inside the network (Connect's). */
    internalBootstrap: string;
    /** Bootstrap servers from the host. */
    hostBootstrap: string;
    /** One broker: every topic has one replica. */
    replicationFactor: number;
    /** The host-side tools' SCRAM user (`status`) when TLS is on. */
    sasl?: KafkaSasl;
}

export function kafkaCluster(ctx: DockerContext, creds: PlatformCredentials): DockerKafka {
    const d = ctx.docker;
    const data = ctx.volume("kafka-data");
    const heap = heapMb("kafka", d.resources.kafka.memoryMb);
    const volumes = [{ volumeName: data.name, containerPath: "/var/lib/kafka/data" }];
    const tls = creds.tls;
    const container = ctx.serviceContainer("kafka", {
        publish: [19092, d.ports.kafka],
        args: tls
            ? {
                  command: kafkaSecureCommand({ hostAddress: ctx.hostAddress, hostPort: d.ports.kafka }),
                  envs: kafkaSecureEnv({
                      clusterId: creds.kafkaClusterId,
                      heapMb: heap,
                      storePassword: tls.storePassword,
                      connectPassword: creds.kafkaConnectPassword,
                      statusPassword: creds.kafkaStatusPassword,
                  }),
                  // apache/kafka runs as appuser (uid 1000).
                  uploads: tlsUploads(tls, "kafka", 1000),
                  healthcheck: secureHealthchecks.kafka,
                  volumes,
              }
            : {
                  envs: kafkaEnv({
                      clusterId: creds.kafkaClusterId,
                      hostAddress: ctx.hostAddress,
                      hostPort: d.ports.kafka,
                      heapMb: heap,
                  }),
                  volumes,
              },
    });
    return {
        container,
        internalBootstrap: "kafka:9092",
        hostBootstrap: `${ctx.hostAddress}:${d.ports.kafka}`,
        replicationFactor: 1,
        ...(tls ? { sasl: hostToolsSasl(creds) } : {}),
    };
}
