/**
 * placeholder (h22-platform): the signature of h22-exporter's module from
 * /work/monitoring-design.md, so the platform code compiles before it lands. The lead drops this
 * file at merge.
 */
export function exporterBundle(): string {
    return '"use strict";\n// placeholder for the bundled pipeline exporter (h22-exporter)\n';
}
