/**
 * Converts the generator's plain documents to BSON values for the `mongodb` driver and back:
 * ObjectId fields ↔ 24-char hex, Decimal128 ↔ 2-decimal strings, Int32 ↔ number, Date as is.
 * Which field has which type is the contract's (see {@link bsonKindOf}).
 */
import { Decimal128, Int32, ObjectId, type Document } from "mongodb";
import { bsonKindOf } from "../extjson";
import { centsToMoney, moneyToCents } from "../money";
import type { AnyDoc } from "../model";

function toBsonValue(name: string, value: unknown): unknown {
    switch (bsonKindOf(name, value)) {
        case "objectId":
            return ObjectId.createFromHexString(value as string);
        case "decimal128":
            return Decimal128.fromString(value as string);
        case "int32":
            return new Int32(value as number);
        case "array":
            return (value as unknown[]).map((v) => toBsonValue(name, v));
        case "document":
            return toBson(value as object);
        default:
            return value;
    }
}

/** A generator document (or a `$set` part of one) as a driver document. */
export function toBson(doc: object): Document {
    const out: Document = {};
    for (const [k, v] of Object.entries(doc)) if (v !== undefined) out[k] = toBsonValue(k, v);
    return out;
}

function fromBsonValue(value: unknown): unknown {
    if (value instanceof ObjectId) return value.toHexString();
    if (value instanceof Decimal128) return centsToMoney(moneyToCents(normalizeDecimal(value.toString())));
    if (value instanceof Int32) return value.value;
    if (value instanceof Date) return value;
    if (Array.isArray(value)) return value.map(fromBsonValue);
    if (value !== null && typeof value === "object") return fromBson(value as Document);
    return value;
}

function normalizeDecimal(text: string): string {
    // Decimal128 text may carry more or fewer decimals ("19.9", "19.990"); keep cents.
    const m = /^(\d+)(?:\.(\d+))?$/.exec(text);
    if (!m) throw new Error(`unexpected Decimal128 amount ${text}`);
    const frac = (m[2] ?? "").padEnd(2, "0");
    if (/[1-9]/.test(frac.slice(2))) throw new Error(`Decimal128 amount ${text} has more than 2 decimals`);
    return `${m[1]}.${frac.slice(0, 2)}`;
}

/** A driver document read back as a generator document (ids as hex, money as strings). */
export function fromBson<T extends AnyDoc = AnyDoc>(doc: Document): T {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(doc)) out[k] = fromBsonValue(v);
    return out as T;
}
