/**
 * JSON text read the way ClickHouse's JSON functions read it (simdjson; each rule checked on
 * the embedded engine, 26.7), so that the oracle calls `not_json` / `bad_document` exactly what
 * silver does (docs/data-contract.md §6, docs/analytics.md "Rejects"):
 *
 * - duplicate keys: the **first** occurrence counts (`JSON.parse` keeps the last);
 * - nesting deeper than {@link MAX_DEPTH} objects/arrays, counting the outermost: not JSON;
 * - a string holding an unpaired UTF-16 surrogate (escaped `\ud800`, or a raw one, which has
 *   no UTF-8 form): not JSON;
 * - an integer literal outside [−2⁶³, 2⁶⁴ − 1], or a number whose double is infinite (`1e400`):
 *   not JSON;
 * - one leading byte-order mark is skipped.
 *
 * Values: strings, booleans, null, arrays and objects as `JSON.parse` gives them; an integer
 * literal as a number when it is a safe integer, else as a bigint (exact, so range rules such as
 * "beyond Int64" can be decided). A number written with a fraction or an exponent is a double:
 * ClickHouse's JSON functions hand its value on re-written in shortest form (`2.0` → `2`,
 * `1e3` → `1000`, `1e21` stays `1e21`), and silver's integer checks read that text; so a double
 * whose value is an integer below 10²¹ reads as that integer, any other as {@link NOT_INTEGER}
 * (`true`: no contract field holds a fraction, so it fails every check exactly as a
 * non-integer does). The syntax is validated by `JSON.parse` first; this reader
 * only walks text already known to be JSON. No JSON library among the project's dependencies
 * reports duplicate keys or number text, hence this small walker.
 */

/** simdjson's default maximum depth, as ClickHouse builds its parser. */
export const MAX_DEPTH = 1024;

/** What a number with a fraction or an exponent reads as. */
export const NOT_INTEGER = true;

const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/** Thrown inside the walker for text ClickHouse rejects though JSON.parse accepts it. */
class Unreadable extends Error {}

const WHITESPACE = /[ \t\n\r]*/y;
const STRING = /"(?:[^"\\]|\\.)*"/y;
const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const LITERAL = /true|false|null/y;
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** What silver also takes for an empty object: its `^\s*\{\s*\}\s*$` test (RE2's `\s` includes form feed). */
const EMPTY_OBJECT = /^[\t\n\f\r ]*\{[\t\n\f\r ]*\}[\t\n\f\r ]*$/;

class Walker {
    pos = 0;
    constructor(private readonly text: string) {}

    private match(re: RegExp): RegExpExecArray {
        re.lastIndex = this.pos;
        const m = re.exec(this.text);
        if (m === null) throw new Unreadable(`unexpected text at ${this.pos}`); // unreachable after JSON.parse
        this.pos = re.lastIndex;
        return m;
    }

    private skip(): void {
        this.match(WHITESPACE);
    }

    private string(): string {
        const s = JSON.parse(this.match(STRING)[0]) as string;
        if (UNPAIRED_SURROGATE.test(s)) throw new Unreadable("unpaired surrogate");
        return s;
    }

    private number(): unknown {
        const m = this.match(NUMBER);
        if (m[1] !== undefined || m[2] !== undefined) {
            const x = Number(m[0]);
            if (!Number.isFinite(x)) throw new Unreadable(`number ${m[0]} out of range`);
            // ClickHouse hands on a double re-written in its shortest form, digits only below 1e21
            if (Number.isInteger(x) && Math.abs(x) < 1e21) return Number.isSafeInteger(x) ? x + 0 : BigInt(x);
            return NOT_INTEGER;
        }
        const n = BigInt(m[0]);
        if (n < INT64_MIN || n > UINT64_MAX) throw new Unreadable(`integer ${m[0]} out of range`);
        return Number.isSafeInteger(Number(n)) ? Number(n) : n;
    }

    value(depth: number): unknown {
        this.skip();
        const c = this.text[this.pos];
        // simdjson counts every value's level, a scalar's too: `[[1]]` is 3 deep, `[[]]` 2 (probed in chdb)
        if (depth + 1 > MAX_DEPTH) throw new Unreadable("too deep");
        if (c === "{" || c === "[") {
            return c === "{" ? this.object(depth + 1) : this.array(depth + 1);
        }
        if (c === '"') return this.string();
        if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) return this.number();
        return JSON.parse(this.match(LITERAL)[0]);
    }

    private object(depth: number): Record<string, unknown> {
        const obj: Record<string, unknown> = {};
        this.pos++;
        this.skip();
        if (this.text[this.pos] === "}") return (this.pos++, obj);
        for (;;) {
            this.skip();
            const key = this.string();
            this.skip();
            this.pos++; // ':'
            const v = this.value(depth);
            if (!Object.hasOwn(obj, key))
                Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
            this.skip();
            if (this.text[this.pos++] === "}") return obj;
        }
    }

    private array(depth: number): unknown[] {
        const arr: unknown[] = [];
        this.pos++;
        this.skip();
        if (this.text[this.pos] === "]") return (this.pos++, arr);
        for (;;) {
            arr.push(this.value(depth));
            this.skip();
            if (this.text[this.pos++] === "]") return arr;
        }
    }
}

/** The value of `text` as ClickHouse reads it (see the module doc); undefined when ClickHouse cannot read it. */
export function readJsonText(text: string): unknown {
    const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
    try {
        JSON.parse(body);
    } catch {
        return undefined;
    }
    try {
        return new Walker(body).value(0);
    } catch (e) {
        if (e instanceof Unreadable) return undefined;
        throw e;
    }
}

/**
 * A JSON object as silver tells one apart (an envelope or a document): a non-empty object as
 * {@link readJsonText} reads it, or text matching silver's empty-object test; undefined otherwise.
 */
export function readJsonObjectText(text: string): Record<string, unknown> | undefined {
    if (EMPTY_OBJECT.test(text)) return {};
    const v = readJsonText(text);
    const isObject = typeof v === "object" && v !== null && !Array.isArray(v);
    return isObject && Object.keys(v).length > 0 ? (v as Record<string, unknown>) : undefined;
}
