/** `cdc:kubernetes` validation: defaults, access modes, and errors naming the key and the fix. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, parseConfig } from "../../components/config";
import { DEFAULT_IMAGES, DEFAULT_KEEPER_IMAGE } from "../../components/config/versions";

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

describe("cdc:kubernetes.clickhouse replication keys", () => {
    const k8s = (kubernetes: Record<string, unknown>) => ({
        platform: "kubernetes",
        kubernetes: { ...kubernetes, access: { mode: "loadBalancer" } },
    });
    const byKey = (raw: Record<string, unknown>) => new Map(problems(raw).map((p) => [p.key, p.message]));

    it("defaults to a single node: 1 replica, 1 shard, and Keeper's settings unused", () => {
        const c = parseConfig(k8s({}));
        assert.equal(c.platform, "kubernetes");
        assert.deepEqual(c.kubernetes.clickhouse, {
            storageGi: 50,
            replicas: 1,
            shards: 1,
            antiAffinity: "required",
            keeper: { replicas: 3, storageGi: 5, image: DEFAULT_KEEPER_IMAGE },
        });
        assert.deepEqual(c.kubernetes.resources.keeper, { memoryMb: 512, cpuMillis: 500 });
    });

    it("accepts 3 replicas with 1, 3 or 5 Keeper members and either anti-affinity", () => {
        for (const keeper of [1, 3, 5])
            for (const antiAffinity of ["required", "preferred"]) {
                const c = parseConfig(k8s({ clickhouse: { replicas: 3, antiAffinity, keeper: { replicas: keeper } } }));
                assert.equal(c.platform, "kubernetes");
                assert.equal(c.kubernetes.clickhouse.keeper.replicas, keeper);
                assert.equal(c.kubernetes.clickhouse.antiAffinity, antiAffinity);
            }
    });

    it("refuses shards other than 1 with the reason (per-shard block numbers, joined marts) and the fix", () => {
        const m = byKey(k8s({ clickhouse: { replicas: 3, shards: 2 } })).get("cdc:kubernetes.clickhouse.shards");
        assert.ok(m);
        assert.match(m, /block numbers/);
        assert.match(m, /counted per shard/);
        assert.match(m, /marts join/);
        assert.match(m, /pulumi config rm --path cdc:kubernetes\.clickhouse\.shards/);
        assert.match(m, /clickhouse\.replicas 3/);
    });

    it("refuses an even Keeper ensemble and replicas outside 1..5, naming the key and the fix", () => {
        const even = byKey(k8s({ clickhouse: { replicas: 3, keeper: { replicas: 4 } } }));
        assert.match(even.get("cdc:kubernetes.clickhouse.keeper.replicas")!, /even.*keeper\.replicas 3/);
        const many = byKey(k8s({ clickhouse: { replicas: 6 } }));
        assert.match(many.get("cdc:kubernetes.clickhouse.replicas")!, /from 1 to 5/);
        const aa = byKey(k8s({ clickhouse: { replicas: 3, antiAffinity: "soft" } }));
        assert.match(aa.get("cdc:kubernetes.clickhouse.antiAffinity")!, /"required", "preferred"/);
    });

    it("refuses Keeper settings with a single node: they would be ignored", () => {
        const m = byKey(
            k8s({ clickhouse: { keeper: { replicas: 3 } }, resources: { keeper: { memoryMb: 256, cpuMillis: 200 } } }),
        );
        for (const key of ["cdc:kubernetes.clickhouse.keeper", "cdc:kubernetes.resources.keeper"]) {
            assert.match(m.get(key)!, /replicas is 2 or more/, key);
            assert.match(m.get(key)!, new RegExp(`pulumi config rm --path ${key.replace(/\./g, "\\.")}`), key);
        }
        // The same keys with replicas are fine.
        parseConfig(
            k8s({ clickhouse: { replicas: 2, keeper: { replicas: 3 } }, resources: { keeper: { memoryMb: 256 } } }),
        );
    });
});
