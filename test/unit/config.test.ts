import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, parseConfig } from "../../components/config";
import { DEFAULT_IMAGES } from "../../components/config/versions";

function problemsOf(raw: Record<string, unknown>): { key: string; message: string }[] {
    try {
        parseConfig(raw);
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected ConfigError, got ${e}`);
        return e.problems;
    }
    assert.fail("expected parseConfig to throw");
}

describe("stack config", () => {
    it("defaults to the docker platform with the contract's names", () => {
        const c = parseConfig({});
        assert.equal(c.platform, "docker");
        assert.equal(c.mongo.database, "ecom");
        assert.deepEqual(c.mongo.collections, { customers: "customers", products: "products", orders: "orders" });
        assert.equal(c.analytics.refreshSeconds, 5);
        assert.equal(c.mongo.replicaSet, "rs0");
        assert.equal(c.kafka.topicPrefix, "mongo");
        assert.equal(c.clickhouse.database, "default");
        assert.equal(c.dbt.target, "dev");
        assert.equal(c.bronze.dropOnDestroy, false);
        assert.equal(c.docker.bindAddress, "127.0.0.1");
        assert.deepEqual(c.docker.images, { ...DEFAULT_IMAGES });
    });

    it("pins every default image to a tag that is not latest", () => {
        for (const [k, ref] of Object.entries(DEFAULT_IMAGES)) {
            assert.match(ref, /:[A-Za-z0-9._-]+$/, `${k} has no tag`);
            assert.doesNotMatch(ref, /:latest$/, `${k} is latest`);
        }
    });

    it("accepts Pulumi's string forms of numbers and booleans", () => {
        const c = parseConfig({ docker: { ports: { connect: "18083" } }, bronze: { dropOnDestroy: "true" } });
        assert.equal(c.platform, "docker");
        assert.equal(c.docker.ports.connect, 18083);
        assert.equal(c.bronze.dropOnDestroy, true);
    });

    it("names the key, the bad value and the accepted values for a wrong platform", () => {
        const [p] = problemsOf({ platform: "swarm" });
        assert.equal(p.key, "cdc:platform");
        assert.match(p.message, /"swarm"/);
        assert.match(p.message, /"docker", "kubernetes", "external"/);
    });

    it("reports every problem at once, not only the first", () => {
        const problems = problemsOf({ docker: { ports: { connect: 70000, mongo: -1 } }, dbt: { threads: 0 } });
        assert.deepEqual(problems.map((p) => p.key).sort(), [
            "cdc:dbt.threads",
            "cdc:docker.ports.connect",
            "cdc:docker.ports.mongo",
        ]);
        assert.match(
            problems.find((p) => p.key === "cdc:docker.ports.connect")!.message,
            /70000 is not an integer from 1 to 65535/,
        );
    });

    it("rejects unpinned and latest images", () => {
        const problems = problemsOf({
            docker: { images: { mongo: "mongo", clickhouse: "clickhouse/clickhouse-server:latest" } },
        });
        const keys = problems.map((p) => p.key);
        assert.ok(keys.includes("cdc:docker.images.mongo"));
        assert.ok(keys.includes("cdc:docker.images.clickhouse"));
        assert.ok(problems.every((p) => /pinned/.test(p.message)));
    });

    it("suggests the intended key for a typo instead of silently using a default", () => {
        const [p] = problemsOf({ docker: { prots: { connect: 1 } } });
        assert.equal(p.key, "cdc:docker.prots");
        assert.match(p.message, /did you mean `cdc:docker.ports`/);
    });

    it("rejects unknown top-level keys", () => {
        const [p] = problemsOf({ plaform: "docker" });
        assert.equal(p.key, "cdc:plaform");
    });

    it("refuses two services on the same host port", () => {
        const [p] = problemsOf({ docker: { ports: { connect: 8123 } } });
        assert.match(p.key, /cdc:docker.ports.(connect|clickhouseHttp)/);
        assert.match(p.message, /also used by/);
    });

    it("refuses collection names that cannot become topics and tables", () => {
        const [p] = problemsOf({ mongo: { collections: { orders: "order-lines" } } });
        assert.equal(p.key, "cdc:mongo.collections.orders");
        assert.match(p.message, /"order-lines"/);
    });

    it("takes the collection of each role, and names the object form when given a list", () => {
        const c = parseConfig({ mongo: { collections: { orders: "purchases" } } });
        assert.deepEqual(c.mongo.collections, { customers: "customers", products: "products", orders: "purchases" });
        const [p, ...rest] = problemsOf({
            mongo: { collections: ["customers", "products", "orders"], database: "shop" },
        });
        assert.equal(rest.length, 0);
        assert.equal(p.key, "cdc:mongo.collections");
        assert.match(p.message, /is a list/);
        assert.match(p.message, /pulumi config set --path cdc:mongo\.collections\.orders/);
    });

    it("refuses one collection for two roles", () => {
        const [p] = problemsOf({ mongo: { collections: { customers: "docs", orders: "docs" } } });
        assert.equal(p.key, "cdc:mongo.collections.orders");
        assert.match(p.message, /also cdc:mongo\.collections\.customers/);
    });

    it("bounds the gold refresh interval", () => {
        const [p] = problemsOf({ analytics: { refreshSeconds: 0 } });
        assert.equal(p.key, "cdc:analytics.refreshSeconds");
        assert.equal(parseConfig({ analytics: { refreshSeconds: 30 } }).analytics.refreshSeconds, 30);
    });

    it("requires addresses and secrets on the external platform", () => {
        const keys = problemsOf({ platform: "external" })
            .map((p) => p.key)
            .sort();
        assert.deepEqual(keys, [
            "cdc:clickhousePassword",
            "cdc:debeziumConnectionString",
            "cdc:external.clickhouse.url",
            "cdc:external.connectUrl",
            "cdc:external.kafkaBootstrap",
        ]);
    });

    it("accepts a complete external config", () => {
        const c = parseConfig({
            platform: "external",
            external: {
                connectUrl: "https://connect:8083",
                kafkaBootstrap: "k1:9092,k2:9092",
                clickhouse: { url: "https://ch.example:8443" },
            },
            clickhousePassword: "[secret]",
            debeziumConnectionString: "[secret]",
        });
        assert.equal(c.platform, "external");
        assert.equal(c.external.connectUrl, "https://connect:8083");
    });

    it("refuses external-only secrets on a platform that generates credentials", () => {
        const [p] = problemsOf({ platform: "docker", clickhousePassword: "x" });
        assert.equal(p.key, "cdc:clickhousePassword");
        assert.match(p.message, /generated/);
    });

    it("refuses cdc:docker on another platform instead of ignoring it, naming the key and the fix", () => {
        const k8s = problemsOf({
            platform: "kubernetes",
            kubernetes: { access: { mode: "loadBalancer" } },
            docker: { ports: { mongo: 27018 } },
        });
        assert.deepEqual(
            k8s.map((p) => p.key),
            ["cdc:docker"],
        );
        assert.match(
            k8s[0].message,
            /only read when cdc:platform is "docker" \(it is "kubernetes"\).*pulumi config rm cdc:docker/,
        );
        const external = problemsOf({
            platform: "external",
            external: {
                connectUrl: "https://connect:8083",
                kafkaBootstrap: "k1:9092",
                clickhouse: { url: "https://ch.example:8443" },
            },
            clickhousePassword: "[secret]",
            debeziumConnectionString: "[secret]",
            docker: {},
        });
        assert.deepEqual(
            external.map((p) => p.key),
            ["cdc:docker"],
        );
    });

    it("holds only the chosen platform's block", () => {
        const c = parseConfig({ platform: "kubernetes", kubernetes: { access: { mode: "loadBalancer" } } });
        assert.deepEqual(
            Object.keys(c).filter((k) => ["docker", "kubernetes", "external"].includes(k)),
            ["kubernetes"],
        );
        assert.deepEqual(
            Object.keys(parseConfig({})).filter((k) => ["docker", "kubernetes", "external"].includes(k)),
            ["docker"],
        );
    });
});
