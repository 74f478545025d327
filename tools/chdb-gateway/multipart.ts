/**
 * A minimal `multipart/form-data` reader: the client libraries send the query and its
 * `param_*` values this way when they would not fit the URL.
 */
import { Codes, GatewayError } from "./errors";

/** One form part. */
export interface FormPart {
    name: string;
    filename?: string;
    data: Buffer;
}

/** Splits a multipart body into its parts (binary-safe). */
export function parseMultipart(body: Buffer, contentType: string): FormPart[] {
    const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
    if (!m) throw new GatewayError(Codes.BAD_ARGUMENTS, "multipart/form-data without a boundary");
    const delimiter = Buffer.from(`--${m[1] ?? m[2]}`);
    const parts: FormPart[] = [];
    let pos = body.indexOf(delimiter);
    while (pos >= 0) {
        let start = pos + delimiter.length;
        if (body[start] === 0x2d && body[start + 1] === 0x2d) break; // closing delimiter
        if (body[start] === 0x0d) start++;
        if (body[start] === 0x0a) start++;
        const next = body.indexOf(delimiter, start);
        if (next < 0) break;
        let end = next;
        if (body[end - 1] === 0x0a) end--;
        if (body[end - 1] === 0x0d) end--;
        const headerEnd = body.indexOf("\r\n\r\n", start);
        const sep = headerEnd >= 0 && headerEnd < end ? 4 : 2;
        const hEnd = headerEnd >= 0 && headerEnd < end ? headerEnd : body.indexOf("\n\n", start);
        if (hEnd < 0 || hEnd > end) throw new GatewayError(Codes.BAD_ARGUMENTS, "malformed multipart/form-data part");
        const head = body.toString("utf8", start, hEnd);
        const disposition = /content-disposition:[^\r\n]*/i.exec(head)?.[0] ?? "";
        const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
        const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
        if (name !== undefined) parts.push({ name, filename, data: body.subarray(hEnd + sep, end) });
        pos = next;
    }
    return parts;
}
