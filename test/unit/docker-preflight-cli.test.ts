/**
 * `npm run up`'s preflight on the docker platform, the CLI (scripts/preflight.ts) end to end:
 * fake `docker` and `pulumi` on PATH answering from recorded outputs, and a port really held on
 * 127.0.0.1. The rules themselves are docker-preflight.test.ts.
 */
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";

const ROOT = path.resolve(__dirname, "../..");
const FIX = path.join(ROOT, "test/fixtures/docker-preflight");
const fixture = (name: string) => fs.readFileSync(path.join(FIX, name), "utf8");

describe("scripts/preflight.ts end to end (fake docker and pulumi on PATH)", () => {
    let dir = "";
    let busy: net.Server;
    let busyPort = 0;

    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "cdc-preflight-"));
        busy = net.createServer();
        await new Promise<void>((r) => busy.listen(0, "127.0.0.1", r));
        busyPort = (busy.address() as net.AddressInfo).port;
        fs.writeFileSync(path.join(dir, "context.json"), fixture("context-desktop-linux.json"));
        fs.writeFileSync(path.join(dir, "export.json"), fixture("stack-export.json"));
        // docker: context inspect / info / ps, as Docker Desktop with 3.8 GiB would answer.
        fs.writeFileSync(
            path.join(dir, "docker"),
            `#!/bin/sh
echo "$*" >> "${dir}/docker.calls"
case "$1" in
  --version) echo "Docker version 28.2.2, build e6534b4" ;;
  context) cat "${dir}/context.json" ;;
  info) [ "$DOCKER_HOST" = "unix:///Users/ada/.docker/run/docker.sock" ] || { echo "Cannot connect to the Docker daemon at $DOCKER_HOST. Is the docker daemon running?" >&2; exit 1; }
        echo '{"ServerVersion":"28.0.1","OperatingSystem":"Docker Desktop","NCPU":4,"MemTotal":4080218931,"MemoryLimit":true,"SwapLimit":true}' ;;
  ps) echo '{"Names":"cdc-docker-connect-1a2b","Ports":"127.0.0.1:8083->8083/tcp","Labels":"cdc.pulumi.project=cdc,cdc.pulumi.stack=dev"}' ;;
  *) exit 1 ;;
esac
`,
            { mode: 0o755 },
        );
        fs.writeFileSync(
            path.join(dir, "pulumi"),
            `#!/bin/sh
case "$1" in
  config) cat "${dir}/config.json" ;;
  stack) cat "${dir}/export.json" ;;
  *) exit 1 ;;
esac
`,
            { mode: 0o755 },
        );
    });
    after(() => {
        busy.close();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    const preflight = (config: Record<string, unknown>, args: string[] = [], env: NodeJS.ProcessEnv = {}) => {
        fs.writeFileSync(
            path.join(dir, "config.json"),
            JSON.stringify(
                Object.fromEntries(
                    Object.entries(config).map(([k, v]) => [
                        k,
                        { value: JSON.stringify(v), objectValue: typeof v === "object" ? v : undefined, secret: false },
                    ]),
                ),
            ),
        );
        const out = path.join(dir, "env.sh");
        fs.rmSync(out, { force: true });
        return new Promise<{ status: number; stderr: string; env: string }>((resolve) => {
            execFile(
                process.execPath,
                ["--import", "tsx", path.join(ROOT, "scripts/preflight.ts"), "--stack", "dev", "--out", out, ...args],
                {
                    cwd: ROOT,
                    env: { PATH: `${dir}:${process.env.PATH}`, HOME: dir, DOCKER_CONTEXT: "desktop-linux", ...env },
                    timeout: 60_000,
                },
                (err, _stdout, stderr) =>
                    resolve({
                        status: err ? ((err as { code?: number }).code ?? 1) : 0,
                        stderr,
                        env: fs.existsSync(out) ? fs.readFileSync(out, "utf8") : "",
                    }),
            );
        });
    };

    it("a run with problems: names the busy port's key, warns about memory, exits 1", async () => {
        const r = await preflight({ "cdc:platform": "docker", "cdc:docker": { ports: { mongo: busyPort } } });
        assert.equal(r.status, 1, r.stderr);
        assert.match(
            r.stderr,
            /Docker engine unix:\/\/\/Users\/ada\/\.docker\/run\/docker\.sock \(context "desktop-linux"\): Docker Desktop, Docker 28\.0\.1, 4 CPUs, 3\.8 GiB/,
        );
        assert.match(
            r.stderr,
            new RegExp(
                `error: host port ${busyPort} \\(cdc:docker\\.ports\\.mongo\\) is already in use on 127\\.0\\.0\\.1`,
            ),
        );
        assert.match(
            r.stderr,
            /warning: the Docker engine has 3\.8 GiB of memory; .*\n {2}Give Docker Desktop at least 6\.5 GiB/,
        );
        // Port 8083 is held by this stack's own connect container: fine.
        assert.doesNotMatch(r.stderr, /cdc:docker\.ports\.connect/);
    });

    it("a run that passes: exports the endpoint and proxy, and replaces the failed job", async () => {
        const freePort = () =>
            new Promise<number>((resolve) => {
                const s = net.createServer().listen(0, "127.0.0.1", () => {
                    const p = (s.address() as net.AddressInfo).port;
                    s.close(() => resolve(p));
                });
            });
        // Connect keeps 8083, held by this stack's own container (fake docker ps).
        const ports = { mongo: await freePort(), kafka: await freePort(), clickhouseHttp: await freePort() };
        const r = await preflight(
            {
                "cdc:platform": "docker",
                "cdc:docker": { ports, resources: { clickhouse: { memoryMb: 512, cpuMillis: 1000 } } },
            },
            [],
            { HTTPS_PROXY: "http://ada:pw@proxy.corp:3128" },
        );
        assert.equal(r.status, 0, r.stderr);
        assert.match(
            r.stderr,
            /sink plugin download through proxy http:\/\/ada:\*\*\*@proxy\.corp:3128 \(from environment\)/,
        );
        assert.match(r.stderr, /job sink-plugin failed last time \(exit code 1\): this up replaces its container/);
        const shown = spawnSync(
            "bash",
            [
                "-c",
                `DOCKER_CONTEXT=x; source "${path.join(dir, "env.sh")}"; echo "$DOCKER_HOST|\${DOCKER_CONTEXT-unset}|$CDC_FETCHER_HTTPS_PROXY"; printf '%s\\n' "\${cdc_replace[@]}"`,
            ],
            { encoding: "utf8" },
        );
        assert.equal(
            shown.stdout,
            "unix:///Users/ada/.docker/run/docker.sock|unset|http://ada:pw@proxy.corp:3128\n--replace\nurn:pulumi:dev::cdc::cdc:platform:Docker$docker:index/container:Container::cdc-docker-sink-plugin\n",
        );
    });

    it("--env-only (scripts/pulumi.sh): only the engine and proxy, never fails", async () => {
        const r = await preflight({ "cdc:platform": "docker", "cdc:docker": { ports: { mongo: busyPort } } }, [
            "--env-only",
        ]);
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stderr, "");
        assert.match(
            r.env,
            /^export DOCKER_HOST='unix:\/\/\/Users\/ada\/\.docker\/run\/docker\.sock'\nunset DOCKER_CONTEXT\nunset CDC_FETCHER_HTTP_PROXY/,
        );
        assert.doesNotMatch(r.env, /cdc_replace/);
    });

    it("warns when TLS is off (cdc:tls.enabled false), and says nothing of TLS when it is on", async () => {
        const off = await preflight({ "cdc:platform": "docker", "cdc:tls": { enabled: false } });
        assert.match(
            off.stderr,
            /warning: TLS is off \(cdc:tls\.enabled is false\).*pulumi config rm --path cdc:tls\.enabled/s,
        );
        const on = await preflight({ "cdc:platform": "docker" });
        assert.doesNotMatch(on.stderr, /TLS is off/);
    });

    it("an invalid stack config fails before pulumi up, with the config's own message", async () => {
        const r = await preflight({ "cdc:platform": "docker", "cdc:docker": { ports: { mongo: 0 } } });
        assert.equal(r.status, 1);
        assert.match(
            r.stderr,
            /error: Invalid stack configuration \(1 problem\):\n {4}- cdc:docker\.ports\.mongo: 0 is not an integer from 1 to 65535/,
        );
    });
});
