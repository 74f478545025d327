import * as pulumi from "@pulumi/pulumi";
import { parseConfig, PipelineConfig } from "./index";

/**
 * Reads every `cdc:*` key of the current stack and validates it (see `parseConfig`). Secrets
 * (`cdc:clickhousePassword`, `cdc:debeziumConnectionString`) are not read here: the platform that
 * needs them reads them with `requireSecret`, so they stay secret end to end.
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
    return parseConfig(raw);
}
