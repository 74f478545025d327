/**
 * JSON as text the fuzz generators can break: a tree whose leaves are raw JSON text, so a
 * document can carry what a JS object cannot (duplicate keys, numbers beyond a double, a
 * `\ud800` escape, nesting deeper than any parser allows) and still be written exactly as the
 * generator meant. Objects are written in Debezium's strict style (`": "` inside a pair, no
 * space between fields), so an untouched tree reads as a real change event.
 */

/** A JSON value as written: raw text at the leaves, ordered pairs (keys may repeat) in objects. */
export type JsonNode =
    { kind: "raw"; text: string } | { kind: "obj"; pairs: [string, JsonNode][] } | { kind: "arr"; items: JsonNode[] };

/** A leaf holding `text` verbatim. */
export const raw = (text: string): JsonNode => ({ kind: "raw", text });
/** A leaf holding `v` as JSON (`JSON.stringify`, which writes a lone surrogate as its escape). */
export const val = (v: unknown): JsonNode => raw(JSON.stringify(v));
/** An object with these pairs in this order. */
export const obj = (pairs: [string, JsonNode][]): JsonNode => ({ kind: "obj", pairs });
/** An array. */
export const arr = (items: JsonNode[]): JsonNode => ({ kind: "arr", items });

/**
 * The node's JSON text, leaves verbatim: objects in strict extended-JSON style (`"k": v`, as
 * Debezium writes `after`/`before`), or `compact` (`"k":v`, as Kafka's JsonConverter writes the
 * envelope).
 */
export function writeJson(node: JsonNode, compact = false): string {
    switch (node.kind) {
        case "raw":
            return node.text;
        case "arr":
            return `[${node.items.map((n) => writeJson(n, compact)).join(",")}]`;
        case "obj": {
            const sep = compact ? ":" : ": ";
            return `{${node.pairs.map(([k, v]) => `${JSON.stringify(k)}${sep}${writeJson(v, compact)}`).join(",")}}`;
        }
    }
}

/** A deep copy (mutations edit trees in place). */
export function cloneJson(node: JsonNode): JsonNode {
    switch (node.kind) {
        case "raw":
            return raw(node.text);
        case "arr":
            return arr(node.items.map(cloneJson));
        case "obj":
            return obj(node.pairs.map(([k, v]) => [k, cloneJson(v)]));
    }
}

/** A path into a tree: object keys (the first pair with that key) and array indexes. */
export type JsonPath = (string | number)[];

/** The node at `path`, or undefined when the path does not lead anywhere. */
export function getAt(root: JsonNode, path: JsonPath): JsonNode | undefined {
    let node: JsonNode | undefined = root;
    for (const step of path) {
        if (node === undefined) return undefined;
        if (typeof step === "number") node = node.kind === "arr" ? node.items[step] : undefined;
        else node = node.kind === "obj" ? node.pairs.find(([k]) => k === step)?.[1] : undefined;
    }
    return node;
}

function parentOf(root: JsonNode, path: JsonPath): JsonNode | undefined {
    return path.length === 0 ? undefined : getAt(root, path.slice(0, -1));
}

/** Replaces (or adds, at the end of its object) the value at `path`. No-op when the parent is missing. */
export function setAt(root: JsonNode, path: JsonPath, value: JsonNode): void {
    const parent = parentOf(root, path);
    const last = path[path.length - 1];
    if (parent === undefined || last === undefined) return;
    if (parent.kind === "arr" && typeof last === "number" && last < parent.items.length) parent.items[last] = value;
    if (parent.kind === "obj" && typeof last === "string") {
        const pair = parent.pairs.find(([k]) => k === last);
        if (pair) pair[1] = value;
        else parent.pairs.push([last, value]);
    }
}

/** Removes the value at `path` (every pair with that key). */
export function removeAt(root: JsonNode, path: JsonPath): void {
    const parent = parentOf(root, path);
    const last = path[path.length - 1];
    if (parent?.kind === "arr" && typeof last === "number") parent.items.splice(last, 1);
    if (parent?.kind === "obj" && typeof last === "string") parent.pairs = parent.pairs.filter(([k]) => k !== last);
}

/**
 * Adds a second pair with the key at `path`, holding `value`: after the first when `after`,
 * else before it, so either occurrence can be the one a reader keeps.
 */
export function duplicateAt(root: JsonNode, path: JsonPath, value: JsonNode, after: boolean): void {
    const parent = parentOf(root, path);
    const last = path[path.length - 1];
    if (parent?.kind !== "obj" || typeof last !== "string") return;
    const i = parent.pairs.findIndex(([k]) => k === last);
    if (i < 0) return;
    parent.pairs.splice(after ? i + 1 : i, 0, [last, value]);
}

/** A value nested `depth` levels deep (arrays or single-key objects) around `leaf`. */
export function nested(depth: number, shape: "arr" | "obj", leaf = "1"): string {
    return shape === "arr"
        ? `${"[".repeat(depth)}${leaf}${"]".repeat(depth)}`
        : `${'{"a": '.repeat(depth)}${leaf}${"}".repeat(depth)}`;
}
