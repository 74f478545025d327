/**
 * Unit tier: the host-side ClickHouse clients over HTTPS (@clickhouse/client against a Node https
 * server answering like ClickHouse, test/support/https-clickhouse.ts): the BronzeTables client
 * trusts the CA it is given and logs in; a refused login, a CA that did not sign the server's
 * certificate, a certificate for another host and an expired one each end in one named error,
 * not retried, without the password.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { bronzeClientRunner } from "../../components/providers/bronzeTables/client";
import { startHttpsClickHouse, type HttpsClickHouse } from "../support/https-clickhouse";
import { makeTestCa, makeTestCert, type TestKeyPair } from "../support/tls-pki";

const USER = "cdc";
const PASSWORD = "Cl1ckh0use-Pa55";
let ca: TestKeyPair;
let otherCa: TestKeyPair;
const servers: HttpsClickHouse[] = [];
let good: HttpsClickHouse;
let wrongHost: HttpsClickHouse;
let expired: HttpsClickHouse;

before(async () => {
    ca = makeTestCa("cdc-test-ca");
    otherCa = makeTestCa("someone-elses-ca");
    const hosts = ["localhost", "127.0.0.1"];
    const day = 86_400_000;
    good = await startHttpsClickHouse({
        tls: makeTestCert(ca, { commonName: "clickhouse", hosts }),
        user: USER,
        password: PASSWORD,
    });
    wrongHost = await startHttpsClickHouse({
        tls: makeTestCert(ca, { commonName: "clickhouse", hosts: ["clickhouse.elsewhere.example"] }),
        user: USER,
        password: PASSWORD,
    });
    expired = await startHttpsClickHouse({
        tls: makeTestCert(ca, {
            commonName: "clickhouse",
            hosts,
            notBefore: new Date(Date.now() - 3 * day),
            notAfter: new Date(Date.now() - day),
        }),
        user: USER,
        password: PASSWORD,
    });
    servers.push(good, wrongHost, expired);
});
after(async () => Promise.all(servers.map((s) => s.close())));

const runner = () => bronzeClientRunner({ retry: { retries: 3, baseDelayMs: 1, maxDelayMs: 2 }, log: () => undefined });
const selectOne = async (conn: { url: string; user: string; password: string; caPem?: string }) =>
    runner()(conn, "reading", async (client) =>
        (await client.query({ query: "SELECT 1 AS one", format: "JSONEachRow" })).json<{ one: number }>(),
    );
async function failure(p: Promise<unknown>): Promise<string> {
    try {
        await p;
    } catch (e) {
        const message = (e as Error).message;
        assert.ok(!message.includes(PASSWORD), `the password leaked: ${message}`);
        assert.doesNotMatch(message, /\n\s+at /, "no stack trace");
        return message;
    }
    assert.fail("expected a failure");
}

describe("BronzeTables' ClickHouse client over HTTPS", () => {
    it("trusts the CA it is given and logs in", async () => {
        const before = good.queries.length;
        const rows = await selectOne({ url: good.url, user: USER, password: PASSWORD, caPem: ca.certPem });
        assert.deepEqual(rows, [{ one: 1 }]);
        assert.equal(good.queries.length, before + 1);
    });

    it("does not trust a self-signed CA without being given it (the system's CAs only)", async () => {
        const m = await failure(selectOne({ url: good.url, user: USER, password: PASSWORD }));
        assert.match(
            m,
            /^BronzeTables: reading failed: ClickHouse at https:\/\/localhost:\d+: its certificate is not signed/,
        );
    });

    it("names a refused login by the user and the config key, not retried", async () => {
        const refused = good.refused;
        const m = await failure(selectOne({ url: good.url, user: USER, password: "wrong-one", caPem: ca.certPem }));
        assert.match(m, /answered ClickHouse code 516: it refused user "cdc" with the password given/);
        assert.match(m, /cdc:clickhousePassword/);
        assert.equal(good.refused, refused + 1, "a refused login is not retried");
    });

    it("names a CA that did not sign the certificate and which CA to pass", async () => {
        const m = await failure(selectOne({ url: good.url, user: USER, password: PASSWORD, caPem: otherCa.certPem }));
        assert.match(m, /its certificate is not signed by a CA this client trusts \([A-Z_]+\)/);
        assert.match(m, /cdc:tls\.caBundle/);
    });

    it("names a certificate for another host with the names it holds", async () => {
        const m = await failure(selectOne({ url: wrongHost.url, user: USER, password: PASSWORD, caPem: ca.certPem }));
        assert.match(m, /not valid for "localhost" \(it names DNS:clickhouse\.elsewhere\.example\)/);
    });

    it("names an expired certificate and says `pulumi up` renews it", async () => {
        const m = await failure(selectOne({ url: expired.url, user: USER, password: PASSWORD, caPem: ca.certPem }));
        assert.match(m, /its certificate has expired[^:]*: run `pulumi up`/);
    });
});
