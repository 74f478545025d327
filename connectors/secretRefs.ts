/**
 * Secrets out of Kafka Connect's REST API and config topic, the way Strimzi does it: the worker
 * gets the secrets as environment variables and Kafka's `EnvVarConfigProvider` (KIP-887, Kafka
 * ≥ 3.5), and connector configs hold only `${env:NAME}` references, which the worker resolves
 * when it validates a config and when it starts a task. `GET /connectors/<name>/config`,
 * `/tasks` and the config topic then show the reference, never the value.
 */

/** Environment variables of the Connect worker that hold the pipeline's connector secrets. */
export const CONNECT_SECRET_ENV = {
    /** The ClickHouse sink's password. */
    clickhousePassword: "CDC_CLICKHOUSE_PASSWORD",
    /** The Debezium source's MongoDB connection string (it carries the password). */
    debeziumConnectionString: "CDC_DEBEZIUM_CONNECTION_STRING",
} as const;

/** Kafka's config provider that reads environment variables. */
export const ENV_CONFIG_PROVIDER_CLASS = "org.apache.kafka.common.config.provider.EnvVarConfigProvider";

/** A reference to environment variable `name` through the `env` provider. */
export function envRef(name: string): string {
    return `\${env:${name}}`;
}

/** The references the connectors carry when the worker has {@link connectWorkerSecretEnv}. */
export const CONNECT_SECRET_REFS = {
    clickhousePassword: envRef(CONNECT_SECRET_ENV.clickhousePassword),
    debeziumConnectionString: envRef(CONNECT_SECRET_ENV.debeziumConnectionString),
} as const;

/**
 * Worker properties that enable the `env` provider, as the Debezium Connect image's `CONNECT_*`
 * variables (the image turns `CONNECT_CONFIG_PROVIDERS_ENV_CLASS` into
 * `config.providers.env.class`).
 */
export function envConfigProviderWorkerEnv(): string[] {
    return ["CONNECT_CONFIG_PROVIDERS=env", `CONNECT_CONFIG_PROVIDERS_ENV_CLASS=${ENV_CONFIG_PROVIDER_CLASS}`];
}
