/** Free TCP ports on 127.0.0.1, picked by the kernel. */
import * as net from "node:net";

/**
 * Returns `n` distinct ports that were free on 127.0.0.1 a moment ago (all are held open together
 * while picking, so they differ; another process could still take one before it is used).
 */
export async function freeLoopbackPorts(n: number): Promise<number[]> {
    const servers: net.Server[] = [];
    try {
        for (let i = 0; i < n; i++) {
            const s = net.createServer();
            servers.push(s);
            await new Promise<void>((resolve, reject) => {
                s.once("error", reject);
                s.listen(0, "127.0.0.1", () => resolve());
            });
        }
        return servers.map((s) => (s.address() as net.AddressInfo).port);
    } finally {
        await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    }
}
