/**
 * The alert rules under Prometheus' own tools (promtool 3.16.0, built from Go modules:
 * test/support/prometheus): `promtool check rules` on the checked-in monitoring/alerts.yml and on
 * a rendering with other thresholds, and `promtool test rules` with, for every alert, a case where
 * it fires and one where it does not (test/monitoring/alert-cases.ts).
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, promises as fs, readFileSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { ALERT_NAMES, DEFAULT_ALERT_THRESHOLDS, renderAlertRules } from "../../components/monitoring/alerts";
import { promtoolTestFile } from "../monitoring/alert-cases";
import { ensurePrometheus, prometheusBinPath, prometheusProblem } from "../support/prometheus";
import { requireTier } from "../support/tier";

const ROOT = path.resolve(__dirname, "..", "..");
const RULES = path.join(ROOT, "monitoring", "alerts.yml");

function promtool(args: string[]): Promise<{ code: number; output: string }> {
    return new Promise((resolve) => {
        execFile(prometheusBinPath("promtool"), args, { timeout: 120_000 }, (err, stdout, stderr) => {
            const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
            resolve({ code, output: `${stdout}${stderr}` });
        });
    });
}

describe("alert rules under promtool", () => {
    let problem: string | undefined;
    let dir = "";

    before(async () => {
        problem = await prometheusProblem();
        if (problem) return;
        await ensurePrometheus((l) => process.stderr.write(`${l}\n`));
        dir = mkdtempSync(path.join(os.tmpdir(), "cdc-alert-rules-"));
    });
    after(() => {
        if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("promtool check rules accepts monitoring/alerts.yml and finds all the alerts", async (t) => {
        if (!requireTier(t, "prometheus", problem)) return;
        const r = await promtool(["check", "rules", RULES]);
        assert.equal(r.code, 0, r.output);
        assert.match(r.output, new RegExp(`SUCCESS: ${ALERT_NAMES.length} rules found`));
    });

    it("promtool check rules accepts a rendering with other thresholds (seconds, fractions)", async (t) => {
        if (!requireTier(t, "prometheus", problem)) return;
        const file = path.join(dir, "custom.yml");
        await fs.writeFile(
            file,
            renderAlertRules(
                {
                    connectorFailedMinutes: 0.05,
                    sinkLagRecords: 1,
                    sinkLagMinutes: 0.5,
                    goldFreshnessSeconds: 30,
                    rejectsWindowMinutes: 0.25,
                    deadLettersMax: 3,
                    serviceDownMinutes: 0,
                    clickhousePartsMax: 1000,
                    sourceDisconnectedMinutes: 90,
                    backupMaxAgeHours: 1.5,
                },
                { runbookBase: "https://docs.example/operations.html" },
            ),
        );
        const r = await promtool(["check", "rules", file]);
        assert.equal(r.code, 0, r.output);
        assert.match(r.output, new RegExp(`SUCCESS: ${ALERT_NAMES.length} rules found`));
    });

    it("promtool check rules refuses a broken rules file (the check can fail)", async (t) => {
        if (!requireTier(t, "prometheus", problem)) return;
        const file = path.join(dir, "broken.yml");
        await fs.writeFile(
            file,
            renderAlertRules(DEFAULT_ALERT_THRESHOLDS).replace(
                "cdc_dead_letter_records) > 0",
                "cdc_dead_letter_records) >",
            ),
        );
        const r = await promtool(["check", "rules", file]);
        assert.notEqual(r.code, 0, r.output);
    });

    for (const alert of ALERT_NAMES) {
        it(`${alert}: fires where it should and not elsewhere (promtool test rules)`, async (t) => {
            if (!requireTier(t, "prometheus", problem)) return;
            const rulesCopy = path.join(dir, "alerts.yml");
            await fs.copyFile(RULES, rulesCopy);
            const file = path.join(dir, `${alert}.promtest.yml`);
            await fs.writeFile(file, promtoolTestFile(alert, "alerts.yml", readFileSync(RULES, "utf8")));
            const r = await promtool(["test", "rules", file]);
            assert.equal(r.code, 0, `${r.output}\n--- test file ${file}:\n${readFileSync(file, "utf8")}`);
            assert.match(r.output, /SUCCESS/);
        });
    }
});
