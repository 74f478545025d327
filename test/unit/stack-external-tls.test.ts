/**
 * `cdc:platform external` with TLS and Connect's REST basic auth, under mocks: the REST login
 * (`cdc:external.connectUser` + the secret `cdc:connectPassword`) and the CA bundle reach every
 * host-side client of the CDC layer (both connectors, the bronze tables, dbt), the password only
 * as a secret; the stack outputs carry the CA and the login for `npm run status`.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { makeTestCa } from "../support/tls-pki";
import { isSecretValue, MockRun, plainStrings, runUnderMocks, unwrapSecret } from "../support/mocks";

const CH_PASSWORD = "EXTERNAL-CH-PASSWORD-7f3a";
const CONNECT_PASSWORD = "EXTERNAL-CONNECT-PASSWORD-5d1e";
const DEBEZIUM_URI = "mongodb://debezium:EXTERNAL-MONGO-PASSWORD-91c2@mongo.example.com:27017/?replicaSet=rs0";
const CA = makeTestCa("external-ca").certPem;

type Program = {
    stack: ReturnType<typeof import("../../components/stack").buildStack>;
};
let run: MockRun & { program: Program };

before(async () => {
    run = await runUnderMocks(
        {
            "cdc:platform": "external",
            "cdc:external": JSON.stringify({
                connectUrl: "https://connect.example.com:8083",
                connectUser: "cdc-pulumi",
                kafkaBootstrap: "kafka-1.example.com:9092",
                clickhouse: { url: "https://abc.clickhouse.cloud:8443" },
            }),
            "cdc:clickhousePassword": CH_PASSWORD,
            "cdc:debeziumConnectionString": DEBEZIUM_URI,
            "cdc:connectPassword": CONNECT_PASSWORD,
            "cdc:tls": JSON.stringify({ caBundle: CA }),
        },
        async () => {
            const { loadConfig } = await import("../../components/config/load");
            const { buildStack } = await import("../../components/stack");
            return { stack: buildStack(loadConfig()) };
        },
        ["cdc:clickhousePassword", "cdc:debeziumConnectionString", "cdc:connectPassword"],
    );
});

describe("external platform with TLS and Connect basic auth, under mocks", () => {
    it("gives both connectors the REST login as a secret and the CA", () => {
        for (const name of ["source", "sink"]) {
            const inputs = run.byName(name).inputs;
            assert.ok(isSecretValue(inputs.connectAuth), `${name}.connectAuth is a secret`);
            assert.deepEqual(unwrapSecret(inputs.connectAuth), { user: "cdc-pulumi", password: CONNECT_PASSWORD });
            assert.equal(inputs.caPem, CA);
        }
        assert.ok((run.byName("source").options.additionalSecretOutputs as string[]).includes("connectAuth"));
    });

    it("gives the bronze tables and dbt the CA", () => {
        assert.equal(run.byName("bronze").inputs.caPem, CA);
        const dbt = unwrapSecret<{ url: string; caPem?: string }>(run.byName("dbt").inputs.clickhouse);
        assert.equal(dbt.caPem, CA);
    });

    it("never holds the REST password in clear in any input", () => {
        const leaks = run.resources.flatMap((r) =>
            plainStrings(r.inputs)
                .filter((s) => s.value.includes(CONNECT_PASSWORD))
                .map((s) => `${r.name}.${s.path}`),
        );
        assert.deepEqual(leaks, []);
    });

    it("exports the CA and the REST login (its password a secret) for npm run status", async () => {
        const s = run.program.stack;
        assert.equal((await run.output(pulumi.output(s.caCertificate))).value, CA);
        assert.equal(s.connectUser, "cdc-pulumi");
        const pw = await run.output(s.connectPassword!);
        assert.equal(pw.secret, true);
        assert.equal(pw.value, CONNECT_PASSWORD);
    });
});

describe("cdc:external.connectUser and cdc:connectPassword", () => {
    const external = (over: Record<string, unknown> = {}) => ({
        connectUrl: "https://connect.example.com:8083",
        kafkaBootstrap: "kafka-1.example.com:9092",
        clickhouse: { url: "https://abc.clickhouse.cloud:8443" },
        ...over,
    });
    const base = { platform: "external", clickhousePassword: "x", debeziumConnectionString: "y" };
    async function problems(raw: Record<string, unknown>, secretKeys?: string[]): Promise<string> {
        const { parseConfig } = await import("../../components/config");
        try {
            parseConfig(raw, secretKeys ? { secretKeys: new Set(secretKeys) } : {});
        } catch (e) {
            return (e as Error).message;
        }
        return "";
    }

    it("wants both or neither, naming the missing key and the command", async () => {
        const noPassword = await problems({ ...base, external: external({ connectUser: "cdc" }) });
        assert.match(noPassword, /cdc:connectPassword.*pulumi config set --secret cdc:connectPassword/);
        const noUser = await problems({ ...base, external: external(), connectPassword: "z" });
        assert.match(noUser, /cdc:external\.connectUser.*pulumi config set --path cdc:external\.connectUser/);
        assert.equal(await problems({ ...base, external: external({ connectUser: "cdc" }), connectPassword: "z" }), "");
    });

    it("refuses a user with ':' and a password stored in plain text", async () => {
        assert.match(
            await problems({ ...base, external: external({ connectUser: "a:b" }), connectPassword: "z" }),
            /connectUser/,
        );
        const plain = await problems({ ...base, external: external({ connectUser: "cdc" }), connectPassword: "z" }, [
            "cdc:clickhousePassword",
            "cdc:debeziumConnectionString",
        ]);
        assert.match(plain, /cdc:connectPassword.*stored in plain text/);
        assert.ok(!plain.includes('"z"'));
    });
});
