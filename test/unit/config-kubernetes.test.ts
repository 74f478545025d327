/** `cdc:kubernetes` validation: defaults, access modes, and errors naming the key and the fix. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, parseConfig } from "../../components/config";
import { DEFAULT_IMAGES } from "../../components/config/versions";

const problems = (raw: Record<string, unknown>) => {
    try {
        parseConfig(raw);
    } catch (e) {
        assert.ok(e instanceof ConfigError);
        return e.problems;
    }
    assert.fail("expected a ConfigError");
};

describe("cdc:kubernetes config", () => {
    it("fills defaults (3 members, 1 broker, 1 worker, pinned images) when only access is given", () => {
        const c = parseConfig({ platform: "kubernetes", kubernetes: { access: { mode: "loadBalancer" } } });
        assert.equal(c.platform, "kubernetes");
        assert.equal(c.kubernetes.mongo.members, 3);
        assert.equal(c.kubernetes.kafka.brokers, 1);
        assert.equal(c.kubernetes.connect.replicas, 1);
        assert.deepEqual(c.kubernetes.images, { ...DEFAULT_IMAGES });
        assert.deepEqual(c.kubernetes.access, { mode: "loadBalancer" });
    });

    it("accepts nodePort access with default ports and url access with two URLs", () => {
        const n = parseConfig({
            platform: "kubernetes",
            kubernetes: { access: { mode: "nodePort", nodeAddress: "10.1.2.3" } },
        });
        assert.equal(n.platform, "kubernetes");
        assert.deepEqual(n.kubernetes.access, {
            mode: "nodePort",
            nodeAddress: "10.1.2.3",
            connectNodePort: 30083,
            clickhouseNodePort: 30123,
        });
        const u = parseConfig({
            platform: "kubernetes",
            kubernetes: {
                access: { mode: "url", connectUrl: "http://connect.lan:8083", clickhouseUrl: "https://ch.lan:8443" },
            },
        });
        assert.equal(u.platform, "kubernetes");
        assert.equal(u.kubernetes.access.mode, "url");
    });

    it("requires access on the kubernetes platform and says how to set it", () => {
        const [p] = problems({ platform: "kubernetes" });
        assert.equal(p.key, "cdc:kubernetes.access");
        assert.match(p.message, /pulumi config set --path cdc:kubernetes\.access\.mode/);
    });

    it("names the bad access field and mode", () => {
        assert.match(
            problems({ platform: "kubernetes", kubernetes: { access: { mode: "ingress" } } })[0].message,
            /"url", "loadBalancer", "nodePort"/,
        );
        const ps = problems({
            platform: "kubernetes",
            kubernetes: { access: { mode: "nodePort", nodeAddress: "n1", connectNodePort: 8083 } },
        });
        assert.equal(ps[0].key, "cdc:kubernetes.access.connectNodePort");
        assert.match(ps[0].message, /30000 to 32767.*access mode "nodePort"/);
        assert.equal(
            problems({
                platform: "kubernetes",
                kubernetes: { access: { mode: "url", connectUrl: "http://c:8083" } },
            })[0].key,
            "cdc:kubernetes.access.clickhouseUrl",
        );
        assert.equal(
            problems({ platform: "kubernetes", kubernetes: { access: { mode: "loadBalancer", nodeAddress: "x" } } })[0]
                .key,
            "cdc:kubernetes.access.nodeAddress",
        );
    });

    it("refuses an even member count, 2 brokers, unpinned images and kubernetes settings on another platform", () => {
        const access = { mode: "loadBalancer" };
        assert.equal(
            problems({ platform: "kubernetes", kubernetes: { access, mongo: { members: 2 } } })[0].key,
            "cdc:kubernetes.mongo.members",
        );
        assert.equal(
            problems({ platform: "kubernetes", kubernetes: { access, kafka: { brokers: 2 } } })[0].key,
            "cdc:kubernetes.kafka.brokers",
        );
        assert.equal(
            problems({ platform: "kubernetes", kubernetes: { access, images: { kafka: "apache/kafka:latest" } } })[0]
                .key,
            "cdc:kubernetes.images.kafka",
        );
        assert.equal(problems({ platform: "docker", kubernetes: { access } })[0].key, "cdc:kubernetes");
    });
});
