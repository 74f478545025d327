/** The response side of the gateway's HTTP interface: ClickHouse's summary header, content types, sending. */
import type { ServerResponse } from "node:http";

/** The X-ClickHouse-Summary of a statement. */
export function summary(s: {
    readRows?: number;
    readBytes?: number;
    writtenRows?: number;
    writtenBytes?: number;
    resultRows?: number;
    resultBytes?: number;
    elapsedNs: bigint;
}): Record<string, string> {
    return {
        read_rows: String(s.readRows ?? 0),
        read_bytes: String(s.readBytes ?? 0),
        written_rows: String(s.writtenRows ?? 0),
        written_bytes: String(s.writtenBytes ?? 0),
        total_rows_to_read: String(s.readRows ?? 0),
        result_rows: String(s.resultRows ?? s.writtenRows ?? 0),
        result_bytes: String(s.resultBytes ?? s.writtenBytes ?? 0),
        elapsed_ns: String(s.elapsedNs),
    };
}

/** The Content-Type clickhouse-server sends for an output format. */
export function contentTypeFor(format: string): string {
    const f = format.toLowerCase();
    if (f.startsWith("json") && f.includes("eachrow")) return "application/x-ndjson; charset=UTF-8";
    if (f.startsWith("json")) return "application/json; charset=UTF-8";
    if (f.startsWith("tabseparated") || f.startsWith("tsv")) return "text/tab-separated-values; charset=UTF-8";
    if (f.startsWith("csv"))
        return "text/csv; charset=UTF-8; header=" + (f.includes("withnames") ? "present" : "absent");
    if (
        [
            "native",
            "parquet",
            "arrow",
            "arrowstream",
            "orc",
            "avro",
            "protobuf",
            "msgpack",
            "capnproto",
            "bsoneachrow",
            "npy",
        ].includes(f) ||
        f.startsWith("rowbinary")
    ) {
        return "application/octet-stream";
    }
    return "text/plain; charset=UTF-8";
}

/** Writes a complete response. */
export function send(res: ServerResponse, status: number, headers: Record<string, string>, body: Buffer): void {
    res.writeHead(status, { ...headers, "Content-Length": String(body.length) });
    res.end(body);
}
