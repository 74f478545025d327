/**
 * The ClickHouse Kafka Connect sink plugin, installed the same way on docker and kubernetes: a
 * small fetcher container downloads the release zip, checks its SHA-256 and unpacks it into a
 * volume that Kafka Connect mounts read-only at {@link PLUGIN_DIR}.
 */
import type { DockerSettings } from "../../config";
import { pluginInstallScript } from "../scripts";

/** Where Kafka Connect sees the ClickHouse sink plugin (under Debezium's plugin.path). */
export const PLUGIN_DIR = "/kafka/connect/clickhouse-kafka-connect";

/** Where the fetcher container mounts the plugin volume. */
export const PLUGIN_STAGING_DIR = "/plugins";

/** `cdc:docker.clickhouseSink` or `cdc:kubernetes.clickhouseSink` (one shape: config/fields.ts). */
type SinkPluginSettings = DockerSettings["clickhouseSink"];

/** The release's download URL. */
export function sinkPluginUrl(s: SinkPluginSettings): string {
    return s.url.replace(/\{version\}/g, s.version);
}

/** The fetcher container's command: download, verify and unpack into {@link PLUGIN_STAGING_DIR}. */
export function sinkPluginInstallCommand(s: SinkPluginSettings): string[] {
    return ["sh", "-c", pluginInstallScript({ url: sinkPluginUrl(s), sha256: s.sha256, dest: PLUGIN_STAGING_DIR })];
}
