/**
 * ClickHouse's block compression in the chdb gateway (`compress=1` / `decompress=1`), without the
 * engine. That the checksums equal ClickHouse's own CityHash128 v1.0.2, and that real clients read
 * and write these blocks, is proved against clickhouse-java in test/engine/chdb-gateway-jvm.test.ts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as zlib from "node:zlib";
import { cityHash128, cityHash128Bytes } from "../../tools/chdb-gateway/cityhash";
import { GatewayError } from "../../tools/chdb-gateway/errors";
import { compressNative, decompressNative, Method } from "../../tools/chdb-gateway/native-compression";

/** Deterministic bytes that compress somewhat (repeats) but not trivially. */
function sample(n: number, seed = 1): Buffer {
    const b = Buffer.alloc(n);
    let x = seed;
    for (let i = 0; i < n; i++) {
        x = (x * 1103515245 + 12345) >>> 0;
        b[i] = i % 7 === 0 ? x >>> 24 : (i * 31) & 0x3f;
    }
    return b;
}

/** Splits a body into its blocks' headers: method, compressed size (with header), uncompressed size. */
function headers(body: Buffer): { method: number; compressed: number; size: number; checksumOk: boolean }[] {
    const out = [];
    for (let p = 0; p < body.length;) {
        const compressed = body.readUInt32LE(p + 17);
        const framed = body.subarray(p + 16, p + 16 + compressed);
        out.push({
            method: body[p + 16],
            compressed,
            size: body.readUInt32LE(p + 21),
            checksumOk: cityHash128Bytes(framed).equals(body.subarray(p, p + 16)),
        });
        p += 16 + compressed;
    }
    return out;
}

/** One hand-made block of the given method around an already-encoded payload. */
function block(method: number, payload: Buffer, size: number): Buffer {
    const framed = Buffer.alloc(9 + payload.length);
    framed[0] = method;
    framed.writeUInt32LE(9 + payload.length, 1);
    framed.writeUInt32LE(size, 5);
    payload.copy(framed, 9);
    return Buffer.concat([cityHash128Bytes(framed), framed]);
}

const code = (fn: () => unknown): number => {
    try {
        fn();
    } catch (e) {
        assert.ok(e instanceof GatewayError, `expected a GatewayError, got ${String(e)}`);
        return e.code;
    }
    assert.fail("expected an error");
};

describe("chdb gateway ClickHouse block compression", () => {
    it("frames a response as checksummed LZ4 blocks of at most the block size, and reads them back", () => {
        const data = sample(10_000);
        const body = compressNative(data, 4096);
        const hs = headers(body);
        assert.deepEqual(
            hs.map((h) => h.size),
            [4096, 4096, 10_000 - 8192],
        );
        for (const h of hs) {
            assert.equal(h.method, Method.LZ4);
            assert.ok(h.checksumOk, "each block's first 16 bytes are the CityHash128 of the rest of it");
        }
        assert.ok(body.length < data.length, "LZ4 made it smaller");
        assert.deepEqual(decompressNative(body), data);
    });

    it("sends no block for an empty body and reads an empty body as empty", () => {
        assert.equal(compressNative(Buffer.alloc(0)).length, 0);
        assert.equal(decompressNative(Buffer.alloc(0)).length, 0);
    });

    it("reads uncompressed (0x02) blocks, mixed with LZ4 ones", () => {
        const a = Buffer.from("INSERT INTO t FORMAT CSV\n");
        const b = sample(3000, 7);
        assert.deepEqual(
            decompressNative(Buffer.concat([block(Method.NONE, a, a.length), compressNative(b)])),
            Buffer.concat([a, b]),
        );
    });

    it("refuses a block whose checksum does not match (40), unless checksumming is disabled", () => {
        const good = block(Method.NONE, Buffer.from("abc"), 3);
        const bad = Buffer.from(good);
        bad[bad.length - 1] ^= 0x01;
        assert.equal(
            code(() => decompressNative(bad)),
            40,
        );
        assert.deepEqual(decompressNative(bad, false), Buffer.from("abb"));
    });

    it("refuses unknown methods (89), truncated bodies (271) and absurd sizes (246)", () => {
        assert.equal(
            code(() => decompressNative(block(0x05, Buffer.from("x"), 1))),
            89,
        );
        const lz = compressNative(sample(500));
        assert.equal(
            code(() => decompressNative(lz.subarray(0, lz.length - 3))),
            271,
        );
        assert.equal(
            code(() => decompressNative(lz.subarray(0, 10))),
            271,
        );
        const huge = Buffer.from(lz);
        huge.writeUInt32LE(0x7fffffff, 17);
        assert.equal(
            code(() => decompressNative(huge)),
            246,
        );
    });

    it("refuses a block whose payload does not decode to the size its header claims", () => {
        const data = sample(800);
        const lz = compressNative(data);
        const framed = Buffer.from(lz.subarray(16));
        framed.writeUInt32LE(801, 5);
        assert.equal(
            code(() => decompressNative(Buffer.concat([cityHash128Bytes(framed), framed]))),
            271,
        );
    });

    it("reads ZSTD (0x90) blocks where Node's zlib has zstd, else names the Node version it needs", () => {
        const z = zlib as unknown as { zstdCompressSync?: (b: Buffer) => Buffer };
        const data = sample(2000, 3);
        if (z.zstdCompressSync) {
            assert.deepEqual(decompressNative(block(Method.ZSTD, z.zstdCompressSync(data), data.length)), data);
        } else {
            assert.throws(
                () => decompressNative(block(Method.ZSTD, Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), 1)),
                (e: unknown) => {
                    assert.ok(e instanceof GatewayError);
                    assert.equal(e.code, 89);
                    assert.match(e.message, /Node 22\.15/);
                    return true;
                },
            );
        }
    });

    it("hashes every length class (0-7, 8-15, 16-127, 128+ with each tail) to distinct, input-sensitive values", () => {
        const seen = new Set<string>();
        for (const n of [0, 1, 3, 4, 7, 8, 15, 16, 17, 31, 32, 64, 127, 128, 129, 160, 192, 224, 255, 256, 1000]) {
            const d = sample(n, 5);
            const h = cityHash128(d).join(":");
            assert.ok(!seen.has(h), `length ${n} collides`);
            seen.add(h);
            if (n > 0) {
                const flipped = Buffer.from(d);
                flipped[n - 1] ^= 0x80;
                assert.notEqual(cityHash128(flipped).join(":"), h, `length ${n}: last byte ignored`);
            }
        }
    });
});
