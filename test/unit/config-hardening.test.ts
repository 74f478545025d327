import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, parseConfig } from "../../components/config";
import { imagePinProblem, isMovingTag, parseImageRef } from "../../components/config/image";
import type { ConfigContext } from "../../components/config/checks";
import { loadConfig } from "../../components/config/load";
import * as pulumi from "@pulumi/pulumi";

function problemsOf(raw: Record<string, unknown>, ctx?: ConfigContext): { key: string; message: string }[] {
    try {
        parseConfig(raw, ctx);
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected ConfigError, got ${e}`);
        return e.problems;
    }
    assert.fail("expected parseConfig to throw");
}

const EXTERNAL = {
    connectUrl: "https://connect:8083",
    kafkaBootstrap: "k1:9092",
    clickhouse: { url: "https://ch.example:8443" },
};
const SECRETS = { clickhousePassword: "pw-Q7", debeziumConnectionString: "mongodb://debezium:pw-Q7@m:27017/" };
const BOTH_SECRET = new Set(["cdc:clickhousePassword", "cdc:debeziumConnectionString"]);

describe("image references", () => {
    it("reads a private registry host with a port as a registry, not as a tag", () => {
        assert.deepEqual(parseImageRef("registry.example.com:5000/mongo:8.0.29"), {
            registry: "registry.example.com:5000",
            repository: "mongo",
            tag: "8.0.29",
        });
        assert.equal(imagePinProblem("registry.example.com:5000/mongo:8.0.29"), undefined);
        assert.equal(imagePinProblem("localhost:5000/team/connect:3.3.2.Final"), undefined);
    });

    it("accepts digest pins, with or without a tag", () => {
        const d = `sha256:${"ab".repeat(32)}`;
        assert.equal(parseImageRef(`mongo@${d}`)?.digest, d);
        assert.equal(imagePinProblem(`mongo@${d}`), undefined);
        assert.equal(
            imagePinProblem(`registry.example.com:5000/mongo:8@${d}`),
            undefined,
            "the digest pins even a moving tag",
        );
    });

    it("refuses moving tags: latest, major-only, no tag, a registry port without a tag", () => {
        for (const ref of [
            "mongo:latest",
            "mongo:8",
            "mongo:v8",
            "mongo:8-jammy",
            "mongo",
            "registry.example.com:5000/mongo",
            "clickhouse/clickhouse-server:lts",
        ]) {
            assert.match(imagePinProblem(ref) ?? "", /not pinned/, ref);
        }
        assert.equal(isMovingTag("8.0"), false, "major.minor names a release line narrow enough (alpine:3.22)");
        assert.equal(isMovingTag("20240101"), false, "a date stamp is not a major version");
    });

    it("refuses what is no reference at all", () => {
        for (const ref of ["Mongo:8.0.1", "mongo:8.0.1 ", "mongo@sha256:xyz", "registry:port/x:1.0.0"]) {
            assert.match(imagePinProblem(ref) ?? "", /not an image reference/, ref);
        }
    });

    it("applies to stack config on docker and kubernetes, naming the key", () => {
        const c = parseConfig({ docker: { images: { mongo: "registry.example.com:5000/mongo:8.0.29" } } });
        assert.equal(c.platform, "docker");
        assert.equal(c.docker.images.mongo, "registry.example.com:5000/mongo:8.0.29");
        const [p] = problemsOf({ docker: { images: { mongo: "mongo:8" } } });
        assert.equal(p.key, "cdc:docker.images.mongo");
        assert.match(p.message, /major-only/);
    });
});

describe("names and topics that must differ", () => {
    it("refuses a source named like the sink", () => {
        const [p] = problemsOf({ connectors: { sourceName: "cdc", sinkName: "cdc" } });
        assert.equal(p.key, "cdc:connectors.sinkName");
        assert.match(p.message, /source would overwrite the sink/);
    });

    it("refuses a source named like the stack's default sink name", () => {
        const [p] = problemsOf({ connectors: { sourceName: "dev-clickhouse-sink" } }, { stack: "dev" });
        assert.equal(p.key, "cdc:connectors.sourceName");
        assert.doesNotThrow(() =>
            parseConfig({ connectors: { sourceName: "dev-clickhouse-sink" } }, { stack: "prod" }),
        );
    });

    it("refuses a dead-letter topic that is a change topic or the heartbeat topic", () => {
        const [p] = problemsOf({ connectors: { deadLetterTopic: "mongo.ecom.orders" } });
        assert.equal(p.key, "cdc:connectors.deadLetterTopic");
        assert.match(p.message, /change topic of collection "orders"/);
        const [h] = problemsOf({
            kafka: { topicPrefix: "cdc" },
            connectors: { deadLetterTopic: "__debezium-heartbeat.cdc" },
        });
        assert.match(h.message, /heartbeat/);
        assert.doesNotThrow(() => parseConfig({ connectors: { deadLetterTopic: "dlq.orders" } }));
    });

    it("refuses a collection role that names the stack's signal collection, naming the key and the fix", () => {
        const [p] = problemsOf({ mongo: { collections: { orders: "cdc_signal_prod" } } }, { stack: "prod" });
        assert.equal(p.key, "cdc:mongo.collections.orders");
        assert.match(p.message, /"cdc_signal_prod" is this stack's signal collection/);
        assert.match(p.message, /pulumi config set --path cdc:mongo.collections.orders orders/);
        const [q] = problemsOf({ mongo: { collections: { customers: "cdc_signal_team_a" } } }, { stack: "team-a" });
        assert.equal(q.key, "cdc:mongo.collections.customers", "the stack name is sanitised as the connector's is");
        assert.doesNotThrow(
            () => parseConfig({ mongo: { collections: { orders: "cdc_signal_prod" } } }, { stack: "dev" }),
            "another stack's signal collection is a collection like any other here",
        );
    });

    it("keeps the per-request timeout within the overall wait", () => {
        assert.equal(parseConfig({}).connectors.requestTimeoutSeconds, 30);
        const [p] = problemsOf({ connectors: { requestTimeoutSeconds: 120, readyTimeoutSeconds: 60 } });
        assert.equal(p.key, "cdc:connectors.requestTimeoutSeconds");
    });
});

describe("credentials in stack config", () => {
    it("refuses credentials set without --secret, naming the command and never the value", () => {
        const problems = problemsOf(
            { platform: "external", external: EXTERNAL, ...SECRETS },
            { secretKeys: new Set(["cdc:debeziumConnectionString"]) },
        );
        assert.deepEqual(
            problems.map((p) => p.key),
            ["cdc:clickhousePassword"],
        );
        assert.match(problems[0].message, /pulumi config set --secret cdc:clickhousePassword/);
        assert.doesNotMatch(JSON.stringify(problems), /pw-Q7/);
    });

    it("learns from the engine which keys are secret (loadConfig)", () => {
        const raw = {
            "cdc:platform": "external",
            "cdc:external": JSON.stringify(EXTERNAL),
            "cdc:clickhousePassword": "pw-Q7",
            "cdc:debeziumConnectionString": SECRETS.debeziumConnectionString,
        };
        const saved = pulumi.runtime.allConfig();
        try {
            pulumi.runtime.setAllConfig(raw, ["cdc:debeziumConnectionString"]);
            assert.throws(
                () => loadConfig(),
                /cdc:clickhousePassword: is stored in plain text.*pulumi config set --secret cdc:clickhousePassword/s,
            );
            pulumi.runtime.setAllConfig(raw, ["cdc:clickhousePassword", "cdc:debeziumConnectionString"]);
            assert.equal(loadConfig().platform, "external");
        } finally {
            pulumi.runtime.setAllConfig(saved, []);
        }
    });

    it("accepts credentials Pulumi holds as secrets", () => {
        assert.equal(
            parseConfig({ platform: "external", external: EXTERNAL, ...SECRETS }, { secretKeys: BOTH_SECRET }).platform,
            "external",
        );
    });

    it("refuses user:password@ in the external URLs without printing the password", () => {
        const external = {
            ...EXTERNAL,
            connectUrl: "https://admin:hunter2@connect:8083",
            clickhouse: { url: "https://cdc:hunter2@ch.example:8443" },
        };
        let err: unknown;
        try {
            parseConfig({ platform: "external", external, ...SECRETS }, { secretKeys: BOTH_SECRET });
        } catch (e) {
            err = e;
        }
        assert.ok(err instanceof ConfigError);
        assert.deepEqual(err.problems.map((p) => p.key).sort(), [
            "cdc:external.clickhouse.url",
            "cdc:external.connectUrl",
        ]);
        assert.doesNotMatch(err.message, /hunter2/);
        assert.match(err.message, /pulumi config set --secret cdc:clickhousePassword/);
    });

    it("refuses credentials in the kubernetes access URLs too", () => {
        const access = {
            mode: "url",
            connectUrl: "https://admin:hunter2@connect.example:8083",
            clickhouseUrl: "http://ch.example:8123",
        };
        const problems = problemsOf({ platform: "kubernetes", kubernetes: { access } });
        assert.deepEqual(
            problems.map((p) => p.key),
            ["cdc:kubernetes.access.connectUrl"],
        );
        assert.doesNotMatch(problems[0].message, /hunter2/);
    });
});
