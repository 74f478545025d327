/** ClickHouse on docker, with the pipeline's database and its own user. */
import type * as docker from "@pulumi/docker";
import type { PipelineEndpoints } from "../../endpoints";
import type { PlatformCredentials } from "../shared/credentials";
import type { DockerContext } from "./context";
import { clickhouseEnv } from "./specs";

export interface DockerClickhouse {
    container: docker.Container;
    /** How Connect (inside the network) reaches the HTTP interface. */
    internal: PipelineEndpoints["clickhouse"]["internal"];
    /** The HTTP interface from the host. */
    url: string;
}

export function clickhouseServer(ctx: DockerContext, creds: PlatformCredentials): DockerClickhouse {
    const { docker: d, pipeline: p } = ctx;
    const data = ctx.volume("clickhouse-data");
    const container = ctx.serviceContainer("clickhouse", {
        publish: [8123, d.ports.clickhouseHttp],
        args: {
            envs: clickhouseEnv({
                database: p.clickhouse.database,
                user: p.clickhouse.user,
                password: creds.clickhousePassword,
            }),
            volumes: [{ volumeName: data.name, containerPath: "/var/lib/clickhouse" }],
            ulimits: [{ name: "nofile", soft: 262144, hard: 262144 }],
        },
    });
    return {
        container,
        internal: { host: "clickhouse", port: 8123, ssl: false },
        url: `http://${ctx.hostAddress}:${d.ports.clickhouseHttp}`,
    };
}
