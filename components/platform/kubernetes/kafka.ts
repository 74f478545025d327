/** Kafka on kubernetes: a KRaft StatefulSet, every node broker + controller, behind a headless Service. */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformCredentials } from "../shared/credentials";
import { hostToolsSasl, KAFKA_PORTS, type KafkaSasl } from "../shared/kafkaSecurity";
import { heapMb } from "../shared/services";
import { TLS_DIR, type StackTls, type TlsService } from "../shared/tls";
import { DEFAULT_JMX_EXPORTER_AGENT } from "../../config/versions";
import {
    JMX_AGENT_DIR,
    JMX_AGENT_PORT,
    JMX_AGENT_STAGING_DIR,
    jmxAgentInstallCommand,
    JMX_PASSWORD_HASH_ENV,
    platformJmxPasswordHash,
    platformJmxStartScript,
    type JmxAgentOptions,
} from "../shared/jmxAgent";
import type { KubernetesContext } from "./context";
import {
    kafkaCommand,
    kafkaEnv,
    kafkaSecureCommand,
    kafkaSecureEnv,
    noEscalation,
    podDns,
    probes,
    resourceSpec,
    secretEnv,
    secureProbes,
    securityContexts,
} from "./specs";

/**
 * The Secret holding `service`'s TLS files (`ca.crt`, `tls.crt`, `keystore.p12`), mounted read-only
 * at TLS_DIR, readable by the pod's group (fsGroup) only. Auto-named: renewed certificates replace
 * it under a new name, which rolls the pods.
 */
export function tlsSecret(ctx: KubernetesContext, service: TlsService, tls: StackTls): k8s.core.v1.Secret {
    const b64 = (s: pulumi.Input<string>) => pulumi.output(s).apply((v) => Buffer.from(v).toString("base64"));
    return new k8s.core.v1.Secret(
        `${ctx.name}-${service}-tls`,
        {
            metadata: ctx.meta(`${service}-tls`, undefined),
            type: "Opaque",
            data: {
                "ca.crt": b64(tls.caPem),
                "tls.crt": b64(tls.services[service].certPem),
                "keystore.p12": pulumi.secret(tls.services[service].keystoreP12Base64),
            },
        },
        ctx.child,
    );
}

/** The pod volume and mount of a {@link tlsSecret}. */
export function tlsVolume(secret: k8s.core.v1.Secret) {
    return {
        volume: { name: "tls", secret: { secretName: secret.metadata.name, defaultMode: 0o440 } },
        mount: { name: "tls", mountPath: TLS_DIR, readOnly: true },
    };
}

/**
 * The JMX exporter agent in a pod (shared/jmxAgent.ts): an init container downloads the pinned jar
 * into an emptyDir (refused unless its SHA-256 matches), mounted read-only in the service container,
 * whose start script runs `startScript` first; port 9404 is named `metrics`.
 */
export function kubernetesJmxAgent(
    ctx: KubernetesContext,
    service: "kafka" | "connect",
    agent: JmxAgentOptions,
    tls: boolean,
) {
    const where = { agent, project: pulumi.getProject(), stack: ctx.stack };
    const hash = platformJmxPasswordHash(service, where);
    const auth = hash ? ctx.secret(`${service}-jmx-auth`, undefined, { "password-hash": hash }) : undefined;
    return {
        initContainer: {
            name: "jmx-agent",
            image: ctx.kubernetes.images.pluginFetcher,
            command: jmxAgentInstallCommand(agent.agent ?? DEFAULT_JMX_EXPORTER_AGENT),
            volumeMounts: [{ name: "jmx-agent", mountPath: JMX_AGENT_STAGING_DIR }],
            securityContext: noEscalation,
            resources: resourceSpec({ memoryMb: 128, cpuMillis: 200 }),
        },
        volume: { name: "jmx-agent", emptyDir: {} },
        mount: { name: "jmx-agent", mountPath: JMX_AGENT_DIR, readOnly: true },
        port: { name: "metrics", containerPort: JMX_AGENT_PORT },
        startScript: platformJmxStartScript(service, { tls, ...where }),
        /** The password hash from its own Secret (auto-named: a new password rolls the pods). */
        env: auth ? [secretEnv(JMX_PASSWORD_HASH_ENV, auth.metadata.name, "password-hash")] : [],
    };
}

export interface KubernetesKafka {
    statefulSet: k8s.apps.v1.StatefulSet;
    service: k8s.core.v1.Service;
    budget?: k8s.policy.v1.PodDisruptionBudget;
    brokers: number;
    /** Every broker's in-cluster address. */
    bootstrap: string;
    /** Replication of the topics the connectors create: up to 3, one per broker. */
    replicationFactor: number;
    /** The host-side tools' SCRAM user (`status`) when TLS is on. */
    sasl?: KafkaSasl;
}

/**
 * `opts.jmxAgent` (monitoring on): every broker runs the Prometheus JMX exporter agent on port 9404
 * (HTTPS + basic auth with TLS on), its jar installed by an init container.
 */
export function kafkaCluster(
    ctx: KubernetesContext,
    creds: PlatformCredentials,
    opts: { jmxAgent?: JmxAgentOptions } = {},
): KubernetesKafka {
    const k = ctx.kubernetes;
    const brokers = k.kafka.brokers;
    const tls = creds.tls;
    const jmx = opts.jmxAgent ? kubernetesJmxAgent(ctx, "kafka", opts.jmxAgent, tls !== undefined) : undefined;
    const preExec: pulumi.Output<string[] | undefined> = jmx
        ? jmx.startScript.apply((s) => [s])
        : pulumi.output(undefined);
    const service = ctx.headless("kafka", "kafka", [
        { name: "broker", port: 9092 },
        { name: "controller", port: 9093 },
        ...(tls ? [{ name: "inter-broker", port: KAFKA_PORTS.broker }] : []),
    ]);
    const secure = tls
        ? {
              tls: tlsVolume(tlsSecret(ctx, "kafka", tls)),
              passwords: ctx.secret("kafka-passwords", undefined, {
                  "store-password": tls.storePassword,
                  "connect-password": creds.kafkaConnectPassword,
                  "status-password": creds.kafkaStatusPassword,
              }),
          }
        : undefined;
    const heap = heapMb("kafka", k.resources.kafka.memoryMb);
    const statefulSet = ctx.statefulSet("kafka", {
        serviceName: service.metadata.name,
        replicas: brokers,
        // All voters must start together to elect a controller.
        parallel: true,
        storageGi: k.kafka.storageGi,
        securityContext: securityContexts.kafka.pod,
        pod: {
            ...(jmx ? { initContainers: [jmx.initContainer] } : {}),
            containers: [
                {
                    name: "kafka",
                    image: k.images.kafka,
                    command: preExec.apply((pre) =>
                        secure
                            ? kafkaSecureCommand({ brokers, service: "kafka", statefulSet: "kafka", preExec: pre })
                            : kafkaCommand({ service: "kafka", preExec: pre }),
                    ),
                    env: [
                        ...(secure
                            ? kafkaSecureEnv({
                                  clusterId: creds.kafkaClusterId,
                                  heapMb: heap,
                                  secret: secure.passwords.metadata.name,
                              })
                            : kafkaEnv({
                                  clusterId: creds.kafkaClusterId,
                                  brokers,
                                  service: "kafka",
                                  statefulSet: "kafka",
                                  heapMb: heap,
                              })),
                        ...(jmx ? jmx.env : []),
                    ],
                    ports: [
                        { name: "broker", containerPort: 9092 },
                        { name: "controller", containerPort: 9093 },
                        ...(secure ? [{ name: "inter-broker", containerPort: KAFKA_PORTS.broker }] : []),
                        ...(jmx ? [jmx.port] : []),
                    ],
                    volumeMounts: [
                        { name: "data", mountPath: "/var/lib/kafka/data" },
                        ...(secure ? [secure.tls.mount] : []),
                        ...(jmx ? [jmx.mount] : []),
                    ],
                    readinessProbe: (secure ? secureProbes : probes).kafka.readiness,
                    livenessProbe: (secure ? secureProbes : probes).kafka.liveness,
                    resources: resourceSpec(k.resources.kafka),
                    securityContext: noEscalation,
                },
            ],
            ...(secure || jmx
                ? { volumes: [...(secure ? [secure.tls.volume] : []), ...(jmx ? [jmx.volume] : [])] }
                : {}),
        },
    });
    return {
        statefulSet,
        service,
        budget: ctx.budget("kafka", brokers),
        brokers,
        bootstrap: Array.from({ length: brokers }, (_, i) => `${podDns("kafka", i, "kafka")}:9092`).join(","),
        replicationFactor: Math.min(3, brokers),
        ...(tls ? { sasl: hostToolsSasl(creds) } : {}),
    };
}
