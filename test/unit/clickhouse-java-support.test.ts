/**
 * The JVM-client tier's support code (test/support/clickhouse-java): its pins follow the sink
 * release the product installs, and a machine without a usable JDK gets a reason, not a crash.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { DEFAULT_CLICKHOUSE_SINK_PLUGIN } from "../../components/config/versions";
import { clickhouseJavaProblem, clickhouseJavaSinkVersion, clickhouseJavaVersion } from "../support/clickhouse-java";

/** A JAVA_HOME whose `java -version` claims `version`, with or without a `javac`. */
function fakeJdk(version: string, withJavac: boolean): string {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "fake-jdk-"));
    fs.mkdirSync(path.join(home, "bin"));
    const script = (text: string) => `#!/bin/sh\necho '${text}' >&2\n`;
    fs.writeFileSync(path.join(home, "bin", "java"), script(`openjdk version "${version}" 2025-01-01`), {
        mode: 0o755,
    });
    if (withJavac) fs.writeFileSync(path.join(home, "bin", "javac"), script(`javac ${version}`), { mode: 0o755 });
    return home;
}

describe("clickhouse-java test support", () => {
    const saved = process.env.JAVA_HOME;
    const made: string[] = [];
    after(() => {
        if (saved === undefined) delete process.env.JAVA_HOME;
        else process.env.JAVA_HOME = saved;
        for (const d of made) fs.rmSync(d, { recursive: true, force: true });
    });
    const withJavaHome = async (home: string) => {
        process.env.JAVA_HOME = home;
        return clickhouseJavaProblem();
    };

    it("pins the clients of the sink release the product installs", () => {
        assert.equal(
            clickhouseJavaSinkVersion(),
            DEFAULT_CLICKHOUSE_SINK_PLUGIN.version,
            "the sink was bumped: set test/support/clickhouse-java/pom.xml's clickhouse-sink.version and the client versions from that release's gradle/libs.versions.toml",
        );
        assert.match(clickhouseJavaVersion(), /^\d+\.\d+\.\d+$/);
    });

    it("names a missing java, a too old one and a JRE without javac, with the fix", async () => {
        assert.match((await withJavaHome(path.join(os.tmpdir(), "no-such-jdk"))) ?? "", /no runnable java .*JAVA_HOME/);
        const old = fakeJdk("1.8.0_392", true);
        const jre = fakeJdk("17.0.9", false);
        made.push(old, jre);
        assert.match((await withJavaHome(old)) ?? "", /java 8 is too old/);
        assert.match((await withJavaHome(jre)) ?? "", /no javac .*install a JDK/);
    });
});
