/**
 * Unit: `npm run status` over TLS with logins. The flags and environment that give it the CA
 * (`--ca-file`, `CDC_TLS_CA_FILE`, the stack output `caCertificate`) and Connect's REST login
 * (`--connect-user`, `CDC_CONNECT_PASSWORD`, the stack outputs); the Connect reads against the
 * fake worker on HTTPS with basic auth and the ClickHouse reads against the HTTPS stand-in, each
 * failure (refused login, wrong CA, another host, expired) named with the flag that fixes it and
 * no password in it.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { readLayers } from "../../tools/status/clickhouse";
import { readConnector } from "../../tools/status/connect";
import { caPemOf, parseFlags, resolveTarget } from "../../tools/status/flags";
import { fakeConnect } from "../support/fake-connect";
import { startHttpsClickHouse, type HttpsClickHouse } from "../support/https-clickhouse";
import { makeTestCa, makeTestCert, type TestKeyPair } from "../support/tls-pki";

const AUTH = { user: "cdc-status", password: "Status-Rest-Pa55" };
const CH_PASSWORD = "Status-Ch-Pa55";
let ca: TestKeyPair;
let otherCa: TestKeyPair;
let server: TestKeyPair;
let expired: TestKeyPair;
let dir: string;
let clickhouse: HttpsClickHouse;

before(async () => {
    ca = makeTestCa();
    otherCa = makeTestCa("someone-elses-ca");
    server = makeTestCert(ca, { commonName: "svc", hosts: ["localhost", "127.0.0.1"] });
    expired = makeTestCert(ca, {
        commonName: "svc",
        hosts: ["localhost"],
        notBefore: new Date(Date.now() - 3 * 86_400_000),
        notAfter: new Date(Date.now() - 86_400_000),
    });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "status-tls-"));
    fs.writeFileSync(path.join(dir, "ca.pem"), ca.certPem);
    fs.writeFileSync(path.join(dir, "not-a-ca.pem"), "hello");
    clickhouse = await startHttpsClickHouse({ tls: server, user: "cdc", password: CH_PASSWORD });
});
after(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await clickhouse.close();
});

/** Runs `fn` with environment variables set (undefined: unset), restoring them after. */
function withEnv<T>(env: Record<string, string | undefined>, fn: () => T): T {
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    for (const [k, v] of Object.entries(env))
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
    try {
        return fn();
    } finally {
        for (const [k, v] of Object.entries(saved))
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
    }
}

const OUTPUTS = {
    connectUrl: "https://localhost:8083",
    kafkaBootstrap: "localhost:19092",
    clickhouseUrl: "https://localhost:8443",
    clickhouseDatabase: "default",
    clickhousePassword: CH_PASSWORD,
    connectors: { source: { name: "s" }, sink: { name: "k" } },
    bronzeTables: ["b"],
};
const NO_ENV = {
    CDC_TLS_CA_FILE: undefined,
    CDC_CONNECT_PASSWORD: undefined,
    CDC_STATUS_CLICKHOUSE_PASSWORD: undefined,
};

describe("status flags for TLS and Connect's login", () => {
    it("takes the CA and the REST login from the stack's outputs", () => {
        const t = withEnv(NO_ENV, () =>
            resolveTarget(parseFlags([]), "/repo", () => ({
                ...OUTPUTS,
                caCertificate: ca.certPem,
                connectUser: AUTH.user,
                connectPassword: AUTH.password,
            })),
        );
        assert.equal(t.caPem, ca.certPem);
        assert.deepEqual(t.connectAuth, AUTH);
        assert.ok(t.secrets.includes(AUTH.password), "the REST password is masked in every output");
    });

    it("reads the stack's own SASL_SSL Kafka with its CA and the status user's login from the outputs", () => {
        const env = { ...NO_ENV, CDC_STATUS_KAFKA_PASSWORD: undefined, CDC_STATUS_KAFKA_USER: undefined };
        const t = withEnv(env, () =>
            resolveTarget(parseFlags([]), "/repo", () => ({
                ...OUTPUTS,
                caCertificate: ca.certPem,
                kafkaUser: "status",
                kafkaPassword: "Kafka-Status-Pa55",
            })),
        );
        assert.deepEqual(t.kafkaSecurity, {
            caPem: ca.certPem,
            sasl: { user: "status", password: "Kafka-Status-Pa55" },
        });
        assert.ok(t.secrets.includes("Kafka-Status-Pa55"), "the SCRAM password is masked in every output");
        const plain = withEnv(env, () =>
            resolveTarget(parseFlags([]), "/repo", () => ({ ...OUTPUTS, caCertificate: ca.certPem })),
        );
        assert.equal(
            plain.kafkaSecurity,
            undefined,
            "no Kafka login in the outputs: Kafka is not the stack's SASL_SSL",
        );
    });

    it("prefers --ca-file, then CDC_TLS_CA_FILE, over the stack's CA; the password from CDC_CONNECT_PASSWORD", () => {
        const outputs = () => ({ ...OUTPUTS, caCertificate: otherCa.certPem, connectUser: "x", connectPassword: "y" });
        const fromFlag = withEnv({ ...NO_ENV, CDC_CONNECT_PASSWORD: AUTH.password }, () =>
            resolveTarget(
                parseFlags(["--ca-file", path.join(dir, "ca.pem"), "--connect-user", AUTH.user]),
                "/repo",
                outputs,
            ),
        );
        assert.equal(fromFlag.caPem, ca.certPem);
        assert.deepEqual(fromFlag.connectAuth, AUTH);
        const fromEnv = withEnv({ ...NO_ENV, CDC_TLS_CA_FILE: path.join(dir, "ca.pem") }, () =>
            resolveTarget(parseFlags([]), "/repo", outputs),
        );
        assert.equal(fromEnv.caPem, ca.certPem);
    });

    it("names a CA file that cannot be read or holds no certificate, by the flag or variable it came from", () => {
        assert.throws(
            () => caPemOf({ caFile: path.join(dir, "missing.pem") }),
            /--ca-file .*missing\.pem cannot be read \(ENOENT\)/,
        );
        assert.throws(
            () => withEnv({ CDC_TLS_CA_FILE: path.join(dir, "not-a-ca.pem") }, () => caPemOf({})),
            /CDC_TLS_CA_FILE .*holds no PEM certificate.*stack output caCertificate/,
        );
    });

    it("refuses a REST user without a password, and a password without a user", () => {
        assert.throws(
            () => withEnv(NO_ENV, () => resolveTarget(parseFlags(["--connect-user", "u"]), "/repo", () => OUTPUTS)),
            /REST user "u" has no password: set CDC_CONNECT_PASSWORD/,
        );
        assert.throws(
            () =>
                withEnv({ ...NO_ENV, CDC_CONNECT_PASSWORD: "p" }, () =>
                    resolveTarget(parseFlags([]), "/repo", () => OUTPUTS),
                ),
            /CDC_CONNECT_PASSWORD is set but no REST user: pass --connect-user/,
        );
    });
});

describe("status reads of Kafka Connect over HTTPS with basic auth", () => {
    const target = (url: string, over: Record<string, unknown> = {}) => ({
        url,
        timeoutMs: 3000,
        secrets: [],
        traceLines: 3,
        auth: AUTH,
        caPem: ca.certPem,
        ...over,
    });

    it("reads a connector's status with the CA and the login", async () => {
        const connect = await fakeConnect({ tls: server, auth: AUTH }, "localhost");
        connect.connectors.set("s", {
            config: { "connector.class": "x" },
            state: "RUNNING",
            tasks: [{ state: "RUNNING" }],
        });
        const obs = await readConnector(target(connect.url), "s");
        assert.equal(obs.error, undefined);
        assert.equal(obs.state, "RUNNING");
    });

    it("names a refused login with the flag and variable to fix, never the password", async () => {
        const connect = await fakeConnect({ tls: server, auth: AUTH }, "localhost");
        const missing = await readConnector(target(connect.url, { auth: undefined }), "s");
        assert.match(missing.error ?? "", /HTTP 401: it requires authentication and this client sent no credentials/);
        assert.match(missing.error ?? "", /--connect-user .*CDC_CONNECT_PASSWORD/);
        const wrong = await readConnector(
            target(connect.url, { auth: { user: AUTH.user, password: "nope-Pa55" } }),
            "s",
        );
        assert.match(wrong.error ?? "", /refused user "cdc-status"/);
        assert.ok(!(wrong.error ?? "").includes("nope-Pa55"));
    });

    it("names the wrong CA, another host and an expired certificate, each with what to do", async () => {
        const connect = await fakeConnect({ tls: server, auth: AUTH }, "localhost");
        const wrongCa = await readConnector(target(connect.url, { caPem: otherCa.certPem }), "s");
        assert.match(wrongCa.error ?? "", /not signed by a CA this client trusts.*--ca-file FILE or CDC_TLS_CA_FILE/);
        const elsewhere = await fakeConnect(
            { tls: makeTestCert(ca, { commonName: "x", hosts: ["connect.elsewhere.example"] }), auth: AUTH },
            "localhost",
        );
        const otherName = await readConnector(target(elsewhere.url), "s");
        assert.match(otherName.error ?? "", /not valid for "localhost" \(it names DNS:connect\.elsewhere\.example\)/);
        const stale = await fakeConnect({ tls: expired, auth: AUTH }, "localhost");
        const old = await readConnector(target(stale.url), "s");
        assert.match(old.error ?? "", /has expired.*run `pulumi up`/);
    });
});

describe("status reads of ClickHouse over HTTPS", () => {
    const target = (over: Record<string, unknown> = {}) => ({
        url: clickhouse.url,
        user: "cdc",
        password: CH_PASSWORD,
        database: "default",
        timeoutMs: 3000,
        secrets: [CH_PASSWORD],
        caPem: ca.certPem,
        ...over,
    });
    const names = { bronze: ["b"], silverStorage: [], gold: [] };

    it("gets through TLS and the login with the CA", async () => {
        const before = clickhouse.queries.length;
        await readLayers(target(), names);
        assert.ok(clickhouse.queries.length > before, "the queries reached the server");
    });

    it("names the wrong CA and a refused login, with the flags to fix", async () => {
        const wrongCa = await readLayers(target({ caPem: otherCa.certPem }), names);
        assert.match(
            wrongCa.bronze.error ?? "",
            /^ClickHouse at https:\/\/localhost:\d+: its certificate is not signed.*--ca-file/,
        );
        const refused = await readLayers(target({ password: "wrong-Pa55" }), names);
        assert.match(
            refused.bronze.error ?? "",
            /refused user "cdc".*--clickhouse-user.*CDC_STATUS_CLICKHOUSE_PASSWORD/,
        );
        assert.ok(!(refused.bronze.error ?? "").includes("wrong-Pa55"));
    });
});
