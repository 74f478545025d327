/** `cdc:external` and its two secrets: services that already exist, with every rule on them. */
import { checkNoUrlCredentials, checkSecretsAreSecret, type ConfigContext } from "./checks";
import { port } from "./fields";
import { type ConfigProblem, Field, int, type Parsed, str, validate } from "./schema";

/** A Kafka config-provider reference. */
const CONFIG_REF = {
    pattern: /^\$\{[A-Za-z0-9_.-]+:[^{}\s]+\}$/,
    hint: "a Kafka config-provider reference such as ${file:/etc/kafka/cdc-secrets.properties:clickhouse.password} or ${env:CDC_CLICKHOUSE_PASSWORD}",
};

/** `{ clickhousePassword, debeziumConnectionString }`, each a config-provider reference. */
function secretRefsField(): Field<{ clickhousePassword: string; debeziumConnectionString: string }> {
    return new Field<{ clickhousePassword: string; debeziumConnectionString: string }>(
        undefined,
        (v, key, problems) => {
            const before = problems.length;
            const parsed = validate(
                {
                    clickhousePassword: str(undefined, CONFIG_REF),
                    debeziumConnectionString: str(undefined, CONFIG_REF),
                },
                v,
                key,
                problems,
            );
            // A secret pasted here by mistake must not be echoed back.
            for (let i = before; i < problems.length; i++)
                problems[i] = {
                    ...problems[i],
                    message: problems[i].message.replace(
                        /^".*" is not accepted/s,
                        "the value (not shown: it may be a secret) is not accepted",
                    ),
                };
            return problems.length > before ? undefined : parsed;
        },
    );
}

/** `external` platform: services that already exist, given by address. */
export const externalShape = {
    /** Kafka Connect REST URL reachable from the machine running `pulumi up`. */
    connectUrl: str(undefined, { pattern: /^https?:\/\/\S+$/, hint: "e.g. http://connect.internal:8083" }),
    /**
     * User of Connect's REST basic authentication (`BasicAuthSecurityRestExtension`); its password
     * is the secret `cdc:connectPassword`. Both or neither.
     */
    connectUser: str(undefined, {
        pattern: /^[^:\s]+$/,
        hint: "a user name without ':' or spaces (HTTP basic auth joins user and password with ':')",
    }).optional(),
    /** Kafka bootstrap servers (informational; Connect already knows its Kafka). */
    kafkaBootstrap: str(undefined, { pattern: /^\S+:\d+(,\S+:\d+)*$/, hint: "host:port[,host:port]" }),
    /** Replication factor for the change and dead-letter topics the connectors create (managed Kafka: usually 3). */
    kafkaReplicationFactor: int(3, 1, 16),
    /**
     * Config-provider references your Connect workers resolve to the two connector secrets, e.g.
     * `${file:/etc/kafka/cdc-secrets.properties:clickhouse.password}` (FileConfigProvider) or
     * `${env:CDC_CLICKHOUSE_PASSWORD}` (EnvVarConfigProvider). When set, the connectors carry these
     * instead of the secrets, so Connect's REST API and config topic never hold them. The values
     * still come from cdc:clickhousePassword / cdc:debeziumConnectionString (change detection).
     */
    connectSecretRefs: secretRefsField().optional(),
    clickhouse: {
        /** ClickHouse HTTP(S) URL reachable from the machine running `pulumi up`. */
        url: str(undefined, { pattern: /^https?:\/\/\S+$/, hint: "e.g. https://abc.clickhouse.cloud:8443" }),
        /** Host the sink connector (inside Connect) uses; defaults to the URL's host. */
        connectorHost: str(undefined, { pattern: /^\S+$/, hint: "a host name" }).optional(),
        /** Port the sink connector uses; defaults to the URL's port. */
        connectorPort: port(0).optional(),
    },
} as const;

export type ExternalSettings = Parsed<typeof externalShape>;

/**
 * Validates `cdc:external` (the shape, no credentials in its URLs) and the secrets only this
 * platform reads: `cdc:clickhousePassword` and `cdc:debeziumConnectionString`, required, and set
 * with `--secret`. `raw` is the whole stack config (keys without `cdc:`).
 */
export function parseExternal(
    raw: Record<string, unknown>,
    ctx: ConfigContext,
    problems: ConfigProblem[],
): ExternalSettings {
    const external = validate(externalShape, raw.external, "cdc:external", problems);
    checkNoUrlCredentials(raw.external, problems);
    // The backup keys' own check is in backup.ts (every platform).
    checkSecretsAreSecret(raw, ctx, problems, ["clickhousePassword", "debeziumConnectionString", "connectPassword"]);
    if (raw.clickhousePassword === undefined) {
        problems.push({
            key: "cdc:clickhousePassword",
            message:
                "is required on the external platform; set it with `pulumi config set --secret cdc:clickhousePassword <password>`",
        });
    }
    const connectUser = (raw.external as { connectUser?: unknown } | undefined)?.connectUser;
    if (connectUser !== undefined && raw.connectPassword === undefined)
        problems.push({
            key: "cdc:connectPassword",
            message:
                "is required with cdc:external.connectUser (Kafka Connect's REST basic auth); set it with `pulumi config set --secret cdc:connectPassword <password>`",
        });
    if (connectUser === undefined && raw.connectPassword !== undefined)
        problems.push({
            key: "cdc:external.connectUser",
            message:
                "is required with cdc:connectPassword: set the REST user with `pulumi config set --path cdc:external.connectUser <user>` (or remove cdc:connectPassword)",
        });
    if (raw.debeziumConnectionString === undefined) {
        problems.push({
            key: "cdc:debeziumConnectionString",
            message:
                "is required on the external platform: the MongoDB connection string of the Debezium user as Kafka Connect reaches it; set it with `pulumi config set --secret cdc:debeziumConnectionString 'mongodb://debezium:<password>@host:27017/?replicaSet=rs0&authSource=admin'`",
        });
    }
    return external;
}
