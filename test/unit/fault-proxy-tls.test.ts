/**
 * Unit: the engine tests' fault proxy in front of a Connect worker on HTTPS with basic auth (the
 * fake worker): it serves HTTPS itself, reaches the worker over TLS trusting its CA and forwards
 * the credentials, so the provider works through it with its login and CA, a request without
 * credentials gets the worker's own 401, and injected faults (409s) still come from the proxy.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { KafkaConnectorOutputs } from "../../components/providers/kafkaConnector";
import { startFaultProxy, type FaultProxy } from "../support/fault-proxy";
import { fakeConnect, fastProvider, inputs, rejection } from "../support/fake-connect";
import { makeTestCa, makeTestCert, type TestKeyPair } from "../support/tls-pki";

const AUTH = { user: "cdc-pulumi", password: "Proxy-Rest-Pa55" };
let ca: TestKeyPair;
let cert: TestKeyPair;
const proxies: FaultProxy[] = [];

before(() => {
    ca = makeTestCa();
    cert = makeTestCert(ca, { commonName: "connect", hosts: ["localhost", "127.0.0.1"] });
});
after(async () => Promise.all(proxies.map((p) => p.close())));

async function proxyInFront(): Promise<{ proxy: FaultProxy; connect: Awaited<ReturnType<typeof fakeConnect>> }> {
    const connect = await fakeConnect({ tls: cert, auth: AUTH }, "localhost");
    const proxy = await startFaultProxy(connect.url, { upstreamCa: ca.certPem, serve: cert });
    proxies.push(proxy);
    return { proxy, connect };
}

describe("fault proxy in front of HTTPS Connect with basic auth", () => {
    it("serves HTTPS, forwards the login to the worker and the provider works through it", async () => {
        const { proxy, connect } = await proxyInFront();
        assert.match(proxy.url, /^https:\/\/127\.0\.0\.1:\d+$/);
        const { outs } = await fastProvider().create(inputs(proxy.url, { connectAuth: AUTH, caPem: ca.certPem }));
        assert.equal((outs as KafkaConnectorOutputs).state, "RUNNING");
        assert.ok(proxy.requests.length > 0 && proxy.requests.every((r) => r.authorised));
        assert.equal(connect.unauthorised, 0);
        assert.ok(connect.requests.length > 0, "the requests reached the worker");
    });

    it("passes the worker's 401 back to a client without credentials", async () => {
        const { proxy, connect } = await proxyInFront();
        const err = await rejection(fastProvider().create(inputs(proxy.url, { caPem: ca.certPem })));
        assert.match(err.message, /HTTP 401: it requires authentication/);
        assert.equal(connect.unauthorised, 1);
    });

    it("still injects its faults (a 409 storm) before the worker sees the request", async () => {
        const { proxy, connect } = await proxyInFront();
        let storms = 2;
        proxy.fault = (method, path) =>
            method === "PUT" && path.endsWith("/config") && storms-- > 0 ? { status: 409 } : "forward";
        const { outs } = await fastProvider().create(inputs(proxy.url, { connectAuth: AUTH, caPem: ca.certPem }));
        assert.equal((outs as KafkaConnectorOutputs).state, "RUNNING");
        assert.equal(proxy.count("PUT", "/connectors/ecom-source/config"), 3);
        assert.equal(connect.count("PUT", "/connectors/ecom-source/config"), 1);
    });
});
