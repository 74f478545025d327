/** The catalog as a table for people. */
import type { CatalogEntry } from "./manifest";

const size = (n: number) =>
    n >= 1 << 30
        ? `${(n / (1 << 30)).toFixed(1)} GiB`
        : n >= 1 << 20
          ? `${(n / (1 << 20)).toFixed(1)} MiB`
          : `${(n / 1024).toFixed(1)} KiB`;

/** One line per backup: name, status, time, base, size, duration, the sink positions it covers. */
export function formatEntries(entries: readonly CatalogEntry[]): string {
    if (entries.length === 0) return "no backups in this ClickHouse's catalog (npm run backup -- create NAME)";
    return entries
        .map((e) =>
            [
                e.name,
                e.status,
                e.createdAt,
                e.base ? `incremental on ${e.base}` : "full",
                size(e.sizeBytes),
                `${e.seconds.toFixed(1)} s`,
                `sink ${e.manifest.sink.offsets.map((p) => `${p.topic}/${p.partition}@${p.offset}`).join(" ") || "-"}`,
            ].join("  "),
        )
        .join("\n");
}
