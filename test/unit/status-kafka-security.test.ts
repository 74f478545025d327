/** `npm run status`'s Kafka security from the environment, and its one-line TLS / SASL errors. */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { kafkaSecurityFromEnv, kafkaSecurityProblem } from "../../tools/status/kafka";

describe("kafkaSecurityFromEnv", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "status-kafka-"));
    const ca = path.join(dir, "ca.crt");
    fs.writeFileSync(ca, "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n");

    it("is PLAINTEXT without a CA, TLS with one, SCRAM (user status by default) with a password", () => {
        assert.equal(kafkaSecurityFromEnv({}), undefined);
        assert.deepEqual(kafkaSecurityFromEnv({ CDC_TLS_CA_FILE: ca }), { caPem: fs.readFileSync(ca, "utf8") });
        const s = kafkaSecurityFromEnv({ CDC_TLS_CA_FILE: ca, CDC_STATUS_KAFKA_PASSWORD: "pw" });
        assert.deepEqual(s?.sasl, { user: "status", password: "pw" });
    });

    it("refuses a password without TLS and an unreadable CA file, naming the variable", () => {
        assert.throws(() => kafkaSecurityFromEnv({ CDC_STATUS_KAFKA_PASSWORD: "pw" }), /CDC_TLS_CA_FILE/);
        assert.throws(
            () => kafkaSecurityFromEnv({ CDC_TLS_CA_FILE: path.join(dir, "missing.crt") }),
            /CDC_TLS_CA_FILE=.*missing\.crt cannot be read/,
        );
    });
});

describe("kafkaSecurityProblem", () => {
    const wrapped = (inner: object) => Object.assign(new Error("Cannot connect to any broker."), { errors: [inner] });

    it("names an expired certificate, a host name mismatch and an unknown CA, each with what to do", () => {
        const cases: [object, RegExp][] = [
            [{ code: "CERT_HAS_EXPIRED", message: "certificate has expired" }, /expired: run `npm run up`/],
            [{ code: "ERR_TLS_CERT_ALTNAME_INVALID", message: "Hostname/IP does not match" }, /host name/],
            [{ code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE", message: "unable to verify" }, /not signed by the CA/],
            [{ name: "AuthenticationError", message: "SASL authentication failed." }, /wrong password/],
        ];
        for (const [inner, re] of cases) assert.match(kafkaSecurityProblem(wrapped(inner), "k:1", "status") ?? "", re);
        assert.equal(kafkaSecurityProblem(new Error("ECONNREFUSED"), "k:1"), undefined);
    });
});
