/**
 * Secret masking for everything a provider shows: error messages, logs, diffs.
 *
 * A secret value is replaced wherever it occurs, and so are the password parts of URIs
 * (`scheme://user:password@host`), which servers like to echo back in part.
 */
import { createHash } from "crypto";

/** What a masked value is replaced with. */
export const MASK = "***";

/** Secret values worth masking: each non-empty value, plus the password of any `user:password@` URI among them. */
export function secretValuesOf(secrets: Record<string, string> | undefined): string[] {
    const values = new Set<string>();
    for (const value of Object.values(secrets ?? {})) {
        if (typeof value !== "string" || value.length === 0) continue;
        values.add(value);
        for (const p of uriPasswordsOf(value)) values.add(p);
    }
    // Longest first, so a value containing another is masked whole.
    return [...values].sort((a, b) => b.length - a.length);
}

/**
 * The password of a `scheme://user:password@…` URI, as written and percent-decoded (empty when
 * `uri` holds none): the secret part of an endpoint whose other parts may be shown.
 */
export function uriPasswordsOf(uri: string): string[] {
    const m = /^[a-z][a-z0-9+.-]*:\/\/[^:/@]*:([^@]+)@/i.exec(uri);
    if (!m || m[1].length === 0) return [];
    try {
        return [...new Set([m[1], decodeURIComponent(m[1])])];
    } catch {
        return [m[1]]; // not percent-encoded: the raw form is the one to mask
    }
}

/**
 * Masks every occurrence of each secret value in `text`, and any URI credentials
 * (`://user:pass@` → `://user:***@`) even when their value is not known.
 */
export function maskSecrets(text: string, secretValues: readonly string[]): string {
    let out = text;
    for (const value of secretValues) {
        if (value.length === 0) continue;
        out = out.split(value).join(MASK);
    }
    return out.replace(/(:\/\/[^:/@\s"]*:)[^@\s"]+@/g, `$1${MASK}@`);
}

/**
 * A stable digest of a secret map, used to detect a change of secret values without storing them.
 * Keys are sorted; the digest is salted with `salt` (e.g. the connector name) so equal passwords
 * in different resources don't give equal digests.
 */
export function secretDigest(secrets: Record<string, string> | undefined, salt: string): string {
    const h = createHash("sha256");
    h.update(`cdc-pipeline/${salt}\n`);
    for (const key of Object.keys(secrets ?? {}).sort()) {
        h.update(`${key.length}:${key}=${(secrets ?? {})[key].length}:${(secrets ?? {})[key]}\n`);
    }
    return `sha256:${h.digest("hex")}`;
}

/** Per-key digests (same salting), so a diff can say *which* secret key changed without showing values. */
export function secretKeyDigests(secrets: Record<string, string> | undefined, salt: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const key of Object.keys(secrets ?? {}).sort()) {
        out[key] = secretDigest({ [key]: (secrets ?? {})[key] }, salt);
    }
    return out;
}
