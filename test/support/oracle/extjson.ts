/**
 * Readers for MongoDB Extended JSON in strict mode, as Debezium writes `after`/`before`
 * (DATA_CONTRACT §2): `{"$oid": hex}`, `{"$date": ms}`, `{"$numberDecimal": text}`,
 * `{"$numberLong": text}`; Int32/Double/bool/string as plain JSON.
 * Each reader names the field in its error so a malformed fixture is easy to find.
 */
import { parseCents } from "./decimal";

/** A parsed JSON object. */
export type JsonObject = { [key: string]: unknown };

function isObject(v: unknown): v is JsonObject {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

function fail(field: string, v: unknown, expected: string): never {
    throw new Error(`field ${field}: expected ${expected}, got ${JSON.stringify(v)}`);
}

/** ObjectId → 24-char lowercase hex; null when absent or null. */
export function readOid(v: unknown, field: string): string | null {
    if (v === undefined || v === null) return null;
    if (isObject(v) && typeof v.$oid === "string" && /^[0-9a-fA-F]{24}$/.test(v.$oid)) return v.$oid.toLowerCase();
    return fail(field, v, '{"$oid": "<24 hex>"}');
}

/** Int64 text or a plain JSON integer → number (exact up to 2^53). */
export function readInt(v: unknown, field: string): number | null {
    if (v === undefined || v === null) return null;
    if (typeof v === "number" && Number.isInteger(v)) return v;
    if (isObject(v) && typeof v.$numberLong === "string" && /^-?\d+$/.test(v.$numberLong)) {
        const n = Number(v.$numberLong);
        if (!Number.isSafeInteger(n)) fail(field, v, "an integer within ±2^53");
        return n;
    }
    return fail(field, v, 'an integer or {"$numberLong": "<digits>"}');
}

/** Date → epoch milliseconds. Strict mode writes `{"$date": <ms>}`; `{"$date": {"$numberLong": ".."}}` is accepted too. */
export function readDate(v: unknown, field: string): number | null {
    if (v === undefined || v === null) return null;
    if (isObject(v) && "$date" in v) {
        const d = v.$date;
        if (typeof d === "number" && Number.isInteger(d)) return d;
        if (isObject(d)) return readInt(d, field);
    }
    return fail(field, v, '{"$date": <epoch ms>}');
}

/** Decimal128 → exact cents. Also accepts a plain integer JSON number (an Int32 price). */
export function readCents(v: unknown, field: string): bigint | null {
    if (v === undefined || v === null) return null;
    if (isObject(v) && typeof v.$numberDecimal === "string") return parseCents(v.$numberDecimal);
    if (typeof v === "number" && Number.isInteger(v)) return BigInt(v) * 100n;
    return fail(field, v, '{"$numberDecimal": "<text>"}');
}

/** Plain string; null when absent or null. */
export function readString(v: unknown, field: string): string | null {
    if (v === undefined || v === null) return null;
    if (typeof v === "string") return v;
    return fail(field, v, "a string");
}

/** Nested object; an empty object when absent or null. */
export function readObject(v: unknown, field: string): JsonObject {
    if (v === undefined || v === null) return {};
    if (isObject(v)) return v;
    return fail(field, v, "an object");
}

/** Array; empty when absent or null. */
export function readArray(v: unknown, field: string): unknown[] {
    if (v === undefined || v === null) return [];
    if (Array.isArray(v)) return v;
    return fail(field, v, "an array");
}

/** Parses an extended-JSON document string (`after`/`before`) into an object. */
export function parseDocument(text: string, field: string): JsonObject {
    let v: unknown;
    try {
        v = JSON.parse(text);
    } catch (e) {
        throw new Error(`${field} is not JSON: ${(e as Error).message}`);
    }
    if (!isObject(v)) fail(field, v, "a JSON object");
    return v;
}
