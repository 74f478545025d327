/**
 * Connector config builders (pure functions): the Debezium MongoDB source and the ClickHouse sink.
 */
export { debeziumMongoSourceConfig, DEBEZIUM_SECRET_KEYS, mongoConnectionString } from "./debeziumMongoSource";
export type { DebeziumMongoSourceOptions, DebeziumMongoTls, MongoConnectionStringOptions } from "./debeziumMongoSource";
export {
    BRONZE_INSERT_SETTINGS,
    clickhouseSinkConfig,
    CLICKHOUSE_SINK_SECRET_KEYS,
    defaultDeadLetterTopic,
} from "./clickhouseSink";
export type { ClickHouseSinkOptions, ClickHouseSinkTarget } from "./clickhouseSink";
export { bronzeTableName, changeTopicName, escapeRegex } from "./naming";
export {
    CONNECT_SECRET_ENV,
    CONNECT_SECRET_REFS,
    ENV_CONFIG_PROVIDER_CLASS,
    envConfigProviderWorkerEnv,
    envRef,
} from "./secretRefs";
