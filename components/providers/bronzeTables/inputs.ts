/**
 * The BronzeTables inputs: read field by field from what Pulumi hands the provider (`__provider`
 * is never used), and checked, each problem naming the property and the fix.
 */
import type * as pulumi from "@pulumi/pulumi";
import { assertIdentifier, replicationProblems, type BronzeReplication } from "./ddl";
import type { BronzeTablesInputs } from "./types";

/** Resolved inputs picked field by field. */
export function normaliseBronzeInputs(raw: Record<string, unknown>): BronzeTablesInputs {
    return {
        url: String(raw.url ?? ""),
        user: String(raw.user ?? ""),
        password: String(raw.password ?? ""),
        ...(typeof raw.caPem === "string" && raw.caPem !== "" ? { caPem: raw.caPem } : {}),
        database: String(raw.database ?? ""),
        tables: Array.isArray(raw.tables) ? raw.tables.map(String) : [],
        dropOnDelete: raw.dropOnDelete === undefined ? false : Boolean(raw.dropOnDelete),
        dependents: Array.isArray(raw.dependents) ? raw.dependents.map(String) : [],
        ...replicationOf(raw.replication),
    };
}

/** `{ replication }` when the raw value is an object (any other value is the single node: `{}`). */
function replicationOf(raw: unknown): { replication?: BronzeReplication } {
    if (raw === undefined || raw === null) return {};
    // Anything but an object is kept as a replication without a cluster, which the check refuses by name.
    const r = (typeof raw === "object" && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>;
    return {
        replication: {
            cluster: String(r.cluster ?? ""),
            ...(r.zooPath === undefined || r.zooPath === null ? {} : { zooPath: String(r.zooPath) }),
        },
    };
}

/** Problems with the inputs, naming property and fix. */
export function checkBronzeInputs(i: BronzeTablesInputs): pulumi.dynamic.CheckFailure[] {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    if (!/^https?:\/\/[^\s/]+/.test(i.url))
        failures.push({
            property: "url",
            reason: `must be the ClickHouse HTTP(S) URL, e.g. http://localhost:8123 (got "${i.url}")`,
        });
    if (i.caPem !== undefined && !i.caPem.includes("-----BEGIN CERTIFICATE-----"))
        failures.push({
            property: "caPem",
            reason: "must be a PEM certificate (-----BEGIN CERTIFICATE-----); on the external platform set cdc:tls.caBundle",
        });
    try {
        assertIdentifier("database", i.database);
    } catch (e) {
        failures.push({ property: "database", reason: (e as Error).message });
    }
    if (i.tables.length === 0) failures.push({ property: "tables", reason: "must list at least one bronze table" });
    i.tables.forEach((t, n) => {
        try {
            assertIdentifier(`tables[${n}]`, t);
        } catch (e) {
            failures.push({ property: "tables", reason: (e as Error).message });
        }
    });
    if (new Set(i.tables).size !== i.tables.length)
        failures.push({ property: "tables", reason: "must not repeat a table" });
    for (const d of i.dependents ?? []) {
        try {
            assertIdentifier("dependents", d);
        } catch (e) {
            failures.push({ property: "dependents", reason: (e as Error).message });
        }
    }
    if (i.replication !== undefined)
        for (const [property, reason] of replicationProblems(i.database, i.replication))
            failures.push({ property, reason });
    return failures;
}
