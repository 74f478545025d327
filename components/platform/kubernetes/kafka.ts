/** Kafka on kubernetes: a KRaft StatefulSet, every node broker + controller, behind a headless Service. */
import type * as k8s from "@pulumi/kubernetes";
import type { PlatformCredentials } from "../shared/credentials";
import { heapMb } from "../shared/services";
import type { KubernetesContext } from "./context";
import { kafkaCommand, kafkaEnv, noEscalation, podDns, probes, resourceSpec, securityContexts } from "./specs";

export interface KubernetesKafka {
    statefulSet: k8s.apps.v1.StatefulSet;
    service: k8s.core.v1.Service;
    budget?: k8s.policy.v1.PodDisruptionBudget;
    brokers: number;
    /** Every broker's in-cluster address. */
    bootstrap: string;
    /** Replication of the topics the connectors create: up to 3, one per broker. */
    replicationFactor: number;
}

export function kafkaCluster(ctx: KubernetesContext, creds: PlatformCredentials): KubernetesKafka {
    const k = ctx.kubernetes;
    const brokers = k.kafka.brokers;
    const service = ctx.headless("kafka", "kafka", [
        { name: "broker", port: 9092 },
        { name: "controller", port: 9093 },
    ]);
    const statefulSet = ctx.statefulSet("kafka", {
        serviceName: service.metadata.name,
        replicas: brokers,
        // All voters must start together to elect a controller.
        parallel: true,
        storageGi: k.kafka.storageGi,
        securityContext: securityContexts.kafka.pod,
        pod: {
            containers: [
                {
                    name: "kafka",
                    image: k.images.kafka,
                    command: kafkaCommand({ service: "kafka" }),
                    env: kafkaEnv({
                        clusterId: creds.kafkaClusterId,
                        brokers,
                        service: "kafka",
                        statefulSet: "kafka",
                        heapMb: heapMb("kafka", k.resources.kafka.memoryMb),
                    }),
                    ports: [
                        { name: "broker", containerPort: 9092 },
                        { name: "controller", containerPort: 9093 },
                    ],
                    volumeMounts: [{ name: "data", mountPath: "/var/lib/kafka/data" }],
                    readinessProbe: probes.kafka.readiness,
                    livenessProbe: probes.kafka.liveness,
                    resources: resourceSpec(k.resources.kafka),
                    securityContext: noEscalation,
                },
            ],
        },
    });
    return {
        statefulSet,
        service,
        budget: ctx.budget("kafka", brokers),
        brokers,
        bootstrap: Array.from({ length: brokers }, (_, i) => `${podDns("kafka", i, "kafka")}:9092`).join(","),
        replicationFactor: Math.min(3, brokers),
    };
}
