/**
 * What every docker builder needs, made once per platform: its name and parent, the private
 * network, and the helpers that write the parts containers share (labels, volumes, pulled images,
 * limits, published ports, healthchecks) the way the provider reads them back.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { DockerSettings, PipelineSettings } from "../../config";
import { dockerCpus } from "./cpus";
import { JOB_LABEL } from "./names";
import { healthchecks, MEMORY_SWAP } from "./specs";

type Label = { label: string; value: string };
type Service = keyof DockerSettings["resources"];

export interface DockerContext {
    /** The component's name: every resource is `<name>-<role>`. */
    name: string;
    child: { parent: pulumi.Resource };
    docker: DockerSettings;
    pipeline: PipelineSettings;
    /** `cdc:monitoring.enabled`: ClickHouse serves `/metrics` and the monitoring containers exist. */
    monitoring: boolean;
    /** `cdc:backup.enabled` with a `disk:` target: ClickHouse gets the backups disk on a volume of its own. */
    backupDisk: boolean;
    /** The labels every container and volume of the stack carries. */
    labels: Label[];
    network: docker.Network;
    /** The address the host reaches published ports on (`bindAddress`, or loopback for a wildcard). */
    hostAddress: string;
    /** Settings of every one-shot job container (it must run once and exit 0; see jobs.ts). */
    job(role: string): { labels: Label[]; attach: boolean; mustRun: boolean; restart: string; logs: boolean };
    /** The container's network attachment under DNS name `alias`. */
    attach(alias: string): { name: pulumi.Output<string>; aliases: string[] }[];
    volume(role: string): docker.Volume;
    image(role: string, ref: string): docker.RemoteImage;
    /**
     * The long-running container `<name>-<service>`: restarted unless stopped, awaited until its
     * healthcheck passes, reachable as `<service>` inside the network, port `publish[0]` published
     * on the host as `publish[1]`, limited per `cdc:docker.resources.<service>`. The image is
     * `cdc:docker.images.<service>` unless given; `args` adds the service's own inputs.
     */
    serviceContainer(
        service: Service,
        o: { publish: [number, number]; image?: pulumi.Input<string>; args: Partial<docker.ContainerArgs> },
        opts?: pulumi.CustomResourceOptions,
    ): docker.Container;
}

export function dockerContext(
    name: string,
    parent: pulumi.Resource,
    d: DockerSettings,
    p: PipelineSettings,
    monitoring = false,
    backupDisk = false,
): DockerContext {
    const child = { parent };
    const labels = [
        { label: "cdc.pulumi.project", value: pulumi.getProject() },
        { label: "cdc.pulumi.stack", value: pulumi.getStack() },
        { label: "cdc.pulumi.component", value: name },
    ];
    const network = new docker.Network(`${name}-net`, { driver: "bridge", labels }, child);
    const attach = (alias: string) => [{ name: network.name, aliases: [alias] }];
    // One RemoteImage per role: callers sharing an image (the plugin fetcher of the sink plugin
    // and of both JMX agents) share the resource, so a preview shows one pull per image.
    const images = new Map<string, docker.RemoteImage>();
    const image = (role: string, ref: string) => {
        const key = `${role}\n${ref}`;
        let img = images.get(key);
        if (!img) {
            img = new docker.RemoteImage(`${name}-${role}-image`, { name: ref, keepLocally: true }, child);
            images.set(key, img);
        }
        return img;
    };
    // Every long-running service container: restarted unless stopped, awaited until healthy.
    const service = { restart: "unless-stopped", labels, wait: true, waitTimeout: 300, destroyGraceSeconds: 30 };
    // One container port published on `bindAddress`.
    const publish = (internal: number, external: number) => [
        { internal, external, ip: d.bindAddress, protocol: "tcp" },
    ];
    // Written the way the provider reads them back (see cpus.ts), so a second `up` changes nothing.
    const limits = (s: Service) => ({
        memory: d.resources[s].memoryMb,
        memorySwap: MEMORY_SWAP,
        cpus: dockerCpus(d.resources[s].cpuMillis, `cdc:docker.resources.${s}.cpuMillis`),
    });
    return {
        name,
        child,
        docker: d,
        pipeline: p,
        monitoring,
        backupDisk,
        labels,
        network,
        hostAddress: d.bindAddress === "0.0.0.0" || d.bindAddress === "::" ? "127.0.0.1" : d.bindAddress,
        job: (role) => ({
            labels: [...labels, { label: JOB_LABEL, value: role }],
            attach: true,
            mustRun: false,
            restart: "no",
            logs: true,
        }),
        attach,
        volume: (role) => new docker.Volume(`${name}-${role}`, { labels }, child),
        image,
        serviceContainer: (s, o, opts = {}) =>
            new docker.Container(
                `${name}-${s}`,
                {
                    ...service,
                    image: o.image ?? image(s, d.images[s]).imageId,
                    hostname: s,
                    networksAdvanced: attach(s),
                    ports: publish(o.publish[0], o.publish[1]),
                    healthcheck: healthchecks[s],
                    ...limits(s),
                    ...o.args,
                },
                { ...child, ...opts },
            ),
    };
}
