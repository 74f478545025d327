/**
 * A small, fast, seeded pseudo-random generator (sfc32 seeded through splitmix32).
 * Every random choice of the deterministic path goes through one of these: never
 * `Math.random()`.
 */

function splitmix32(state: number): () => number {
    let s = state >>> 0;
    return () => {
        s = (s + 0x9e3779b9) >>> 0;
        let z = s;
        z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
        z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
        return (z ^ (z >>> 16)) >>> 0;
    };
}

/** Deterministic random source. Same seed and stream → same sequence, on every platform. */
export class Prng {
    private a: number;
    private b: number;
    private c: number;
    private d: number;

    /**
     * @param seed any integer (only its low 32 bits and `stream` matter).
     * @param stream separates independent sequences drawn from one seed (e.g. 1 for ids).
     */
    constructor(seed: number, stream = 0) {
        const mix = splitmix32((seed >>> 0) ^ Math.imul(stream + 1, 0x27d4eb2d));
        this.a = mix();
        this.b = mix();
        this.c = mix();
        this.d = mix();
        for (let i = 0; i < 12; i++) this.u32();
    }

    /** Next unsigned 32-bit integer. */
    u32(): number {
        const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
        this.d = (this.d + 1) >>> 0;
        this.a = this.b ^ (this.b >>> 9);
        this.b = (this.c + (this.c << 3)) >>> 0;
        this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
        this.c = (this.c + t) >>> 0;
        return t;
    }

    /** Uniform float in [0, 1). */
    next(): number {
        return this.u32() / 4294967296;
    }

    /** Uniform integer in [min, max] (both inclusive). */
    int(min: number, max: number): number {
        return min + Math.floor(this.next() * (max - min + 1));
    }

    /** True with probability `p`. */
    chance(p: number): boolean {
        return this.next() < p;
    }

    /** One element of a non-empty array. */
    pick<T>(items: readonly T[]): T {
        if (items.length === 0) throw new Error("Prng.pick: empty array");
        return items[Math.floor(this.next() * items.length)];
    }

    /** One key chosen with probability proportional to its weight (weights ≥ 0, sum > 0). */
    weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
        const keys = Object.keys(weights) as K[];
        let total = 0;
        for (const k of keys) total += weights[k];
        let r = this.next() * total;
        let last: K | undefined;
        for (const k of keys) {
            if (weights[k] <= 0) continue;
            last = k;
            r -= weights[k];
            if (r < 0) return k;
        }
        if (last === undefined) throw new Error("Prng.weighted: no positive weight");
        return last;
    }
}
