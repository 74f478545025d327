/**
 * Deterministic ObjectId generation: 4-byte creation time (seconds), 5 bytes fixed per
 * generator (drawn from the seed), 3-byte counter — the layout MongoDB drivers use, so ids
 * sort by creation time like real ones.
 */
import { Prng } from "./prng";
import type { ObjectIdHex } from "./model";

function hex(n: number, width: number): string {
    return n.toString(16).padStart(width, "0");
}

/** Makes ObjectId hex strings for a given seed; never repeats within one generator. */
export class ObjectIdFactory {
    private readonly machine: string;
    private counter: number;

    /** @param seed the history's seed; ids differ between seeds. */
    constructor(seed: number) {
        const rng = new Prng(seed, 0x0b1d);
        this.machine = hex(rng.u32(), 8) + hex(rng.u32() & 0xff, 2);
        this.counter = rng.u32() & 0xffffff;
    }

    /** A new id whose timestamp part is `at` (seconds, clamped to the 32-bit range). */
    next(at: Date): ObjectIdHex {
        const secs = Math.min(0xffffffff, Math.max(0, Math.floor(at.getTime() / 1000)));
        this.counter = (this.counter + 1) & 0xffffff;
        return hex(secs, 8) + this.machine + hex(this.counter, 6);
    }
}

/** True when `s` is a 24-char lowercase hex ObjectId string. */
export function isObjectIdHex(s: unknown): s is ObjectIdHex {
    return typeof s === "string" && /^[0-9a-f]{24}$/.test(s);
}
