/**
 * `npm run up`'s preflight on the docker platform: the pure rules (components/platform/docker/
 * preflight/) on recorded `docker context inspect` / `docker info` / `pulumi stack export`
 * outputs (the CLI end to end is docker-preflight-cli.test.ts). Also the pieces of the docker
 * program the preflight works with: the failed-job error message, and the Kafka healthcheck's
 * tool heap.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { parseConfig } from "../../components/config";
import {
    engineResourceFindings,
    failedJobs,
    formatFindings,
    maskProxy,
    memoryNeededMb,
    portFindings,
    proxyExports,
    publishedHostPorts,
    resolveDockerEndpoint,
    resolveProxies,
    shellExports,
} from "../../components/platform/docker/preflight";
import { checkJobResult } from "../../components/platform/docker/jobs";
import { kafkaHealthcheckCommand, KAFKA_TOOL_HEAP_OPTS } from "../../components/platform/shared/services";

const ROOT = path.resolve(__dirname, "../..");
const FIX = path.join(ROOT, "test/fixtures/docker-preflight");
const fixture = (name: string) => fs.readFileSync(path.join(FIX, name), "utf8");
const config = parseConfig({});
assert.equal(config.platform, "docker");
const defaults = config.docker;
const GiB = 1024 ** 3;

describe("Docker endpoint: resolved like the docker CLI, handed to the provider", () => {
    it("uses the current context's endpoint (Docker Desktop on macOS) and unsets DOCKER_CONTEXT for the provider", () => {
        const r = resolveDockerEndpoint({ DOCKER_CONTEXT: "desktop-linux" }, fixture("context-desktop-linux.json"));
        assert.deepEqual(r.findings, []);
        assert.deepEqual(r.endpoint, {
            host: "unix:///Users/ada/.docker/run/docker.sock",
            source: 'context "desktop-linux"',
            local: true,
        });
        assert.deepEqual(r.exports, { DOCKER_HOST: "unix:///Users/ada/.docker/run/docker.sock", DOCKER_CONTEXT: null });
    });

    it("exports the default socket for the default context", () => {
        const r = resolveDockerEndpoint({}, fixture("context-default.json"));
        assert.equal(r.exports.DOCKER_HOST, "unix:///var/run/docker.sock");
        assert.equal(r.endpoint?.local, true);
    });

    it("keeps DOCKER_HOST when set (it wins over any context, as in the CLI)", () => {
        const r = resolveDockerEndpoint(
            { DOCKER_HOST: "tcp://127.0.0.1:2375", DOCKER_CONTEXT: "desktop-linux" },
            undefined,
        );
        assert.deepEqual(r.endpoint, {
            host: "tcp://127.0.0.1:2375",
            source: "DOCKER_HOST",
            certPath: undefined,
            local: true,
        });
        assert.deepEqual(r.exports, { DOCKER_CONTEXT: null });
    });

    it("hands a TLS context's certificates to the provider (DOCKER_CERT_PATH)", () => {
        const r = resolveDockerEndpoint({}, fixture("context-remote-tls.json"));
        const tls =
            "/home/ada/.docker/contexts/tls/23c8f454b38298f642b47a0456a0e58c24d1b48f79c40bd9bddac2451cd459e8/docker";
        assert.deepEqual(r.exports, {
            DOCKER_HOST: "tcp://192.0.2.5:2376",
            DOCKER_CONTEXT: null,
            DOCKER_CERT_PATH: tls,
            DOCKER_TLS_VERIFY: "1",
        });
        assert.equal(r.endpoint?.local, false);
    });

    it("warns about a context the provider cannot follow (TLS without verification)", () => {
        const r = resolveDockerEndpoint({}, fixture("context-skip-tls.json"));
        assert.match(formatFindings(r.findings), /^warning: Docker context "skip" skips TLS verification/);
    });

    it("fails with what to do when no context can be read", () => {
        for (const out of [undefined, "not json", "[]"]) {
            const r = resolveDockerEndpoint({}, out);
            assert.equal(r.endpoint, undefined);
            assert.match(
                formatFindings(r.findings),
                /^error: cannot tell which Docker engine to use.*\n {2}Check `docker context ls`/,
            );
        }
    });
});

describe("engine memory and CPUs against the configured limits", () => {
    it("warns with the figures when the engine has less memory than the limits need (Docker Desktop default)", () => {
        const f = engineResourceFindings(
            { MemTotal: 3.8 * GiB, NCPU: 4, OperatingSystem: "Docker Desktop", ServerVersion: "28.0.1" },
            defaults.resources,
        );
        assert.equal(f.length, 1);
        assert.equal(f[0].severity, "warning");
        assert.equal(
            f[0].message,
            "the Docker engine has 3.8 GiB of memory; the four services may use up to 5.5 GiB (mongo 1.0 GiB, kafka 1.0 GiB, connect 1.5 GiB, clickhouse 2.0 GiB) " +
                "plus about 1.0 GiB for the engine itself: containers may be OOM-killed and healthchecks time out.\n" +
                "Give Docker Desktop at least 6.5 GiB (Settings → Resources → Memory), or lower the limits: pulumi config set --path cdc:docker.resources.<service>.memoryMb <MiB>",
        );
        assert.equal(memoryNeededMb(defaults.resources), 6656);
    });

    it("says nothing when the engine has enough", () => {
        assert.deepEqual(
            engineResourceFindings(
                { MemTotal: 7.7 * GiB, NCPU: 8, MemoryLimit: true, ServerVersion: "28" },
                defaults.resources,
            ),
            [],
        );
    });

    it("refuses more CPUs than the engine has, naming the key (Docker would refuse the container)", () => {
        const f = engineResourceFindings({ MemTotal: 16 * GiB, NCPU: 1, ServerVersion: "28" }, defaults.resources);
        assert.deepEqual(
            f.map((x) => x.severity),
            ["error"],
        );
        assert.match(
            f[0].message,
            /^cdc:docker\.resources\.clickhouse\.cpuMillis is 2000 \(2 CPUs\) but the Docker engine has 1 CPU; Docker refuses it \("range of CPUs is from 0\.01 to 1\.00"\)\.\nGive the engine more CPUs, or: pulumi config set --path cdc:docker\.resources\.clickhouse\.cpuMillis 1000$/,
        );
    });

    it("warns when the engine enforces no memory limits", () => {
        const f = engineResourceFindings(
            { MemTotal: 16 * GiB, NCPU: 8, MemoryLimit: false, ServerVersion: "28" },
            defaults.resources,
        );
        assert.match(f[0].message, /does not enforce memory limits/);
    });
});

describe("host ports", () => {
    const base = { ports: defaults.ports, bindAddress: "127.0.0.1", stack: "dev", project: "cdc" };

    it("reads published host ports from docker ps", () => {
        assert.deepEqual(
            publishedHostPorts("127.0.0.1:27017->27017/tcp, :::8080->80/tcp, 0.0.0.0:9000-9002->9000-9002/tcp"),
            [27017, 8080, 9000, 9001, 9002],
        );
        assert.deepEqual(publishedHostPorts(""), []);
    });

    it("names the cdc:docker.ports key of a port another program holds, with a command to move it", () => {
        const f = portFindings({
            ...base,
            probes: { mongo: { free: false, code: "EADDRINUSE" }, kafka: { free: true } },
            running: [],
        });
        assert.equal(f.length, 1);
        assert.equal(
            f[0].message,
            'host port 27017 (cdc:docker.ports.mongo) is already in use on 127.0.0.1 by another program (a local mongod?); Docker would fail late with "port is already allocated".\n' +
                "Stop it, or give the service another port: pulumi config set --path cdc:docker.ports.mongo 27018",
        );
    });

    it("accepts ports held by this stack's own containers (a second up) and names another stack's container", () => {
        const ours = {
            Names: "cdc-docker-connect-1a2b",
            Ports: "127.0.0.1:8083->8083/tcp",
            Labels: "cdc.pulumi.component=cdc-docker,cdc.pulumi.project=cdc,cdc.pulumi.stack=dev",
        };
        const theirs = { Names: "clickhouse-scratch", Ports: "0.0.0.0:8123->8123/tcp", Labels: "" };
        const f = portFindings({
            ...base,
            probes: {
                connect: { free: false, code: "EADDRINUSE" },
                clickhouseHttp: { free: false, code: "EADDRINUSE" },
            },
            running: [ours, theirs],
        });
        assert.equal(f.length, 1);
        assert.match(
            f[0].message,
            /^host port 8123 \(cdc:docker\.ports\.clickhouseHttp\) is published by container "clickhouse-scratch", which is not part of stack dev\.\nStop it, or give the service another port: pulumi config set --path cdc:docker\.ports\.clickhouseHttp 18123$/,
        );
    });

    it("explains a bind address that is not this machine's", () => {
        const f = portFindings({
            ...base,
            bindAddress: "192.0.2.9",
            probes: { kafka: { free: false, code: "EADDRNOTAVAIL" } },
            running: [],
        });
        assert.match(f[0].message, /192\.0\.2\.9 \(cdc:docker\.bindAddress\) is not an address of this machine/);
    });
});

describe("proxies for the sink-plugin fetcher", () => {
    it("takes the environment's, either case", () => {
        assert.deepEqual(resolveProxies({ https_proxy: "http://proxy.corp:3128", NO_PROXY: "localhost,.corp" }), {
            httpProxy: undefined,
            httpsProxy: "http://proxy.corp:3128",
            noProxy: "localhost,.corp",
            source: "environment",
        });
    });

    it("else the docker CLI's proxies.default (what docker run would inject)", () => {
        const text = JSON.stringify({
            auths: {},
            proxies: { default: { httpProxy: "http://p:3128", httpsProxy: "http://p:3128", noProxy: "*.local" } },
        });
        assert.deepEqual(resolveProxies({}, { path: "/home/ada/.docker/config.json", text }), {
            httpProxy: "http://p:3128",
            httpsProxy: "http://p:3128",
            noProxy: "*.local",
            source: "/home/ada/.docker/config.json",
        });
    });

    it("none: the CDC_FETCHER_* variables are unset", () => {
        assert.equal(resolveProxies({}, { path: "x", text: "{}" }), undefined);
        assert.deepEqual(proxyExports(undefined), {
            CDC_FETCHER_HTTP_PROXY: null,
            CDC_FETCHER_HTTPS_PROXY: null,
            CDC_FETCHER_NO_PROXY: null,
        });
    });

    it("masks credentials in messages", () => {
        assert.equal(maskProxy("http://ada:s3cret@proxy.corp:3128"), "http://ada:***@proxy.corp:3128");
    });
});

describe("failed one-shot jobs", () => {
    it("finds the job containers whose recorded exit code is not 0", () => {
        assert.deepEqual(failedJobs(fixture("stack-export.json")), [
            {
                urn: "urn:pulumi:dev::cdc::cdc:platform:Docker$docker:index/container:Container::cdc-docker-sink-plugin",
                job: "sink-plugin",
                exitCode: 1,
            },
        ]);
        assert.deepEqual(failedJobs(undefined), []);
        assert.deepEqual(failedJobs('{"version":3,"deployment":{"manifest":{}}}'), []);
    });

    it("fails the run with the job's log and says how to re-run it", () => {
        const urn = "urn:pulumi:dev::cdc::cdc:platform:Docker$docker:index/container:Container::cdc-docker-sink-plugin";
        assert.throws(
            () =>
                checkJobResult(
                    "ClickHouse sink plugin install",
                    1,
                    "downloading\ndownload of https://x failed 5 times",
                    urn,
                ),
            {
                message:
                    "ClickHouse sink plugin install failed with exit code 1. Last log lines:\ndownloading\ndownload of https://x failed 5 times\n" +
                    `The next \`npm run up\` runs it again (a failed job is replaced). To re-run it yourself: bash scripts/pulumi.sh up --replace '${urn}'`,
            },
        );
        assert.doesNotThrow(() => checkJobResult("x", 0, "", urn));
        assert.doesNotThrow(() => checkJobResult("x", undefined, undefined, urn));
    });
});

describe("shell output", () => {
    it("exports and unsets variables with values that survive the shell", () => {
        const text = shellExports({ A_B: 'it\'s $HOME `x` "q"', GONE: null });
        const r = spawnSync("bash", ["-c", `GONE=1; ${text}; printf '%s|%s' "$A_B" "\${GONE-unset}"`], {
            encoding: "utf8",
        });
        assert.equal(r.stdout, 'it\'s $HOME `x` "q"|unset');
        assert.throws(() => shellExports({ "bad-name": "x" }));
    });
});

describe("Kafka healthcheck", () => {
    let bin = "";
    before(() => {
        // A stand-in for the image's kafka-broker-api-versions.sh: records the heap the JVM would
        // get and answers like the tool (exit 0 when a broker answers, 1 when none does).
        bin = fs.mkdtempSync(path.join(os.tmpdir(), "cdc-kafka-bin-"));
        fs.writeFileSync(
            path.join(bin, "kafka-broker-api-versions.sh"),
            `#!/bin/sh\necho "$KAFKA_HEAP_OPTS" > "${bin}/heap"\necho "$KAFKA_JVM_PERFORMANCE_OPTS" > "${bin}/perf"\n[ "$BROKER_UP" = 1 ] || { echo "Connection to node -1 (localhost/127.0.0.1:9092) could not be established." >&2; exit 1; }\necho "localhost:9092 (id: 1 rack: null) -> ( Produce(0): 0 to 11 [usable: 11] )"\n`,
            { mode: 0o755 },
        );
    });
    after(() => fs.rmSync(bin, { recursive: true, force: true }));

    const check = (brokerUp: boolean) =>
        spawnSync("sh", ["-c", kafkaHealthcheckCommand(bin)], {
            // The container's environment: the broker's heap, as kafkaEnv sets it.
            env: { PATH: process.env.PATH, KAFKA_HEAP_OPTS: "-Xms256m -Xmx512m", BROKER_UP: brokerUp ? "1" : "0" },
            encoding: "utf8",
        });

    it("runs the tool with a small heap of its own, not the broker's", () => {
        assert.equal(check(true).status, 0);
        assert.equal(fs.readFileSync(path.join(bin, "heap"), "utf8").trim(), KAFKA_TOOL_HEAP_OPTS);
        assert.match(KAFKA_TOOL_HEAP_OPTS, /-Xmx(\d+)m/);
        assert.ok(Number(/-Xmx(\d+)m/.exec(KAFKA_TOOL_HEAP_OPTS)![1]) <= 128);
        assert.match(fs.readFileSync(path.join(bin, "perf"), "utf8"), /-XX:\+UseSerialGC/);
    });

    it("still fails when no broker is serving", () => {
        const r = check(false);
        assert.notEqual(r.status, 0);
        assert.equal(fs.readFileSync(path.join(bin, "heap"), "utf8").trim(), KAFKA_TOOL_HEAP_OPTS);
    });

    it("is the image's tool at its path in the image", () => {
        assert.match(
            kafkaHealthcheckCommand(),
            / \/opt\/kafka\/bin\/kafka-broker-api-versions\.sh --bootstrap-server localhost:9092 /,
        );
        assert.doesNotMatch(kafkaHealthcheckCommand(), /\|\| *true|; *exit 0/);
    });
});
