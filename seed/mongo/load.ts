/**
 * Writes the initial load into MongoDB: optional drop of the three collections, unique indexes
 * of the contract (customers.email, products.sku), then batched unordered `insertMany`.
 * On failure the error says how many documents of each collection were written.
 */
import type { Db } from "mongodb";
import type { InitialLoad } from "../initial";
import { COLLECTIONS, type CollectionName } from "../model";
import { toBson } from "./codec";
import { MongoSetupError } from "./errors";

/** Documents written per collection. */
export type WrittenCounts = Record<CollectionName, number>;

/** Result of {@link writeInitialLoad}. */
export interface WriteResult {
    written: WrittenCounts;
    warnings: string[];
}

/** Options of {@link writeInitialLoad}. */
export interface WriteOptions {
    /** Drop the collections first. */
    reset: boolean;
    /** Documents per insertMany. */
    batchSize: number;
    /** Called after each batch with the running counts. */
    onProgress?: (written: WrittenCounts, collection: CollectionName) => void;
}

/**
 * Creates the collections the pipeline expects and turns their pre-images on (Debezium's
 * `before` needs them; a dropped collection loses the setting). Returns warnings for servers
 * that refuse pre-images (MongoDB < 6, FerretDB) instead of failing.
 */
export async function prepareCollections(db: Db, reset: boolean): Promise<string[]> {
    const warnings: string[] = [];
    const existing = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
    for (const name of COLLECTIONS) {
        if (reset && existing.has(name)) {
            await db.collection(name).drop();
            existing.delete(name);
        }
        if (!existing.has(name)) await db.createCollection(name);
        try {
            await db.command({ collMod: name, changeStreamPreAndPostImages: { enabled: true } });
        } catch (e) {
            warnings.push(
                `could not enable pre-images on ${name} (${(e as Error).message}); delete events will carry no before image`,
            );
        }
    }
    await db.collection("customers").createIndex({ email: 1 }, { unique: true, name: "email_unique" });
    await db.collection("products").createIndex({ sku: 1 }, { unique: true, name: "sku_unique" });
    await db.collection("orders").createIndex({ customer_id: 1 }, { name: "customer_id" });
    return warnings;
}

/**
 * Inserts the load. Returns the counts written and any warnings.
 * @throws MongoSetupError with the counts written before the failure.
 */
export async function writeInitialLoad(db: Db, load: InitialLoad, opts: WriteOptions): Promise<WriteResult> {
    const written: WrittenCounts = { customers: 0, products: 0, orders: 0 };
    let current: CollectionName = "customers";
    try {
        const warnings = await prepareCollections(db, opts.reset);
        for (const name of COLLECTIONS) {
            current = name;
            const docs = load[name];
            const coll = db.collection(name);
            for (let i = 0; i < docs.length; i += opts.batchSize) {
                const batch = docs.slice(i, i + opts.batchSize).map((d) => toBson(d));
                const res = await coll.insertMany(batch, { ordered: false });
                written[name] += res.insertedCount;
                opts.onProgress?.(written, name);
            }
        }
        return { written, warnings };
    } catch (e) {
        const err = e as Error & { code?: number; result?: { insertedCount?: number } };
        if (err.result?.insertedCount) written[current] += err.result.insertedCount;
        const counts = COLLECTIONS.map((c) => `${c} ${written[c]}`).join(", ");
        const dup =
            err.code === 11000 ? " (duplicate key: the collections already hold seeded data; rerun with --reset)" : "";
        throw new MongoSetupError(
            `writing ${current} failed: ${err.message}${dup}. Written before the failure: ${counts}.`,
        );
    }
}
