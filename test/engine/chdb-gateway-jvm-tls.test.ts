/**
 * The ClickHouse sink's Java clients over TLS: the chdb gateway serves HTTPS with a certificate
 * from a throw-away CA (test/support/tls-pki.ts), and the sink's own clients (clickhouse-java at
 * the version the pinned sink ships, GatewayProbe.java) connect to the endpoint exactly as the sink
 * builds it from the config `clickhouseSinkConfig` renders: `ssl=true`, port, and the CA as a PEM
 * file (`jdbcConnectionProperties`). With the CA the whole sink conversation works; without it the
 * JVM's truststore refuses the server (PKIX, clickhouse-kafka-connect issue 142); a certificate for
 * another host is refused; and client-v2, which ignores the URL's options, fails the same way,
 * which is why the config pins the V1 client. Needs java + javac 11+ and the jars, as
 * chdb-gateway-jvm.test.ts; SKIPPED with the reason otherwise, a failure under CI=true.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { clickhouseSinkConfig } from "../../connectors";
import { bronzeTableDdl, createDatabaseDdl } from "../../components/providers/bronzeTables/ddl";
import { startChdbGateway, type ChdbGateway } from "../../tools/chdb-gateway";
import {
    clickhouseJavaProblem,
    ensureGatewayProbe,
    runGatewayProbe,
    sinkEndpointUrl,
    type ProbeResult,
    type ProbeRow,
} from "../support/clickhouse-java";
import { requireTier } from "../support/tier";
import { makeTestCa, makeTestCert, writeKeyPair } from "../support/tls-pki";

const USER = "sink_user";
const PASSWORD = "sink-pass-tls-3";
const DB = "bronze_jvm_tls";

let dir: string;
let caFile: string;
let gw: ChdbGateway | undefined;
let otherHost: ChdbGateway | undefined;
let classPath: string | undefined;
let problem: string | undefined;

/** The sink's config for a gateway, with or without the CA file. */
function sinkConfig(port: number, ca: string | undefined): Record<string, string> {
    return clickhouseSinkConfig({
        topicPrefix: "mongo",
        database: "ecom",
        collections: ["orders"],
        clickhouse: { host: "127.0.0.1", port, ssl: true, database: DB, user: USER, caFile: ca },
    });
}

const rows = (n: number): ProbeRow[] =>
    Array.from({ length: n }, (_, i) => ({
        raw_data: JSON.stringify({ i, over: "tls" }),
        _topic: "mongo.ecom.orders",
        _partition: 0,
        _offset: i,
        _key: `{"_id":"k-${i}"}`,
    }));

async function probe(client: "v1" | "v2", config: Record<string, string>, table: string): Promise<ProbeResult> {
    const { result } = await runGatewayProbe(classPath!, {
        client,
        url: sinkEndpointUrl(config),
        user: USER,
        password: PASSWORD,
        database: DB,
        table,
        compressRequest: false,
        rows: rows(50),
        hashLengths: [],
    });
    return result;
}

describe("the sink's ClickHouse Java clients over TLS (chdb gateway serving HTTPS)", () => {
    before(async () => {
        problem = await clickhouseJavaProblem();
        if (problem !== undefined) return;
        classPath = await ensureGatewayProbe();
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "chdb-jvm-tls-"));
        const ca = makeTestCa();
        caFile = path.join(dir, "ca.crt");
        fs.writeFileSync(caFile, ca.certPem);
        const server = writeKeyPair(
            dir,
            "server",
            makeTestCert(ca, { commonName: "clickhouse", hosts: ["clickhouse", "localhost", "127.0.0.1"] }),
        );
        const other = writeKeyPair(
            dir,
            "other",
            makeTestCert(ca, { commonName: "clickhouse.other.example", hosts: ["clickhouse.other.example"] }),
        );
        gw = await startChdbGateway({
            user: USER,
            password: PASSWORD,
            tls: { certFile: server.cert, keyFile: server.key },
        });
        otherHost = await startChdbGateway({
            user: USER,
            password: PASSWORD,
            tls: { certFile: other.cert, keyFile: other.key },
        });
        // DDL through the sink's V1 client path is not what is tested here: the bronze provider's DDL, over HTTPS.
        for (const q of [createDatabaseDdl(DB), bronzeTableDdl(DB, "orders_ok"), bronzeTableDdl(DB, "orders_no_ca")])
            await https(gw, q);
    });
    after(async () => {
        await gw?.stop();
        await otherHost?.stop();
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it("with the config's CA file: ping, version, DESCRIBE, insert and read-back over HTTPS", async (t) => {
        if (!requireTier(t, "jvm-clients", problem)) return;
        const config = sinkConfig(gw!.port, caFile);
        assert.equal(
            sinkEndpointUrl(config),
            `https://127.0.0.1:${gw!.port}/${DB}?sslmode=strict&sslrootcert=${caFile}`,
        );
        assert.equal(config.clientVersion, "V1");
        const r = await probe("v1", config, "orders_ok");
        assert.equal(r.exception, undefined, r.exception);
        assert.equal(r.ping, true);
        assert.equal(r.written_rows, 50);
        assert.equal(r.readback!.length, 50);
        assert.equal(r.error_code, 60, "a server error still comes through as the server's");
    });

    it("without the CA: refused by the JVM's truststore, a PKIX error, and nothing written", async (t) => {
        if (!requireTier(t, "jvm-clients", problem)) return;
        const r = await probe("v1", sinkConfig(gw!.port, undefined), "orders_no_ca");
        assert.notEqual(r.ping, true);
        assert.equal(r.written_rows, undefined);
        assert.match(r.exception ?? "", /PKIX path building failed.*unable to find valid certification path/);
        assert.equal((await https(gw!, `SELECT count() FROM ${DB}.orders_no_ca`)).trim(), "0");
    });

    it("a certificate for another host, from the same CA: refused by the host-name check", async (t) => {
        if (!requireTier(t, "jvm-clients", problem)) return;
        const r = await probe("v1", sinkConfig(otherHost!.port, caFile), "orders_ok");
        assert.notEqual(r.ping, true);
        assert.equal(r.written_rows, undefined);
        assert.match(
            r.exception ?? "",
            // Apache's verifier lists the IP names only, for an IP address: the certificate has none
            /Certificate for <127\.0\.0\.1> doesn't match any of the subject alternative names: \[\]/,
        );
    });

    it("client-v2 ignores the URL's CA option (PKIX): the reason the config pins clientVersion V1", async (t) => {
        if (!requireTier(t, "jvm-clients", problem)) return;
        const r = await probe("v2", sinkConfig(gw!.port, caFile), "orders_ok");
        assert.notEqual(r.ping, true);
        assert.match(r.exception ?? "", /PKIX path building failed/);
    });
});

/** A query over HTTPS with the test CA (Node's TLS, independent of the Java clients). */
async function https(g: ChdbGateway, query: string): Promise<string> {
    const { request } = await import("node:https");
    return new Promise((resolve, reject) => {
        const req = request(
            `${g.url}/`,
            {
                method: "POST",
                ca: fs.readFileSync(caFile),
                headers: { "X-ClickHouse-User": USER, "X-ClickHouse-Key": PASSWORD },
            },
            (res) => {
                const chunks: Buffer[] = [];
                res.on("data", (c: Buffer) => chunks.push(c));
                res.on("end", () => {
                    const text = Buffer.concat(chunks).toString("utf8");
                    if (res.statusCode === 200) resolve(text);
                    else reject(new Error(`${query}: ${res.statusCode} ${text}`));
                });
            },
        );
        req.on("error", reject);
        req.end(query);
    });
}
