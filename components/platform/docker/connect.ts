/**
 * Kafka Connect on docker: Debezium's image (it ships the MongoDB plugin) with the ClickHouse sink
 * installed into a volume by a one-shot fetcher job. The worker starts only once the plugin is
 * installed; the connector secrets reach it only as environment variables.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { CONNECT_SECRET_ENV, CONNECT_SECRET_REFS, envConfigProviderWorkerEnv } from "../../../connectors";
import type { PlatformCredentials } from "../shared/credentials";
import type { ConnectAccess } from "../shared/endpoints";
import { connectEnv, connectGroupId, heapMb } from "../shared/services";
import { PLUGIN_DIR, PLUGIN_STAGING_DIR, sinkPluginInstallCommand } from "../shared/sinkPlugin";
import type { DockerContext } from "./context";
import { dockerJmxAgent, jmxAgentMount, type DockerKafka } from "./kafka";
import type { JmxAgentOptions } from "../shared/jmxAgent";
import type { DockerMongo } from "./mongo";
import { fetcherProxyEnv, onlyOnSuccess } from "./jobs";
import {
    CONNECT_REST_USER,
    CONNECT_TLS_FILES,
    connectImageEnv,
    connectStartScript,
    withoutConfigProviders,
    workerSecurityProperties,
} from "../shared/kafkaSecurity";
import { connectSecureEnv, secureHealthchecks, tlsUploads } from "./specs";

/** The Debezium image's entrypoint and command (what the secure start script hands over to). */
export const CONNECT_IMAGE_START = "/docker-entrypoint.sh start";

/**
 * The worker, its plugin job, and how the CDC layer reaches it (the URL is known once the plugin install succeeded).
 */
export interface DockerConnect extends ConnectAccess {
    container: docker.Container;
    /** The job that installs the ClickHouse sink plugin. */
    sinkPlugin: docker.Container;
}

/**
 * `opts.jmxAgent` (monitoring on): the worker runs the Prometheus JMX exporter agent on port 9404
 * (HTTPS + basic auth with TLS on), its jar installed by a fetcher job first.
 */
export function connectWorkers(
    ctx: DockerContext,
    creds: PlatformCredentials,
    deps: { mongo: DockerMongo; kafka: DockerKafka },
    opts: { jmxAgent?: JmxAgentOptions } = {},
): DockerConnect {
    const { name, child, docker: d } = ctx;
    const plugins = ctx.volume("connect-plugins");
    const sinkPlugin = new docker.Container(
        `${name}-sink-plugin`,
        {
            ...ctx.job("sink-plugin"),
            image: ctx.image("plugin-fetcher", d.images.pluginFetcher).imageId,
            // The user's proxy, if any: the Engine API does not apply the docker CLI's proxy settings.
            envs: fetcherProxyEnv(process.env),
            volumes: [{ volumeName: plugins.name, containerPath: PLUGIN_STAGING_DIR }],
            command: sinkPluginInstallCommand(d.clickhouseSink),
        },
        child,
    );
    // The worker starts only once the plugin is installed: a failed install stops the run here
    // with the job's log, instead of a worker that never turns healthy (a 300 s wait).
    const installed = onlyOnSuccess(
        sinkPlugin,
        "ClickHouse sink plugin install",
        pulumi.output(d.clickhouseSink.sha256),
    );
    const tls = creds.tls;
    const jmx = opts.jmxAgent ? dockerJmxAgent(ctx, "connect", opts.jmxAgent, tls !== undefined) : undefined;
    // The agent's lines first (they add to KAFKA_OPTS, which the image's entrypoint keeps), then the start.
    const start = (script: string) => (jmx ? pulumi.interpolate`${jmx.startScript}\n${script}` : pulumi.output(script));
    // With TLS on: the worker's clients on SASL_SSL, REST on HTTPS with basic auth (shared/kafkaSecurity.ts).
    const secure = tls
        ? {
              entrypoints: ["bash", "-c", start(connectStartScript(CONNECT_IMAGE_START))],
              command: [],
              // Debezium Connect runs as kafka (uid 1001).
              uploads: tlsUploads(tls, "connect", 1001),
              healthcheck: secureHealthchecks.connect,
          }
        : jmx
          ? { entrypoints: ["bash", "-c", start(`exec ${CONNECT_IMAGE_START}`)], command: [] }
          : {};
    const container = ctx.serviceContainer(
        "connect",
        {
            publish: [8083, d.ports.connect],
            args: {
                ...secure,
                envs: [
                    ...connectEnv({
                        bootstrap: deps.kafka.internalBootstrap,
                        groupId: connectGroupId(pulumi.getStack()),
                        heapMb: heapMb("connect", d.resources.connect.memoryMb),
                    }),
                    // A new plugin release changes this, which recreates the worker so it loads the new jars.
                    pulumi.interpolate`CDC_SINK_PLUGIN_SHA256=${installed}`,
                    ...(jmx ? jmx.env : []),
                    // Connector secrets reach the worker only here; connector configs hold `${env:...}` references.
                    ...envConfigProviderWorkerEnv(),
                    pulumi.interpolate`${CONNECT_SECRET_ENV.clickhousePassword}=${creds.clickhousePassword}`,
                    pulumi.interpolate`${CONNECT_SECRET_ENV.debeziumConnectionString}=${deps.mongo.debeziumUri}`,
                    ...(tls
                        ? [
                              ...connectImageEnv(
                                  withoutConfigProviders(
                                      workerSecurityProperties({
                                          restPort: 8083,
                                          restBindHost: "0.0.0.0",
                                          tls: CONNECT_TLS_FILES,
                                      }),
                                  ),
                              ),
                              ...connectSecureEnv({
                                  storePassword: tls.storePassword,
                                  kafkaPassword: creds.kafkaConnectPassword,
                                  restPassword: creds.connectRestPassword,
                              }),
                          ]
                        : []),
                ],
                volumes: [
                    { volumeName: plugins.name, containerPath: PLUGIN_DIR, readOnly: true },
                    ...(jmx ? [jmxAgentMount(jmx)] : []),
                ],
            },
        },
        { dependsOn: [deps.kafka.container, sinkPlugin, ...(jmx ? [jmx.job] : [])] },
    );
    return {
        container,
        sinkPlugin,
        url: installed.apply(() => `${tls ? "https" : "http"}://${ctx.hostAddress}:${d.ports.connect}`),
        secretRefs: CONNECT_SECRET_REFS,
        ...(tls ? { auth: { user: CONNECT_REST_USER.name, password: creds.connectRestPassword } } : {}),
    };
}
