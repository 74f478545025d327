/**
 * Kafka Connect on kubernetes: a Deployment of Debezium's image (it ships the MongoDB plugin) with
 * the ClickHouse sink fetched by an init container, behind the Service `cdc:kubernetes.access`
 * exposes. The connector secrets reach the workers only through a Secret, as environment.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CONNECT_SECRET_ENV, CONNECT_SECRET_REFS, envConfigProviderWorkerEnv } from "../../../connectors";
import type { PlatformCredentials } from "../shared/credentials";
import type { ConnectAccess } from "../shared/endpoints";
import { connectGroupId, heapMb } from "../shared/services";
import { PLUGIN_DIR, PLUGIN_STAGING_DIR, sinkPluginInstallCommand } from "../shared/sinkPlugin";
import { hostUrl } from "./access";
import type { KubernetesContext } from "./context";
import type { KubernetesKafka } from "./kafka";
import type { KubernetesMongo } from "./mongo";
import {
    connectSecureEnv,
    connectWorkerEnv,
    envList,
    noEscalation,
    probes,
    resourceSpec,
    secretEnv,
    secureProbes,
    securityContexts,
} from "./specs";
import { kubernetesJmxAgent, tlsSecret, tlsVolume } from "./kafka";
import type { JmxAgentOptions } from "../shared/jmxAgent";
import { CONNECT_REST_USER, connectStartScript } from "../shared/kafkaSecurity";

export interface KubernetesConnect extends ConnectAccess {
    deployment: k8s.apps.v1.Deployment;
    service: k8s.core.v1.Service;
    budget?: k8s.policy.v1.PodDisruptionBudget;
}

/**
 * `opts.jmxAgent` (monitoring on): every worker runs the Prometheus JMX exporter agent on port 9404
 * (HTTPS + basic auth with TLS on), its jar installed by an init container.
 */
export function connectWorkers(
    ctx: KubernetesContext,
    creds: PlatformCredentials,
    deps: { mongo: KubernetesMongo; kafka: KubernetesKafka },
    opts: { jmxAgent?: JmxAgentOptions } = {},
): KubernetesConnect {
    const { name, child, kubernetes: k } = ctx;
    const service = ctx.exposed("connect", { name: "rest", port: 8083 });
    // Connector secrets reach the workers only through this Secret (as env); connector configs hold `${env:...}`
    // references.
    // Auto-named: the provider replaces a Secret whose data changes (the connection string lists every
    // member), and a fixed name cannot be created before the old one is deleted (the API server
    // refuses it), while deleting first would make the engine replace Connect's Deployment too (every
    // worker stops). A new name instead rolls the workers onto the new Secret, one at a time.
    const secrets = ctx.secret("connect-secrets", undefined, {
        "clickhouse-password": creds.clickhousePassword,
        "debezium-connection-string": deps.mongo.debeziumUri,
    });
    const tls = creds.tls;
    const secure = tls
        ? {
              tls: tlsVolume(tlsSecret(ctx, "connect", tls)),
              passwords: ctx.secret("connect-passwords", undefined, {
                  "store-password": tls.storePassword,
                  "kafka-password": creds.kafkaConnectPassword,
                  "rest-password": creds.connectRestPassword,
              }),
          }
        : undefined;
    const jmx = opts.jmxAgent ? kubernetesJmxAgent(ctx, "connect", opts.jmxAgent, tls !== undefined) : undefined;
    const start = secure ? connectStartScript("/docker-entrypoint.sh start") : "exec /docker-entrypoint.sh start";
    // With the agent: its lines first (they add to KAFKA_OPTS, which the image's entrypoint keeps).
    const command = jmx
        ? { command: ["bash", "-c", pulumi.interpolate`${jmx.startScript}\n${start}`] }
        : secure
          ? { command: ["bash", "-c", start] }
          : {};
    const deployment = new k8s.apps.v1.Deployment(
        `${name}-connect`,
        {
            metadata: ctx.meta("connect", "connect"),
            spec: {
                replicas: k.connect.replicas,
                selector: { matchLabels: ctx.select("connect") },
                template: ctx.podTemplate("connect", securityContexts.connect.pod, {
                    initContainers: [
                        {
                            name: "sink-plugin",
                            image: k.images.pluginFetcher,
                            command: sinkPluginInstallCommand(k.clickhouseSink),
                            volumeMounts: [{ name: "plugins", mountPath: PLUGIN_STAGING_DIR }],
                            securityContext: noEscalation,
                            resources: resourceSpec({ memoryMb: 128, cpuMillis: 200 }),
                        },
                        ...(jmx ? [jmx.initContainer] : []),
                    ],
                    containers: [
                        {
                            name: "connect",
                            image: k.images.connect,
                            // With TLS on: the REST users' and JAAS files first, then the image's own start.
                            ...command,
                            env: [
                                ...connectWorkerEnv({
                                    bootstrap: deps.kafka.bootstrap,
                                    groupId: connectGroupId(ctx.stack),
                                    heapMb: heapMb("connect", k.resources.connect.memoryMb),
                                    brokers: deps.kafka.brokers,
                                }),
                                ...envList(envConfigProviderWorkerEnv()),
                                secretEnv(
                                    CONNECT_SECRET_ENV.clickhousePassword,
                                    secrets.metadata.name,
                                    "clickhouse-password",
                                ),
                                secretEnv(
                                    CONNECT_SECRET_ENV.debeziumConnectionString,
                                    secrets.metadata.name,
                                    "debezium-connection-string",
                                ),
                                ...(secure ? connectSecureEnv(secure.passwords.metadata.name) : []),
                                ...(jmx ? jmx.env : []),
                            ],
                            ports: [{ name: "rest", containerPort: 8083 }, ...(jmx ? [jmx.port] : [])],
                            volumeMounts: [
                                { name: "plugins", mountPath: PLUGIN_DIR, readOnly: true },
                                ...(secure ? [secure.tls.mount] : []),
                                ...(jmx ? [jmx.mount] : []),
                            ],
                            readinessProbe: (secure ? secureProbes : probes).connect.readiness,
                            livenessProbe: (secure ? secureProbes : probes).connect.liveness,
                            resources: resourceSpec(k.resources.connect),
                            securityContext: noEscalation,
                        },
                    ],
                    volumes: [
                        { name: "plugins", emptyDir: {} },
                        ...(secure ? [secure.tls.volume] : []),
                        ...(jmx ? [jmx.volume] : []),
                    ],
                }),
            },
        },
        { ...child, dependsOn: [deps.kafka.statefulSet] },
    );
    return {
        deployment,
        service,
        budget: ctx.budget("connect", k.connect.replicas),
        // TLS on: the REST API answers HTTPS only.
        url: hostUrl(k.access, "connect", service, 8083).apply((u) => (tls ? u.replace(/^http:/, "https:") : u)),
        secretRefs: CONNECT_SECRET_REFS,
        ...(tls ? { auth: { user: CONNECT_REST_USER.name, password: creds.connectRestPassword } } : {}),
    };
}
