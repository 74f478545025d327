/**
 * Errors that survive the trip out of a dynamic provider.
 *
 * Pulumi serializes the provider's code (`pulumi.runtime.serializeFunction`); a class that
 * extends `Error` comes out as a plain function whose instances are not `Error`s any more, so
 * the engine printed them as `[object Object]: undefined`. Each provider method therefore hands
 * Pulumi a native `Error` (a global the serializer leaves alone) carrying the message, and,
 * for a create that left something behind, the `id`/`properties`/`reasons` Pulumi uses to
 * record a resource that exists but failed to initialise (so `destroy` still removes it).
 */

/** The message of anything thrown: `message` when there is one, else a readable rendering. */
export function messageOf(e: unknown): string {
    if (typeof e === "string") return e;
    if (e && typeof e === "object") {
        const m = (e as { message?: unknown }).message;
        if (typeof m === "string" && m.length > 0) return m;
        try {
            const json = JSON.stringify(e);
            if (json && json !== "{}") return json;
        } catch {
            /* circular: fall through */
        }
    }
    return String(e);
}

/** A native `Error` with the message of `e` and its name, plus Pulumi's init-failure fields when `e` has them. */
export function plainError(e: unknown): Error {
    const out = new Error(messageOf(e));
    if (e && typeof e === "object") {
        const src = e as { name?: unknown; id?: unknown; properties?: unknown; reasons?: unknown; status?: unknown };
        if (typeof src.name === "string" && src.name !== "Error") out.name = src.name;
        // An HTTP status stays readable by callers (tests, scripts) that catch the error in-process.
        if (typeof src.status === "number") Object.assign(out, { status: src.status });
        // Pulumi's dynamic-provider host reads these off a create/update error (ErrorResourceInitFailed).
        if (typeof src.id === "string" && src.id.length > 0) {
            Object.assign(out, {
                id: src.id,
                properties: src.properties ?? {},
                reasons: Array.isArray(src.reasons) ? src.reasons : [out.message],
            });
        }
    }
    return out;
}

/**
 * Wraps each method of a provider object so that whatever it throws reaches Pulumi as a
 * {@link plainError}. Non-function members are copied as they are.
 */
export function withPlainErrors<P extends object>(provider: P): P {
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(provider)) {
        if (typeof member !== "function") {
            out[key] = member;
            continue;
        }
        const method = member as (...args: unknown[]) => unknown;
        out[key] = async (...args: unknown[]) => {
            try {
                return await method.apply(provider, args);
            } catch (e) {
                throw plainError(e);
            }
        };
    }
    return out as P;
}
