/**
 * Container image references, parsed the way Docker and containerd read them
 * (`[registry-host[:port]/]path[:tag][@algorithm:digest]`), so that a private registry with a
 * port (`registry.example.com:5000/mongo:8.0.29`) is understood and a tag is told apart from a
 * port. A stack must pin every image: by digest, or by a tag that names one release. `latest`,
 * other moving names and major-only tags (`mongo:8`, `mongo:8-jammy`) are refused: they change
 * under the stack between two `pulumi up` runs.
 */

/** The parts of a reference. */
export interface ImageRef {
    /** Registry host with optional port (`registry.example.com:5000`), absent for Docker Hub. */
    registry?: string;
    /** Repository path (`mongo`, `debezium/connect`). */
    repository: string;
    tag?: string;
    /** `sha256:<64 hex>` (or another OCI digest algorithm). */
    digest?: string;
}

// The grammar of github.com/distribution/reference, written out per component.
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const HOST =
    /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:]+\])(?::\d{1,5})?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[A-Fa-f0-9]{32,}$/;

/** Tag names that move by design. */
const MOVING_TAGS = new Set([
    "latest",
    "stable",
    "lts",
    "edge",
    "nightly",
    "main",
    "master",
    "mainline",
    "current",
    "rolling",
    "dev",
]);

/** Parses a reference; undefined when it is not one. */
export function parseImageRef(ref: string): ImageRef | undefined {
    if (typeof ref !== "string" || ref.length === 0 || /\s/.test(ref)) return undefined;
    let rest = ref;
    let digest: string | undefined;
    const at = rest.indexOf("@");
    if (at >= 0) {
        digest = rest.slice(at + 1);
        rest = rest.slice(0, at);
        if (!DIGEST.test(digest)) return undefined;
    }
    // A tag is after the last ':' only when no '/' follows it (else that ':' is a registry port).
    let tag: string | undefined;
    const colon = rest.lastIndexOf(":");
    if (colon > rest.lastIndexOf("/")) {
        tag = rest.slice(colon + 1);
        rest = rest.slice(0, colon);
        if (!TAG.test(tag)) return undefined;
    }
    const parts = rest.split("/");
    let registry: string | undefined;
    // The first component is a registry host when it looks like one (has '.' or ':', or is localhost).
    if (parts.length > 1 && (/[.:]/.test(parts[0]) || parts[0] === "localhost" || /^\[/.test(parts[0]))) {
        registry = parts.shift();
        if (!HOST.test(registry!)) return undefined;
    }
    if (parts.length === 0 || !parts.every((p) => PATH_COMPONENT.test(p))) return undefined;
    return {
        ...(registry ? { registry } : {}),
        repository: parts.join("/"),
        ...(tag ? { tag } : {}),
        ...(digest ? { digest } : {}),
    };
}

/**
 * True for a tag that names no single release: `latest` and friends, or a major version only (`8`, `v8`, `8-alpine`).
 */
export function isMovingTag(tag: string): boolean {
    return MOVING_TAGS.has(tag.toLowerCase()) || /^v?\d{1,3}(?:[-_][A-Za-z][\w.-]*)?$/.test(tag);
}

/**
 * Why `ref` is not an acceptable pinned image, or undefined when it is. A digest pins whatever
 * the tag says; without a digest the tag must name one release.
 */
export function imagePinProblem(ref: string): string | undefined {
    const parsed = parseImageRef(ref);
    if (!parsed) {
        return `${JSON.stringify(ref)} is not an image reference; expected [registry[:port]/]repository:tag or …@sha256:<digest>, e.g. mongo:8.0.29 or registry.example.com:5000/mongo:8.0.29`;
    }
    if (parsed.digest) return undefined;
    if (!parsed.tag) return `${JSON.stringify(ref)} is not pinned (no tag or digest); ${IMAGE_PIN_HINT}`;
    if (isMovingTag(parsed.tag))
        return `${JSON.stringify(ref)} is not pinned: tag "${parsed.tag}" moves to new releases; ${IMAGE_PIN_HINT}`;
    return undefined;
}

/** What to do about an unpinned image. */
export const IMAGE_PIN_HINT =
    "use a tag naming one release such as `mongo:8.0.29` (not `latest` or a major-only tag like `mongo:8`), or pin a digest (`mongo@sha256:<64 hex>`)";
