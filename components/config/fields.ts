/**
 * Field builders and sub-shapes more than one config block uses: ports, limits, pinned images,
 * volume sizes, and the image and sink-plugin blocks docker and kubernetes both take.
 */
import { Field, int, str } from "./schema";
import { DEFAULT_IMAGES, DEFAULT_CLICKHOUSE_SINK_PLUGIN } from "./versions";
import { imagePinProblem, IMAGE_PIN_HINT } from "./image";

/** A SQL/MongoDB identifier. */
export const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A Kafka topic name segment. */
export const TOPIC = /^[A-Za-z0-9_-]+$/;

export const port = (def: number) => int(def, 1, 65535, "TCP port");
const memoryMb = (def: number) => int(def, 128, 1024 * 1024, "MiB");
const millicpu = (def: number) => int(def, 100, 64_000, "millicores: 1000 = one CPU");

/** Per-service limits. */
export const resources = (mem: number, cpu: number) => ({ memoryMb: memoryMb(mem), cpuMillis: millicpu(cpu) });

/** A persistent volume size in GiB. */
export const storageGi = (def: number) => int(def, 1, 64 * 1024, "GiB");

/** An image reference pinned to one release (see ./image.ts). */
export const image = (def: string) =>
    new Field<string>(def, (v, key, problems) => {
        const problem =
            typeof v === "string" ? imagePinProblem(v) : `${JSON.stringify(v)} is not a string; ${IMAGE_PIN_HINT}`;
        if (problem) problems.push({ key, message: problem });
        return problem ? undefined : (v as string);
    });

/** `images`: what the docker and kubernetes platforms run, each pinned. */
export const imagesShape = {
    mongo: image(DEFAULT_IMAGES.mongo),
    kafka: image(DEFAULT_IMAGES.kafka),
    connect: image(DEFAULT_IMAGES.connect),
    clickhouse: image(DEFAULT_IMAGES.clickhouse),
    /** Small image that fetches and verifies the ClickHouse sink plugin (needs sh, wget, sha256sum, unzip). */
    pluginFetcher: image(DEFAULT_IMAGES.pluginFetcher),
    /** Monitoring (`cdc:monitoring`): Prometheus, Grafana, and the Node image the pipeline exporter runs on. */
    prometheus: image(DEFAULT_IMAGES.prometheus),
    grafana: image(DEFAULT_IMAGES.grafana),
    exporter: image(DEFAULT_IMAGES.exporter),
} as const;

/** `clickhouseSink`: the ClickHouse Kafka Connect sink plugin release installed into Kafka Connect. */
export const clickhouseSinkShape = {
    version: str(DEFAULT_CLICKHOUSE_SINK_PLUGIN.version, {
        pattern: /^v?\d+\.\d+\.\d+$/,
        hint: "a release such as v1.3.4",
    }),
    /** SHA-256 of the release zip; the install fails when the download doesn't match. */
    sha256: str(DEFAULT_CLICKHOUSE_SINK_PLUGIN.sha256, {
        pattern: /^[a-f0-9]{64}$/,
        hint: "64 lowercase hex characters (sha256sum of the zip)",
    }),
    /** Download URL; `{version}` is replaced. */
    url: str(DEFAULT_CLICKHOUSE_SINK_PLUGIN.url, { pattern: /^https:\/\/\S+$/, hint: "an https:// URL" }),
} as const;
