/**
 * Unit: `npm run status` never prints a credential given in an endpoint flag — not in the table,
 * not in `--json`, not in an error — and a URL that does not parse fails naming the flag. The CLI
 * runs as a process against a stand-in Kafka Connect worker on 127.0.0.1 (which also checks that
 * the URL's credentials arrive as basic authentication) and closed ports for Kafka and ClickHouse.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as http from "node:http";
import * as net from "node:net";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";

const ROOT = path.resolve(__dirname, "..", "..");
const CONNECT_PW = "conn-Pw-8817";
const KAFKA_PW = "kafka-Pw-5521";
const CH_PW = "ch-Pw-3390";
let server: http.Server;
let connectPort = 0;
let closedPort = 0;
const authSeen: string[] = [];

before(async () => {
    server = http.createServer((req, res) => {
        authSeen.push(req.headers.authorization ?? "");
        res.writeHead(200, { "content-type": "application/json" });
        // A worker that echoes the password bare (not as a URI) in a task trace.
        if (req.url === "/connectors/src/status") {
            res.end(
                JSON.stringify({
                    connector: { state: "RUNNING", worker_id: "w:8083" },
                    tasks: [
                        {
                            id: 0,
                            state: "FAILED",
                            worker_id: "w:8083",
                            trace: `LoginException: password ${CONNECT_PW} refused`,
                        },
                    ],
                }),
            );
        } else res.end(JSON.stringify({ connector: { state: "RUNNING", worker_id: "w:8083" }, tasks: [] }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    connectPort = (server.address() as net.AddressInfo).port;
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    closedPort = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
});
after(() => server.close());

function status(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const tsx = pathToFileURL(require.resolve("tsx")).href;
    return new Promise((resolve) => {
        execFile(
            process.execPath,
            ["--import", tsx, path.join(ROOT, "tools/status/index.ts"), ...args],
            { cwd: ROOT, env: { ...process.env, CDC_STATUS_CLICKHOUSE_PASSWORD: "" }, timeout: 60_000 },
            (err, stdout, stderr) => {
                resolve({ code: typeof err?.code === "number" ? err.code : err ? 1 : 0, stdout, stderr });
            },
        );
    });
}

const flags = (o: { connect?: string; kafka?: string; clickhouse?: string } = {}) => [
    "--connect-url",
    o.connect ?? `http://admin:${CONNECT_PW}@127.0.0.1:${connectPort}`,
    "--kafka",
    o.kafka ?? `127.0.0.1:${closedPort}`,
    "--clickhouse-url",
    o.clickhouse ?? `http://default:${CH_PW}@127.0.0.1:${closedPort}`,
    "--database",
    "d",
    "--source",
    "src",
    "--sink",
    "snk",
    "--bronze-tables",
    "a",
    "--timeout",
    "2",
];

function assertNoSecret(out: { stdout: string; stderr: string }, ...secrets: string[]): void {
    for (const s of secrets) {
        assert.ok(!out.stdout.includes(s), `stdout holds ${s}:\n${out.stdout}`);
        assert.ok(!out.stderr.includes(s), `stderr holds ${s}:\n${out.stderr}`);
    }
}

describe("status keeps endpoint credentials out of every output", { timeout: 120_000 }, () => {
    it("the table: URL passwords masked, also where a service echoes one bare; the credentials reach Connect as basic auth", async () => {
        const out = await status(flags());
        assert.equal(out.code, 2, out.stderr);
        assertNoSecret(out, CONNECT_PW, CH_PW);
        assert.match(out.stdout, /LoginException: password \*\*\* refused/);
        assert.match(out.stdout, /http:\/\/default:\*\*\*@127\.0\.0\.1/);
        assert.ok(
            authSeen.includes(`Basic ${Buffer.from(`admin:${CONNECT_PW}`).toString("base64")}`),
            `auth headers seen: ${authSeen.join(", ")}`,
        );
    });

    it("--json: the same report, masked", async () => {
        const out = await status([...flags(), "--json"]);
        assert.equal(out.code, 2, out.stderr);
        assertNoSecret(out, CONNECT_PW, CH_PW);
        const report = JSON.parse(out.stdout) as { stages: { stage: string; problems: string[] }[] };
        assert.match(report.stages.find((s) => s.stage === "bronze")!.problems.join("\n"), /default:\*\*\*@/);
    });

    it("credentials in --kafka are refused (status has no SASL), masked", async () => {
        const out = await status(flags({ kafka: `user:${KAFKA_PW}@127.0.0.1:${closedPort}` }));
        assert.equal(out.code, 1);
        assertNoSecret(out, KAFKA_PW);
        assert.match(out.stderr, /--kafka holds credentials \(\*\*\*@127\.0\.0\.1:\d+\)/);
    });

    it("a --clickhouse-url that does not parse fails naming the flag, without a trace or the password", async () => {
        const out = await status(flags({ clickhouse: `http://user:${CH_PW}@127.0.0.1:notaport` }));
        assert.equal(out.code, 1);
        assertNoSecret(out, CH_PW);
        assert.match(
            out.stderr,
            /^status: --clickhouse-url is not a valid URL \(http:\/\/user:\*\*\*@127\.0\.0\.1:notaport\)/,
        );
        assert.doesNotMatch(out.stderr, /\n\s+at /, "no stack trace");
        const bad = await status(flags({ connect: "ftp://127.0.0.1:21" }));
        assert.match(bad.stderr, /--connect-url must be an http:\/\/ or https:\/\/ URL/);
    });

    it("an unknown flag given with its value inline is named without the value", async () => {
        const out = await status([`--clickhouse-password=${CH_PW}`]);
        assert.equal(out.code, 1);
        assertNoSecret(out, CH_PW);
        assert.match(out.stderr, /unknown flag "--clickhouse-password"/);
    });
});
