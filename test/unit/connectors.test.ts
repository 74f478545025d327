/**
 * Unit tier: the connector config builders (pure functions), with snapshot files that make any
 * change of a rendered config visible in review. `UPDATE_SNAPSHOTS=1` rewrites the snapshots.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import {
    BRONZE_INSERT_SETTINGS,
    bronzeTableName,
    changeTopicName,
    CLICKHOUSE_SINK_SECRET_KEYS,
    clickhouseSinkConfig,
    DEBEZIUM_SECRET_KEYS,
    debeziumMongoSourceConfig,
    defaultDeadLetterTopic,
    mongoConnectionString,
} from "../../connectors";

const SNAPSHOT_DIR = path.join(__dirname, "__snapshots__");

/** Compares `actual` with the committed JSON snapshot `name`; UPDATE_SNAPSHOTS=1 rewrites it. */
function assertMatchesSnapshot(name: string, actual: unknown): void {
    const file = path.join(SNAPSHOT_DIR, `${name}.json`);
    const rendered = `${JSON.stringify(actual, null, 2)}\n`;
    if (process.env.UPDATE_SNAPSHOTS === "1") {
        fs.mkdirSync(SNAPSHOT_DIR, { recursive: true });
        fs.writeFileSync(file, rendered);
        return;
    }
    assert.ok(
        fs.existsSync(file),
        `snapshot ${file} is missing: run the test with UPDATE_SNAPSHOTS=1 and review the file`,
    );
    assert.deepStrictEqual(
        actual,
        JSON.parse(fs.readFileSync(file, "utf8")),
        `rendered config differs from ${file} (UPDATE_SNAPSHOTS=1 to accept)`,
    );
}

const COLLECTIONS = ["customers", "products", "orders"];

const sourceConfig = () =>
    debeziumMongoSourceConfig({ topicPrefix: "mongo", database: "ecom", collections: COLLECTIONS });
const sinkConfig = () =>
    clickhouseSinkConfig({
        topicPrefix: "mongo",
        database: "ecom",
        collections: COLLECTIONS,
        clickhouse: { host: "clickhouse", port: 8123, ssl: false, database: "default", user: "cdc_writer" },
    });

describe("debeziumMongoSourceConfig", () => {
    it("renders the project's source config as in the committed snapshot", () => {
        assertMatchesSnapshot("debezium-mongo-source", sourceConfig());
    });

    it("captures exactly the three contract collections with dots escaped for Debezium's regex lists", () => {
        const c = sourceConfig();
        assert.equal(c["collection.include.list"], "ecom\\.customers,ecom\\.products,ecom\\.orders");
        const patterns = c["collection.include.list"].split(",").map((p) => new RegExp(`^${p}$`));
        assert.ok(patterns.some((p) => p.test("ecom.orders")));
        assert.ok(!patterns.some((p) => p.test("ecomXorders")), "an unescaped dot would match any character");
        assert.equal(c["database.include.list"], "ecom");
    });

    it("sets the contract's topic prefix, capture mode, snapshot mode and schemaless JSON converters", () => {
        const c = sourceConfig();
        assert.equal(c["connector.class"], "io.debezium.connector.mongodb.MongoDbConnector");
        assert.equal(c["topic.prefix"], "mongo");
        assert.equal(c["capture.mode"], "change_streams_update_full_with_pre_image");
        assert.equal(c["snapshot.mode"], "initial");
        for (const side of ["key", "value"]) {
            assert.equal(c[`${side}.converter`], "org.apache.kafka.connect.json.JsonConverter");
            assert.equal(c[`${side}.converter.schemas.enable`], "false");
        }
        assert.equal(c["tombstones.on.delete"], "false", "tombstones are dropped before the sink");
    });

    it("takes heartbeat, tasks, snapshot mode and TLS from its options", () => {
        const c = debeziumMongoSourceConfig({
            topicPrefix: "mongo",
            database: "ecom",
            collections: ["orders"],
            heartbeatIntervalMs: 2500,
            tasksMax: 2,
            snapshotMode: "no_data",
            ssl: true,
        });
        assert.equal(c["heartbeat.interval.ms"], "2500");
        assert.equal(c["tasks.max"], "2");
        assert.equal(c["snapshot.mode"], "no_data");
        assert.equal(c["mongodb.ssl.enabled"], "true");
    });

    it("with a truststore: TLS on, hostnames verified, the store's password only as a reference", () => {
        const c = debeziumMongoSourceConfig({
            topicPrefix: "mongo",
            database: "ecom",
            collections: COLLECTIONS,
            tls: { truststore: "/etc/cdc/tls/truststore.p12", truststorePasswordRef: "${env:CDC_TLS_STORE_PASSWORD}" },
        });
        assert.equal(c["mongodb.ssl.enabled"], "true");
        assert.equal(c["mongodb.ssl.invalid.hostname.allowed"], "false");
        assert.equal(c["mongodb.ssl.truststore"], "/etc/cdc/tls/truststore.p12");
        assert.equal(c["mongodb.ssl.truststore.type"], "PKCS12");
        assert.equal(c["mongodb.ssl.truststore.password"], "${env:CDC_TLS_STORE_PASSWORD}");
        // Without TLS none of the truststore keys is rendered (Debezium would try to load the file).
        assert.ok(!Object.keys(sourceConfig()).some((k) => k.startsWith("mongodb.ssl.truststore")));
        assert.equal(sourceConfig()["mongodb.ssl.enabled"], "false");
    });

    it("refuses a truststore password given as a value, a relative truststore path and tls with ssl false", () => {
        const base = { topicPrefix: "mongo", database: "ecom", collections: COLLECTIONS };
        const ref = "${env:CDC_TLS_STORE_PASSWORD}";
        assert.throws(
            () =>
                debeziumMongoSourceConfig({
                    ...base,
                    tls: { truststore: "/etc/cdc/tls/truststore.p12", truststorePasswordRef: "hunter2" },
                }),
            /tls\.truststorePasswordRef must be a config-provider reference/,
        );
        assert.throws(
            () =>
                debeziumMongoSourceConfig({
                    ...base,
                    tls: { truststore: "truststore.p12", truststorePasswordRef: ref },
                }),
            /tls\.truststore must be an absolute path/,
        );
        assert.throws(
            () =>
                debeziumMongoSourceConfig({
                    ...base,
                    ssl: false,
                    tls: { truststore: "/etc/cdc/tls/truststore.p12", truststorePasswordRef: ref },
                }),
            /ssl is false/,
        );
    });

    it("never contains the secret keys, which are supplied separately", () => {
        assert.deepEqual([...DEBEZIUM_SECRET_KEYS], ["mongodb.connection.string"]);
        for (const k of DEBEZIUM_SECRET_KEYS)
            assert.ok(!(k in sourceConfig()), `${k} must not be in the non-secret config`);
    });

    it("renders every value as a string, as Kafka Connect expects", () => {
        for (const [k, v] of Object.entries(sourceConfig())) assert.equal(typeof v, "string", k);
    });

    it("rejects an empty collection list and names that would break topics", () => {
        assert.throws(
            () => debeziumMongoSourceConfig({ topicPrefix: "mongo", database: "ecom", collections: [] }),
            /collections/,
        );
        assert.throws(
            () => debeziumMongoSourceConfig({ topicPrefix: "mon go", database: "ecom", collections: ["a"] }),
            /topicPrefix/,
        );
        assert.throws(
            () => debeziumMongoSourceConfig({ topicPrefix: "mongo", database: "ecom", collections: ["a,b"] }),
            /collections\[0\]/,
        );
    });
});

describe("mongoConnectionString", () => {
    it("percent-encodes credentials and names the replica set and auth database", () => {
        const s = mongoConnectionString({
            hosts: ["mongo:27017"],
            user: "debezium",
            password: "p@ss:w/rd",
            replicaSet: "rs0",
        });
        assert.equal(s, "mongodb://debezium:p%40ss%3Aw%2Frd@mongo:27017/?replicaSet=rs0&authSource=admin");
        assert.equal(new URL(s).password, "p%40ss%3Aw%2Frd");
        const withOptions = mongoConnectionString({
            hosts: ["a:1", "b:2"],
            user: "u",
            password: "p",
            replicaSet: "rs0",
            tls: true,
            options: { serverSelectionTimeoutMS: "3000" },
        });
        assert.equal(
            withOptions,
            "mongodb://u:p@a:1,b:2/?replicaSet=rs0&authSource=admin&tls=true&serverSelectionTimeoutMS=3000",
        );
    });
});

describe("clickhouseSinkConfig", () => {
    it("renders the project's sink config as in the committed snapshot", () => {
        assertMatchesSnapshot("clickhouse-sink", sinkConfig());
    });

    it("maps each change topic to its bronze table", () => {
        const c = sinkConfig();
        assert.equal(c.topics, "mongo.ecom.customers,mongo.ecom.products,mongo.ecom.orders");
        const map = Object.fromEntries(c.topic2TableMap.split(",").map((kv) => kv.split("=")));
        assert.deepEqual(map, {
            "mongo.ecom.customers": "mongo_ecom_customers",
            "mongo.ecom.products": "mongo_ecom_products",
            "mongo.ecom.orders": "mongo_ecom_orders",
        });
    });

    it("keeps the record value as untouched text and fills raw_data, _topic, _partition, _offset and _key", () => {
        const c = sinkConfig();
        assert.equal(c["value.converter"], "org.apache.kafka.connect.storage.StringConverter");
        assert.equal(c["key.converter"], "org.apache.kafka.connect.storage.StringConverter");
        const chain = c.transforms.split(",");
        const byType = (type: string) => chain.find((t) => c[`transforms.${t}.type`] === type);
        const hoist = byType("org.apache.kafka.connect.transforms.HoistField$Value");
        const insert = byType("org.apache.kafka.connect.transforms.InsertField$Value");
        const key = byType("com.clickhouse.kafka.connect.transforms.KeyToValue");
        const filter = byType("org.apache.kafka.connect.transforms.Filter");
        assert.ok(hoist && insert && key && filter, `transform chain ${c.transforms} lacks a step`);
        assert.equal(c[`transforms.${hoist}.field`], "raw_data");
        assert.equal(c[`transforms.${insert}.topic.field`], "_topic");
        assert.equal(c[`transforms.${insert}.partition.field`], "_partition");
        assert.equal(c[`transforms.${insert}.offset.field`], "_offset");
        assert.equal(c[`transforms.${key}.field`], "_key");
        // Tombstones out first; KeyToValue mutates the value map, so it must follow InsertField (which copies it).
        assert.deepEqual(
            [filter, hoist, insert, key].map((t) => chain.indexOf(t!)),
            [0, 1, 2, 3],
        );
    });

    it("drops tombstones with the RecordIsTombstone predicate", () => {
        const c = sinkConfig();
        const filter = c.transforms.split(",")[0];
        const predicate = c[`transforms.${filter}.predicate`];
        assert.ok(c.predicates.split(",").includes(predicate));
        assert.equal(
            c[`predicates.${predicate}.type`],
            "org.apache.kafka.connect.transforms.predicates.RecordIsTombstone",
        );
        assert.equal(c[`transforms.${filter}.negate`] ?? "false", "false");
    });

    it("sends unwritable records to a dead-letter topic with context headers", () => {
        const c = sinkConfig();
        assert.equal(c["errors.tolerance"], "all");
        assert.equal(c["errors.deadletterqueue.topic.name"], defaultDeadLetterTopic("mongo", "ecom"));
        assert.equal(c["errors.deadletterqueue.context.headers.enable"], "true");
        assert.ok(!c.topics.split(",").includes(c["errors.deadletterqueue.topic.name"]));
        const custom = clickhouseSinkConfig({ ...baseSink(), deadLetterTopic: "my-dlq" });
        assert.equal(custom["errors.deadletterqueue.topic.name"], "my-dlq");
    });

    it("keeps exactly-once off unless configured", () => {
        assert.equal(sinkConfig().exactlyOnce, "false");
        assert.equal(clickhouseSinkConfig({ ...baseSink(), exactlyOnce: true }).exactlyOnce, "true");
    });

    it("sends its INSERTs with short-circuit evaluation off, as the sink's clickhouseSettings (name=value, commas)", () => {
        // The silver views run with the INSERT's settings; a SETTINGS clause in a view does not reach them.
        const sent = new Map(
            sinkConfig()
                .clickhouseSettings.split(",")
                .map((kv) => kv.split("=") as [string, string]),
        );
        assert.equal(sent.get("short_circuit_function_evaluation"), "disable");
        assert.deepEqual(Object.fromEntries(sent), BRONZE_INSERT_SETTINGS);
    });

    it("connects with host, port, TLS, database and user, and leaves the password to the secret part", () => {
        const c = clickhouseSinkConfig({
            ...baseSink(),
            clickhouse: { host: "ch.example", port: 8443, ssl: true, database: "bronze", user: "writer" },
        });
        assert.deepEqual(
            [c.hostname, c.port, c.ssl, c.database, c.username],
            ["ch.example", "8443", "true", "bronze", "writer"],
        );
        assert.deepEqual([...CLICKHOUSE_SINK_SECRET_KEYS], ["password"]);
        assert.ok(!("password" in c));
    });

    it("trusts the stack's CA by a PEM file with host-name checks, through the V1 client the sink uses", () => {
        const c = clickhouseSinkConfig({
            ...baseSink(),
            clickhouse: { ...baseSink().clickhouse, port: 8443, ssl: true, caFile: "/etc/cdc/tls/ca.crt" },
        });
        assert.equal(c.ssl, "true");
        assert.equal(c.port, "8443");
        assert.equal(c.jdbcConnectionProperties, "sslmode=strict&sslrootcert=/etc/cdc/tls/ca.crt");
        // client-v2 0.9.5 ignores the URL's options: the trust above holds for V1 only
        assert.equal(c.clientVersion, "V1");
        // without a CA file: the worker JVM's default truststore, and nothing pinned
        const publicCa = clickhouseSinkConfig({ ...baseSink(), clickhouse: { ...baseSink().clickhouse, ssl: true } });
        assert.ok(!("jdbcConnectionProperties" in publicCa) && !("clientVersion" in publicCa));
    });

    it("refuses a CA file without ssl, or one that would break the endpoint URL", () => {
        assert.throws(
            () => clickhouseSinkConfig({ ...baseSink(), clickhouse: { ...baseSink().clickhouse, caFile: "/ca.crt" } }),
            /clickhouse\.caFile is set but clickhouse\.ssl is false/,
        );
        for (const caFile of ["ca.crt", "/etc/ca.crt&sslmode=none", "/etc/my ca.crt", "/etc/ca.crt#x"])
            assert.throws(
                () =>
                    clickhouseSinkConfig({
                        ...baseSink(),
                        clickhouse: { ...baseSink().clickhouse, ssl: true, caFile },
                    }),
                /clickhouse\.caFile must be an absolute path/,
                caFile,
            );
    });

    it("rejects an invalid port or an empty host", () => {
        assert.throws(
            () => clickhouseSinkConfig({ ...baseSink(), clickhouse: { ...baseSink().clickhouse, port: 0 } }),
            /port/,
        );
        assert.throws(
            () => clickhouseSinkConfig({ ...baseSink(), clickhouse: { ...baseSink().clickhouse, host: "" } }),
            /host/,
        );
    });
});

function baseSink() {
    return {
        topicPrefix: "mongo",
        database: "ecom",
        collections: COLLECTIONS,
        clickhouse: { host: "clickhouse", port: 8123, ssl: false, database: "default", user: "cdc_writer" },
    };
}

describe("bronzeTableName", () => {
    it("names the bronze table after prefix, database and collection", () => {
        assert.equal(bronzeTableName("mongo", "ecom", "orders"), "mongo_ecom_orders");
        assert.equal(changeTopicName("mongo", "ecom", "orders"), "mongo.ecom.orders");
    });

    it("replaces characters that are not valid in a plain identifier", () => {
        assert.equal(bronzeTableName("mongo", "ecom", "order-lines.v2"), "mongo_ecom_order_lines_v2");
    });
});
