/**
 * The Prometheus JMX exporter agent in Kafka brokers and Kafka Connect workers, the same way on
 * docker and kubernetes: a fetcher (the sink plugin's: a one-shot container or an init container)
 * downloads the pinned jar into a volume and refuses it unless its SHA-256 matches; the service's
 * start script writes the agent's configuration (components/monitoring/jmx.ts) and starts the JVM
 * with `-javaagent:<jar>=9404:<config>`.
 *
 * With TLS on, the agent serves HTTPS with the service's own PKCS12 keystore and asks for basic
 * auth (user `metrics`, a salted SHA-256 hash of the password in the file, never the password).
 * Neither the keystore password nor the hash is in any spec: the start script fills both in from
 * the env ({@link TLS_STORE_PASSWORD_ENV}, {@link JMX_PASSWORD_HASH_ENV}, set from a Secret on
 * kubernetes, a secret env on docker) into a file only the service's user can read. Keeping the
 * hash out of the start script keeps the script — and on kubernetes the whole StatefulSet or
 * Deployment spec, which Pulumi would otherwise mark secret as one value — readable in a preview.
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_JMX_EXPORTER_AGENT } from "../../config/versions";
import {
    JMX_AGENT_PORT,
    JMX_METRICS_USER,
    jmxPasswordHash,
    renderJmxExporterConfig,
    type JmxHttpOptions,
} from "../../monitoring/jmx";
import { pluginInstallScript } from "../scripts";
import type { PlatformCredentials } from "./credentials";
import { CONTAINER_TLS_FILES, TLS_STORE_PASSWORD_ENV } from "./kafkaSecurity";

export { JMX_AGENT_PORT };

/** The pinned agent jar: where to get it and its SHA-256. */
export interface JmxAgentPin {
    version: string;
    url: string;
    sha256: string;
}

/**
 * What a Kafka or Connect builder needs to run the agent; absent = monitoring off, no agent.
 * The lead wires it from `cdc:monitoring` and the generated metrics password.
 */
export interface JmxAgentOptions {
    /** The jar to install; default {@link DEFAULT_JMX_EXPORTER_AGENT}. */
    agent?: JmxAgentPin;
    /**
     * The scrape password of user `metrics` (basic auth). Unset: no basic auth. The platforms pass it
     * with TLS on (HTTPS + basic auth); with TLS off the agent serves plain HTTP.
     */
    metricsPassword?: pulumi.Input<string>;
}

/** Where the service containers mount the agent's volume (read-only). */
export const JMX_AGENT_DIR = "/opt/cdc/jmx-exporter";

/** Where the fetcher mounts the agent's volume. */
export const JMX_AGENT_STAGING_DIR = "/jmx-agent";

/** The jar's file name in the volume. */
export const JMX_AGENT_JAR = "jmx_prometheus_javaagent.jar";

/** Where the start script writes the agent's configuration (no secret unless TLS: mode 0600 then). */
export const JMX_RUNTIME_DIR = "/tmp/cdc-jmx";

/** The placeholder of the keystore password in the rendered configuration (filled in at start). */
export const STORE_PASSWORD_PLACEHOLDER = `@${TLS_STORE_PASSWORD_ENV}@`;

/** The env variable holding the salted hash of the scrape password (filled into the configuration at start). */
export const JMX_PASSWORD_HASH_ENV = "CDC_JMX_PASSWORD_HASH";

/** The placeholder of the password hash in the rendered configuration. */
export const PASSWORD_HASH_PLACEHOLDER = `@${JMX_PASSWORD_HASH_ENV}@`;

/** Every placeholder of the rendered configuration and the env variable that fills it in. */
const PLACEHOLDER_ENV: [placeholder: string, env: string][] = [
    [STORE_PASSWORD_PLACEHOLDER, TLS_STORE_PASSWORD_ENV],
    [PASSWORD_HASH_PLACEHOLDER, JMX_PASSWORD_HASH_ENV],
];

/** The agent's jar download URL. */
export function jmxAgentUrl(pin: JmxAgentPin): string {
    return pin.url.replace(/\{version\}/g, pin.version);
}

/** The fetcher's command: download, verify and copy the jar into {@link JMX_AGENT_STAGING_DIR}. */
export function jmxAgentInstallCommand(pin: JmxAgentPin = DEFAULT_JMX_EXPORTER_AGENT): string[] {
    return [
        "sh",
        "-c",
        pluginInstallScript({
            url: jmxAgentUrl(pin),
            sha256: pin.sha256,
            dest: JMX_AGENT_STAGING_DIR,
            asFile: JMX_AGENT_JAR,
        }),
    ];
}

/**
 * A salt for the metrics password's hash that stays the same across `pulumi up` (a new one would
 * change the start script and restart the service each time) and differs per stack and service.
 */
export function jmxPasswordSalt(project: string, stack: string, service: "kafka" | "connect"): string {
    return createHash("sha256").update(`cdc-jmx-exporter/${project}/${stack}/${service}`).digest("hex").slice(0, 32);
}

/**
 * The agent's configuration as the platforms write it: HTTPS with the service's keystore (alias
 * `tls`, the certificates provider's) and its password as {@link STORE_PASSWORD_PLACEHOLDER} when
 * `tls`; basic auth with the hash as {@link PASSWORD_HASH_PLACEHOLDER} when `auth`.
 */
export function platformJmxConfig(
    service: "kafka" | "connect",
    o: { tls: boolean; auth: boolean; salt: string },
): string {
    const http: JmxHttpOptions = {
        ...(o.tls
            ? {
                  tls: {
                      keyStore: CONTAINER_TLS_FILES.keystore,
                      keyStorePassword: STORE_PASSWORD_PLACEHOLDER,
                      alias: "tls",
                  },
              }
            : {}),
        ...(o.auth
            ? { basicAuth: { user: JMX_METRICS_USER, passwordHash: PASSWORD_HASH_PLACEHOLDER, salt: o.salt } }
            : {}),
    };
    return renderJmxExporterConfig(service, http);
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Bash lines run before the service's JVM starts: write `config` (the agent's YAML) to
 * {@link JMX_RUNTIME_DIR}, readable by the service's user only, with the keystore password and the
 * password hash from the env in place of their placeholders (inside single-quoted YAML strings,
 * where only `'` needs escaping, as `''`), then add `-javaagent:` to `KAFKA_OPTS`, which Kafka's launch
 * scripts pass to the JVM. Exported here only, not in the container's env: Kafka's tools run in the
 * same container (the healthcheck) would also load the agent, find port {@link JMX_AGENT_PORT}
 * taken and fail.
 */
export function jmxAgentStartLines(config: string, dir = JMX_AGENT_DIR, runtimeDir = JMX_RUNTIME_DIR): string[] {
    const file = `${runtimeDir}/config.yml`;
    // Split at every placeholder (all `@NAME@`, no regex metacharacters), keeping them: odd
    // indexes are placeholders, filled in from their env variable.
    const parts = config.split(new RegExp(`(${PLACEHOLDER_ENV.map(([p]) => p).join("|")})`));
    const envOf = new Map(PLACEHOLDER_ENV);
    const pieces = parts.map((part, i) =>
        i % 2 === 1 ? `printf '%s' "\${${envOf.get(part)}//$q/$q$q}"` : `printf '%s' ${shellQuote(part)}`,
    );
    const filled = (parts.length - 1) / 2;
    return [
        `mkdir -p ${runtimeDir}`,
        ...(filled > 0 ? [`q="'"`] : []),
        `( umask 077 && { ${pieces.join("; ")}; } > ${file} )`,
        `export KAFKA_OPTS="\${KAFKA_OPTS:+$KAFKA_OPTS }-javaagent:${dir}/${JMX_AGENT_JAR}=${JMX_AGENT_PORT}:${file}"`,
    ];
}

/**
 * {@link jmxAgentStartLines} for a platform service as one shell text: no secret in it, so the
 * spec that carries it stays plain. With a metrics password the service needs
 * {@link platformJmxPasswordHash} in its env as {@link JMX_PASSWORD_HASH_ENV}.
 */
export function platformJmxStartScript(
    service: "kafka" | "connect",
    o: { tls: boolean; agent: JmxAgentOptions; project: string; stack: string },
): pulumi.Output<string> {
    const salt = jmxPasswordSalt(o.project, o.stack, service);
    const auth = o.agent.metricsPassword !== undefined;
    return pulumi.output(jmxAgentStartLines(platformJmxConfig(service, { tls: o.tls, auth, salt })).join("\n"));
}

/**
 * The salted hash of the metrics password for `service`, secret (it is derived from one), or
 * undefined without a password. The platforms pass it in the env ({@link JMX_PASSWORD_HASH_ENV}).
 */
export function platformJmxPasswordHash(
    service: "kafka" | "connect",
    o: { agent: JmxAgentOptions; project: string; stack: string },
): pulumi.Output<string> | undefined {
    if (o.agent.metricsPassword === undefined) return undefined;
    const salt = jmxPasswordSalt(o.project, o.stack, service);
    return pulumi.secret(pulumi.output(o.agent.metricsPassword).apply((p) => jmxPasswordHash(p, salt)));
}

/**
 * The agent options of the broker and worker builders: an agent when the stack deploys monitoring
 * (the credentials then hold the scrape password, `credentials(…, monitoring)`), none otherwise.
 * The password is passed with TLS on and off alike, so Prometheus' one `metrics` login fits both.
 */
export function jmxAgentOf(creds: PlatformCredentials): { jmxAgent?: JmxAgentOptions } {
    return creds.metricsPassword ? { jmxAgent: { metricsPassword: creds.metricsPassword } } : {};
}
