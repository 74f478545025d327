/**
 * HTTP body codecs for the gateway. Requests: `Content-Encoding` gzip, deflate, br (node's
 * zlib) and lz4 (the LZ4 frame format, decoded here; clickhouse-connect's default insert
 * codec). Responses: gzip, deflate or br when the client asks with `enable_http_compression=1`
 * and `Accept-Encoding`. zstd is not supported (no zlib support on Node 20). ClickHouse's own
 * block compression (`compress=1` / `decompress=1`) is a different layer: native-compression.ts.
 */
import * as zlib from "node:zlib";
import { Codes, GatewayError } from "./errors";

/** Decodes a request body according to its Content-Encoding header. */
export function decodeBody(body: Buffer, contentEncoding: string | undefined): Buffer {
    const enc = (contentEncoding ?? "").trim().toLowerCase();
    if (enc === "" || enc === "identity" || body.length === 0) return body;
    try {
        switch (enc) {
            case "gzip":
            case "x-gzip":
                return zlib.gunzipSync(body);
            case "deflate":
                return zlib.inflateSync(body);
            case "br":
                return zlib.brotliDecompressSync(body);
            case "lz4":
                return lz4FrameDecode(body);
        }
    } catch (e) {
        if (e instanceof GatewayError) throw e;
        throw new GatewayError(
            Codes.CANNOT_DECOMPRESS,
            `Cannot decompress ${enc} request body: ${(e as Error).message}`,
        );
    }
    throw new GatewayError(
        Codes.UNKNOWN_COMPRESSION_METHOD,
        `Unknown HTTP compression method ${JSON.stringify(enc)}: this gateway reads gzip, deflate, br and lz4`,
    );
}

/** Picks a response encoding from Accept-Encoding (client order), or undefined for identity. */
export function pickResponseEncoding(acceptEncoding: string | undefined): "gzip" | "deflate" | "br" | undefined {
    for (const part of (acceptEncoding ?? "").split(",")) {
        const name = part.split(";")[0].trim().toLowerCase();
        if (name === "gzip" || name === "deflate" || name === "br") return name;
    }
    return undefined;
}

/** Compresses a response body. */
export function encodeBody(body: Buffer, encoding: "gzip" | "deflate" | "br", level?: number): Buffer {
    if (encoding === "gzip") return zlib.gzipSync(body, level !== undefined ? { level } : {});
    if (encoding === "deflate") return zlib.deflateSync(body, level !== undefined ? { level } : {});
    return zlib.brotliCompressSync(body);
}

const LZ4_MAGIC = 0x184d2204;

/** Decodes one or more concatenated LZ4 frames (skippable frames are skipped). */
export function lz4FrameDecode(input: Buffer): Buffer {
    const out = new Output(Math.max(1024, input.length * 3));
    let p = 0;
    while (p < input.length) {
        if (p + 4 > input.length) throw new Error("truncated LZ4 frame header");
        const magic = input.readUInt32LE(p);
        p += 4;
        if ((magic & 0xfffffff0) === 0x184d2a50) {
            const size = input.readUInt32LE(p);
            p += 4 + size;
            continue;
        }
        if (magic !== LZ4_MAGIC) throw new Error("not an LZ4 frame (bad magic number)");
        const flg = input[p];
        p += 2; // FLG, BD
        if (flg >> 6 !== 1) throw new Error("unsupported LZ4 frame version");
        const blockChecksum = (flg & 0x10) !== 0;
        const contentSize = (flg & 0x08) !== 0;
        const contentChecksum = (flg & 0x04) !== 0;
        const dictId = (flg & 0x01) !== 0;
        if (dictId) throw new Error("LZ4 frames with a dictionary are not supported");
        if (contentSize) p += 8;
        p += 1; // header checksum
        for (;;) {
            if (p + 4 > input.length) throw new Error("truncated LZ4 frame");
            const word = input.readUInt32LE(p);
            p += 4;
            if (word === 0) break;
            const size = word & 0x7fffffff;
            if (p + size > input.length) throw new Error("truncated LZ4 block");
            if (word & 0x80000000) out.append(input, p, p + size);
            else lz4BlockDecode(input, p, p + size, out);
            p += size + (blockChecksum ? 4 : 0);
        }
        if (contentChecksum) p += 4;
    }
    return out.result();
}

/** A growable byte buffer; earlier output stays addressable for LZ4 back-references. */
class Output {
    buf: Buffer;
    len = 0;
    constructor(capacity: number) {
        this.buf = Buffer.allocUnsafe(capacity);
    }
    ensure(extra: number): void {
        if (this.len + extra <= this.buf.length) return;
        const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + extra));
        this.buf.copy(next, 0, 0, this.len);
        this.buf = next;
    }
    append(src: Buffer, start: number, end: number): void {
        this.ensure(end - start);
        src.copy(this.buf, this.len, start, end);
        this.len += end - start;
    }
    result(): Buffer {
        return this.buf.subarray(0, this.len);
    }
}

function lz4BlockDecode(src: Buffer, start: number, end: number, out: Output): void {
    let p = start;
    while (p < end) {
        const token = src[p++];
        let litLen = token >> 4;
        if (litLen === 15) {
            let b: number;
            do {
                b = src[p++];
                litLen += b;
            } while (b === 255 && p < end);
        }
        if (p + litLen > end) throw new Error("corrupt LZ4 block (literals overrun)");
        out.append(src, p, p + litLen);
        p += litLen;
        if (p >= end) break; // last sequence has literals only
        const offset = src[p] | (src[p + 1] << 8);
        p += 2;
        if (offset === 0 || offset > out.len) throw new Error("corrupt LZ4 block (bad offset)");
        let matchLen = (token & 15) + 4;
        if ((token & 15) === 15) {
            let b: number;
            do {
                b = src[p++];
                matchLen += b;
            } while (b === 255 && p < end);
        }
        out.ensure(matchLen);
        const buf = out.buf;
        let from = out.len - offset;
        let to = out.len;
        if (offset >= matchLen) {
            buf.copy(buf, to, from, from + matchLen);
        } else {
            for (let i = 0; i < matchLen; i++) buf[to++] = buf[from++];
        }
        out.len += matchLen;
    }
}
