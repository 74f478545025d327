/**
 * The committed stack files parse and validate: `Pulumi.prod.yaml` (kubernetes, production
 * sizes) and `examples/Pulumi.external.yaml`, read with a YAML parser and checked with the same
 * `parseConfig` `pulumi up` uses.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { describe, it } from "node:test";
import { parseConfig } from "../../components/config";

const root = path.resolve(__dirname, "..", "..");
// js-yaml is in node_modules (a transitive dependency) without type declarations.
const yaml = createRequire(__filename)("js-yaml") as { load(text: string): unknown };

/** `cdc:*` config of a stack file as `loadConfig` sees it (structured values kept as objects). */
function cdcConfig(file: string): Record<string, unknown> {
    const doc = yaml.load(fs.readFileSync(path.join(root, file), "utf8")) as {
        config?: Record<string, unknown>;
    } | null;
    return Object.fromEntries(
        Object.entries(doc?.config ?? {})
            .filter(([k]) => k.startsWith("cdc:"))
            .map(([k, v]) => [k.slice(4), v]),
    );
}

describe("committed stack files", () => {
    it("Pulumi.prod.yaml is a valid kubernetes stack with 3 members, 3 brokers and 2 Connect workers", () => {
        const c = parseConfig(cdcConfig("Pulumi.prod.yaml"));
        assert.equal(c.platform, "kubernetes");
        assert.equal(c.kubernetes.mongo.members, 3);
        assert.equal(c.kubernetes.kafka.brokers, 3);
        assert.equal(c.kubernetes.connect.replicas, 2);
        assert.ok(c.kubernetes.access.mode);
    });

    it("Pulumi.dev.yaml is a valid docker stack on 127.0.0.1 whose destroy drops bronze", () => {
        const c = parseConfig(cdcConfig("Pulumi.dev.yaml"));
        assert.equal(c.platform, "docker");
        assert.equal(c.docker.bindAddress, "127.0.0.1");
        assert.equal(c.bronze.dropOnDestroy, true);
        const doc = yaml.load(fs.readFileSync(path.join(root, "Pulumi.dev.yaml"), "utf8")) as {
            encryptionsalt?: string;
        };
        assert.match(doc.encryptionsalt ?? "", /^v1:/, "salt of the default dev passphrase");
    });

    it("examples/Pulumi.external.yaml validates once the two secrets are set", () => {
        const raw = cdcConfig("examples/Pulumi.external.yaml");
        assert.equal(raw.clickhousePassword, undefined, "no credential in the example");
        assert.throws(() => parseConfig(raw), /cdc:clickhousePassword/);
        const c = parseConfig({ ...raw, clickhousePassword: "x", debeziumConnectionString: "mongodb://u:p@h:27017/" });
        assert.equal(c.platform, "external");
        assert.match(c.external.clickhouse.url, /^https:/);
    });

    it("no stack file holds a plain-text credential", () => {
        const files = [
            "Pulumi.prod.yaml",
            "examples/Pulumi.external.yaml",
            ...fs.readdirSync(root).filter((f) => /^Pulumi\..+\.yaml$/.test(f)),
        ];
        for (const f of new Set(files)) {
            const raw = cdcConfig(f);
            for (const key of ["clickhousePassword", "debeziumConnectionString"]) {
                const v = raw[key];
                assert.ok(
                    v === undefined || (typeof v === "object" && v !== null && "secure" in v),
                    `${f}: cdc:${key} must be set with --secret`,
                );
            }
        }
    });
});
