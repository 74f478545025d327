/**
 * Boundary and hostile values of every type of the data contract (docs/data-contract.md §1, §2,
 * §6 "Representable values"), as JSON text. Each list holds values on both sides of every
 * boundary the contract or ClickHouse draws; which side a value is on is for the oracle to
 * say, never for the generator, so the lists carry no expected outcome.
 */

const DAY = 86_400_000;
const utc = (iso: string): number => Date.parse(iso);

/** Epoch milliseconds at and past each end of 1900-01-01 … 2299-12-31 and where ClickHouse's own types wrap. */
export const DATE_MS: readonly number[] = [
    utc("1900-01-01T00:00:00.000Z"), // first representable instant
    utc("1900-01-01T00:00:00.000Z") - 1, // 1899-12-31T23:59:59.999
    utc("2299-12-31T23:59:59.999Z"), // last representable instant
    utc("2300-01-01T00:00:00.000Z"),
    utc("1969-12-31T23:00:00.000Z"), // Date wraps below 1970
    -1,
    0,
    utc("2149-06-06T00:00:00.000Z"), // Date's last day
    utc("2149-06-07T00:00:00.000Z"),
    utc("2106-02-07T06:28:16.000Z"), // DateTime (32-bit) wraps
    utc("2038-01-19T03:14:08.000Z"),
    utc("1850-01-01T00:00:00.000Z"),
    utc("0001-01-01T00:00:00.000Z"),
    utc("9999-12-31T23:59:59.999Z"),
    8_640_000_000_000_000, // JavaScript's last Date
    -8_640_000_000_000_000,
    utc("2024-02-29T12:00:00.000Z"),
];

/** Milliseconds values a date field can carry that are not dates at all for JavaScript or ClickHouse. */
export const DATE_MS_TEXT: readonly string[] = [
    "9007199254740993", // 2^53 + 1: not exact as a double
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "1732406400000.5",
    "1.7324064e12",
];

/** ISO-8601 texts for `{"$date": "…"}`: valid at each end (with offsets moving them across), and invalid forms. */
export const DATE_ISO: readonly string[] = [
    "1900-01-01T00:00:00Z",
    "1899-12-31T23:59:59.999Z",
    "1899-12-31T23:30:00-01:00", // 1900-01-01T00:30Z: inside
    "1900-01-01T00:30:00+01:00", // 1899-12-31T23:30Z: outside
    "2299-12-31T23:59:59.999Z",
    "2299-12-31T23:30:00-01:00", // 2300-01-01T00:30Z: outside
    "2300-01-01T00:00:00Z",
    "2300-01-01T00:30:00+01:00", // 2299-12-31T23:30Z: inside
    "1969-12-31T23:00:00Z",
    "0001-01-01T00:00:00Z",
    "0000-01-01T00:00:00Z",
    "2024-11-23T23:59:59.999999999Z",
    "2024-11-23T12:00:00+0530",
    "2024-11-23T12:00:00", // no zone
    "2024-11-23", // no time
    "2023-02-29T00:00:00Z",
    "2024-11-23T24:00:00Z",
    "+010000-01-01T00:00:00Z",
    "",
];

/** Decimal128 texts at and past the precision and range of Decimal(18,2), and texts that are no number. */
export const MONEY_TEXT: readonly string[] = [
    "9999999999999999.99", // Decimal(18,2)'s largest
    "-9999999999999999.99",
    "10000000000000000.00",
    "10000000000000000",
    "1E+16",
    "9.99999999999999999E+15",
    "99999999999999999999999999999999.99",
    "1E+6144",
    "0.01",
    "-0.01",
    "0.001",
    "1.005",
    "1.000",
    "1e-2",
    "1E-6176",
    "0",
    "-0",
    ".5",
    "5.",
    "+3.00",
    "00012.30",
    "1.5E+1",
    "NaN",
    "-Infinity",
    "Inf",
    "abc",
    "",
    " 1.00",
    "1,00",
    "0x10",
];

/** Order lines whose products (line totals) and sums (order totals) sit at and past Decimal(18,2). */
export const OVERFLOW_LINES: readonly (readonly [quantity: string, unitPrice: string])[][] = [
    [["1000", "9999999999999.99"]], // 9 999 999 999 999 990.00: fits
    [["1000", "10000000000000.00"]], // 10^16: does not
    [["1000", "99999999999999.99"]], // the order
    [["2147483647", "4656612.87"]],
    [["2147483647", "4656612.88"]],
    [["-1", "9999999999999999.99"]],
    [["-2", "9999999999999999.99"]],
    [
        ["1", "5000000000000000.00"],
        ["1", "5000000000000000.00"],
    ], // each fits, the order total does not
    [
        ["1", "4999999999999999.99"],
        ["1", "5000000000000000.00"],
    ], // the order total is the largest that fits
    [
        ["1", "999999999999999.99"],
        ["10", "999999999999999.99"],
    ],
];

/** One line at the largest money value: fits alone, and sums of several overflow Decimal(18,2) in gold. */
export const MAX_MONEY_LINE: readonly [string, string] = ["1", "9999999999999999.99"];

/** Integers around Int32 and Int64 (quantity, stock_quantity), as JSON text, and integer look-alikes. */
export const INT_TEXT: readonly string[] = [
    "2147483647",
    "-2147483648",
    "2147483648",
    "-2147483649",
    "4294967296",
    "0",
    "-1",
    "9007199254740993",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "18446744073709551616",
    "1e3",
    "1.0",
    "2.5",
    "-0",
    '{"$numberLong": "2147483647"}',
    '{"$numberLong": "2147483648"}',
    '{"$numberLong": "-9223372036854775809"}',
    '{"$numberLong": "seven"}',
    '{"$numberInt": "5"}',
    '"7"',
];

/** Values of `source.ts_ms` / `source.ord`: Int64 edges on both sides, negatives, and non-integers. */
export const POSITION_TEXT: readonly string[] = [
    "0",
    "-1",
    "-1000",
    "9007199254740992",
    "9007199254740993",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "18446744073709551615",
    "18446744073709551616",
    "100000000000000000000",
    "1.5",
    "1e12",
    "1732406400000.0",
    '"1732406400000"',
    '"-5"',
    "true",
    "null",
    "[]",
    "{}",
    '""',
];

/**
 * Strings that text handling gets wrong: escapes, surrogates (lone ones only as `\u` escapes), NUL,
 * controls, emoji.
 */
export const UNICODE_TEXT: readonly string[] = [
    '"\\ud800"', // a lone high surrogate
    '"x\\udc00y"', // a lone low surrogate
    '"\\ud83d\\ude00"', // an escaped pair (😀)
    '"\\ude00\\ud83d"', // a pair in the wrong order
    JSON.stringify("😀👍🏽 家族 👨‍👩‍👧"),
    '"a\\u0000b"', // NUL
    '"\\u0001\\u001f\\u007f"',
    JSON.stringify('quote " backslash \\ slash / tab \t newline \n'),
    '"\\/\\b\\f\\r"',
    JSON.stringify("\u2028\u2029\ufeff"),
    JSON.stringify("e\u0301 Zoë Ångström 日本語"),
    '"\\u00e9\\u00E9"',
    JSON.stringify("x".repeat(5000)),
];

/** Values of a type other than the field's, one of each JSON type and of each extended-JSON wrapper. */
export const WRONG_TYPE_TEXT: readonly string[] = [
    "42",
    "-7.5",
    '"text"',
    "true",
    "false",
    "[]",
    "[1]",
    "{}",
    '{"a": 1}',
    '{"$oid": "65f0c3a1b2c3d4e5f6a7b8"}',
    '{"$date": 1732406400000}',
    '{"$numberDecimal": "1.00"}',
    '{"$numberLong": "5"}',
    '{"$oid": 5}',
    '{"$date": true}',
    '{"$numberDecimal": 19.99}',
];

/** Nesting depths around MongoDB's limit (100) and the JSON readers' limits (ClickHouse, ~1000). */
export const DEPTHS: readonly number[] = [99, 100, 101, 999, 1000, 1001, 1023, 1024, 1025, 1100, 3000];

/** Offsets from a date in `DATE_MS`, so values land exactly on and one millisecond or a day past it. */
export const DATE_JITTER: readonly number[] = [0, 0, 0, -1, 1, -DAY, DAY];
