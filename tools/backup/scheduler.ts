/**
 * `node backup.js schedule`: the docker platform's backup scheduler (components/platform/docker/backup.ts).
 * Docker has no CronJob: this loop wakes at each minute, and when the cron line in
 * `CDC_BACKUP_SCHEDULE` names it (UTC; the parser `cdc:backup.schedule` was validated with,
 * components/config/cron.ts) runs `sh -c "$CDC_BACKUP_RUN"` (create, then prune) and waits for it.
 * A run still going at a later matching minute makes that minute skipped (as a CronJob with
 * `concurrencyPolicy: Forbid`). The run's output goes to the container's log.
 */
import { spawn } from "node:child_process";
import { nextRun, parseCron } from "../../components/config/cron";

export { nextRun };

/** Runs the loop until SIGTERM; never returns otherwise. */
export async function runScheduler(env: NodeJS.ProcessEnv = process.env): Promise<number> {
    const schedule = env.CDC_BACKUP_SCHEDULE;
    const run = env.CDC_BACKUP_RUN;
    if (!schedule || !run) {
        process.stderr.write("backup schedule: set CDC_BACKUP_SCHEDULE (a cron line) and CDC_BACKUP_RUN (the run)\n");
        return 1;
    }
    const cron = parseCron(schedule);
    let stopping = false;
    process.once("SIGTERM", () => (stopping = true));
    process.stderr.write(`backup schedule: "${schedule}" (UTC)\n`);
    while (!stopping) {
        const next = nextRun(cron, new Date());
        if (!next) {
            process.stderr.write(`backup schedule: "${schedule}" names no minute within five years\n`);
            return 1;
        }
        process.stderr.write(`backup schedule: next run at ${next.toISOString()}\n`);
        while (!stopping && Date.now() < next.getTime())
            await new Promise((r) => setTimeout(r, Math.min(next.getTime() - Date.now(), 10_000)));
        if (stopping) break;
        const code = await new Promise<number>((resolve) => {
            const child = spawn("sh", ["-c", run], { stdio: "inherit" });
            child.on("exit", (c) => resolve(c ?? 1));
            child.on("error", () => resolve(1));
        });
        process.stderr.write(`backup schedule: run of ${next.toISOString()} exited ${code}\n`);
    }
    return 0;
}
