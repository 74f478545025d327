/**
 * Runs a JVM that cannot outlive the test process: java is started by a small bash watchdog that
 * holds a pipe from this process on its stdin, and kills java as soon as that pipe closes — on
 * `stop()`, on this process's normal exit, on a signal, and even when this process is SIGKILLed
 * (the kernel closes the pipe). Output goes to a file.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";

/** A running JVM. */
export interface JvmProcess {
    /** Resolves with the exit code (or signal name) once the JVM and its watchdog are gone. */
    readonly exited: Promise<number | string>;
    /** True once it has exited. */
    hasExited(): boolean;
    /** Kills the JVM (SIGKILL: the tests throw its state away) and waits until it is gone. */
    stop(): Promise<void>;
}

// fd 3 duplicates the pipe so that the background reader keeps it (bash gives a background job
// /dev/null as stdin otherwise). The reader sees EOF when the parent closes or dies, then kills java.
const WATCHDOG = `
exec 3<&0
"$@" </dev/null &
pid=$!
{ while read -r -u 3 _; do :; done; kill -KILL "$pid" 2>/dev/null; } &
wd=$!
wait "$pid"; code=$?
kill "$wd" 2>/dev/null
exit "$code"
`;

const live = new Set<ChildProcess>();
let hooked = false;

function hookProcessExit(): void {
    if (hooked) return;
    hooked = true;
    const killAll = () => {
        for (const c of live) c.kill("SIGKILL");
    };
    // Signals need no handler: a process killed by one closes the pipe, and the watchdog acts.
    process.on("exit", killAll);
}

/**
 * Starts `java` with `args`, appending its stdout and stderr to `outFile`; each output line is also
 * given to `onLine` when set. `env` adds environment variables to the JVM's.
 */
export function startJvm(
    java: string,
    args: string[],
    outFile: string,
    onLine?: (l: string) => void,
    env?: Record<string, string>,
): JvmProcess {
    hookProcessExit();
    const out = createWriteStream(outFile, { flags: "a" });
    const child = spawn("bash", ["-c", WATCHDOG, "jvm-watchdog", java, ...args], {
        stdio: ["pipe", "pipe", "pipe"],
        detached: false,
        ...(env ? { env: { ...process.env, ...env } } : {}),
    });
    live.add(child);
    let buffered = "";
    const onData = (b: Buffer) => {
        out.write(b);
        if (!onLine) return;
        buffered += b.toString("utf8");
        const lines = buffered.split("\n");
        buffered = lines.pop() ?? "";
        for (const l of lines) onLine(l);
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.stdin!.on("error", () => {}); // EPIPE when the watchdog is already gone
    let done = false;
    const exited = new Promise<number | string>((resolve) => {
        child.on("close", (code, signal) => {
            done = true;
            live.delete(child);
            out.end();
            resolve(code ?? signal ?? "unknown");
        });
    });
    return {
        exited,
        hasExited: () => done,
        async stop() {
            if (!done) child.stdin!.end();
            await exited;
        },
    };
}
