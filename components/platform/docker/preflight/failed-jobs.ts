/** One-shot jobs whose last run failed, to be replaced (re-run) by this `up`. */
import { JOB_LABEL } from "../names";

export interface FailedJob {
    urn: string;
    /** The job's role (`mongo-init`, `sink-plugin`) from its label, or its resource name. */
    job: string;
    exitCode: number;
}

interface ExportedResource {
    urn?: string;
    type?: string;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
}

/**
 * One-shot job containers whose recorded exit code is not 0, from `pulumi stack export`. The
 * provider never re-runs an exited container whose inputs did not change, so a job that failed
 * (a network blip, a GitHub hiccup) would stay failed on every later `up`; `npm run up` passes
 * these to `pulumi up --replace`, which creates a fresh container (running the job again) and
 * removes the old one. Jobs are recognised by the `cdc.job` label (and `attach: true`).
 */
export function failedJobs(stackExport: string | undefined): FailedJob[] {
    if (!stackExport) return [];
    let state: { deployment?: { resources?: ExportedResource[] } };
    try {
        state = JSON.parse(stackExport);
    } catch {
        return [];
    }
    const out: FailedJob[] = [];
    for (const r of state.deployment?.resources ?? []) {
        if (r.type !== "docker:index/container:Container" || !r.urn) continue;
        const outputs = r.outputs ?? {};
        const labels = (outputs.labels ?? r.inputs?.labels ?? []) as { label?: string; value?: string }[];
        const jobLabel = Array.isArray(labels) ? labels.find((l) => l.label === JOB_LABEL) : undefined;
        if (!jobLabel) continue;
        const code = outputs.exitCode;
        if (typeof code === "number" && code !== 0)
            out.push({ urn: r.urn, job: jobLabel.value ?? r.urn.split("::").pop()!, exitCode: code });
    }
    return out;
}
