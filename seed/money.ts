/**
 * Money as integer cents inside the generator and as 2-decimal strings outside (`"19.99"`),
 * so no float ever touches an amount.
 */
import type { Money } from "./model";

/** Cents (integer ≥ 0) → `"12.34"`. */
export function centsToMoney(cents: number): Money {
    if (!Number.isSafeInteger(cents) || cents < 0) throw new Error(`centsToMoney: bad cents ${cents}`);
    const whole = Math.floor(cents / 100);
    const frac = cents % 100;
    return `${whole}.${frac < 10 ? "0" : ""}${frac}`;
}

/** `"12.34"` (or `"12"`, `"12.3"`) → cents. Throws on anything else. */
export function moneyToCents(m: Money): number {
    const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(m);
    if (!match) throw new Error(`moneyToCents: not a money amount: ${JSON.stringify(m)}`);
    return Number(match[1]) * 100 + Number((match[2] ?? "0").padEnd(2, "0"));
}
