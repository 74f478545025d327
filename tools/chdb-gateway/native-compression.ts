/**
 * ClickHouse's own block compression over HTTP: `compress=1` (the response body) and
 * `decompress=1` (the request body), what clickhouse-java (V1 and client-v2, so the Kafka Connect
 * sink) asks for by default. A body is a sequence of blocks:
 *
 *     16 bytes  CityHash128 v1.0.2 of the rest of the block (method byte to end), low half first
 *      1 byte   method: 0x82 LZ4, 0x02 none, 0x90 ZSTD
 *      4 bytes  compressed size, little-endian, including these 9 header bytes
 *      4 bytes  uncompressed size, little-endian
 *      ...      payload
 *
 * LZ4 blocks come from npm `lz4-wasm-nodejs` (the lz4_flex crate compiled to WebAssembly by its
 * author: no native build, works on every platform Node runs on). Its `compress` output is the LZ4
 * block prefixed with the uncompressed size as 4 little-endian bytes, which is exactly the tail of
 * ClickHouse's header, so blocks are assembled without copying the payload twice.
 * ZSTD blocks are read when the running Node has `zlib.zstdDecompressSync` (Node 22.15+); on
 * Node 20 they are refused by name. Responses are always LZ4, as clickhouse-server's default.
 */
import * as zlib from "node:zlib";
import * as lz4 from "lz4-wasm-nodejs";
import { cityHash128Bytes } from "./cityhash";
import { Codes, GatewayError } from "./errors";

/** Method bytes of ClickHouse's `CompressionMethodByte`. */
export const Method = { NONE: 0x02, LZ4: 0x82, ZSTD: 0x90 } as const;

const CHECKSUM = 16;
const HEADER = 9;
/** clickhouse-server cuts compressed output at its buffer size, 1 MiB. */
export const BLOCK_SIZE = 1 << 20;
/** ClickHouse refuses blocks claiming more than 1 GiB (TOO_LARGE_SIZE_COMPRESSED). */
const MAX_BLOCK = 1 << 30;

const CHECKSUM_DOESNT_MATCH = 40;
const TOO_LARGE_SIZE_COMPRESSED = 246;

type ZstdZlib = { zstdDecompressSync?: (b: Buffer) => Buffer };

/** Frames `data` as LZ4 blocks of at most `blockSize` uncompressed bytes (empty data → no block). */
export function compressNative(data: Buffer, blockSize = BLOCK_SIZE): Buffer {
    const parts: Buffer[] = [];
    for (let at = 0; at < data.length; at += blockSize) {
        const sized = lz4.compress(data.subarray(at, at + blockSize)); // uncompressed size (4 LE) + LZ4 block
        const block = Buffer.allocUnsafe(CHECKSUM + 5 + sized.length);
        block[CHECKSUM] = Method.LZ4;
        block.writeUInt32LE(HEADER + sized.length - 4, CHECKSUM + 1);
        block.set(sized, CHECKSUM + 5);
        cityHash128Bytes(block.subarray(CHECKSUM)).copy(block, 0);
        parts.push(block);
    }
    return Buffer.concat(parts);
}

/**
 * Reads a `decompress=1` body: every block's checksum is verified (unless `verifyChecksum` is false,
 * ClickHouse's `http_native_compression_disable_checksumming_on_decompress`), then its payload
 * decompressed by method.
 */
export function decompressNative(body: Buffer, verifyChecksum = true): Buffer {
    const out: Buffer[] = [];
    let p = 0;
    while (p < body.length) {
        if (p + CHECKSUM + HEADER > body.length) {
            throw new GatewayError(
                Codes.CANNOT_DECOMPRESS,
                `Cannot decompress: truncated compressed block header at byte ${p} of ${body.length} (decompress=1 expects ClickHouse's compressed block format)`,
            );
        }
        const method = body[p + CHECKSUM];
        const compressedSize = body.readUInt32LE(p + CHECKSUM + 1);
        const size = body.readUInt32LE(p + CHECKSUM + 5);
        if (compressedSize < HEADER || compressedSize > MAX_BLOCK || size > MAX_BLOCK) {
            throw new GatewayError(
                TOO_LARGE_SIZE_COMPRESSED,
                `Too large size_compressed_without_checksum: ${compressedSize} (or uncompressed ${size}). Most likely corrupted data.`,
            );
        }
        const end = p + CHECKSUM + compressedSize;
        if (end > body.length) {
            throw new GatewayError(
                Codes.CANNOT_DECOMPRESS,
                `Cannot decompress: compressed block at byte ${p} claims ${compressedSize} bytes, only ${body.length - p - CHECKSUM} follow`,
            );
        }
        const framed = body.subarray(p + CHECKSUM, end);
        if (verifyChecksum) {
            const expected = body.subarray(p, p + CHECKSUM);
            const actual = cityHash128Bytes(framed);
            if (!actual.equals(expected)) {
                throw new GatewayError(
                    CHECKSUM_DOESNT_MATCH,
                    `Checksum doesn't match: corrupted data. Reference: ${hex128(expected)}. Actual: ${hex128(actual)}. Size of compressed block: ${compressedSize}`,
                );
            }
        }
        out.push(decodePayload(method, framed, size));
        p = end;
    }
    return Buffer.concat(out);
}

function decodePayload(method: number, framed: Buffer, size: number): Buffer {
    let data: Buffer;
    try {
        if (method === Method.NONE) data = framed.subarray(HEADER);
        else if (method === Method.LZ4)
            data = Buffer.from(lz4.decompress(framed.subarray(HEADER - 4))); // size + block
        else if (method === Method.ZSTD && (zlib as ZstdZlib).zstdDecompressSync)
            data = (zlib as ZstdZlib).zstdDecompressSync!(framed.subarray(HEADER));
        else {
            const what =
                method === Method.ZSTD
                    ? `ZSTD (0x90) needs Node 22.15+ (zlib zstd); this is Node ${process.versions.node}`
                    : `0x${method.toString(16)}`;
            throw new GatewayError(
                Codes.UNKNOWN_COMPRESSION_METHOD,
                `Unknown compression method in a decompress=1 block: ${what}; this gateway reads LZ4 (0x82), none (0x02) and ZSTD (0x90, Node 22.15+)`,
            );
        }
    } catch (e) {
        if (e instanceof GatewayError) throw e;
        throw new GatewayError(
            Codes.CANNOT_DECOMPRESS,
            `Cannot decompress block (method 0x${method.toString(16)}): ${e instanceof Error ? e.message : String(e)}`,
        );
    }
    if (data.length !== size) {
        throw new GatewayError(
            Codes.CANNOT_DECOMPRESS,
            `Cannot decompress block (method 0x${method.toString(16)}): ${data.length} bytes decoded, the header says ${size}`,
        );
    }
    return data;
}

/** A checksum for an error message: (high half, low half) in hex. */
function hex128(b: Buffer): string {
    return `(0x${b.readBigUInt64LE(8).toString(16).padStart(16, "0")}, 0x${b.readBigUInt64LE(0).toString(16).padStart(16, "0")})`;
}
