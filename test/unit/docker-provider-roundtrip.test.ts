/**
 * A second `up` must change nothing: every `docker.Container` input of the docker program, taken
 * through what the Pulumi docker provider stores after create + read (test/support/
 * docker-provider-model.ts, from the provider's v4.5.0 source), must come back as given — else the
 * next `up` would replace (ForceNew) or update the container. Run with non-default limits
 * (fractional CPUs, other memory) under Pulumi mocks; stack-docker.test.ts does the same for the
 * defaults. The Go formatting rules the model ports are checked against values Go printed.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { dockerCpus, goDuration } from "../../components/platform/docker/specs";
import {
    ENGINES,
    goDurationString,
    nanoCpusToString,
    parseCpus,
    parseGoDuration,
    roundTrip,
} from "../support/docker-provider-model";
import { MockRun, runUnderMocks, unwrapSecrets } from "../support/mocks";

const fixture = JSON.parse(
    fs.readFileSync(path.join(__dirname, "../fixtures/docker-provider/go-formatting.json"), "utf8"),
) as {
    cpus: { input: string; nano?: number; error?: string; readBack?: string }[];
    unstableMillis: number[];
    millisReadBack: Record<string, string>;
    durations: { input: string; nano: number; readBack: string }[];
};

describe("the model's Go formatting agrees with Go", () => {
    it("parses and prints cpus like opts.ParseCPUs and nanoInt64ToDecimalString", () => {
        for (const c of fixture.cpus) {
            if (c.error) {
                assert.throws(
                    () => parseCpus(c.input),
                    new RegExp(c.error.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")),
                    c.input,
                );
                continue;
            }
            const nano = parseCpus(c.input);
            assert.equal(nano, BigInt(c.nano!), c.input);
            assert.equal(nanoCpusToString(nano), c.readBack, c.input);
        }
        for (const [millis, readBack] of Object.entries(fixture.millisReadBack))
            assert.equal(nanoCpusToString(BigInt(millis) * 1_000_000n), readBack, millis);
    });

    it("finds the same millicore values Go cannot read back exactly", () => {
        const unstable: number[] = [];
        for (let m = 100; m <= 64_000; m++) {
            const text = nanoCpusToString(BigInt(m) * 1_000_000n);
            if (parseCpus(text) !== BigInt(m) * 1_000_000n) unstable.push(m);
        }
        assert.deepEqual(unstable, fixture.unstableMillis);
    });

    it("parses and prints durations like time.ParseDuration and Duration.String", () => {
        for (const d of fixture.durations) {
            assert.equal(parseGoDuration(d.input), BigInt(d.nano), d.input);
            assert.equal(goDurationString(BigInt(d.nano)), d.readBack, d.input);
        }
    });
});

describe("the docker program writes values in the provider's read-back form", () => {
    it("cpus: every cpuMillis the config accepts either round-trips exactly or is refused naming the key", () => {
        const refused: number[] = [];
        for (let m = 100; m <= 64_000; m++) {
            let cpus: string;
            try {
                cpus = dockerCpus(m, "cdc:docker.resources.kafka.cpuMillis");
            } catch (e) {
                assert.match(
                    String(e),
                    /^Error: cdc:docker\.resources\.kafka\.cpuMillis: \d+ \([\d.]+ CPUs\) cannot be set on docker: .* Use \d+ or \d+: pulumi config set --path cdc:docker\.resources\.kafka\.cpuMillis \d+$/,
                );
                refused.push(m);
                continue;
            }
            const nano = parseCpus(cpus);
            assert.equal(nano, BigInt(m) * 1_000_000n, `${m} → ${cpus} is ${nano} nano-CPUs`);
            assert.equal(nanoCpusToString(nano), cpus, `${m} → ${cpus} reads back differently`);
        }
        assert.deepEqual(refused, fixture.unstableMillis);
        assert.equal(dockerCpus(1000, "k"), "1.0");
        assert.equal(dockerCpus(1500, "k"), "1.5");
        assert.equal(dockerCpus(10_000, "k"), "10.");
    });

    it("healthcheck durations: goDuration prints what Docker reports back", () => {
        for (let s = 0; s <= 7200; s++)
            assert.equal(goDuration(s), goDurationString(BigInt(s) * 1_000_000_000n), String(s));
        assert.equal(goDuration(60), "1m0s");
    });

    it('the model catches the inputs of the first version (cpus "1.00", "60s", no memory_swap)', () => {
        const old = {
            image: "sha256:x",
            restart: "unless-stopped",
            memory: 1536,
            cpus: "1.00",
            healthcheck: {
                tests: ["CMD-SHELL", "true"],
                interval: "10s",
                timeout: "10s",
                retries: 12,
                startPeriod: "60s",
            },
        };
        for (const engine of Object.values(ENGINES)) {
            const diffs = roundTrip(old, engine);
            assert.deepEqual(
                diffs.map((d) => `${d.action} ${d.input}`),
                ["update healthcheck", "update memorySwap", "replace cpus"],
            );
        }
        assert.throws(
            () => roundTrip({ image: "x", privileged: true }, ENGINES[Object.keys(ENGINES)[0]]),
            /inputs not modelled: privileged/,
        );
    });
});

describe("every container input of the docker program survives the provider's round trip", () => {
    let run: MockRun;
    before(async () => {
        run = await runUnderMocks(
            {
                "cdc:platform": "docker",
                "cdc:docker": JSON.stringify({
                    resources: {
                        mongo: { memoryMb: 768, cpuMillis: 500 },
                        kafka: { memoryMb: 1280, cpuMillis: 1500 },
                        connect: { memoryMb: 2048, cpuMillis: 2250 },
                        clickhouse: { memoryMb: 3072, cpuMillis: 4000 },
                    },
                }),
            },
            () => import("../../index"),
        );
    });

    it("with and without swap accounting: no replace, no update", () => {
        const containers = run.resources.filter((r) => r.type === "docker:index/container:Container");
        // Four services, the plugin job, the replica set job, two JMX agent fetchers, and
        // Prometheus, Grafana and the exporter (monitoring is on by default).
        assert.equal(containers.length, 11);
        for (const [engineName, engine] of Object.entries(ENGINES)) {
            for (const c of containers) {
                const diffs = roundTrip(unwrapSecrets(c.inputs) as Record<string, unknown>, engine);
                assert.deepEqual(diffs, [], `${c.name} on an engine with ${engineName}`);
            }
        }
        const kafka = containers.find((c) => c.name.endsWith("-kafka"))!;
        assert.equal(kafka.inputs.cpus, "1.5");
        assert.equal(kafka.inputs.memorySwap, -1);
    });
});
