/**
 * The names each docker service's certificate is for: its network alias (also its hostname, what
 * the other containers use), and the addresses the host reaches its published port on. The
 * container's own name is left out: Pulumi suffixes it at random when the container is created,
 * which is after its certificate is made, and nothing connects by it.
 */
import { MONITORING_TLS_SERVICES, type MonitoringTlsService, TLS_SERVICES, type TlsService } from "../shared/tls";

type DockerSans = Record<TlsService, string[]> & Partial<Record<MonitoringTlsService, string[]>>;

/**
 * With `monitoring`, also `prometheus`, `grafana` and `exporter` (their aliases; Prometheus and
 * Grafana are published on 127.0.0.1 only, which loopback covers).
 */
export function dockerTlsSans(hostAddress: string, monitoring = false): DockerSans {
    const host = ["localhost", "127.0.0.1", "::1", hostAddress];
    const services = [...TLS_SERVICES, ...(monitoring ? MONITORING_TLS_SERVICES : [])];
    return Object.fromEntries(services.map((s) => [s, [...new Set([s, ...host])]])) as DockerSans;
}
