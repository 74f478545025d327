/**
 * Kafka and Kafka Connect with every hop encrypted and authenticated, as plain property maps and
 * shell snippets: the docker and kubernetes platforms and the engine tests' Kafka run exactly these.
 *
 * Broker (KRaft, every node broker + controller):
 * - CONTROLLER (9093) and BROKER (9094, inter-broker): SSL with mutual TLS (a certificate signed by
 *   the stack's CA is the credential; no password on these hops);
 * - INTERNAL (9092, Connect) and HOST (19092, docker's host-facing one): SASL_SSL with SCRAM-SHA-512.
 * No PLAINTEXT listener. No authorizer (no ACLs): every authenticated principal may do everything;
 * see docs/security.md for why.
 *
 * Passwords never appear in a property file: they are `${env:…}` references the config providers
 * resolve in the JVM, or files written at container start from the environment.
 */
import type * as pulumi from "@pulumi/pulumi";
import { TLS_DIR } from "./tls";

/** The SASL mechanism of every client listener. */
export const KAFKA_SASL_MECHANISM = "SCRAM-SHA-512";

/** Ports of the broker's listeners. */
export const KAFKA_PORTS = { internal: 9092, controller: 9093, broker: 9094, host: 19092 } as const;

/** The SCRAM users the stack creates, and the env var holding each one's password in the broker and its client. */
export const KAFKA_USERS = {
    /** Kafka Connect's workers and their producers, consumers and admin clients (both connectors). */
    connect: { name: "connect", passwordEnv: "CDC_KAFKA_CONNECT_PASSWORD" },
    /** `npm run status` (reads offsets only, from the host). */
    status: { name: "status", passwordEnv: "CDC_KAFKA_STATUS_PASSWORD" },
} as const;

/** The env var holding the keystore / truststore password (design: /work/tls-design.md). */
export const TLS_STORE_PASSWORD_ENV = "CDC_TLS_STORE_PASSWORD";

/** Kafka Connect REST basic auth: the user and the env var holding its password. */
export const CONNECT_REST_USER = { name: "cdc", passwordEnv: "CDC_CONNECT_REST_PASSWORD" } as const;

/** Where a service's TLS files are (`TLS_DIR` in containers, a temporary directory in the engine tests). */
export interface TlsFiles {
    /** PEM CA certificate. */
    ca: string;
    /** PKCS12 keystore: the service's key and certificate chain. */
    keystore: string;
    /** PKCS12 truststore holding the CA. */
    truststore: string;
}

/** The TLS files of a container (see tls.ts). */
export const CONTAINER_TLS_FILES: TlsFiles = {
    ca: `${TLS_DIR}/ca.crt`,
    keystore: `${TLS_DIR}/keystore.p12`,
    truststore: `${TLS_DIR}/truststore.p12`,
};

const ENV_PROVIDER = {
    "config.providers": "env",
    "config.providers.env.class": "org.apache.kafka.common.config.provider.EnvVarConfigProvider",
};

const envRef = (name: string) => `\${env:${name}}`;

/** The keystore (PKCS12, password from the env) and the truststore (the CA as PEM) of a JVM. */
function storeProps(tls: TlsFiles): Record<string, string> {
    return {
        "ssl.keystore.type": "PKCS12",
        "ssl.keystore.location": tls.keystore,
        "ssl.keystore.password": envRef(TLS_STORE_PASSWORD_ENV),
        "ssl.truststore.type": "PEM",
        "ssl.truststore.location": tls.ca,
    };
}

export interface BrokerSecurityOptions {
    /** Address each listener binds (e.g. "" for every interface, "127.0.0.1" in the tests). */
    bindHost: string;
    /** This node's name as the other nodes and Connect reach it (must be in its certificate). */
    advertisedHost: string;
    /** `id@host:port` of every controller (port = the controller listener's). */
    quorumVoters: string;
    /** Ports, default {@link KAFKA_PORTS}. */
    ports?: { internal: number; controller: number; broker: number };
    /** The host-facing listener (docker): bound on `port`, advertised as `advertised`. */
    host?: { port: number; advertised: string };
    tls: TlsFiles;
}

/**
 * The security half of a broker's `server.properties`: listeners, their protocols, TLS stores and
 * SCRAM. The rest (node id, log dirs, replication) is the platform's.
 */
export function brokerSecurityProperties(o: BrokerSecurityOptions): Record<string, string> {
    const p = o.ports ?? KAFKA_PORTS;
    const bind = (name: string, port: number) => `${name}://${o.bindHost}:${port}`;
    const listeners = [
        bind("INTERNAL", p.internal),
        bind("CONTROLLER", p.controller),
        bind("BROKER", p.broker),
        ...(o.host ? [bind("HOST", o.host.port)] : []),
    ];
    const advertised = [
        `INTERNAL://${o.advertisedHost}:${p.internal}`,
        `BROKER://${o.advertisedHost}:${p.broker}`,
        ...(o.host ? [`HOST://${o.host.advertised}`] : []),
    ];
    const saslListeners = ["internal", ...(o.host ? ["host"] : [])];
    return {
        ...ENV_PROVIDER,
        listeners: listeners.join(","),
        "advertised.listeners": advertised.join(","),
        "listener.security.protocol.map": [
            "CONTROLLER:SSL",
            "BROKER:SSL",
            "INTERNAL:SASL_SSL",
            ...(o.host ? ["HOST:SASL_SSL"] : []),
        ].join(","),
        "controller.listener.names": "CONTROLLER",
        "controller.quorum.voters": o.quorumVoters,
        "inter.broker.listener.name": "BROKER",
        ...storeProps(o.tls),
        // Mutual TLS between nodes: only a certificate of the stack's CA gets in.
        "listener.name.controller.ssl.client.auth": "required",
        "listener.name.broker.ssl.client.auth": "required",
        "sasl.enabled.mechanisms": KAFKA_SASL_MECHANISM,
        ...Object.fromEntries(
            saslListeners.map((l) => [
                `listener.name.${l}.scram-sha-512.sasl.jaas.config`,
                "org.apache.kafka.common.security.scram.ScramLoginModule required;",
            ]),
        ),
    };
}

/** Client properties of a SCRAM user over SASL_SSL, its password read from env var `passwordEnv`. */
export function scramClientProperties(o: {
    user: string;
    passwordEnv: string;
    tls: Pick<TlsFiles, "ca">;
}): Record<string, string> {
    return {
        "security.protocol": "SASL_SSL",
        "sasl.mechanism": KAFKA_SASL_MECHANISM,
        "sasl.jaas.config":
            `org.apache.kafka.common.security.scram.ScramLoginModule required ` +
            `username="${o.user}" password="${envRef(o.passwordEnv)}";`,
        "ssl.truststore.type": "PEM",
        "ssl.truststore.location": o.tls.ca,
    };
}

/**
 * Client properties of the node itself over mutual TLS (the BROKER listener): what the start
 * script's SCRAM upsert uses (no password needed: the node's certificate is the credential).
 */
export function nodeClientProperties(tls: TlsFiles): Record<string, string> {
    return {
        ...ENV_PROVIDER,
        "security.protocol": "SSL",
        ...storeProps(tls),
        // Fail fast while the broker is still starting: the start script retries every 5 s.
        "default.api.timeout.ms": "15000",
        "request.timeout.ms": "5000",
    };
}

export interface WorkerSecurityOptions {
    /** REST port (HTTPS). */
    restPort: number;
    /** Address the REST listener binds ("0.0.0.0" in containers). */
    restBindHost: string;
    tls: TlsFiles;
}

/**
 * The security half of `connect-distributed.properties`: the worker and its producer, consumer and
 * admin clients on SASL_SSL as the `connect` user, the REST API on HTTPS with basic auth. The
 * REST user's JAAS file is given to the JVM as `-Djava.security.auth.login.config` (see
 * {@link connectRestJaas}).
 */
export function workerSecurityProperties(o: WorkerSecurityOptions): Record<string, string> {
    const client = scramClientProperties({
        user: KAFKA_USERS.connect.name,
        passwordEnv: KAFKA_USERS.connect.passwordEnv,
        tls: o.tls,
    });
    const prefixed = (prefix: string) => Object.fromEntries(Object.entries(client).map(([k, v]) => [prefix + k, v]));
    const https = "listeners.https.";
    return {
        ...ENV_PROVIDER,
        ...client,
        ...prefixed("producer."),
        ...prefixed("consumer."),
        ...prefixed("admin."),
        listeners: `https://${o.restBindHost}:${o.restPort}`,
        // Workers forward requests to the leader over HTTPS, trusting the stack's CA (Jetty's client
        // reads JKS/PKCS12 stores only, hence the PKCS12 truststore here).
        "rest.advertised.listener": "https",
        [`${https}ssl.keystore.type`]: "PKCS12",
        [`${https}ssl.keystore.location`]: o.tls.keystore,
        [`${https}ssl.keystore.password`]: envRef(TLS_STORE_PASSWORD_ENV),
        [`${https}ssl.key.password`]: envRef(TLS_STORE_PASSWORD_ENV),
        [`${https}ssl.truststore.type`]: "PKCS12",
        [`${https}ssl.truststore.location`]: o.tls.truststore,
        [`${https}ssl.truststore.password`]: envRef(TLS_STORE_PASSWORD_ENV),
        [`${https}ssl.client.auth`]: "none",
        "rest.extension.classes": "org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension",
    };
}

/** The JAAS file of Connect's REST basic auth: users and passwords are in `credentialsFile`. */
export function connectRestJaas(credentialsFile: string): string {
    return (
        "KafkaConnect {\n" +
        "    org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule required\n" +
        `        file="${credentialsFile}";\n` +
        "};\n"
    );
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Renders a `java.util.Properties` text (values single-line; backslashes escaped). */
export function propertiesText(props: Record<string, string | number | boolean>): string {
    return (
        Object.entries(props)
            .map(([k, v]) => `${k}=${String(v).replace(/\\/g, "\\\\")}`)
            .join("\n") + "\n"
    );
}

/**
 * Shell that writes Connect's REST credentials file (`user: password`, the format of Kafka's
 * PropertyFileLoginModule) from the env var, readable by the worker only. No password in the script.
 */
export function connectRestCredentialsCommand(credentialsFile: string): string {
    const user = CONNECT_REST_USER;
    const write = `printf '%s: %s\\n' ${shellQuote(user.name)} "$${user.passwordEnv}"`;
    return `( umask 077 && ${write} > ${shellQuote(credentialsFile)} )`;
}

/** `kafka-storage format` arguments creating every SCRAM user (passwords expanded by the shell from the env). */
export function scramFormatArgs(): string[] {
    return Object.values(KAFKA_USERS).flatMap((u) => [
        "--add-scram",
        `"${KAFKA_SASL_MECHANISM}=[name=${u.name},password=$${u.passwordEnv}]"`,
    ]);
}

/**
 * Shell that creates or updates every SCRAM user through a running broker (`kafka-configs --alter
 * --add-config`, idempotent): what makes users exist on a volume formatted before they were added,
 * and what rotates their passwords. Its output is dropped: on failure the tool prints its arguments,
 * the password among them. `bin` is the Kafka scripts' directory; `adminConfig` a
 * {@link nodeClientProperties} file; `bootstrap` the node's BROKER listener.
 */
export function scramUpsertCommand(o: { bin: string; adminConfig: string; bootstrap: string }): string {
    return Object.values(KAFKA_USERS)
        .map(
            (u) =>
                `${o.bin}/kafka-configs.sh --bootstrap-server ${o.bootstrap} ` +
                `--command-config ${shellQuote(o.adminConfig)} ` +
                `--alter --entity-type users --entity-name ${u.name} ` +
                `--add-config "${KAFKA_SASL_MECHANISM}=[iterations=8192,password=$${u.passwordEnv}]" > /dev/null 2>&1`,
        )
        .join(" && ");
}

/** Where the secure containers write the files they make at start (no secret in any of them). */
export const KAFKA_RUNTIME_DIR = "/tmp/cdc-kafka";
export const CONNECT_RUNTIME_DIR = "/tmp/cdc-connect";

/** The file the broker's healthcheck uses to authenticate (the connect user, password from the env). */
export const KAFKA_CLIENT_CONFIG = `${KAFKA_RUNTIME_DIR}/client.properties`;

const TOOL_ENV =
    "KAFKA_HEAP_OPTS='-Xms16m -Xmx96m' KAFKA_JVM_PERFORMANCE_OPTS='-XX:+UseSerialGC -XX:TieredStopAtLevel=1'";

/** A quoted here-document writing `text` to `file` (nothing in it is expanded by the shell). */
const writeFile = (file: string, text: string) => `cat > ${file} <<'CDC_EOF'\n${text}CDC_EOF`;

/**
 * The secure broker's container script: writes `server.properties` (placeholders `@NAME@` in it
 * replaced by the shell expressions of `substitutions`, e.g. the pod's node id), formats the
 * volume with every SCRAM user on the first start (`--add-scram`; a no-op on a formatted volume),
 * then starts the broker and, beside it, upserts the SCRAM users through the node's mutual-TLS
 * listener until that succeeds: users added after the volume was formatted, and new passwords,
 * reach the cluster on the next start. Passwords come from the env only.
 */
export function kafkaStartScript(o: {
    properties: Record<string, string>;
    bin: string;
    substitutions?: Record<string, string>;
    tls: TlsFiles;
    /** Where the script writes its files; default {@link KAFKA_RUNTIME_DIR} (the healthcheck's). */
    runtimeDir?: string;
    /** Lines run just before the broker starts, after the tools above (e.g. the JMX agent's `KAFKA_OPTS`). */
    preExec?: string[];
}): string {
    const dir = o.runtimeDir ?? KAFKA_RUNTIME_DIR;
    const sed = Object.entries(o.substitutions ?? {})
        .map(([k, v]) => `-e "s|@${k}@|${v}|g"`)
        .join(" ");
    const client = scramClientProperties({
        user: KAFKA_USERS.connect.name,
        passwordEnv: KAFKA_USERS.connect.passwordEnv,
        tls: o.tls,
    });
    const upsert = scramUpsertCommand({
        bin: o.bin,
        adminConfig: `${dir}/node-client.properties`,
        bootstrap: `localhost:${KAFKA_PORTS.broker}`,
    });
    return [
        "set -e",
        `mkdir -p ${dir}`,
        writeFile(`${dir}/server.properties.in`, propertiesText(o.properties)),
        sed
            ? `sed ${sed} ${dir}/server.properties.in > ${dir}/server.properties`
            : `cp ${dir}/server.properties.in ${dir}/server.properties`,
        writeFile(`${dir}/node-client.properties`, propertiesText(nodeClientProperties(o.tls))),
        writeFile(`${dir}/client.properties`, propertiesText({ ...ENV_PROVIDER, ...client })),
        `${o.bin}/kafka-storage.sh format --ignore-formatted -t "$CLUSTER_ID" -c ${dir}/server.properties ` +
            scramFormatArgs().join(" "),
        `( until ${TOOL_ENV} ${upsert}; do sleep 5; done; echo "cdc: SCRAM users up to date" ) &`,
        ...(o.preExec ?? []),
        `exec ${o.bin}/kafka-server-start.sh ${dir}/server.properties`,
    ].join("\n");
}

/**
 * Worker properties as the Debezium image's `CONNECT_<NAME>` variables (dots → underscores,
 * upper case): `${env:…}` references stay references, resolved by the worker's config provider.
 */
/**
 * The worker properties without the config-provider keys: on the platforms the worker's env already
 * enables the EnvVarConfigProvider (connectors/secretRefs.ts), and a second CONNECT_CONFIG_PROVIDERS
 * entry is refused by the Kubernetes API server as a duplicate env name.
 */
export function withoutConfigProviders(props: Record<string, string>): Record<string, string> {
    return Object.fromEntries(Object.entries(props).filter(([k]) => !k.startsWith("config.providers")));
}

export function connectImageEnv(props: Record<string, string>): string[] {
    return Object.entries(props).map(([k, v]) => {
        if (!/^[a-z0-9.]+$/.test(k)) throw new Error(`worker property ${k} cannot be a CONNECT_ variable`);
        return `CONNECT_${k.toUpperCase().replace(/\./g, "_")}=${v}`;
    });
}

/** Where the secure worker's start script writes the PKCS12 truststore its REST client uses. */
export const CONNECT_TRUSTSTORE = `${CONNECT_RUNTIME_DIR}/truststore.p12`;

/** The worker's TLS files in a container: the CA and keystore of TLS_DIR, the truststore its script makes. */
export const CONNECT_TLS_FILES: TlsFiles = { ...CONTAINER_TLS_FILES, truststore: CONNECT_TRUSTSTORE };

/**
 * The secure worker's container script: makes the PKCS12 truststore of the CA with the JDK's
 * keytool (Java skips a certificate-only PKCS12 entry without its "trusted" attribute, so a store
 * made elsewhere may look empty to it), writes the REST users' file and the JAAS file from the
 * env, points the JVM at it, then runs the image's own entrypoint (`entrypoint`, e.g.
 * `/docker-entrypoint.sh start`).
 */
export function connectStartScript(entrypoint: string, tls: TlsFiles = CONNECT_TLS_FILES): string {
    const users = `${CONNECT_RUNTIME_DIR}/rest-users.properties`;
    const jaas = `${CONNECT_RUNTIME_DIR}/rest-jaas.conf`;
    return [
        "set -e",
        `mkdir -p ${CONNECT_RUNTIME_DIR}`,
        `rm -f ${tls.truststore}`,
        `keytool -importcert -noprompt -alias cdc-ca -file ${tls.ca} -keystore ${tls.truststore} ` +
            `-storetype PKCS12 -storepass:env ${TLS_STORE_PASSWORD_ENV} > /dev/null`,
        connectRestCredentialsCommand(users),
        writeFile(jaas, connectRestJaas(users)),
        `export KAFKA_OPTS="\${KAFKA_OPTS:+$KAFKA_OPTS }-Djava.security.auth.login.config=${jaas}"`,
        `exec ${entrypoint}`,
    ].join("\n");
}

/**
 * Succeeds when the secure worker answers `path` over HTTPS (verifying its certificate against
 * the CA) with basic auth; the password goes to curl on stdin, never on its command line.
 */
export function connectHttpsGet(path: string, tls: Pick<TlsFiles, "ca"> = CONTAINER_TLS_FILES): string {
    const user = CONNECT_REST_USER;
    return (
        `printf 'user = "%s:%s"\\n' ${shellQuote(user.name)} "$${user.passwordEnv}" | ` +
        `curl -fsS -K - --cacert ${tls.ca} https://localhost:8083${path}`
    );
}

/** SASL credentials as the seam carries them (components/endpoints.ts `kafka.sasl`). */
export interface KafkaSasl {
    mechanism: typeof KAFKA_SASL_MECHANISM;
    user: string;
    password: pulumi.Output<string>;
}

/** The credentials the host-side tools (`npm run status`) use: SCRAM user `status`. */
export function hostToolsSasl(creds: { kafkaStatusPassword: pulumi.Output<string> }): KafkaSasl {
    return { mechanism: KAFKA_SASL_MECHANISM, user: KAFKA_USERS.status.name, password: creds.kafkaStatusPassword };
}
