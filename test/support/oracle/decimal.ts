/**
 * Exact money arithmetic for the oracle: amounts are BigInt counts of cents (scale 2).
 *
 * The data contract fixes money at 2 decimal places (`Decimal(18,2)`), so every amount the
 * oracle handles is an integer number of cents; sums and `quantity × price` stay exact.
 * No floating point touches money anywhere in the oracle.
 */

/** Scale of every amount in the oracle: 10^2 (cents). */
export const MONEY_SCALE = 2;

const DECIMAL_TEXT = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Parses decimal text as MongoDB writes a Decimal128 (`"19.99"`, `"0.1"`, `"1.5E+2"`, `"-0"`)
 * into exact cents. Throws when the text is not a number or carries a non-zero digit beyond
 * the second decimal place: such a value is outside the contract, and silently rounding it
 * would hide the very bug the oracle exists to find.
 */
export function parseCents(text: string): bigint {
    const m = DECIMAL_TEXT.exec(text.trim());
    if (m === null || (m[2] === "" && (m[3] === undefined || m[3] === ""))) {
        throw new Error(`not a decimal number: ${JSON.stringify(text)}`);
    }
    const negative = m[1] === "-";
    const intDigits = m[2] ?? "";
    const fracDigits = m[3] ?? "";
    const exponent = m[4] === undefined ? 0 : Number(m[4]);
    // value = digits × 10^(exponent − fracDigits.length); cents = value × 10^2.
    let digits = BigInt(intDigits + fracDigits || "0");
    const shift = exponent - fracDigits.length + MONEY_SCALE;
    if (shift >= 0) {
        digits *= 10n ** BigInt(shift);
    } else {
        const divisor = 10n ** BigInt(-shift);
        if (digits % divisor !== 0n) {
            throw new Error(
                `decimal ${JSON.stringify(text)} has more than ${MONEY_SCALE} decimal places (contract: 2 dp)`,
            );
        }
        digits /= divisor;
    }
    return negative ? -digits : digits;
}

/** Decimal128 text of a non-finite value, as the reject rules name them (case-insensitive). */
const NON_FINITE_TEXT = /^(nan|[+-]?infinity|-?inf)$/i;

/** Decimal text the reject rules accept (no surrounding blanks). */
const STRICT_DECIMAL_TEXT = /^([+-]?)(\d+\.?\d*|\.\d+)(?:[eE]([+-]?\d+))?$/;

/** Digits of `Decimal(18,2)` counted in cents: |cents| < 10^18. */
const MAX_CENT_DIGITS = 18;

/** True for `NaN`, `Infinity`, `-Infinity`, `+Infinity`, `Inf`, `-Inf` in any letter case. */
export function isNonFiniteDecimalText(text: string): boolean {
    return NON_FINITE_TEXT.test(text);
}

/**
 * Strict, non-throwing reading of Decimal128 text into exact cents for the reject rules:
 * the text must match `^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$`, carry no non-zero digit
 * beyond the 2nd decimal place and fit `Decimal(18,2)`. Null when any of these fails.
 * Never builds a power of ten larger than the 18 digits it may return, whatever the exponent.
 */
export function strictDecimalCents(text: string): bigint | null {
    const m = STRICT_DECIMAL_TEXT.exec(text);
    if (m === null) return null;
    const [intPart, fracPart = ""] = m[2]!.split(".");
    const significand = (intPart! + fracPart).replace(/^0+/, "");
    if (significand === "") return 0n;
    const digits = significand.replace(/0+$/, "");
    // value = digits × 10^(shift − 2), i.e. cents = digits × 10^shift.
    const shift =
        (m[3] === undefined ? 0 : Number(m[3])) - fracPart.length + MONEY_SCALE + (significand.length - digits.length);
    if (shift < 0) return null; // a non-zero digit beyond the 2nd decimal place
    if (digits.length + shift > MAX_CENT_DIGITS) return null; // outside Decimal(18,2)
    const cents = BigInt(digits) * 10n ** BigInt(shift);
    return m[1] === "-" ? -cents : cents;
}

/** True when an integer number of cents fits `Decimal(18,2)`. */
export function fitsDecimal18(cents: bigint): boolean {
    return (cents < 0n ? -cents : cents) < 10n ** BigInt(MAX_CENT_DIGITS);
}

/** Formats cents as decimal text with exactly 2 decimal places: `1999n` → `"19.99"`, `-5n` → `"-0.05"`. */
export function formatCents(cents: bigint): string {
    const negative = cents < 0n;
    const abs = negative ? -cents : cents;
    const whole = abs / 100n;
    const frac = (abs % 100n).toString().padStart(2, "0");
    return `${negative ? "-" : ""}${whole}.${frac}`;
}

/**
 * Divides an amount of cents by a positive integer count and rounds the quotient to whole
 * cents half away from zero — what ClickHouse's `round(x, 2)` does on a Decimal
 * (checked on the embedded engine: `round(toDecimal128('2.345', 3), 2)` = 2.35,
 * `round(toDecimal128('-2.345', 3), 2)` = -2.35, `round(toDecimal128('0.025', 3), 2)` = 0.03).
 * Note that a bare Decimal division in ClickHouse truncates instead (`toDecimal128('20.00', 2) / 3`
 * = 6.66); the contract asks for a 2 dp average, and the oracle rounds rather than truncates.
 */
export function divideRoundHalfAwayFromZero(cents: bigint, count: bigint): bigint {
    if (count <= 0n) throw new Error(`divisor must be positive, got ${count}`);
    const negative = cents < 0n;
    const abs = negative ? -cents : cents;
    let q = abs / count;
    const r = abs % count;
    if (2n * r >= count) q += 1n;
    return negative ? -q : q;
}
