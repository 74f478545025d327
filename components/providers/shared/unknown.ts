/**
 * Pulumi's marker for a value not known yet (during preview, an input that depends on a resource
 * still to be created). Dynamic providers receive it as this exact string; check and diff must
 * not mistake it for a real value.
 */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True when `v` is Pulumi's unknown marker. */
export function isUnknown(v: unknown): boolean {
    return v === UNKNOWN_VALUE;
}

/** True when `v` or anything inside it (arrays, plain objects) is unknown. */
export function containsUnknown(v: unknown): boolean {
    if (isUnknown(v)) return true;
    if (Array.isArray(v)) return v.some(containsUnknown);
    if (v && typeof v === "object") return Object.values(v as Record<string, unknown>).some(containsUnknown);
    return false;
}
