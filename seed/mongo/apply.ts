/**
 * Applies one generated {@link Mutation} to MongoDB: insertOne, updateOne with the mutation's
 * `$set`, or deleteOne, by `_id`. The live simulator's only write path.
 */
import { ObjectId, type Db } from "mongodb";
import type { Mutation } from "../model";
import { toBson } from "./codec";

/** Writes `m`; resolves to the number of documents the server reports as changed. */
export async function applyMutation(db: Db, m: Mutation): Promise<number> {
    const coll = db.collection(m.collection);
    const filter = { _id: ObjectId.createFromHexString(m.id) };
    switch (m.op) {
        case "insert":
            await coll.insertOne(toBson(m.after as object));
            return 1;
        case "update":
            return (await coll.updateOne(filter, { $set: toBson(m.set) })).modifiedCount;
        case "delete":
            return (await coll.deleteOne(filter)).deletedCount;
    }
}
