/**
 * A real Prometheus (the build of index.ts) for the engine tests: started on a free 127.0.0.1 port
 * with a given configuration and rule files in a temporary directory, its HTTP API wrapped for the
 * tests (instant queries, alerts, targets). The process dies with the test process.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { freeLoopbackPorts } from "../kafka/ports";
import { ensurePrometheus, prometheusBinPath } from "./index";

export interface PromSeries {
    metric: Record<string, string>;
    value: [number, string];
}

export interface PromAlert {
    labels: Record<string, string>;
    annotations: Record<string, string>;
    state: "pending" | "firing";
    activeAt: string;
    value: string;
}

export interface PromTarget {
    labels: Record<string, string>;
    scrapeUrl: string;
    health: "up" | "down" | "unknown";
    lastError: string;
}

export interface RunningPrometheus {
    /** `http://127.0.0.1:<port>` */
    url: string;
    /** An instant query; throws with Prometheus' error for a bad expression. */
    query(expr: string): Promise<PromSeries[]>;
    /** The alerts Prometheus holds now (pending and firing). */
    alerts(): Promise<PromAlert[]>;
    /** The active scrape targets. */
    targets(): Promise<PromTarget[]>;
    /** The last lines Prometheus logged. */
    logTail(): string;
    stop(): Promise<void>;
}

export interface StartPrometheusOptions {
    /** The `global` section (e.g. `{ scrape_interval: "1s", evaluation_interval: "1s" }`). */
    global: Record<string, unknown>;
    /** `scrape_configs`. */
    scrapeConfigs: Record<string, unknown>[];
    /** Adds job `prometheus`: Prometheus scraping itself. */
    scrapeSelf?: boolean;
    /** Rule files by name: their text. */
    rules?: Record<string, string>;
    log?: (l: string) => void;
}

async function api<T>(url: string): Promise<T> {
    const r = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    const body = (await r.json()) as { status: string; data: T; error?: string };
    if (body.status !== "success") throw new Error(`Prometheus ${url}: ${body.error ?? r.status}`);
    return body.data;
}

/** Starts Prometheus; resolves once it is ready (`/-/ready`). */
export async function startPrometheus(opts: StartPrometheusOptions): Promise<RunningPrometheus> {
    await ensurePrometheus(opts.log);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "cdc-prometheus-"));
    const ruleFiles: string[] = [];
    for (const [name, text] of Object.entries(opts.rules ?? {})) {
        const file = path.join(dir, name);
        await fs.writeFile(file, text);
        ruleFiles.push(file);
    }
    const [port] = await freeLoopbackPorts(1);
    const self = opts.scrapeSelf
        ? [{ job_name: "prometheus", static_configs: [{ targets: [`127.0.0.1:${port}`] }] }]
        : [];
    const config = { global: opts.global, rule_files: ruleFiles, scrape_configs: [...self, ...opts.scrapeConfigs] };
    await fs.writeFile(path.join(dir, "prometheus.yml"), yaml.dump(config));
    const url = `http://127.0.0.1:${port}`;
    const lines: string[] = [];
    const child: ChildProcess = spawn(
        prometheusBinPath("prometheus"),
        [
            `--config.file=${path.join(dir, "prometheus.yml")}`,
            `--storage.tsdb.path=${path.join(dir, "data")}`,
            `--web.listen-address=127.0.0.1:${port}`,
            "--log.level=info",
        ],
        { stdio: ["ignore", "pipe", "pipe"] },
    );
    const collect = (chunk: Buffer): void => {
        for (const l of chunk.toString("utf8").split("\n")) {
            if (!l) continue;
            lines.push(l);
            if (lines.length > 200) lines.shift();
            opts.log?.(`[prometheus] ${l}`);
        }
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    const killOnExit = (): void => {
        child.kill("SIGKILL");
    };
    process.on("exit", killOnExit);
    let exited = false;
    const exit = new Promise<void>((resolve) =>
        child.on("exit", () => {
            exited = true;
            resolve();
        }),
    );
    const stop = async (): Promise<void> => {
        process.off("exit", killOnExit);
        if (!exited) {
            child.kill("SIGTERM");
            const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
            await exit;
            clearTimeout(timer);
        }
        await fs.rm(dir, { recursive: true, force: true });
    };
    const deadline = Date.now() + 60_000;
    for (;;) {
        if (exited) {
            await stop();
            throw new Error(`prometheus exited before it was ready:\n${lines.slice(-20).join("\n")}`);
        }
        const ok = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2000) })
            .then((r) => r.ok)
            .catch(() => false);
        if (ok) break;
        if (Date.now() > deadline) {
            await stop();
            throw new Error(`prometheus not ready within 60 s:\n${lines.slice(-20).join("\n")}`);
        }
        await new Promise((r) => setTimeout(r, 250));
    }
    return {
        url,
        async query(expr) {
            const data = await api<{ resultType: string; result: PromSeries[] }>(
                `${url}/api/v1/query?${new URLSearchParams({ query: expr })}`,
            );
            return data.result;
        },
        async alerts() {
            return (await api<{ alerts: PromAlert[] }>(`${url}/api/v1/alerts`)).alerts;
        },
        async targets() {
            return (await api<{ activeTargets: PromTarget[] }>(`${url}/api/v1/targets?state=active`)).activeTargets;
        },
        logTail: () => lines.slice(-30).join("\n"),
        stop,
    };
}
