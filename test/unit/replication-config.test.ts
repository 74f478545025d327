/**
 * Replicated ClickHouse's config files (issue 26), parsed back as XML: Keeper's server config
 * (shared/keeper.ts) and ClickHouse's replication config (shared/clickhouseReplication.ts).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CLICKHOUSE_TLS_FILES } from "../../components/platform/shared/clickhouse";
import {
    clickhouseReplicationXml,
    INTERSERVER_PORTS,
    REPLICATION_CLUSTER,
    REPLICATION_ENV,
} from "../../components/platform/shared/clickhouseReplication";
import { KEEPER_PORTS, KEEPER_SERVER_ID_ENV, keeperConfigXml } from "../../components/platform/shared/keeper";
import { all, has, one, parseXml } from "../support/xml";

/** The names the kubernetes platform gives the members (pod DNS names under their headless Services). */
const keeperHosts = (n: number) => Array.from({ length: n }, (_, i) => `clickhouse-keeper-${i}.clickhouse-keeper`);
const clickhouseReplicaHosts = (n: number) =>
    Array.from({ length: n }, (_, i) => `clickhouse-${i}.clickhouse-headless`);

describe("keeperConfigXml", () => {
    for (const n of [1, 3, 5]) {
        it(`lists ${n} Raft member(s) with ids 1..${n}, each at its pod's DNS name on the Raft port`, () => {
            const hosts = keeperHosts(n);
            const ks = one(parseXml(keeperConfigXml({ members: hosts, tls: true })), "keeper_server");
            const servers = all(one(ks, "raft_configuration"), "server");
            assert.deepEqual(
                servers.map((s) => [one(s, "id").text, one(s, "hostname").text, one(s, "port").text]),
                hosts.map((h, i) => [String(i + 1), h, String(KEEPER_PORTS.raft)]),
            );
        });
    }

    it("reads the member's id from its environment, not from the file (one file for every member)", () => {
        const ks = one(parseXml(keeperConfigXml({ members: keeperHosts(3), tls: true })), "keeper_server");
        const id = one(ks, "server_id");
        assert.equal(id.attrs.from_env, KEEPER_SERVER_ID_ENV);
        assert.equal(id.text, "");
    });

    it("with TLS: clients on 9281 only, Raft secure, peers verified against the stack's CA", () => {
        const root = parseXml(keeperConfigXml({ members: keeperHosts(3), tls: true }));
        const ks = one(root, "keeper_server");
        assert.equal(one(ks, "tcp_port_secure").text, String(KEEPER_PORTS.clientTls));
        assert.ok(!has(ks, "tcp_port"), "no plaintext client port");
        assert.equal(one(ks, "raft_configuration", "secure").text, "true");
        assert.equal(one(root, "openSSL", "client", "caConfig").text, CLICKHOUSE_TLS_FILES.ca);
        assert.equal(one(root, "openSSL", "client", "verificationMode").text, "strict");
        assert.equal(one(root, "openSSL", "server", "certificateFile").text, CLICKHOUSE_TLS_FILES.cert);
        assert.equal(one(root, "openSSL", "server", "privateKeyFile").text, CLICKHOUSE_TLS_FILES.key);
    });

    it("without TLS: the plain client port, no secure Raft, no openSSL section", () => {
        const root = parseXml(keeperConfigXml({ members: keeperHosts(3), tls: false }));
        assert.equal(one(root, "keeper_server", "tcp_port").text, String(KEEPER_PORTS.client));
        assert.ok(!has(root, "keeper_server", "raft_configuration", "secure"));
        assert.ok(!has(root, "openSSL"));
    });

    it("serves /ready on the HTTP control port, for the readiness probe", () => {
        const hc = one(
            parseXml(keeperConfigXml({ members: keeperHosts(3), tls: true })),
            "keeper_server",
            "http_control",
        );
        assert.equal(one(hc, "port").text, String(KEEPER_PORTS.http));
        assert.equal(one(hc, "readiness", "endpoint").text, "/ready");
    });

    it("refuses an even ensemble, naming the key", () => {
        assert.throws(
            () => keeperConfigXml({ members: keeperHosts(2), tls: true }),
            /cdc:kubernetes\.clickhouse\.keeper\.replicas/,
        );
        assert.throws(() => keeperConfigXml({ members: ["a", "a", "b"], tls: true }), /must differ/);
    });
});

describe("clickhouseReplicationXml", () => {
    const render = (replicas: number, keeper: number, tls = true) =>
        parseXml(
            clickhouseReplicationXml({
                replicas: clickhouseReplicaHosts(replicas),
                keeper: keeperHosts(keeper),
                tls,
            }),
        );

    it("connects to every Keeper member over TLS", () => {
        const nodes = all(one(render(3, 5), "zookeeper"), "node");
        assert.deepEqual(
            nodes.map((n) => [one(n, "host").text, one(n, "port").text, one(n, "secure").text]),
            keeperHosts(5).map((h) => [h, String(KEEPER_PORTS.clientTls), "1"]),
        );
    });

    for (const n of [2, 3, 5]) {
        it(`cluster "${REPLICATION_CLUSTER}": one shard, internal replication, ${n} replicas on native TLS`, () => {
            const cluster = one(render(n, 3), "remote_servers", REPLICATION_CLUSTER);
            const shard = one(cluster, "shard");
            assert.equal(all(cluster, "shard").length, 1);
            assert.equal(one(shard, "internal_replication").text, "true");
            assert.deepEqual(
                all(shard, "replica").map((r) => [one(r, "host").text, one(r, "port").text, one(r, "secure").text]),
                clickhouseReplicaHosts(n).map((h) => [h, "9440", "1"]),
            );
        });
    }

    it("takes the replica macro, the interserver host and every secret from the environment", () => {
        const root = render(3, 3);
        assert.equal(one(root, "macros", "shard").text, "01");
        assert.equal(one(root, "macros", "replica").attrs.from_env, REPLICATION_ENV.replica);
        assert.equal(one(root, "macros", "replica").text, "");
        assert.equal(one(root, "interserver_http_host").attrs.from_env, REPLICATION_ENV.interserverHost);
        const secret = one(root, "remote_servers", REPLICATION_CLUSTER, "secret");
        assert.deepEqual([secret.attrs.from_env, secret.text], [REPLICATION_ENV.clusterSecret, ""]);
        const pw = one(root, "interserver_http_credentials", "password");
        assert.deepEqual([pw.attrs.from_env, pw.text], [REPLICATION_ENV.interserverPassword, ""]);
    });

    it("with TLS: interserver over HTTPS only, the client verifying against the stack's CA", () => {
        const root = render(3, 3);
        assert.equal(one(root, "interserver_https_port").text, String(INTERSERVER_PORTS.https));
        assert.ok(!has(root, "interserver_http_port"));
        assert.equal(one(root, "openSSL", "client", "caConfig").text, CLICKHOUSE_TLS_FILES.ca);
        assert.equal(one(root, "openSSL", "client", "verificationMode").text, "strict");
    });

    it("without TLS: plain ports (Keeper 9181, native 9000, interserver HTTP 9009) and no secure flags", () => {
        const root = render(2, 1, false);
        assert.equal(one(root, "zookeeper", "node", "port").text, String(KEEPER_PORTS.client));
        assert.ok(!has(root, "zookeeper", "node", "secure"));
        const replica = all(one(root, "remote_servers", REPLICATION_CLUSTER, "shard"), "replica")[0];
        assert.equal(one(replica, "port").text, "9000");
        assert.equal(one(root, "interserver_http_port").text, String(INTERSERVER_PORTS.http));
        assert.ok(!has(root, "openSSL"));
    });

    it("renders KeeperMap's path prefix (the sink's exactlyOnce state needs it)", () => {
        assert.equal(one(render(3, 3), "keeper_map_path_prefix").text, "/keeper_map_tables");
    });

    it("refuses host names that are not DNS names", () => {
        assert.throws(
            () => clickhouseReplicationXml({ replicas: ["clickhouse-0</host>"], keeper: keeperHosts(1), tls: true }),
            /DNS names/,
        );
    });
});
