/** `cdc:docker`: the docker platform (the default for `dev`), with every rule on it. */
import { clickhouseSinkShape, imagesShape, port, resources } from "./fields";
import { type ConfigProblem, type Parsed, str, validate } from "./schema";

export const dockerShape = {
    images: imagesShape,
    /** Host address published ports bind to. Keep 127.0.0.1 unless you mean to expose the services. */
    bindAddress: str("127.0.0.1", {
        pattern: /^(\d{1,3}\.){3}\d{1,3}$|^::1?$/,
        hint: "an IP address such as 127.0.0.1",
    }),
    /** Host ports (as seen from the machine running `pulumi up`); each service its own. */
    ports: {
        mongo: port(27017),
        kafka: port(9092),
        connect: port(8083),
        clickhouseHttp: port(8123),
        /** Prometheus and Grafana (`cdc:monitoring`), published on 127.0.0.1 only. */
        prometheus: port(9090),
        grafana: port(3000),
    },
    resources: {
        mongo: resources(1024, 1000),
        kafka: resources(1024, 1000),
        connect: resources(1536, 1000),
        clickhouse: resources(2048, 2000),
    },
    /** ClickHouse Kafka Connect sink plugin release installed into Kafka Connect. */
    clickhouseSink: clickhouseSinkShape,
} as const;

export type DockerSettings = Parsed<typeof dockerShape>;

/** Validates `cdc:docker`: the shape, and a host port per service. */
export function parseDocker(raw: unknown, problems: ConfigProblem[]): DockerSettings {
    const docker = validate(dockerShape, raw, "cdc:docker", problems);
    const ports = docker.ports ? Object.entries(docker.ports).filter(([, v]) => typeof v === "number") : [];
    const seen = new Map<number, string>();
    for (const [k, v] of ports) {
        const other = seen.get(v as number);
        if (other)
            problems.push({
                key: `cdc:docker.ports.${k}`,
                message: `${v} is also used by cdc:docker.ports.${other}; give each service its own host port`,
            });
        seen.set(v as number, k);
    }
    return docker;
}
