/**
 * Opens a checked connection: reachable, authenticated, and (unless allowed otherwise) a
 * replica set member, since Debezium reads change streams.
 */
import { MongoClient, type Db } from "mongodb";
import { explainMongoError, notReplicaSetError } from "./errors";
import type { ResolvedCa } from "./tls";

/** Database the pipeline captures. */
export const DB_NAME = "ecom";

/** An open client on database `ecom`. */
export interface Connection {
    client: MongoClient;
    db: Db;
    /** Replica set name, or undefined on a standalone server. */
    replicaSet?: string;
}

/**
 * Connects to `uri` (server selection within `timeoutMs`, default 5 s) and checks the server.
 * With `ca` the connection uses TLS and trusts that CA (hostnames are always verified).
 * @throws MongoSetupError naming the address and a hint.
 */
export async function connectChecked(
    uri: string,
    opts: { allowStandalone: boolean; appName: string; timeoutMs?: number; ca?: ResolvedCa },
): Promise<Connection> {
    let client: MongoClient | undefined;
    const timeout = opts.timeoutMs ?? 5_000;
    try {
        client = new MongoClient(uri, {
            serverSelectionTimeoutMS: timeout,
            connectTimeoutMS: timeout,
            appName: opts.appName,
            ...(opts.ca ? { tls: true, ca: opts.ca.pem } : {}),
        });
        await client.connect();
        const hello = await client.db("admin").command({ hello: 1 });
        const replicaSet = typeof hello.setName === "string" ? hello.setName : undefined;
        if (replicaSet === undefined && !opts.allowStandalone) throw notReplicaSetError(uri);
        return { client, db: client.db(DB_NAME), replicaSet };
    } catch (e) {
        await client?.close().catch(() => undefined);
        throw explainMongoError(e, uri, { caFrom: opts.ca?.from });
    }
}
