/**
 * The pipeline exporter as one self-contained CommonJS file: `npm run status` (tools/status) with
 * every dependency bundled by esbuild, so `node exporter.js --serve 9464 --connect-url …` runs in
 * the official Node 20 image with no node_modules (the stack mounts it from a volume or ConfigMap).
 * The dbt project's silver and gold table names are read now and embedded (the image has no
 * project; tools/status/layers.ts).
 */
import * as path from "node:path";
import * as zlib from "node:zlib";
import { buildSync } from "esbuild";
import { dbtModelLayers } from "../analytics/relations";

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
 * plain Node as the CommonJS module it is.
 */
function selfExtracting(code: Uint8Array): string {
    const packed = zlib
        .brotliCompressSync(code, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 9 } })
        .toString("base64");
    return [
        "#!/usr/bin/env node",
        "// The CDC pipeline exporter (`npm run status -- --serve`), built by components/monitoring/exporterBundle.ts:",
        "// its code and dependencies (licences included) bundled by esbuild, brotli-compressed.",
        `const code = require("node:zlib").brotliDecompressSync(Buffer.from("${packed}", "base64")).toString();`,
        'const wrap = "(function (exports, require, module, __filename, __dirname) {" + code + "\\n})";',
        'require("node:vm").runInThisContext(wrap, { filename: __filename })(exports, require, module, __filename, __dirname);',
        "",
    ].join("\n");
}

let cached: string | undefined;

/** The bundle's text (built once per process, minified and compressed: it must fit a Kubernetes ConfigMap, < 1 MiB). */
export function exporterBundle(): string {
    if (cached !== undefined) return cached;
    const layers = dbtModelLayers(path.join(ROOT, "ecom_analytics"));
    const entry =
        `import { embedModelLayers } from "./layers";\n` +
        `embedModelLayers(${JSON.stringify(layers)});\n` +
        // After the names are in place: the CLI starts when its module is evaluated.
        `require("./index");\n`;
    const out = buildSync({
        stdin: {
            contents: entry,
            resolveDir: path.join(ROOT, "tools", "status"),
            loader: "ts",
            sourcefile: "exporter.ts",
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
    cached = selfExtracting(out.outputFiles[0].contents);
    return cached;
}
