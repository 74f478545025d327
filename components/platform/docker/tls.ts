/**
 * The names each docker service's certificate is for: its network alias (also its hostname, what
 * the other containers use), and the addresses the host reaches its published port on. The
 * container's own name is left out: Pulumi suffixes it at random when the container is created,
 * which is after its certificate is made, and nothing connects by it.
 */
import { TLS_SERVICES, type TlsService } from "../shared/tls";

export function dockerTlsSans(hostAddress: string): Record<TlsService, string[]> {
    const host = ["localhost", "127.0.0.1", "::1", hostAddress];
    return Object.fromEntries(TLS_SERVICES.map((s) => [s, [...new Set([s, ...host])]])) as Record<TlsService, string[]>;
}
