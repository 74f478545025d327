/**
 * `cdc:backup` without a program: defaults (off everywhere), the schedule's cron syntax
 * (components/config/cron.ts, also what the docker scheduler runs), the target, the S3 secrets
 * (both or neither, only with an s3: target, set with --secret), and refusal on external; every
 * problem names its key and the fix.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, cronMatches, parseConfig, parseCron } from "../../components/config";

const K8S = { kubernetes: { access: { mode: "nodePort", nodeAddress: "10.0.0.5" } } };
const EXT = {
    external: {
        connectUrl: "https://connect.example:8083",
        kafkaBootstrap: "kafka.example:9093",
        clickhouse: { url: "https://ch.example:8443" },
    },
    clickhousePassword: "pw",
    debeziumConnectionString: "mongodb://debezium:x@mongo.example:27017/?replicaSet=rs0",
};

function problems(raw: Record<string, unknown>, secretKeys?: string[]): { key: string; message: string }[] {
    try {
        parseConfig(raw, secretKeys ? { secretKeys: new Set(secretKeys) } : {});
    } catch (e) {
        if (e instanceof ConfigError) return e.problems;
        throw e;
    }
    return [];
}

const S3_SECRETS = ["cdc:backupS3AccessKeyId", "cdc:backupS3SecretAccessKey"];

describe("cdc:backup", () => {
    it("is off by default on every platform, with a daily schedule, the backups disk and 7 kept", () => {
        for (const raw of [{ platform: "docker" }, { platform: "kubernetes", ...K8S }]) {
            const b = parseConfig(raw).backup;
            assert.deepEqual(b, {
                enabled: false,
                schedule: "0 3 * * *",
                target: "disk:backups",
                retention: 7,
                incremental: true,
                fullEvery: 7,
                s3Credentials: false,
            });
        }
    });

    it("takes an s3 target with both secrets, set with --secret", () => {
        const raw = {
            platform: "kubernetes",
            ...K8S,
            backup: { enabled: true, target: "s3:https://minio.example:9000/bk/cdc", schedule: "@hourly" },
            backupS3AccessKeyId: "AKIA",
            backupS3SecretAccessKey: "s3cr3t",
        };
        const c = parseConfig(raw, { secretKeys: new Set(S3_SECRETS) });
        assert.equal(c.backup.enabled, true);
        assert.equal(c.backup.s3Credentials, true);
        assert.equal(c.backup.target, "s3:https://minio.example:9000/bk/cdc");
        // the secret values are not in the parsed config: the platform reads them with requireSecret
        assert.ok(!JSON.stringify(c.backup).includes("s3cr3t"));
    });

    it("refuses a bad schedule naming the field of the cron line that is wrong", () => {
        const cases: [unknown, RegExp][] = [
            ["0 3 * *", /has 4 fields; a schedule has 5/],
            ["61 3 * * *", /minute: 61 is outside 0-59/],
            ["0 3 * * mon-", /day of week/],
            ["0 */0 * * *", /hour: step "0" is not a positive number/],
            ["0 5-2 * * *", /hour: the range 5-2 runs backwards/],
            ["0 0 31 feb *", /names no day that exists .* it would never run/],
            [42, /is not a cron schedule/],
        ];
        for (const [schedule, re] of cases) {
            const p = problems({ platform: "docker", backup: { schedule } });
            assert.equal(p.length, 1, JSON.stringify(p));
            assert.equal(p[0].key, "cdc:backup.schedule");
            assert.match(p[0].message, re, String(schedule));
        }
    });

    it("refuses a target other than disk:backups or an s3 URL, and credentials in the URL", () => {
        const cases: [string, RegExp][] = [
            ["disk:other", /one backups disk, named "backups"/],
            ["ftp:x", /must be disk:NAME .* or s3:https/],
            ["s3:https://key:secret@minio:9000/b", /credentials in the URL: give them in the secret cdc:backupS3/],
            ["s3:ftp://minio/b", /must be http\(s\)/],
        ];
        for (const [target, re] of cases) {
            const p = problems({ platform: "docker", backup: { target } });
            assert.equal(p.length, 1, JSON.stringify(p));
            assert.equal(p[0].key, "cdc:backup.target");
            assert.match(p[0].message, re, target);
            assert.ok(!p[0].message.includes("secret@"), "the URL's password is not echoed");
        }
    });

    it("wants the S3 secrets both or neither, only with an s3 target, and encrypted", () => {
        const s3 = { target: "s3:https://minio:9000/b" };
        let p = problems({ platform: "docker", backup: s3, backupS3AccessKeyId: "a" }, S3_SECRETS);
        assert.deepEqual(
            p.map((x) => x.key),
            ["cdc:backupS3SecretAccessKey"],
        );
        assert.match(p[0].message, /pulumi config set --secret cdc:backupS3SecretAccessKey/);
        p = problems({ platform: "docker", backupS3AccessKeyId: "a", backupS3SecretAccessKey: "b" }, S3_SECRETS);
        assert.deepEqual(
            p.map((x) => x.key),
            ["cdc:backupS3AccessKeyId", "cdc:backupS3SecretAccessKey"],
        );
        assert.match(p[0].message, /read only with an s3: cdc:backup.target/);
        p = problems({ platform: "docker", backup: s3, backupS3AccessKeyId: "a", backupS3SecretAccessKey: "b" }, []);
        assert.deepEqual(
            p.map((x) => x.key),
            ["cdc:backupS3AccessKeyId", "cdc:backupS3SecretAccessKey"],
        );
        assert.match(p[1].message, /stored in plain text.*pulumi config set --secret cdc:backupS3SecretAccessKey/);
    });

    it("is refused on external when enabled (the stack runs no ClickHouse there); off is accepted", () => {
        const p = problems({ platform: "external", ...EXT, backup: { enabled: true } });
        assert.deepEqual(
            p.map((x) => x.key),
            ["cdc:backup.enabled"],
        );
        assert.match(p[0].message, /with your own scheduler/);
        assert.equal(parseConfig({ platform: "external", ...EXT, backup: { enabled: false } }).backup.enabled, false);
    });

    it("names unknown fields and out-of-range counts", () => {
        const p = problems({ platform: "docker", backup: { retension: 3, retention: 0, fullEvery: "x" } });
        const keys = p.map((x) => x.key).sort();
        assert.deepEqual(keys, ["cdc:backup.fullEvery", "cdc:backup.retension", "cdc:backup.retention"]);
        assert.match(p.find((x) => x.key === "cdc:backup.retension")!.message, /did you mean `cdc:backup.retention`/);
    });
});

describe("cron schedules (parseCron, cronMatches)", () => {
    const at = (iso: string) => new Date(iso);
    it("matches the minutes a schedule names, in UTC", () => {
        const daily = parseCron("0 3 * * *");
        assert.equal(cronMatches(daily, at("2026-12-07T03:00:00Z")), true);
        assert.equal(cronMatches(daily, at("2026-12-07T03:01:00Z")), false);
        assert.equal(cronMatches(daily, at("2026-12-07T04:00:00Z")), false);
        const steps = parseCron("*/15 8-10 * * mon-fri");
        assert.equal(cronMatches(steps, at("2026-12-07T09:45:00Z")), true); // a Monday
        assert.equal(cronMatches(steps, at("2026-12-06T09:45:00Z")), false); // a Sunday
        assert.equal(cronMatches(steps, at("2026-12-07T09:50:00Z")), false);
        assert.equal(cronMatches(steps, at("2026-12-07T11:00:00Z")), false);
    });

    it("reads macros, names, lists and Sunday as 0 or 7", () => {
        assert.deepEqual(parseCron("@daily"), parseCron("0 0 * * *"));
        assert.deepEqual([...parseCron("0 0 * * 7").dayOfWeek], [0]);
        assert.deepEqual([...parseCron("0 0 1 jan,jul *").month], [1, 7]);
        assert.deepEqual([...parseCron("5/20 * * * *").minute], [5, 25, 45]);
    });

    it("runs when either day field matches if both are restricted (as cron does)", () => {
        const c = parseCron("0 0 1 * sun");
        assert.equal(cronMatches(c, at("2026-12-01T00:00:00Z")), true); // the 1st, a Tuesday
        assert.equal(cronMatches(c, at("2026-12-06T00:00:00Z")), true); // a Sunday
        assert.equal(cronMatches(c, at("2026-12-07T00:00:00Z")), false);
    });
});
