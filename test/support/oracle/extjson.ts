/**
 * Readers for MongoDB Extended JSON as Debezium writes `after`/`before` (docs/data-contract.md §2),
 * with exactly the acceptance of the reject rules (docs/data-contract.md §6, made precise in the
 * reject spec): `{"$oid": hex}`, `{"$date": ms | {"$numberLong": ..} | "<ISO-8601>"}`,
 * `{"$numberDecimal": text}`, `{"$numberLong": text}`; Int32 and strings as plain JSON.
 *
 * Each type has a non-throwing reader (`…Of`) returning the value, `null` when the field is
 * absent or JSON null, or {@link BAD} when it is present but not of its type; the reject
 * classification uses those. The throwing `read…` wrappers name the field in their error and
 * are what turns an already-classified document into typed state (documents.ts), so both
 * sides always agree on what is valid.
 */
import { fitsDecimal18, isNonFiniteDecimalText, strictDecimalCents } from "./decimal";
import { isoToEpochMs } from "./iso-date";
import { readJsonObjectText, readJsonText } from "./json-text";

/** A parsed JSON object. */
export type JsonObject = { [key: string]: unknown };

/** A value present but not of the field's type. */
export const BAD = Symbol("bad value");
/** A Decimal128 NaN or ±Infinity. */
export const NON_FINITE = Symbol("non-finite decimal");

/** A reader's outcome: the value, null (absent/JSON null) or {@link BAD}. */
export type Read<T> = T | null | typeof BAD;

const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;
const HEX24 = /^[0-9a-fA-F]{24}$/;
const INT_TEXT = /^-?\d+$/;

/** True for a JSON object (not an array, not null). */
export function isObject(v: unknown): v is JsonObject {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** True for a JSON integer (see {@link parseJsonExact}) or a string of digits with an optional leading `-`. */
export function isIntegerOrDigits(v: unknown): boolean {
    return (
        (typeof v === "number" && Number.isInteger(v)) ||
        typeof v === "bigint" ||
        (typeof v === "string" && INT_TEXT.test(v))
    );
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A JSON integer or a string of digits (as {@link isIntegerOrDigits}) within Int64, exactly; null otherwise. */
export function int64Of(v: unknown): bigint | null {
    if (!isIntegerOrDigits(v)) return null;
    const n = BigInt(v as number | bigint | string);
    return n >= INT64_MIN && n <= INT64_MAX ? n : null;
}

/**
 * JSON text as ClickHouse's JSON functions read it (json-text.ts: the first of duplicate keys,
 * a depth limit, no unpaired surrogates, integers within 64 bits), keeping the one distinction
 * the contract needs and plain `JSON.parse` loses: a number that is not an integer (`2.5`, `1e21`)
 * reads as `true`, a value that fails every check of the contract exactly as a non-integer number
 * does (no contract field holds a fraction: money is Decimal128 text), while a double with an
 * integer value (`2.0`, `1e3`) reads as that integer, as silver reads it. An integer beyond 2⁵³
 * reads as a bigint.
 * {@link BAD} when ClickHouse cannot read `text` as JSON.
 */
export function parseJsonExact(text: string): unknown {
    const v = readJsonText(text);
    return v === undefined ? BAD : v;
}

/** ObjectId `{"$oid": "<24 hex>"}` → 24-char lowercase hex. */
export function oidOf(v: unknown): Read<string> {
    if (v === undefined || v === null) return null;
    return isObject(v) && typeof v.$oid === "string" && HEX24.test(v.$oid) ? v.$oid.toLowerCase() : BAD;
}

/** Int32: a JSON integer or `{"$numberLong": "<-?digits>"}`, within Int32 range. */
export function int32Of(v: unknown): Read<number> {
    if (v === undefined || v === null) return null;
    let n: number;
    if (typeof v === "number" && Number.isInteger(v)) n = v;
    else if (isObject(v) && typeof v.$numberLong === "string" && INT_TEXT.test(v.$numberLong))
        n = Number(v.$numberLong);
    else return BAD;
    return n >= INT32_MIN && n <= INT32_MAX ? n : BAD;
}

/** The representable dates (docs/data-contract.md §6): 1900-01-01 … 2299-12-31 UTC, DateTime64's and Date32's range. */
export const MIN_DATE_MS = Date.UTC(1900, 0, 1);
export const MAX_DATE_MS = Date.UTC(2300, 0, 1) - 1;

/**
 * Date → epoch ms: `{"$date": <integer>}`, `{"$date": {"$numberLong": "<-?digits>"}}` or
 * `{"$date": "<ISO-8601>"}`, at an instant from {@link MIN_DATE_MS} to {@link MAX_DATE_MS}.
 */
export function dateOf(v: unknown): Read<number> {
    if (v === undefined || v === null) return null;
    if (!isObject(v)) return BAD;
    const d = v.$date;
    let ms: number | null = null;
    if (typeof d === "number" && Number.isInteger(d)) ms = d;
    else if (isObject(d) && typeof d.$numberLong === "string" && INT_TEXT.test(d.$numberLong))
        ms = Number(d.$numberLong);
    else if (typeof d === "string") ms = isoToEpochMs(d);
    return ms !== null && ms >= MIN_DATE_MS && ms <= MAX_DATE_MS ? ms : BAD;
}

/**
 * Money → exact cents: `{"$numberDecimal": T}` with T exact at 2 dp and within Decimal(18,2),
 * or a plain JSON integer (an Int32 price). {@link NON_FINITE} for NaN/±Infinity text.
 */
export function centsOf(v: unknown): Read<bigint> | typeof NON_FINITE {
    if (v === undefined || v === null) return null;
    if ((typeof v === "number" && Number.isInteger(v)) || typeof v === "bigint") {
        const cents = BigInt(v) * 100n;
        return fitsDecimal18(cents) ? cents : BAD;
    }
    if (!isObject(v) || typeof v.$numberDecimal !== "string") return BAD;
    if (isNonFiniteDecimalText(v.$numberDecimal)) return NON_FINITE;
    return strictDecimalCents(v.$numberDecimal) ?? BAD;
}

/** A JSON string. */
export function stringOf(v: unknown): Read<string> {
    if (v === undefined || v === null) return null;
    return typeof v === "string" ? v : BAD;
}

function fail(field: string, v: unknown, expected: string): never {
    throw new Error(`field ${field}: expected ${expected}, got ${JSON.stringify(v)}`);
}

function must<T>(r: Read<T> | typeof NON_FINITE, field: string, v: unknown, expected: string): T | null {
    if (r === BAD || r === NON_FINITE) return fail(field, v, expected);
    return r;
}

/** ObjectId → 24-char lowercase hex; null when absent or null; throws naming `field` otherwise. */
export function readOid(v: unknown, field: string): string | null {
    return must(oidOf(v), field, v, '{"$oid": "<24 hex>"}');
}

/** Int32 (plain or `$numberLong`); null when absent or null; throws naming `field` otherwise. */
export function readInt(v: unknown, field: string): number | null {
    return must(int32Of(v), field, v, 'an Int32 integer or {"$numberLong": "<digits>"}');
}

/** Date → epoch milliseconds; null when absent or null; throws naming `field` otherwise. */
export function readDate(v: unknown, field: string): number | null {
    return must(dateOf(v), field, v, '{"$date": <epoch ms> | {"$numberLong": ".."} | "<ISO-8601>"}');
}

/** Decimal128 (or plain integer) → exact cents; null when absent or null; throws naming `field` otherwise. */
export function readCents(v: unknown, field: string): bigint | null {
    return must(centsOf(v), field, v, '{"$numberDecimal": "<finite text, at most 2 dp, within Decimal(18,2)>"}');
}

/** Plain string; null when absent or null. */
export function readString(v: unknown, field: string): string | null {
    return must(stringOf(v), field, v, "a string");
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

/**
 * A document: a JSON object, or a string holding one (as Debezium writes `after`/`before`, read
 * as silver reads it: json-text.ts's `readJsonObjectText`); {@link BAD} otherwise.
 */
export function documentOf(v: unknown): Read<JsonObject> {
    if (v === undefined || v === null) return null;
    const parsed = typeof v === "string" ? readJsonObjectText(v) : v;
    return isObject(parsed) ? parsed : BAD;
}

/** Parses an extended-JSON document string (`after`/`before`) into an object; throws naming `field`. */
export function parseDocument(text: string, field: string): JsonObject {
    const v = parseJsonExact(text);
    if (v === BAD) throw new Error(`${field} is not JSON: ${JSON.stringify(text.slice(0, 80))}`);
    if (!isObject(v)) fail(field, v, "a JSON object");
    return v;
}
