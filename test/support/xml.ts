/**
 * Reads back the ClickHouse/Keeper config files the stack renders, as a tree, so tests assert on
 * structure instead of text. Only what those files use: elements, attributes in double quotes,
 * text, comments and `<?xml?>` declarations skipped; no entities beyond the five predefined, no
 * CDATA. Malformed input (an unclosed or mismatched tag, text outside the root) throws. No XML
 * library is a dependency of the project, and this one is small enough to read whole.
 */

export interface XmlElement {
    name: string;
    attrs: Record<string, string>;
    children: XmlElement[];
    /** The element's own text, trimmed (children's text excluded). */
    text: string;
}

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
const decode = (s: string) =>
    s
        .replace(/&(lt|gt|amp|quot|apos);/g, (_, e: string) => ENTITIES[e])
        .replace(/&[^;\s]*;/g, (m) => {
            throw new Error(`unsupported entity ${m}`);
        });

/** Parses `xml` into its root element. */
export function parseXml(xml: string): XmlElement {
    const body = xml.replace(/<!--[\s\S]*?-->/g, "").replace(/<\?[\s\S]*?\?>/g, "");
    const token = /<\/([A-Za-z_][\w.-]*)\s*>|<([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"]*")*)\s*(\/?)>|([^<]+)/g;
    const stack: XmlElement[] = [];
    let root: XmlElement | undefined;
    let m: RegExpExecArray | null;
    let at = 0;
    while ((m = token.exec(body)) !== null) {
        if (m.index !== at) throw new Error(`unparsed XML at offset ${at}: ${body.slice(at, at + 40)}`);
        at = token.lastIndex;
        const [, close, open, attrText, selfClose, text] = m;
        if (text !== undefined) {
            if (text.trim() === "") continue;
            if (stack.length === 0) throw new Error(`text outside the root element: ${text.trim()}`);
            const top = stack[stack.length - 1];
            top.text = (top.text + decode(text)).trim();
        } else if (close !== undefined) {
            const top = stack.pop();
            if (!top || top.name !== close) throw new Error(`</${close}> closes <${top?.name ?? "nothing"}>`);
        } else {
            const attrs: Record<string, string> = {};
            for (const a of attrText.matchAll(/([A-Za-z_][\w.-]*)="([^"]*)"/g)) attrs[a[1]] = decode(a[2]);
            const el: XmlElement = { name: open, attrs, children: [], text: "" };
            if (stack.length > 0) stack[stack.length - 1].children.push(el);
            else if (root) throw new Error(`a second root element <${open}>`);
            else root = el;
            if (!selfClose) stack.push(el);
        }
    }
    if (at !== body.length) throw new Error(`unparsed XML at offset ${at}`);
    if (stack.length > 0) throw new Error(`<${stack[stack.length - 1].name}> is never closed`);
    if (!root) throw new Error("no root element");
    return root;
}

/** The children of `el` named `name`. */
export function all(el: XmlElement, name: string): XmlElement[] {
    return el.children.filter((c) => c.name === name);
}

/** The one element at `path` (child names) under `el`; throws when absent or not unique. */
export function one(el: XmlElement, ...path: string[]): XmlElement {
    let cur = el;
    for (const name of path) {
        const found = all(cur, name);
        if (found.length !== 1) throw new Error(`<${cur.name}> has ${found.length} <${name}>, expected 1`);
        cur = found[0];
    }
    return cur;
}

/** Whether `el` has a child at `path`. */
export function has(el: XmlElement, ...path: string[]): boolean {
    let cur: XmlElement[] = [el];
    for (const name of path) cur = cur.flatMap((c) => all(c, name));
    return cur.length > 0;
}
