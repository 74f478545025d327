import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
    DBT_PASSWORD_ENV,
    DBT_PROFILE_NAME,
    DBT_USER_ENV,
    caEnv,
    credentialEnv,
    parseClickHouseUrl,
    renderProfile,
} from "../../components/providers/dbt/profile";
import { normaliseDbtRunInputs } from "../../components/providers/dbt/provider";
import { namedConnectionFailure } from "../../components/providers/dbt/run";

describe("parseClickHouseUrl", () => {
    it("reads host and port of a plain http URL", () => {
        assert.deepEqual(parseClickHouseUrl("http://127.0.0.1:18123"), {
            host: "127.0.0.1",
            port: 18123,
            secure: false,
        });
    });

    it("defaults the port to 8123 for http and 8443 for https", () => {
        assert.equal(parseClickHouseUrl("http://ch.local").port, 8123);
        assert.deepEqual(parseClickHouseUrl("https://ch.example.com/"), {
            host: "ch.example.com",
            port: 8443,
            secure: true,
        });
    });

    it("unbrackets IPv6 hosts", () => {
        assert.equal(parseClickHouseUrl("http://[::1]:8123").host, "::1");
    });

    it("rejects other schemes and garbage, without echoing URL credentials", () => {
        assert.throws(() => parseClickHouseUrl("tcp://h:9000"), /http:\/\/ or https:\/\//);
        assert.throws(() => parseClickHouseUrl("not a url"), /invalid ClickHouse URL/);
        assert.throws(
            () => parseClickHouseUrl("://u:hunter2@"),
            (e: Error) => !e.message.includes("hunter2"),
        );
    });
});

describe("renderProfile", () => {
    const yaml = renderProfile({
        url: "https://ch.example.com:9443",
        database: "analytics",
        target: "prod",
        threads: 2,
    });

    it("names the profile the dbt project expects and the requested target", () => {
        assert.match(yaml, new RegExp(`^${DBT_PROFILE_NAME}:$`, "m"));
        assert.match(yaml, /^ {2}target: "prod"$/m);
        assert.match(yaml, /^ {4}"prod":$/m);
    });

    it("takes host, port, TLS and schema from the URL and database", () => {
        assert.match(yaml, /^ {6}type: clickhouse$/m);
        assert.match(yaml, /^ {6}host: "ch\.example\.com"$/m);
        assert.match(yaml, /^ {6}port: 9443$/m);
        assert.match(yaml, /^ {6}secure: true$/m);
        assert.match(yaml, /^ {6}schema: "analytics"$/m);
        assert.match(yaml, /^ {6}threads: 2$/m);
    });

    it("references the credentials through env_var() only, so none is written to disk", () => {
        assert.match(yaml, new RegExp(`user: "\\{\\{ env_var\\('${DBT_USER_ENV}'\\) \\}\\}"`));
        assert.match(yaml, new RegExp(`password: "\\{\\{ env_var\\('${DBT_PASSWORD_ENV}'\\) \\}\\}"`));
        // The renderer has no way to receive a password: its settings type carries none.
        const env = credentialEnv("analyst", "pa55-word");
        assert.equal(env[DBT_USER_ENV], "analyst");
        assert.equal(env[DBT_PASSWORD_ENV], "pa55-word");
        assert.ok(!yaml.includes("pa55-word") && !yaml.includes("analyst"));
    });

    it("uses dbt's secret prefix for the password variable, so dbt scrubs it from its logs", () => {
        assert.ok(DBT_PASSWORD_ENV.startsWith("DBT_ENV_SECRET_"));
    });

    it("quotes a database or target name that YAML would otherwise misread", () => {
        const y = renderProfile({ url: "http://h:1", database: "yes: no # x", target: "on" });
        assert.match(y, /schema: "yes: no # x"/);
        assert.match(y, /target: "on"/);
    });
});

describe("renderProfile over TLS", () => {
    it("connects with TLS and verifies the certificate for an https URL, and not for http", () => {
        const tls = renderProfile({ url: "https://localhost:18443", database: "default", target: "dev" });
        assert.match(tls, /^ {6}secure: true$/m);
        assert.match(tls, /^ {6}verify: true$/m);
        assert.match(tls, /^ {6}port: 18443$/m);
        const plain = renderProfile({ url: "http://localhost:18123", database: "default", target: "dev" });
        assert.match(plain, /^ {6}secure: false$/m);
    });

    it("has no CA key (dbt-clickhouse has none): the CA goes to OpenSSL's SSL_CERT_FILE for the dbt process", () => {
        const tls = renderProfile({ url: "https://localhost:18443", database: "default", target: "dev" });
        assert.doesNotMatch(tls, /ca_cert|BEGIN CERTIFICATE/);
        assert.deepEqual(caEnv("/tmp/cdc-dbt-x/clickhouse-ca.pem"), {
            SSL_CERT_FILE: "/tmp/cdc-dbt-x/clickhouse-ca.pem",
        });
    });

    it("passes the CA from the resource's inputs to the run", () => {
        const i = normaliseDbtRunInputs({
            projectDir: "/p",
            contentHash: "h",
            clickhouse: { url: "https://h:8443", user: "u", password: "p", database: "d", caPem: "PEM" },
        });
        assert.equal(i.clickhouse.caPem, "PEM");
    });
});

describe("namedConnectionFailure (dbt's output)", () => {
    const ch = { url: "https://localhost:18443", user: "cdc" };
    const ssl = (why: string) =>
        `Database Error\n  HTTPSConnectionPool(host='localhost', port=18443): Max retries exceeded (Caused by SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: ${why} (_ssl.c:1006)')))`;

    it("names an unknown CA", () => {
        const m = namedConnectionFailure(ssl("unable to get local issuer certificate"), ch);
        assert.match(m ?? "", /^ClickHouse at https:\/\/localhost:18443: its certificate is not signed by a CA/);
        assert.match(m ?? "", /cdc:tls\.caBundle/);
        assert.match(
            namedConnectionFailure(ssl("self-signed certificate in certificate chain"), ch) ?? "",
            /not signed/,
        );
    });

    it("names an expired certificate", () => {
        assert.match(namedConnectionFailure(ssl("certificate has expired"), ch) ?? "", /has expired: run `pulumi up`/);
    });

    it("names a host name mismatch", () => {
        const m = namedConnectionFailure(
            "certificate verify failed: Hostname mismatch, certificate is not valid for 'localhost'. (_ssl.c:1006)",
            ch,
        );
        assert.match(m ?? "", /the certificate is not valid for "localhost"/);
    });

    it("names a refused login by its user", () => {
        const m = namedConnectionFailure(
            "Code: 516. DB::Exception: cdc: Authentication failed: password is incorrect. (AUTHENTICATION_FAILED)",
            ch,
        );
        assert.match(m ?? "", /answered ClickHouse code 516: it refused user "cdc"/);
    });

    it("leaves any other failure to dbt's own error lines", () => {
        assert.equal(namedConnectionFailure("Compilation Error in model base_orders", ch), undefined);
    });
});
