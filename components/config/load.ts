import * as pulumi from "@pulumi/pulumi";
import { parseConfig, PipelineConfig, SECRET_KEYS } from "./index";

/**
 * The `cdc:` credential keys Pulumi holds encrypted. The engine passes the list of secret keys
 * to the program (PULUMI_CONFIG_SECRET_KEYS); `isConfigSecret` is marked internal in the SDK's
 * typings but is its only reader.
 */
function secretConfigKeys(): Set<string> {
    const isSecret = (pulumi.runtime as unknown as { isConfigSecret: (k: string) => boolean }).isConfigSecret;
    // `cdc:tls` holds a secret (the CA key, `cdc:tls.ca`) when the user brings their own CA.
    return new Set([...SECRET_KEYS, "tls"].map((k) => `cdc:${k}`).filter((k) => isSecret(k)));
}

/**
 * Reads every `cdc:*` key of the current stack and validates it (see `parseConfig`), refusing
 * credentials that were set without `--secret`. The secret values themselves are not used here:
 * the platform that needs them reads them with `requireSecret`, so they stay secret end to end.
 */
export function loadConfig(): PipelineConfig {
    const all = pulumi.runtime.allConfig();
    const raw: Record<string, unknown> = {};
    for (const [fullKey, value] of Object.entries(all)) {
        const [ns, key] = fullKey.split(":", 2);
        if (ns !== "cdc" || key === undefined) continue;
        let parsed: unknown = value;
        try {
            parsed = JSON.parse(value);
        } catch {
            // a plain string value
        }
        raw[key] = parsed;
    }
    return parseConfig(raw, { stack: pulumi.getStack(), secretKeys: secretConfigKeys() });
}
