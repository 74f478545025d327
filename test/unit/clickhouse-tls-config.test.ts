/**
 * ClickHouse's TLS config and users file as the platforms render them
 * (components/platform/shared/clickhouse.ts): what they say, and what they refuse to render.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
    clickhouseTlsConfigXml,
    clickhouseTlsUsableCommand,
    clickhouseUsersXml,
    passwordSha256Hex,
} from "../../components/platform/shared/clickhouse";

/** The opening and closing tags of `xml` balance (a minimal well-formedness check). */
function balanced(xml: string): boolean {
    const stack: string[] = [];
    for (const m of xml.replace(/<!--[\s\S]*?-->/g, "").matchAll(/<(\/?)([A-Za-z_][\w.-]*)[^>]*?(\/?)>/g)) {
        const [, closing, name, selfClosing] = m;
        if (selfClosing) continue;
        if (!closing) stack.push(name);
        else if (stack.pop() !== name) return false;
    }
    return stack.length === 0;
}

describe("ClickHouse TLS config and users file", () => {
    it("hashes a password as ClickHouse's password_sha256_hex does (SHA-256 test vector)", () => {
        // FIPS 180-2 test vector for "abc"
        assert.equal(passwordSha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    });

    it("renders a users file with the hash, no password element, and the passwordless default user removed", () => {
        const hash = passwordSha256Hex("s3cret");
        const xml = clickhouseUsersXml({ user: "cdc", passwordSha256Hex: hash });
        assert.ok(balanced(xml), xml);
        assert.match(xml, new RegExp(`<cdc replace="replace">\\s*<password_sha256_hex>${hash}</password_sha256_hex>`));
        assert.doesNotMatch(xml, /<password>|s3cret/);
        assert.match(xml, /<default remove="remove"\/>/);
        assert.match(xml, /<access_management>1<\/access_management>/);
    });

    it("replaces the default user whole when it is the pipeline's user (its empty password would clash with the hash)", () => {
        const xml = clickhouseUsersXml({ user: "default", passwordSha256Hex: passwordSha256Hex("x") });
        assert.doesNotMatch(xml, /remove="remove"/);
        assert.match(xml, /<default replace="replace">\s*<password_sha256_hex>/);
    });

    it("refuses a user name that is no XML element name, and a hash that is not one", () => {
        for (const user of ["1cdc", "cdc-user", "c d", "<x>", ""])
            assert.throws(
                () => clickhouseUsersXml({ user, passwordSha256Hex: passwordSha256Hex("x") }),
                /cdc:clickhouse\.user must be letters, digits and _/,
                user,
            );
        assert.throws(() => clickhouseUsersXml({ user: "cdc", passwordSha256Hex: "s3cret" }), /64 lowercase hex/);
    });

    it("renders a balanced server config with only TLS listeners", () => {
        const xml = clickhouseTlsConfigXml();
        assert.ok(balanced(xml), xml);
        const listeners = [...xml.matchAll(/<(\w+_port(?:_secure)?)>(\d+)</g)].map((m) => [m[1], Number(m[2])]);
        assert.deepEqual(listeners, [
            ["https_port", 8443],
            ["tcp_port_secure", 9440],
        ]);
        assert.match(xml, /<disableProtocols>sslv2,sslv3,tlsv1,tlsv1_1<\/disableProtocols>/);
    });

    it("checks health over HTTPS with the stack's CA, never skipping verification", () => {
        const cmd = clickhouseTlsUsableCommand("clickhouse");
        assert.match(cmd, /--ca-certificate=\/etc\/cdc\/tls\/ca\.crt https:\/\/clickhouse:8443\/ping$/);
        assert.doesNotMatch(cmd, /no-check-certificate|http:\/\//);
    });
});
