/**
 * The engine tests' stand-ins for the two connectors (see test/support/stack-harness.ts): Kafka's
 * own file connectors, configured from the product's rendered configs so that names, topics and
 * every other key stay the product's.
 */
import { changeTopicName } from "../../connectors";

/** Kafka's own file connectors, standing in for Debezium and the ClickHouse sink. */
export const FILE_SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector";
export const FILE_SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector";
/** String converters for key and value: the file connectors move plain lines. */
export const STRINGS = {
    "key.converter": "org.apache.kafka.connect.storage.StringConverter",
    "value.converter": "org.apache.kafka.connect.storage.StringConverter",
};

/** What `standInConnectors` needs of the running services: the two files. */
export interface StandInFiles {
    /** File the stand-in source connector tails. */
    sourceFile: string;
    /** File the stand-in sink connector appends to. */
    sinkFile: string;
}

/**
 * The stand-in connector configs (see the module comment): the product's config with the class
 * swapped and the file connectors' own keys added.
 */
export function standInConnectors(
    s: StandInFiles,
): (role: "source" | "sink", config: Record<string, string>) => Record<string, string> {
    const sourceFile = s.sourceFile;
    const sinkFile = s.sinkFile;
    return (role, config) => {
        if (role === "source") {
            // The product's change topic of `orders`: `<topic.prefix>.<database>.orders` (the include
            // list is a regex of the database name, which for a plain identifier is the name itself).
            const topic = changeTopicName(config["topic.prefix"], config["database.include.list"], "orders");
            return { ...config, "connector.class": FILE_SOURCE, file: sourceFile, topic };
        }
        const dropped = new Set(
            (config.transforms ?? "")
                .split(",")
                .filter((t) => t && (config[`transforms.${t}.type`] ?? "").startsWith("com.clickhouse.")),
        );
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(config)) {
            if ([...dropped].some((t) => k.startsWith(`transforms.${t}.`))) continue;
            out[k] = v;
        }
        out.transforms = (config.transforms ?? "")
            .split(",")
            .filter((t) => t && !dropped.has(t))
            .join(",");
        return { ...out, "connector.class": FILE_SINK, file: sinkFile };
    };
}
