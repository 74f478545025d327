/**
 * MongoDB Extended JSON text of `ecom` documents, formatted as the Debezium MongoDB connector
 * writes it (docs/data-contract.md §2):
 *
 * - {@link toStrictJson}: strict mode as in `before`/`after`. The Java driver's writer is set to
 *   indent with empty indent and newline strings, so a field name is followed by `": "` and
 *   fields are separated by a bare `,`: `{"_id": {"$oid": "…"},"price": {"$numberDecimal": "19.99"}}`.
 *   Array elements are separated by `", "`. ObjectId → `{"$oid": "<hex>"}`, Date →
 *   `{"$date": <epoch ms>}`, Decimal128 → `{"$numberDecimal": "<text>"}`, Int64 →
 *   `{"$numberLong": "<text>"}`, Int32/Double/bool/string plain.
 * - {@link toRelaxedJson}: relaxed mode without indent, as in `updateDescription.updatedFields`
 *   (`BsonDocument.toJson()` defaults): `{"status": "paid", "updated_at": {"$date": "2025-01-01T00:00:00Z"}}`.
 *
 * Which BSON type a field has comes from {@link bsonKindOf}: the field names of the contract.
 */

/** The BSON type a value of an `ecom` document is stored as. */
export type BsonKind =
    | "objectId"
    | "decimal128"
    | "date"
    | "int32"
    | "int64"
    | "double"
    | "string"
    | "bool"
    | "null"
    | "document"
    | "array";

/** Fields holding ObjectIds (24-char hex strings in the generator). */
export const OBJECT_ID_FIELDS: ReadonlySet<string> = new Set(["_id", "customer_id", "product_id"]);
/** Fields holding Decimal128 amounts (decimal strings in the generator). */
export const DECIMAL_FIELDS: ReadonlySet<string> = new Set(["price", "unit_price"]);

/** BSON type of `value` stored under field `name` of an `ecom` document. */
export function bsonKindOf(name: string, value: unknown): BsonKind {
    if (value === null || value === undefined) return "null";
    if (typeof value === "string") {
        if (OBJECT_ID_FIELDS.has(name)) return "objectId";
        if (DECIMAL_FIELDS.has(name)) return "decimal128";
        return "string";
    }
    if (typeof value === "number") {
        if (Number.isInteger(value)) return value >= -2147483648 && value <= 2147483647 ? "int32" : "int64";
        return "double";
    }
    if (typeof value === "bigint") return "int64";
    if (typeof value === "boolean") return "bool";
    if (value instanceof Date) return "date";
    if (Array.isArray(value)) return "array";
    if (typeof value === "object") return "document";
    throw new Error(`extjson: unsupported value of type ${typeof value} in field ${name}`);
}

// The Java driver writes letters, digits, punctuation, symbols and spaces as they are and
// escapes everything else (controls, format characters, marks, line/paragraph separators,
// unassigned code points, and each half of a surrogate pair) as \uXXXX.
const PLAIN_ASCII = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
const ESCAPED_BMP = /[\p{Lm}\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{M}]/u;

/** A JSON string literal escaped as the MongoDB Java driver's JSON writer escapes it. */
export function javaJsonString(s: string): string {
    if (PLAIN_ASCII.test(s)) return `"${s}"`;
    let out = '"';
    for (let i = 0; i < s.length; i++) {
        const ch = s[i];
        const code = s.charCodeAt(i);
        switch (ch) {
            case '"':
                out += '\\"';
                continue;
            case "\\":
                out += "\\\\";
                continue;
            case "\b":
                out += "\\b";
                continue;
            case "\f":
                out += "\\f";
                continue;
            case "\n":
                out += "\\n";
                continue;
            case "\r":
                out += "\\r";
                continue;
            case "\t":
                out += "\\t";
                continue;
        }
        if ((code >= 0xd800 && code <= 0xdfff) || ESCAPED_BMP.test(ch)) {
            out += "\\u" + code.toString(16).padStart(4, "0");
        } else {
            out += ch;
        }
    }
    return out + '"';
}

/** Java's `Double.toString` for the doubles a document could hold (finite values). */
function javaDouble(n: number): string {
    if (!Number.isFinite(n)) throw new Error(`extjson: non-finite double ${n}`);
    const s = String(n);
    return Number.isInteger(n) && !s.includes("e") ? `${s}.0` : s;
}

/** ISO-8601 as the Java driver's relaxed mode prints it: no `.000` when the millis are zero. */
function relaxedDate(d: Date): string {
    const t = d.getTime();
    if (t < 0 || t > 253402300799999) return `{"$date": {"$numberLong": "${t}"}}`;
    const iso = d.toISOString();
    return `{"$date": "${iso.endsWith(".000Z") ? iso.slice(0, -5) + "Z" : iso}"}`;
}

function writeValue(name: string, value: unknown, strict: boolean): string {
    switch (bsonKindOf(name, value)) {
        case "null":
            return "null";
        case "objectId":
            return `{"$oid": "${value as string}"}`;
        case "decimal128":
            return `{"$numberDecimal": "${value as string}"}`;
        case "string":
            return javaJsonString(value as string);
        case "int32":
            return String(value);
        case "int64":
            return strict ? `{"$numberLong": "${String(value)}"}` : String(value);
        case "double":
            return javaDouble(value as number);
        case "bool":
            return value ? "true" : "false";
        case "date":
            return strict ? `{"$date": ${(value as Date).getTime()}}` : relaxedDate(value as Date);
        case "array": {
            const items = value as unknown[];
            let out = "[";
            for (let i = 0; i < items.length; i++) {
                if (i > 0) out += ", ";
                out += writeValue(name, items[i], strict);
            }
            return out + "]";
        }
        case "document":
            return writeDocument(value as Record<string, unknown>, strict);
    }
}

function writeDocument(doc: Record<string, unknown>, strict: boolean): string {
    const sep = strict ? "," : ", ";
    let out = "{";
    let first = true;
    for (const key of Object.keys(doc)) {
        const v = doc[key];
        if (v === undefined) continue;
        if (!first) out += sep;
        first = false;
        out += javaJsonString(key) + ": " + writeValue(key, v, strict);
    }
    // The Java writer closes an empty document as "{ }".
    return first ? "{ }" : out + "}";
}

/** Strict extended JSON of an `ecom` document, as Debezium writes `before`/`after`. */
export function toStrictJson(doc: object): string {
    return writeDocument(doc as Record<string, unknown>, true);
}

/** Relaxed extended JSON (no indent), as Debezium writes `updateDescription.updatedFields`. */
export function toRelaxedJson(doc: object): string {
    return writeDocument(doc as Record<string, unknown>, false);
}
