/** What a preflight check finds, and how `npm run up` prints it and hands variables to the shell. */

export type Severity = "error" | "warning" | "info";

export interface Finding {
    severity: Severity;
    /** One or more lines: what is wrong, and what to do. */
    message: string;
}

/** `value` quoted for a POSIX shell (single quotes). */
export function shellQuote(value: string): string {
    return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Shell lines setting (or, for null, unsetting) each variable, for `eval` in scripts/*.sh. */
export function shellExports(vars: Record<string, string | null>): string {
    return Object.entries(vars)
        .map(([k, v]) => {
            if (!/^[A-Z_][A-Z0-9_]*$/.test(k)) throw new Error(`not a variable name: ${k}`);
            return v === null ? `unset ${k}` : `export ${k}=${shellQuote(v)}`;
        })
        .join("\n");
}

/** Findings as text, errors first, one `error:`/`warning:`/`note:` block each. */
export function formatFindings(findings: Finding[]): string {
    const order: Severity[] = ["error", "warning", "info"];
    const label: Record<Severity, string> = { error: "error", warning: "warning", info: "note" };
    return [...findings]
        .sort((a, b) => order.indexOf(a.severity) - order.indexOf(b.severity))
        .map((f) => `${label[f.severity]}: ${f.message.split("\n").join("\n  ")}`)
        .join("\n");
}
