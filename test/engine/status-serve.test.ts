/**
 * Engine tier: the pipeline exporter, `npm run status -- --serve`, as a process against the real
 * services of test/engine/status-cli.test.ts (Kafka + a Connect worker with stand-in file connectors,
 * the embedded ClickHouse behind its gateway; test/support/status-env.ts): its metrics' names,
 * labels and values against the state the test made; a hung Connect worker (test/support/fault-proxy.ts)
 * costs one deadline and shows `cdc_component_up 0` in a successful scrape; and the bundle of
 * components/monitoring/exporterBundle.ts, alone in an empty directory, runs under plain node.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { exporterBundle } from "../../components/monitoring/exporterBundle";
import { insertBronzeRows } from "../../tools/analytics/replay/index";
import { startFaultProxy } from "../support/fault-proxy";
import { FILE_SINK, FILE_SOURCE, STRINGS } from "../support/stand-in-connectors";
import { BRONZE, DB, GOLD, PASSWORD, ROOT, SILVER_STORAGE, statusEnv, until } from "../support/status-env";

const svc = statusEnv();

interface Served {
    url: string;
    stderr: () => string;
    /** SIGTERM; resolves with the exit code. */
    stop(): Promise<number | null>;
}

/** Starts `node <args>` and waits for its "serving <url>" line. */
async function serve(args: string[], cwd = ROOT): Promise<Served> {
    const child: ChildProcess = spawn(process.execPath, args, {
        cwd,
        env: { ...process.env, CDC_STATUS_CLICKHOUSE_PASSWORD: PASSWORD },
        stdio: ["ignore", "pipe", "pipe"],
    });
    let err = "";
    child.stderr!.on("data", (c) => (err += c));
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    const url = await until(
        "the exporter's serving line",
        async () => /serving (http\S+)/.exec(err)?.[1],
        60_000,
    ).catch((e) => {
        child.kill("SIGKILL");
        throw new Error(`${(e as Error).message}; stderr:\n${err}`);
    });
    return {
        url,
        stderr: () => err,
        stop: () => {
            child.kill("SIGTERM");
            return exited;
        },
    };
}

/** One scrape: status, time taken and the samples as `name{labels}` → value. */
async function scrape(url: string): Promise<{ status: number; ms: number; m: Map<string, number>; text: string }> {
    const t0 = Date.now();
    const r = await fetch(url, { signal: AbortSignal.timeout(60_000) });
    const text = await r.text();
    const m = new Map<string, number>();
    for (const line of text.split("\n")) {
        if (line === "" || line.startsWith("#")) continue;
        const i = line.lastIndexOf(" ");
        m.set(line.slice(0, i), Number(line.slice(i + 1)));
    }
    return { status: r.status, ms: Date.now() - t0, m, text };
}

const tsxStatus = (flags: string[]) => ["--import", "tsx", path.join(ROOT, "tools", "status", "index.ts"), ...flags];
const collection = (table: string) => table.replace(/^base_/, "");

describe("npm run status -- --serve on the engine-test services", { timeout: 400_000 }, () => {
    it("serves every family with the labels of the design and the pipeline's values; SIGTERM exits 0", async (t) => {
        if (!(await svc.ready(t))) return;
        const input = path.join(svc.tmp, "serve.txt");
        fs.writeFileSync(input, "one\ntwo\n");
        await svc.connector("serve-source", {
            "connector.class": FILE_SOURCE,
            "tasks.max": "1",
            file: input,
            topic: "serve.orders",
            ...STRINGS,
        });
        await svc.connector("serve-sink", {
            "connector.class": FILE_SINK,
            "tasks.max": "1",
            file: path.join(svc.tmp, "serve-out.txt"),
            topics: "serve.orders",
            ...STRINGS,
            "errors.tolerance": "all",
            "errors.deadletterqueue.topic.name": "dlq.serve",
            "errors.deadletterqueue.topic.replication.factor": "1",
        });
        for (const table of BRONZE)
            await insertBronzeRows(svc.ch, DB, table, [
                { raw_data: "{}", _topic: "serve.orders", _partition: 0, _offset: 0, _key: null },
                { raw_data: "{}", _topic: "serve.orders", _partition: 0, _offset: 1, _key: null },
            ]);
        // Rows already in silver from other files' cases count too: read the truth from ClickHouse.
        await svc.insertSilver([{ id: "s1" }, { id: "s2", reason: "serve_reason" }]);
        const ex = await serve(
            tsxStatus([...svc.endpointFlags("serve-source", "serve-sink"), "--serve", "127.0.0.1:0"]),
        );
        try {
            const r = await until("lag 0 and every gold refresh", async () => {
                const s = await scrape(ex.url);
                const done =
                    s.m.get('cdc_sink_lag_records{topic="serve.orders"}') === 0 &&
                    GOLD.every((g) => s.m.has(`cdc_gold_refresh_last_success_timestamp_seconds{view="${g}__refresh"}`));
                return done ? s : undefined;
            });
            const m = r.m;
            assert.equal(r.status, 200);
            for (const c of ["connect", "kafka", "clickhouse"])
                assert.equal(m.get(`cdc_component_up{component="${c}"}`), 1, c);
            for (const s of ["source", "sink", "bronze", "silver", "gold"])
                assert.ok([0, 1, 2].includes(m.get(`cdc_status_verdict{component="${s}"}`)!), s);
            const count = async (sql: string) =>
                Number(
                    ((await (await svc.ch.query({ query: sql, format: "JSONEachRow" })).json()) as { n: string }[])[0]
                        .n,
                );
            for (const b of BRONZE) {
                const c = SILVER_STORAGE.map(collection).find((x) => b.endsWith(`_${x}`))!;
                assert.equal(
                    m.get(`cdc_layer_rows{layer="bronze",collection="${c}"}`),
                    await count(`SELECT count() AS n FROM ${DB}.${b}`),
                    b,
                );
                const age = m.get(`cdc_layer_freshness_seconds{layer="bronze",collection="${c}"}`)!;
                assert.ok(age >= 0 && age < 600, `${b} age ${age}`);
            }
            for (const s of SILVER_STORAGE)
                assert.equal(
                    m.get(`cdc_layer_rows{layer="silver",collection="${collection(s)}"}`),
                    await count(`SELECT count() AS n FROM ${DB}.${s}`),
                    s,
                );
            // bronze_rejects by collection and reason, as ClickHouse counts them.
            const rejects = (await (
                await svc.ch.query({
                    query: `SELECT collection, reason, count() AS n FROM ${DB}.bronze_rejects GROUP BY ALL`,
                    format: "JSONEachRow",
                })
            ).json()) as { collection: string; reason: string; n: string }[];
            assert.ok(rejects.some((x) => x.reason === "serve_reason"));
            for (const x of rejects)
                assert.equal(
                    m.get(`cdc_bronze_rejects_total{collection="${x.collection}",reason="${x.reason}"}`),
                    Number(x.n),
                );
            assert.equal(m.get('cdc_dead_letter_records{topic="dlq.serve"}'), 0);
            assert.equal(m.get('cdc_connector_state{connector="serve-source",role="source",state="RUNNING"}'), 1);
            assert.equal(m.get('cdc_connector_state{connector="serve-sink",role="sink",state="RUNNING"}'), 1);
            assert.equal(m.get('cdc_connector_state{connector="serve-sink",role="sink",state="FAILED"}'), 0);
            assert.equal(m.get('cdc_connector_failed_tasks{connector="serve-sink",role="sink"}'), 0);
            for (const g of GOLD) {
                const ts = m.get(`cdc_gold_refresh_last_success_timestamp_seconds{view="${g}__refresh"}`)!;
                assert.ok(Math.abs(ts - Date.now() / 1000) < 600, `${g} last success ${ts}`);
                assert.ok(m.get(`cdc_gold_refresh_duration_seconds{view="${g}__refresh"}`)! >= 0, g);
                assert.equal(m.get(`cdc_gold_refresh_failures_total{view="${g}__refresh"}`), 0, g);
                assert.ok(m.get(`cdc_layer_freshness_seconds{layer="gold",collection="${g}"}`)! < 600, g);
            }
            assert.ok(m.get("cdc_exporter_scrape_duration_seconds")! > 0);
            assert.ok(!r.text.includes(PASSWORD) && !ex.stderr().includes(PASSWORD));
        } finally {
            assert.equal(await ex.stop(), 0, ex.stderr());
        }
    });

    it("a hung Connect worker costs one deadline: HTTP 200, cdc_component_up{connect} 0, the others 1", async (t) => {
        if (!(await svc.ready(t))) return;
        const proxy = await startFaultProxy(svc.kafka.connectUrl);
        proxy.fault = () => "hang";
        const flags = svc.endpointFlags("serve-source", "serve-sink");
        flags[flags.indexOf("--connect-url") + 1] = proxy.url;
        const ex = await serve(tsxStatus([...flags, "--timeout", "2", "--serve", "127.0.0.1:0"]));
        try {
            const [a, b] = await Promise.all([scrape(ex.url), scrape(ex.url)]);
            for (const r of [a, b]) {
                assert.equal(r.status, 200);
                assert.equal(r.m.get('cdc_component_up{component="connect"}'), 0);
                assert.equal(r.m.get('cdc_component_up{component="kafka"}'), 1);
                assert.equal(r.m.get('cdc_component_up{component="clickhouse"}'), 1);
                assert.equal(r.m.get('cdc_status_verdict{component="source"}'), 2);
                assert.ok(![...r.m.keys()].some((k) => k.startsWith("cdc_connector_state")));
                assert.ok(r.ms < 2_000 + 6_000, `scrape took ${r.ms} ms with --timeout 2`);
            }
            // Both scrapes shared one collection: each connector's status asked once.
            assert.equal(proxy.count("GET", "/connectors/serve-sink/status"), 1);
            t.diagnostic(`hung-Connect scrapes took ${a.ms} and ${b.ms} ms (--timeout 2)`);
        } finally {
            assert.equal(await ex.stop(), 0, ex.stderr());
            await proxy.close();
        }
    });

    it("the bundle, alone in an empty directory, runs under plain node and serves the pipeline's metrics", async (t) => {
        if (!(await svc.ready(t))) return;
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "exporter-bundle-"));
        try {
            const file = path.join(dir, "exporter.js");
            const text = exporterBundle();
            fs.writeFileSync(file, text);
            t.diagnostic(`bundle ${Buffer.byteLength(text)} bytes`);
            assert.ok(Buffer.byteLength(text) < 1024 * 1024, "fits a ConfigMap");
            const ex = await serve(
                [file, ...svc.endpointFlags("serve-source", "serve-sink"), "--serve", "127.0.0.1:0"],
                dir,
            );
            try {
                const r = await scrape(ex.url);
                assert.equal(r.status, 200);
                for (const c of ["connect", "kafka", "clickhouse"])
                    assert.equal(r.m.get(`cdc_component_up{component="${c}"}`), 1, `${c}\n${r.text}`);
                // The dbt layer names came embedded: silver and gold are read without the project.
                for (const s of SILVER_STORAGE)
                    assert.ok(r.m.has(`cdc_layer_rows{layer="silver",collection="${collection(s)}"}`), s);
                assert.equal(r.m.get('cdc_connector_state{connector="serve-sink",role="sink",state="RUNNING"}'), 1);
            } finally {
                assert.equal(await ex.stop(), 0, ex.stderr());
            }
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
