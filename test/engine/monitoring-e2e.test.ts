/**
 * Engine tier, the acceptance of #22: a real Prometheus (3.16.0, built from Go modules) scrapes a
 * real Kafka broker and Kafka Connect worker through the JMX exporter agent, the pipeline exporter
 * (`npm run status -- --serve`) and the embedded ClickHouse's `/metrics` (the chdb gateway), and
 * evaluates the alert rules (`renderAlertRules` with short test thresholds, 1 s evaluation):
 *
 * - every target is up; every metric an alert expression reads and every dashboard panel query
 *   returns at least one series (except what cannot exist here, named in NOT_HERE);
 * - induced faults — a dead letter, a reject, a failed sink task — each fire their alert within the
 *   rule's `for` plus two evaluation intervals of its condition becoming true, and not before.
 *
 * The connectors are Kafka's file connectors standing in for Debezium and the ClickHouse sink (as in
 * test/engine/status-cli.test.ts); silver and bronze_rejects are the minimal stand-ins of
 * test/support/status-env.ts, with a baseline row in every bronze and silver table (a running pipeline
 * has rows: the freshness series need one).
 *
 * Not here, printed by the cases that skip them (README "Testing"): Debezium's MongoDB MBeans and
 * ClickHouse sink MBeans (no MongoDB replica set, no ClickHouse sink connector here: the file connectors
 * stand in); `CdcClickHouseTooManyParts` fires only under promtool (300 parts per partition is not
 * induced here; its metric is checked).
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync, appendFileSync } from "node:fs";
import * as path from "node:path";
import { after, before, describe, it, type TestContext } from "node:test";
import * as yaml from "js-yaml";
import {
    alertMetricNames,
    renderAlertRules,
    type AlertName,
    type AlertThresholds,
} from "../../components/monitoring/alerts";
import { renderJmxExporterConfig } from "../../components/monitoring/jmx";
import { dashboardQueries } from "../../components/monitoring/dashboard";
import { insertBronzeRows } from "../../tools/analytics/replay/index";
import { ensureJmxAgentJar } from "../support/kafka/cache";
import { freeLoopbackPorts } from "../support/kafka/ports";
import { catalogMetric } from "../support/metric-catalog";
import { metricNamesIn } from "../support/promql-names";
import { prometheusProblem } from "../support/prometheus";
import { startPrometheus, type RunningPrometheus } from "../support/prometheus/server";
import { FILE_SINK, FILE_SOURCE, STRINGS } from "../support/stand-in-connectors";
import { BRONZE, DB, PASSWORD, ROOT, statusEnv, until } from "../support/status-env";
import { requireTier } from "../support/tier";

const verbose = process.env.CDC_TEST_VERBOSE ? (l: string) => process.stderr.write(`${l}\n`) : undefined;

/** Short thresholds so that faults fire in seconds; the evaluation interval is 1 s. */
const THRESHOLDS: AlertThresholds = {
    connectorFailedMinutes: 0.05, // 3 s
    sinkLagRecords: 1_000_000,
    sinkLagMinutes: 1,
    goldFreshnessSeconds: 3600,
    rejectsWindowMinutes: 1,
    deadLettersMax: 0,
    serviceDownMinutes: 0.05,
    clickhousePartsMax: 300,
    sourceDisconnectedMinutes: 0.05,
    backupMaxAgeHours: 26,
};
const EVAL_MS = 1000;
const SCRAPE = "1s";

/** Metrics that cannot exist in this test, by name prefix, and why. */
const NOT_HERE: Record<string, string> = {
    debezium_mongodb_streaming_:
        "Debezium's streaming MBeans need a MongoDB replica set with change streams; the test machine has none " +
        "(FerretDB has no change streams), so a file connector stands in for Debezium: no Debezium series, " +
        "CdcMongoSourceDisconnected and the Debezium panels are checked by promtool only",
    clickhouse_sink_:
        "the ClickHouse sink connector's MBeans: a file connector stands in for it (the sink needs a ClickHouse " +
        "server, the embedded engine is not one): its rules are only rendered and unit-tested",
    cdc_backup_last_:
        "the last backup's series exist only once `npm run backup -- create` has written the cdc_backups catalog; " +
        "no backup is taken here: CdcBackupTooOld is checked by promtool (test/engine/alert-rules.test.ts) and " +
        "the series by test/unit/status-backup.test.ts",
};
const notHere = (name: string): string | undefined =>
    Object.entries(NOT_HERE).find(([prefix]) => name.startsWith(prefix))?.[1];

let agentPorts: { kafka: number; connect: number } | undefined;
let agentDir = "";
const svc = statusEnv({
    kafkaOptions: async () => {
        if (await prometheusProblem()) return {};
        const jar = await ensureJmxAgentJar(verbose);
        const [kafka, connect] = await freeLoopbackPorts(2);
        agentPorts = { kafka, connect };
        agentDir = path.join(svc.tmp, "jmx");
        mkdirSync(agentDir, { recursive: true });
        for (const s of ["kafka", "connect"] as const)
            writeFileSync(path.join(agentDir, `${s}.yml`), renderJmxExporterConfig(s, {}));
        // The broker's JVM is started as "kafka", each worker's under its name.
        const jvmOpts = (name: string): string[] => {
            const s = name === "kafka" ? "kafka" : "connect";
            return [`-javaagent:${jar}=127.0.0.1:${agentPorts![s]}:${path.join(agentDir, `${s}.yml`)}`];
        };
        return { jvmOpts };
    },
});

interface Rule {
    alert: AlertName;
    expr: string;
    for: string;
}

/** Grafana's interval variables as Grafana would fill them for this test's 1-2 s scrapes and a 5-minute view. */
function grafanaVariables(expr: string): string {
    return expr
        .replace(/\$__rate_interval/g, "30s")
        .replace(/\$__interval/g, "5s")
        .replace(/\$__range/g, "5m");
}

function durationMs(d: string): number {
    const m = /^(\d+)(ms|s|m)$/.exec(d);
    assert.ok(m, `duration ${d}`);
    return Number(m[1]) * { ms: 1, s: 1000, m: 60_000 }[m[2] as "ms" | "s" | "m"];
}

describe(
    "monitoring end to end: Prometheus scrapes the pipeline and fires its alerts",
    { timeout: 15 * 60_000 },
    () => {
        let prom: RunningPrometheus | undefined;
        let exporter: ChildProcess | undefined;
        let problem: string | undefined;
        const rulesText = renderAlertRules(THRESHOLDS);
        const rules = new Map(
            (yaml.load(rulesText) as { groups: { rules: Rule[] }[] }).groups[0].rules.map((r) => [r.alert, r]),
        );
        const input = path.join(svc.tmp, "mon-input.jsonl");
        const outDir = path.join(svc.tmp, "mon-out");

        before(async () => {
            problem = await prometheusProblem();
            if (problem) return;
            try {
                void svc.kafka; // throws when the services did not start: each case then says why
                void svc.gw;
            } catch {
                return;
            }
            // Baseline rows, as a running pipeline has: the bronze and silver freshness series need one.
            for (const table of BRONZE)
                await insertBronzeRows(svc.ch, DB, table, [
                    { raw_data: "{}", _topic: "mon.orders", _partition: 0, _offset: 0, _key: null },
                ]);
            await svc.insertSilver([{ id: "mon-base-1" }]);
            writeFileSync(input, '{"id":1}\n{"id":2}\n');
            mkdirSync(outDir, { recursive: true });
            await svc.connector("mon-source", {
                "connector.class": FILE_SOURCE,
                "tasks.max": "1",
                file: input,
                topic: "mon.orders",
                ...STRINGS,
            });
            await svc.connector("mon-sink", {
                "connector.class": FILE_SINK,
                "tasks.max": "1",
                file: path.join(outDir, "out.txt"),
                topics: "mon.orders",
                "key.converter": "org.apache.kafka.connect.storage.StringConverter",
                "value.converter": "org.apache.kafka.connect.json.JsonConverter",
                "value.converter.schemas.enable": "false",
                "errors.tolerance": "all",
                "errors.deadletterqueue.topic.name": "dlq.mon",
                "errors.deadletterqueue.topic.replication.factor": "1",
            });
            const scrapeConfigs: Record<string, unknown>[] = [
                {
                    job_name: "clickhouse",
                    metrics_path: "/metrics",
                    scheme: new URL(svc.gw.url).protocol.replace(":", ""),
                    static_configs: [{ targets: [new URL(svc.gw.url).host] }],
                },
            ];
            {
                const [port] = await freeLoopbackPorts(1);
                exporter = spawn(
                    process.execPath,
                    [
                        "--import",
                        "tsx",
                        path.join(ROOT, "tools", "status", "index.ts"),
                        "--serve",
                        String(port),
                        ...svc.endpointFlags("mon-source", "mon-sink"),
                    ],
                    { cwd: ROOT, env: { ...process.env, CDC_STATUS_CLICKHOUSE_PASSWORD: PASSWORD }, stdio: "pipe" },
                );
                exporter.stderr?.on("data", (d: Buffer) => verbose?.(`[exporter] ${d.toString().trimEnd()}`));
                await until("the exporter's /metrics", async () =>
                    (await fetch(`http://127.0.0.1:${port}/metrics`)).ok ? true : undefined,
                );
                scrapeConfigs.push({
                    job_name: "pipeline",
                    scrape_interval: "2s",
                    scrape_timeout: "2s",
                    static_configs: [{ targets: [`127.0.0.1:${port}`] }],
                });
            }
            if (agentPorts) {
                for (const job of ["kafka", "connect"] as const)
                    scrapeConfigs.push({
                        job_name: job,
                        static_configs: [{ targets: [`127.0.0.1:${agentPorts[job]}`] }],
                    });
            }
            prom = await startPrometheus({
                global: { scrape_interval: SCRAPE, scrape_timeout: SCRAPE, evaluation_interval: `${EVAL_MS / 1000}s` },
                scrapeConfigs,
                rules: { "alerts.yml": rulesText },
                log: verbose,
            });
        });

        after(async () => {
            await prom?.stop();
            exporter?.kill("SIGTERM");
        });

        const ready = async (t: TestContext): Promise<RunningPrometheus | undefined> => {
            if (!requireTier(t, "prometheus", problem)) return undefined;
            if (!(await svc.ready(t))) return undefined;
            assert.ok(prom, "Prometheus did not start (see the before hook's error)");
            return prom;
        };

        /** Which jobs this run scrapes. */
        const jobs = (): string[] => ["clickhouse", "pipeline", ...(agentPorts ? ["kafka", "connect"] : [])];
        /** The job a metric name comes from (the catalog's; `up` is every job's). */
        const jobOf = (name: string): string | undefined => {
            if (name.startsWith("jvm_")) return "connect"; // the JMX agents' (kafka and connect)
            const job = catalogMetric(name)?.job;
            return job === "any" ? undefined : job;
        };

        it("scrapes every target it is given, all up", async (t) => {
            const p = await ready(t);
            if (!p) return;
            const targets = await until("every target up", async () => {
                const ts = await p.targets();
                return ts.length === jobs().length && ts.every((x) => x.health === "up") ? ts : undefined;
            }).catch(async (e: Error) => {
                throw new Error(`${e.message}: ${JSON.stringify(await p.targets(), null, 1)}`);
            });
            assert.deepEqual(targets.map((x) => x.labels.job).sort(), jobs().sort());
        });

        it("every metric the alert rules read returns a series (no alert is blind)", async (t) => {
            const p = await ready(t);
            if (!p) return;
            const missing: string[] = [];
            for (const rule of rules.values()) {
                for (const name of alertMetricNames(rule.expr)) {
                    const job = jobOf(name);
                    if (notHere(name) || (job && !jobs().includes(job))) continue;
                    const got = await until(
                        `a series of ${name}`,
                        async () => ((await p.query(name)).length > 0 ? true : undefined),
                        30_000,
                    ).catch(() => false);
                    if (!got) missing.push(`${rule.alert}: ${name}`);
                }
            }
            assert.deepEqual(missing, [], "alert expressions reading metrics nobody serves");
            for (const [prefix, why] of Object.entries(NOT_HERE)) t.diagnostic(`${prefix}* not checked: ${why}`);
            t.diagnostic(
                "CdcClickHouseTooManyParts: its metric is checked here, its firing only by promtool " +
                    "(test/engine/alert-rules.test.ts): 300 parts in one partition is not induced here",
            );
        });

        it("every dashboard panel query returns a series (no empty panel)", async (t) => {
            const p = await ready(t);
            if (!p) return;
            const empty: string[] = [];
            const skipped: string[] = [];
            for (const q of dashboardQueries()) {
                const names = metricNamesIn(q.expr);
                const notScraped = (n: string): boolean => jobOf(n) !== undefined && !jobs().includes(jobOf(n)!);
                if (names.some((n) => notHere(n) || notScraped(n))) {
                    skipped.push(q.panel);
                    continue;
                }
                const got = await until(
                    `panel ${q.panel}`,
                    async () => ((await p.query(grafanaVariables(q.expr))).length > 0 ? true : undefined),
                    30_000,
                ).catch(() => false);
                if (!got) empty.push(`${q.panel}: ${q.expr}`);
            }
            assert.deepEqual(empty, [], "empty panels");
            if (skipped.length > 0)
                t.diagnostic(
                    `panels not checked (their series cannot exist here): ${[...new Set(skipped)].join("; ")}`,
                );
        });

        /**
         * Induces a fault and measures: `condition` (ms from the fault until the alert's expression
         * returns the series), `firing` (ms until Prometheus lists the alert firing). Asserts the alert
         * was not firing before, and fires within its `for` + two evaluation intervals of its condition.
         */
        async function faultFires(
            t: TestContext,
            p: RunningPrometheus,
            alert: AlertName,
            match: Record<string, string>,
            induce: () => Promise<void>,
        ): Promise<void> {
            const rule = rules.get(alert)!;
            const matches = (labels: Record<string, string>): boolean =>
                Object.entries(match).every(([k, v]) => labels[k] === v);
            const firing = async (): Promise<boolean> =>
                (await p.alerts()).some(
                    (a) => a.labels.alertname === alert && a.state === "firing" && matches(a.labels),
                );
            assert.equal(await firing(), false, `${alert} fires before its fault`);
            const t0 = Date.now();
            await induce();
            let condAt: number | undefined;
            let fireAt: number | undefined;
            const deadline = t0 + 120_000;
            while (Date.now() < deadline) {
                if (condAt === undefined && (await p.query(rule.expr)).some((s) => matches(s.metric)))
                    condAt = Date.now();
                if (await firing()) {
                    fireAt = Date.now();
                    condAt ??= fireAt;
                    break;
                }
                await new Promise((r) => setTimeout(r, 200));
            }
            assert.ok(fireAt !== undefined, `${alert} did not fire within 120 s of its fault\n${p.logTail()}`);
            const bound = durationMs(rule.for) + 2 * EVAL_MS;
            t.diagnostic(
                `${alert}: condition true ${condAt! - t0} ms after the fault, firing ${fireAt - condAt!} ms later ` +
                    `(bound: for ${rule.for} + 2 × ${EVAL_MS} ms = ${bound} ms)`,
            );
            // 400 ms: this loop's poll period, twice (the condition may be seen up to one poll late).
            assert.ok(fireAt - condAt! <= bound + 400, `${alert} fired ${fireAt - condAt!} ms after its condition`);
        }

        it("a dead letter fires CdcDeadLetters", async (t) => {
            const p = await ready(t);
            if (!p) return;
            await until("a successful scrape of the exporter", async () =>
                (await p.query('up{job="pipeline"} == 1')).length > 0 ? true : undefined,
            );
            await faultFires(t, p, "CdcDeadLetters", { topic: "dlq.mon" }, async () => {
                appendFileSync(input, "this line is not JSON\n");
            });
        });

        it("a rejected row fires CdcBronzeRejects", async (t) => {
            const p = await ready(t);
            if (!p) return;
            await faultFires(t, p, "CdcBronzeRejects", { reason: "not_json" }, async () => {
                await svc.insertSilver([{ id: "mon-bad-1", reason: "not_json" }]);
            });
        });

        it("a failed sink task fires CdcConnectorTaskFailed", async (t) => {
            const p = await ready(t);
            if (!p) return;
            await faultFires(t, p, "CdcConnectorTaskFailed", { connector: "mon-sink" }, async () => {
                // FileStreamSink opens its file when the task starts: without its directory the restarted task fails.
                rmSync(outDir, { recursive: true, force: true });
                const r = await fetch(`${svc.kafka.connectUrl}/connectors/mon-sink/tasks/0/restart`, {
                    method: "POST",
                });
                assert.ok(r.status < 300, `task restart: HTTP ${r.status}`);
            });
        });

        it("ClickHouse failing an INSERT fires CdcClickHouseRejectingInserts (the embedded engine's /metrics)", async (t) => {
            const p = await ready(t);
            if (!p) return;
            await until("ClickHouse's insert counters scraped", async () =>
                (await p.query("ClickHouseProfileEvents_FailedInsertQuery")).length > 0 ? true : undefined,
            );
            // two scrapes of the counter before the fault, so that increase() sees it grow
            await new Promise((r) => setTimeout(r, 2500));
            await faultFires(t, p, "CdcClickHouseRejectingInserts", {}, async () => {
                await svc.ch.command({
                    query: `CREATE TABLE IF NOT EXISTS ${DB}.mon_typed (n UInt8) ENGINE = MergeTree ORDER BY n`,
                });
                // Over raw HTTP: the client would log the refusal this case provokes.
                const insert = `INSERT INTO ${DB}.mon_typed FORMAT JSONEachRow`;
                const r = await fetch(`${svc.gw.url}/?${new URLSearchParams({ query: insert })}`, {
                    method: "POST",
                    headers: { authorization: `Basic ${Buffer.from(`${svc.gw.user}:${PASSWORD}`).toString("base64")}` },
                    body: '{"n":"not a number"}\n',
                });
                assert.notEqual(r.status, 200, "the INSERT is refused");
            });
        });
    },
);
