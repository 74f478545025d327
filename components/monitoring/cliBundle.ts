/**
 * A command-line tool of this repository as one self-contained CommonJS file: its code and every
 * dependency bundled by esbuild, minified, brotli-compressed and base64-encoded behind a few lines
 * of plain Node that unpack and run it, so `node tool.js …` runs in the official Node 20 image with
 * no node_modules and fits a Kubernetes ConfigMap (< 1 MiB). The pipeline exporter
 * (exporterBundle.ts) and the backup job (backupBundle.ts) are built by it.
 */
import * as path from "node:path";
import * as zlib from "node:zlib";
import { buildSync } from "esbuild";

const ROOT = path.resolve(__dirname, "..", "..");

/**
 * @platformatic/kafka's WebAssembly helpers read `native.wasm` next to their module; their
 * `bundled.js` variant carries it inline, which a single file needs.
 */
function inlineWasmUtils(): string {
    return require.resolve("@platformatic/wasm-utils").replace(/index\.js$/, "bundled.js");
}

/**
 * The minified bundle is about 1.1 MB, over what a ConfigMap holds (1 MiB): it travels
 * brotli-compressed and base64-encoded (about a third of that), unpacked and run by a few lines of
 * plain Node as the CommonJS module it is. `comment`: the lines after the shebang saying what it is.
 */
function selfExtracting(code: Uint8Array, comment: readonly string[]): string {
    const packed = zlib
        .brotliCompressSync(code, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 9 } })
        .toString("base64");
    return [
        "#!/usr/bin/env node",
        ...comment.map((l) => `// ${l}`),
        `const code = require("node:zlib").brotliDecompressSync(Buffer.from("${packed}", "base64")).toString();`,
        'const wrap = "(function (exports, require, module, __filename, __dirname) {" + code + "\\n})";',
        'require("node:vm").runInThisContext(wrap, { filename: __filename })(exports, require, module, __filename, __dirname);',
        "",
    ].join("\n");
}

export interface CliBundleOptions {
    /** The entry module's TypeScript source. */
    contents: string;
    /** The directory its relative imports resolve from, relative to the repository root (`tools/status`). */
    resolveDir: string;
    /** The entry's file name in messages and source positions. */
    sourcefile: string;
    /** The comment lines at the top of the file. */
    comment: readonly string[];
}

/** The bundle's text (minified and compressed). */
export function bundleCli(o: CliBundleOptions): string {
    const out = buildSync({
        stdin: {
            contents: o.contents,
            resolveDir: path.join(ROOT, o.resolveDir),
            loader: "ts",
            sourcefile: o.sourcefile,
        },
        bundle: true,
        platform: "node",
        target: "node20",
        format: "cjs",
        minify: true,
        legalComments: "eof",
        write: false,
        logLevel: "silent",
        absWorkingDir: ROOT,
        alias: { "@platformatic/wasm-utils": inlineWasmUtils() },
        // ES modules in the dependencies ask import.meta.url for their own location (createRequire).
        define: { "import.meta.url": "__cdcImportMetaUrl" },
        banner: { js: `const __cdcImportMetaUrl = require("node:url").pathToFileURL(__filename).href;` },
    });
    return selfExtracting(out.outputFiles[0].contents, o.comment);
}
