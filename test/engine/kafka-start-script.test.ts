/**
 * Engine tier: the secure broker's container script (shared/kafkaSecurity.ts `kafkaStartScript`,
 * what docker and kubernetes run) run for real with bash and the Maven jars, on a volume that was
 * formatted before any SCRAM user existed (an upgrade from PLAINTEXT): the script's format is then
 * a no-op, and its upsert through the mutual-TLS listener must create the users.
 */
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { Admin } from "@platformatic/kafka";
import {
    brokerSecurityProperties,
    KAFKA_USERS,
    kafkaStartScript,
} from "../../components/platform/shared/kafkaSecurity";
import { ensureKafkaJars, javaBin, kafkaToolchainProblem } from "../support/kafka/cache";
import { brokerPropertyMap } from "../support/kafka/config";
import { startJvm, type JvmProcess } from "../support/kafka/jvm";
import { freeLoopbackPorts } from "../support/kafka/ports";
import { makeKafkaTestSecurity } from "../support/kafka/security";
import { requireTier } from "../support/tier";

const procs: JvmProcess[] = [];
let root: string | undefined;

describe("the secure broker's start script", { timeout: 300_000 }, () => {
    after(async () => {
        await Promise.all(procs.map((p) => p.stop()));
        if (root) await fs.rm(root, { recursive: true, force: true });
    });

    it("creates the SCRAM users on a volume formatted without them, then serves SASL_SSL", async (t) => {
        if (!requireTier(t, "kafka", await kafkaToolchainProblem())) return;
        const libs = path.join(await ensureKafkaJars(), "libs", "*");
        root = await fs.mkdtemp(path.join(os.tmpdir(), "cdc-kafka-script-"));
        const java = javaBin();
        const sec = makeKafkaTestSecurity(path.join(root, "tls"), path.join(path.dirname(java), "keytool"));
        // The image's scripts, as thin wrappers over the jars.
        const bin = path.join(root, "bin");
        await fs.mkdir(bin);
        const wrapper = async (name: string, main: string, heap: string) =>
            fs.writeFile(
                path.join(bin, name),
                `#!/bin/bash\nexec "${java}" \${KAFKA_HEAP_OPTS:-${heap}} -XX:+UseSerialGC -cp '${libs}' ${main} "$@"\n`,
                { mode: 0o755 },
            );
        await wrapper("kafka-storage.sh", "kafka.tools.StorageTool", "-Xmx256m");
        await wrapper("kafka-server-start.sh", "kafka.Kafka", "-Xmx512m");
        await wrapper("kafka-configs.sh", "kafka.admin.ConfigCommand", "-Xmx128m");

        const [internal, controller, broker] = await freeLoopbackPorts(3);
        const dataDir = path.join(root, "data");
        const properties = Object.fromEntries(
            Object.entries({
                ...brokerPropertyMap({ brokerPort: internal, controllerPort: controller, dataDir }),
                "node.id": "@NODE_ID@",
                ...brokerSecurityProperties({
                    bindHost: "127.0.0.1",
                    advertisedHost: "127.0.0.1",
                    quorumVoters: `1@127.0.0.1:${controller}`,
                    ports: { internal, controller, broker },
                    tls: sec.broker,
                }),
            }).map(([k, v]) => [k, String(v)]),
        );
        const script = kafkaStartScript({
            properties,
            bin,
            tls: sec.broker,
            runtimeDir: path.join(root, "run"),
            substitutions: { NODE_ID: "${CDC_TEST_NODE_ID}" },
        }).replaceAll(`localhost:9094`, `localhost:${broker}`);
        const clusterId = "MkU3OEVBNTcwNTJENDM2Qg";
        const env = { ...sec.brokerEnv, CLUSTER_ID: clusterId, CDC_TEST_NODE_ID: "1" };

        // The volume as an earlier PLAINTEXT stack left it: formatted, no SCRAM user.
        await fs.mkdir(path.join(root, "run"));
        const pre = path.join(root, "run", "pre.properties");
        await fs.writeFile(
            pre,
            Object.entries(properties)
                .map(([k, v]) => `${k}=${k === "node.id" ? "1" : v}`)
                .join("\n"),
        );
        const format = startJvm(
            "bash",
            [path.join(bin, "kafka-storage.sh"), "format", "-t", clusterId, "-c", pre],
            path.join(root, "format.out"),
            undefined,
            env,
        );
        assert.equal(await format.exited, 0, await fs.readFile(path.join(root, "format.out"), "utf8"));

        const started = startJvm("bash", ["-c", script], path.join(root, "broker.out"), undefined, env);
        procs.push(started);
        const serverProps = await (async () => {
            for (let i = 0; i < 100; i++) {
                const text = await fs.readFile(path.join(root!, "run", "server.properties"), "utf8").catch(() => "");
                if (text.includes("node.id")) return text;
                await new Promise((r) => setTimeout(r, 100));
            }
            return "";
        })();
        assert.match(serverProps, /^node\.id=1$/m, "the script fills in the node id");

        const deadline = Date.now() + 180_000;
        const seen: string[] = [];
        for (;;) {
            assert.ok(
                !started.hasExited(),
                `the broker exited:\n${await fs.readFile(path.join(root, "broker.out"), "utf8")}`,
            );
            const admin = new Admin({
                clientId: "start-script-test",
                bootstrapBrokers: [`127.0.0.1:${internal}`],
                connectTimeout: 5_000,
                requestTimeout: 5_000,
                retries: 0,
                tls: { ca: sec.ca.certPem },
                sasl: {
                    mechanism: "SCRAM-SHA-512",
                    username: KAFKA_USERS.connect.name,
                    password: sec.users.connect.password,
                },
            });
            try {
                await admin.listTopics();
                break;
            } catch (e) {
                seen.push((e as Error).message);
            } finally {
                await admin.close().catch(() => undefined);
            }
            if (Date.now() > deadline) assert.fail(`user connect never authenticated: ${seen.at(-1)}`);
            await new Promise((r) => setTimeout(r, 2_000));
        }
        // The upsert goes on to the other users, then says so.
        let out = "";
        for (let i = 0; i < 120 && !out.includes("cdc: SCRAM users up to date"); i++) {
            await new Promise((r) => setTimeout(r, 1_000));
            out = await fs.readFile(path.join(root, "broker.out"), "utf8");
        }
        assert.match(out, /cdc: SCRAM users up to date/);
        assert.doesNotMatch(out, new RegExp(sec.users.connect.password), "a password reached the output");
    });
});
