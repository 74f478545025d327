/**
 * CityHash128 as ClickHouse checksums its compressed blocks with: Google's CityHash **v1.0.2**
 * (ClickHouse keeps that old version frozen as `CityHash_v1_0_2`; later CityHash releases hash
 * differently, and so do the npm `cityhash`/`farmhash` packages). No maintained JavaScript package
 * implements this variant, so it is written out here, in 64-bit BigInt arithmetic, and checked
 * against the real thing: the JVM-client tier (test/engine/chdb-gateway-jvm.test.ts) compares it
 * with clickhouse-java's `ClickHouseCityHash` on generated inputs of every length class, and every
 * compressed block a real client sends or accepts goes through it.
 *
 * Fine for test and replay volumes (a few MB/s); not a hot-path hash.
 */

const MASK = (1n << 64n) - 1n;
const k0 = 0xc3a5c85c97cb3127n;
const k1 = 0xb492b66fbe98f273n;
const k2 = 0x9ae16a3b2f90404fn;
const k3 = 0xc949d7c7509e6557n;
const kMul = 0x9ddfea08eb382d69n;

/** A 128-bit hash as two unsigned 64-bit halves, in ClickHouse's (first = low, second = high) order. */
export type Hash128 = [low: bigint, high: bigint];

const u64 = (x: bigint): bigint => x & MASK;
const mul = (a: bigint, b: bigint): bigint => (a * b) & MASK;
const add = (...xs: bigint[]): bigint => xs.reduce((s, x) => s + x, 0n) & MASK;
const rot = (v: bigint, s: number): bigint => (s === 0 ? v : ((v >> BigInt(s)) | (v << BigInt(64 - s))) & MASK);
const shiftMix = (v: bigint): bigint => v ^ (v >> 47n);

function hash128to64(low: bigint, high: bigint): bigint {
    let a = mul(low ^ high, kMul);
    a ^= a >> 47n;
    let b = mul(high ^ a, kMul);
    b ^= b >> 47n;
    return mul(b, kMul);
}

/** Reads little-endian words from one buffer (ClickHouse runs little-endian only). */
class Words {
    constructor(private readonly buf: Buffer) {}
    at64(p: number): bigint {
        return this.buf.readBigUInt64LE(p);
    }
    at32(p: number): bigint {
        return BigInt(this.buf.readUInt32LE(p));
    }
    byte(p: number): bigint {
        return BigInt(this.buf[p]);
    }
}

function hashLen0to16(w: Words, s: number, len: number): bigint {
    const n = BigInt(len);
    if (len > 8) {
        const a = w.at64(s);
        const b = w.at64(s + len - 8);
        return hash128to64(a, rot(add(b, n), len)) ^ b;
    }
    if (len >= 4) {
        return hash128to64(add(n, w.at32(s) << 3n), w.at32(s + len - 4));
    }
    if (len > 0) {
        const y = w.byte(s) + (w.byte(s + (len >> 1)) << 8n);
        const z = n + (w.byte(s + len - 1) << 2n);
        return mul(shiftMix(mul(y, k2) ^ mul(z, k3)), k2);
    }
    return k2;
}

/** CityMurmur: the v1.0.2 128-bit hash of inputs shorter than 128 bytes. */
function cityMurmur(w: Words, s: number, len: number, seedLow: bigint, seedHigh: bigint): Hash128 {
    let a = seedLow;
    let b = seedHigh;
    let c: bigint;
    let d: bigint;
    if (len <= 16) {
        a = mul(shiftMix(mul(a, k1)), k1);
        c = add(mul(b, k1), hashLen0to16(w, s, len));
        d = shiftMix(add(a, len >= 8 ? w.at64(s) : c));
    } else {
        c = hash128to64(add(w.at64(s + len - 8), k1), a);
        d = hash128to64(add(b, BigInt(len)), add(c, w.at64(s + len - 16)));
        a = add(a, d);
        for (let left = len - 16; left > 0; left -= 16, s += 16) {
            a ^= mul(shiftMix(mul(w.at64(s), k1)), k1);
            a = mul(a, k1);
            b ^= a;
            c ^= mul(shiftMix(mul(w.at64(s + 8), k1)), k1);
            c = mul(c, k1);
            d ^= c;
        }
    }
    a = hash128to64(a, c);
    b = hash128to64(d, b);
    return [a ^ b, hash128to64(b, a)];
}

/** The 32-byte mixing step (`WeakHashLen32WithSeeds`), reading four words at `p`. */
function weak32(w: Words, p: number, a: bigint, b: bigint): [bigint, bigint] {
    const z = w.at64(p + 24);
    a = add(a, w.at64(p));
    b = rot(add(b, a, z), 21);
    const c = a;
    a = add(a, w.at64(p + 8), w.at64(p + 16));
    b = add(b, rot(a, 44));
    return [add(a, z), add(b, c)];
}

function cityHash128WithSeed(w: Words, s: number, len: number, seedLow: bigint, seedHigh: bigint): Hash128 {
    if (len < 128) return cityMurmur(w, s, len, seedLow, seedHigh);
    let x = seedLow;
    let y = seedHigh;
    let z = mul(BigInt(len), k1);
    let v0 = add(mul(rot(y ^ k1, 49), k1), w.at64(s));
    let v1 = add(mul(rot(v0, 42), k1), w.at64(s + 8));
    let w0 = add(mul(rot(add(y, z), 35), k1), x);
    let w1 = mul(rot(add(x, w.at64(s + 88)), 53), k1);
    // Two 64-byte rounds per 128 bytes; x and z trade places after each round.
    while (len >= 128) {
        for (let round = 0; round < 2; round++) {
            x = mul(rot(add(x, y, v0, w.at64(s + 16)), 37), k1);
            y = mul(rot(add(y, v1, w.at64(s + 48)), 42), k1);
            x ^= w1;
            y ^= v0;
            z = rot(z ^ w0, 33);
            [v0, v1] = weak32(w, s, mul(v1, k1), add(x, w0));
            [w0, w1] = weak32(w, s + 32, add(z, w1), y);
            [x, z] = [z, x];
            s += 64;
        }
        len -= 128;
    }
    y = add(y, mul(rot(w0, 37), k0), z);
    x = add(x, mul(rot(add(v0, z), 49), k0));
    // Up to four 32-byte chunks from the end of the remaining input.
    for (let done = 0; done < len;) {
        done += 32;
        y = add(mul(rot(u64(y - x), 42), k0), v1);
        w0 = add(w0, w.at64(s + len - done + 16));
        x = add(mul(rot(x, 49), k0), w0);
        w0 = add(w0, v0);
        [v0, v1] = weak32(w, s + len - done, v0, v1);
    }
    x = hash128to64(x, v0);
    y = hash128to64(y, w0);
    return [add(hash128to64(add(x, v1), w1), y), hash128to64(add(x, w1), add(y, v1))];
}

/** CityHash128 v1.0.2 of `data` (ClickHouse's `CityHash_v1_0_2::CityHash128`). */
export function cityHash128(data: Buffer): Hash128 {
    const w = new Words(data);
    const len = data.length;
    if (len >= 16) return cityHash128WithSeed(w, 16, len - 16, w.at64(0) ^ k3, w.at64(8));
    if (len >= 8) {
        const n = BigInt(len);
        return cityHash128WithSeed(w, 0, 0, w.at64(0) ^ mul(n, k0), w.at64(len - 8) ^ k1);
    }
    return cityHash128WithSeed(w, 0, len, k0, k1);
}

/** The 16 checksum bytes as ClickHouse writes them: low half, then high half, each little-endian. */
export function cityHash128Bytes(data: Buffer): Buffer {
    const [low, high] = cityHash128(data);
    const out = Buffer.alloc(16);
    out.writeBigUInt64LE(low, 0);
    out.writeBigUInt64LE(high, 8);
    return out;
}
