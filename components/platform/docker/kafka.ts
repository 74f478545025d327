/**
 * Kafka 4 on docker: one KRaft node (broker + controller), a listener for Connect and one for the
 * host. With TLS on (`creds.tls`), every listener is encrypted and clients authenticate with
 * SCRAM-SHA-512 (shared/kafkaSecurity.ts); off, today's PLAINTEXT listeners.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformCredentials } from "../shared/credentials";
import {
    JMX_AGENT_DIR,
    JMX_AGENT_STAGING_DIR,
    jmxAgentInstallCommand,
    JMX_PASSWORD_HASH_ENV,
    platformJmxPasswordHash,
    platformJmxStartScript,
    type JmxAgentOptions,
} from "../shared/jmxAgent";
import { fetcherProxyEnv, onlyOnSuccess } from "./jobs";
import { hostToolsSasl, type KafkaSasl } from "../shared/kafkaSecurity";
import { heapMb } from "../shared/services";
import { DEFAULT_JMX_EXPORTER_AGENT } from "../../config/versions";
import type { DockerContext } from "./context";
import { kafkaEnv, kafkaSecureCommand, kafkaSecureEnv, secureHealthchecks, tlsUploads } from "./specs";

/** The apache/kafka image's own start script. */
export const KAFKA_IMAGE_START = "/etc/kafka/docker/run";

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

/** The JMX exporter agent of one service: its volume, the job that fills it, and the checksum once it succeeded. */
export interface DockerJmxAgent {
    volume: docker.Volume;
    job: docker.Container;
    /** The jar's SHA-256, known once the job succeeded (an env of the service: a new jar recreates it). */
    installed: pulumi.Output<string>;
    /** The shell lines the service runs before its JVM (config file, `KAFKA_OPTS`). */
    startScript: pulumi.Output<string>;
    /**
     * The service's env for the agent: the jar's checksum and, with a metrics password, its salted
     * hash (a secret env, filled into the config file at start; never in the command).
     */
    env: pulumi.Output<string>[];
}

/**
 * The agent for `service` (shared/jmxAgent.ts): a volume and a one-shot fetcher job that downloads
 * the pinned jar into it, refusing it unless its SHA-256 matches.
 */
export function dockerJmxAgent(
    ctx: DockerContext,
    service: "kafka" | "connect",
    agent: JmxAgentOptions,
    tls: boolean,
): DockerJmxAgent {
    const pin = agent.agent ?? DEFAULT_JMX_EXPORTER_AGENT;
    const volume = ctx.volume(`${service}-jmx-agent`);
    const job = new docker.Container(
        `${ctx.name}-${service}-jmx-fetch`,
        {
            ...ctx.job(`${service}-jmx-fetch`),
            image: ctx.image("plugin-fetcher", ctx.docker.images.pluginFetcher).imageId,
            envs: fetcherProxyEnv(process.env),
            volumes: [{ volumeName: volume.name, containerPath: JMX_AGENT_STAGING_DIR }],
            command: jmxAgentInstallCommand(pin),
        },
        ctx.child,
    );
    const installed = onlyOnSuccess(job, `JMX exporter agent install (${service})`, pulumi.output(pin.sha256));
    const where = { agent, project: pulumi.getProject(), stack: pulumi.getStack() };
    const hash = platformJmxPasswordHash(service, where);
    return {
        volume,
        job,
        installed,
        startScript: platformJmxStartScript(service, { tls, ...where }),
        env: [
            pulumi.interpolate`CDC_JMX_AGENT_SHA256=${installed}`,
            ...(hash ? [pulumi.interpolate`${JMX_PASSWORD_HASH_ENV}=${hash}`] : []),
        ],
    };
}

/** Mount of a {@link DockerJmxAgent}'s volume in the service container (read-only). */
export const jmxAgentMount = (a: DockerJmxAgent) => ({
    volumeName: a.volume.name,
    containerPath: JMX_AGENT_DIR,
    readOnly: true,
});

/**
 * `opts.jmxAgent` (monitoring on): the broker runs the Prometheus JMX exporter agent on port 9404
 * (HTTPS + basic auth with TLS on), its jar installed by a fetcher job first.
 */
export function kafkaCluster(
    ctx: DockerContext,
    creds: PlatformCredentials,
    opts: { jmxAgent?: JmxAgentOptions } = {},
): DockerKafka {
    const d = ctx.docker;
    const data = ctx.volume("kafka-data");
    const heap = heapMb("kafka", d.resources.kafka.memoryMb);
    const tls = creds.tls;
    const jmx = opts.jmxAgent ? dockerJmxAgent(ctx, "kafka", opts.jmxAgent, tls !== undefined) : undefined;
    const volumes = [
        { volumeName: data.name, containerPath: "/var/lib/kafka/data" },
        ...(jmx ? [jmxAgentMount(jmx)] : []),
    ];
    const jmxEnv = jmx ? jmx.env : [];
    const container = ctx.serviceContainer(
        "kafka",
        {
            publish: [19092, d.ports.kafka],
            args: tls
                ? {
                      command: jmx
                          ? jmx.startScript.apply((s) =>
                                kafkaSecureCommand({
                                    hostAddress: ctx.hostAddress,
                                    hostPort: d.ports.kafka,
                                    preExec: [s],
                                }),
                            )
                          : kafkaSecureCommand({ hostAddress: ctx.hostAddress, hostPort: d.ports.kafka }),
                      envs: [
                          ...kafkaSecureEnv({
                              clusterId: creds.kafkaClusterId,
                              heapMb: heap,
                              storePassword: tls.storePassword,
                              connectPassword: creds.kafkaConnectPassword,
                              statusPassword: creds.kafkaStatusPassword,
                          }),
                          ...jmxEnv,
                      ],
                      // apache/kafka runs as appuser (uid 1000).
                      uploads: tlsUploads(tls, "kafka", 1000),
                      healthcheck: secureHealthchecks.kafka,
                      volumes,
                  }
                : {
                      // With the agent: its lines, then the image's own start (KAFKA_OPTS set for the broker only).
                      ...(jmx
                          ? {
                                command: [
                                    "bash",
                                    "-c",
                                    pulumi.interpolate`${jmx.startScript}\nexec ${KAFKA_IMAGE_START}`,
                                ],
                            }
                          : {}),
                      envs: [
                          ...kafkaEnv({
                              clusterId: creds.kafkaClusterId,
                              hostAddress: ctx.hostAddress,
                              hostPort: d.ports.kafka,
                              heapMb: heap,
                          }),
                          ...jmxEnv,
                      ],
                      volumes,
                  },
        },
        jmx ? { dependsOn: [jmx.job] } : {},
    );
    return {
        container,
        internalBootstrap: "kafka:9092",
        hostBootstrap: `${ctx.hostAddress}:${d.ports.kafka}`,
        replicationFactor: 1,
        ...(tls ? { sasl: hostToolsSasl(creds) } : {}),
    };
}
