/**
 * Unit tier: the KafkaConnector provider against a Connect worker on HTTPS with basic auth (the
 * fake worker with a certificate from the test PKI): with the right CA and credentials it
 * works, and read and delete reach the worker with the stored ones; missing or wrong
 * credentials, a CA that did not sign the worker's certificate, a certificate for another host
 * and an expired one each end in one named error, not retried, without the password in it.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { diffConnector, type KafkaConnectorOutputs } from "../../components/providers/kafkaConnector";
import { makeTestCa, makeTestCert, type TestKeyPair } from "../support/tls-pki";
import { fakeConnect, fastProvider, inputs, loadSerialised, PASSWORD, rejection } from "../support/fake-connect";

const AUTH = { user: "cdc-pulumi", password: "Rest-Pa55-w0rd" };
let ca: TestKeyPair;
let otherCa: TestKeyPair;
let server: TestKeyPair;
let otherHost: TestKeyPair;
let expired: TestKeyPair;

before(() => {
    ca = makeTestCa("cdc-test-ca");
    otherCa = makeTestCa("someone-elses-ca");
    server = makeTestCert(ca, { commonName: "connect", hosts: ["localhost", "127.0.0.1"] });
    otherHost = makeTestCert(ca, { commonName: "elsewhere", hosts: ["connect.elsewhere.example"] });
    const day = 86_400_000;
    expired = makeTestCert(ca, {
        commonName: "connect",
        hosts: ["localhost", "127.0.0.1"],
        notBefore: new Date(Date.now() - 3 * day),
        notAfter: new Date(Date.now() - day),
    });
});

/** Inputs against `url` with the REST credentials and CA given. */
const tlsInputs = (url: string, over: Record<string, unknown> = {}) =>
    inputs(url, { connectAuth: { ...AUTH }, caPem: ca.certPem, ...over });

/** No secret in the text (the REST password nor the connector's). */
function assertNoSecret(text: string): void {
    assert.ok(!text.includes(AUTH.password), `the REST password leaked: ${text}`);
    assert.ok(!text.includes(PASSWORD), `the connector secret leaked: ${text}`);
}

describe("KafkaConnector over HTTPS with basic auth", () => {
    it("creates, reads and deletes with the right CA and credentials, every request authenticated", async () => {
        const connect = await fakeConnect({ tls: server, auth: AUTH }, "localhost");
        assert.match(connect.url, /^https:\/\/localhost:/);
        const provider = fastProvider();
        const { outs } = await provider.create(tlsInputs(connect.url));
        const stored = outs as KafkaConnectorOutputs;
        assert.equal(stored.state, "RUNNING");
        assert.deepEqual(stored.connectAuth, AUTH, "kept for read and delete (a secret output)");
        assert.equal(stored.caPem, ca.certPem);
        // read and delete get only the stored outputs: they must carry what reaches the worker.
        const read = await provider.read!("ecom-source", stored);
        assert.equal(read.id, "ecom-source");
        await provider.delete!("ecom-source", stored);
        assert.equal(connect.connectors.has("ecom-source"), false);
        assert.equal(connect.unauthorised, 0);
        assert.ok(connect.authHeaders.every((h) => h?.startsWith("Basic ")));
    });

    it("works, and names a TLS failure, after Pulumi serialises the provider", async () => {
        const provider = fastProvider();
        const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: false });
        const revived = loadSerialised(sf.text, sf.exportName) as ReturnType<typeof fastProvider>;
        const connect = await fakeConnect({ tls: server, auth: AUTH }, "localhost");
        const { outs } = await revived.create(tlsInputs(connect.url));
        assert.equal((outs as KafkaConnectorOutputs).state, "RUNNING");
        const stale = await fakeConnect({ tls: expired, auth: AUTH }, "localhost");
        const err = await rejection(revived.create(tlsInputs(stale.url)));
        assert.match(err.message, /its certificate has expired/);
    });

    it("names the missing credentials (HTTP 401) and the config keys to set, without retrying", async () => {
        const connect = await fakeConnect({ tls: server, auth: AUTH }, "localhost");
        const err = await rejection(fastProvider().create(inputs(connect.url, { caPem: ca.certPem })));
        assert.match(err.message, /HTTP 401: it requires authentication and this client sent no credentials/);
        assert.match(err.message, /cdc:external\.connectUser/);
        assert.match(err.message, /cdc:connectPassword/);
        assert.equal(connect.unauthorised, 1, "a refused login is not retried");
        assertNoSecret(err.message);
    });

    it("names a wrong password by its user, never the password", async () => {
        const connect = await fakeConnect({ tls: server, auth: AUTH }, "localhost");
        const wrong = { user: AUTH.user, password: "not-the-Pa55" };
        const err = await rejection(fastProvider().create(tlsInputs(connect.url, { connectAuth: wrong })));
        assert.match(err.message, /HTTP 401: it refused user "cdc-pulumi" with the password given/);
        assert.ok(!err.message.includes(wrong.password));
        assertNoSecret(err.message);
    });

    it("names a CA that did not sign the worker's certificate and says which CA to pass", async () => {
        const connect = await fakeConnect({ tls: server, auth: AUTH }, "localhost");
        const err = await rejection(fastProvider().create(tlsInputs(connect.url, { caPem: otherCa.certPem })));
        assert.match(err.message, /Kafka Connect at https:\/\/localhost:\d+: its certificate is not signed by a CA/);
        assert.match(err.message, /cdc:tls\.caBundle/);
        assert.doesNotMatch(err.message, /\n\s+at /, "no stack trace");
        assert.equal(connect.requests.length + connect.unauthorised, 0, "no request got through");
        assertNoSecret(err.message);
    });

    it("names a certificate for another host with the names it holds", async () => {
        const connect = await fakeConnect({ tls: otherHost, auth: AUTH }, "localhost");
        const err = await rejection(fastProvider().create(tlsInputs(connect.url)));
        assert.match(err.message, /the certificate is not valid for "localhost"/);
        assert.match(err.message, /DNS:connect\.elsewhere\.example/);
        assertNoSecret(err.message);
    });

    it("names an expired certificate and says `pulumi up` renews it", async () => {
        const connect = await fakeConnect({ tls: expired, auth: AUTH }, "localhost");
        const err = await rejection(fastProvider().create(tlsInputs(connect.url)));
        assert.match(err.message, /its certificate has expired[^:]*: run `pulumi up`, which renews/);
        assertNoSecret(err.message);
    });

    it("checks the credentials and CA inputs, naming the config key", async () => {
        const { failures } = await fastProvider().check!(
            {},
            tlsInputs("https://localhost:8083", { connectAuth: { user: "a:b", password: "" }, caPem: "nope" }),
        );
        const reasons = (failures ?? []).map((f) => `${f.property}: ${f.reason}`).join("\n");
        assert.match(reasons, /connectAuth: user must be non-empty without ':'/);
        assert.match(reasons, /connectAuth: password is empty: .*cdc:connectPassword/);
        assert.match(reasons, /caPem: must be a PEM certificate/);
    });
});

describe("KafkaConnector: a rotated REST password or a new CA", () => {
    it("is an update that only swaps the stored credentials: nothing is sent to the connector", async () => {
        const connect = await fakeConnect({ tls: server, auth: AUTH }, "localhost");
        const provider = fastProvider();
        const { outs } = await provider.create(tlsInputs(connect.url));
        const olds = outs as KafkaConnectorOutputs;
        const rotated = { user: AUTH.user, password: "R0tated-Pa55" };
        const news = tlsInputs(connect.url, { connectAuth: rotated });
        const d = diffConnector(olds, news as never);
        assert.equal(d.changes, true);
        assert.deepEqual(Object.keys(d.detailedDiff), ["connectAuth"]);
        assert.deepEqual(d.replaces, []);
        assert.ok(!JSON.stringify(d).includes(rotated.password));
        // The worker now wants the new password (rotated by `pulumi up` on the platform side).
        (connect as unknown as { options: { auth: typeof AUTH } }).options.auth = rotated;
        const before = connect.requests.length;
        const { outs: after } = await provider.update!("ecom-source", olds, news);
        assert.deepEqual((after as KafkaConnectorOutputs).connectAuth, rotated);
        const sent = connect.requests.slice(before).map((r) => `${r.method} ${r.path}`);
        assert.deepEqual(sent, ["GET /connectors/ecom-source/status"], "no validate, no PUT, no restart");
    });

    it("reports no change when credentials and CA are the same", async () => {
        const connect = await fakeConnect({ tls: server, auth: AUTH }, "localhost");
        const { outs } = await fastProvider().create(tlsInputs(connect.url));
        const d = diffConnector(outs as KafkaConnectorOutputs, tlsInputs(connect.url) as never);
        assert.equal(d.detailedDiff.connectAuth, undefined);
        assert.equal(d.detailedDiff.caPem, undefined);
    });
});
