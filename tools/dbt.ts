/**
 * `npm run dbt [-- --command build|run] [--target T] [--stack S]`: runs dbt now against the
 * stack's ClickHouse, with the same pinned venv, generated profile, vars and masked errors as the
 * stack's DbtRun resource. Freshness needs no dbt run (silver follows at insert time, gold is
 * refreshed by ClickHouse, docs/analytics.md); use it after editing models without `pulumi up`,
 * or to run the tests now. Reads the stack's outputs through scripts/pulumi.sh (same backend and
 * passphrase), the stack's CA (`caCertificate`) included.
 */
import { execFileSync } from "child_process";
import * as path from "path";
import { analyticsVars, DEFAULT_ANALYTICS_NAMES } from "../components/analytics/vars";
import { runDbt } from "../components/providers/dbt";

interface Flags {
    command: "build" | "run";
    target: string;
}

function parse(argv: string[]): Flags {
    const flags: Flags = { command: "build", target: "dev" };
    for (let i = 0; i < argv.length; i++) {
        const [name, inline] = argv[i].split("=", 2);
        if (name !== "--command" && name !== "--target") {
            throw new Error(
                `unknown flag ${JSON.stringify(argv[i])}; flags: --command build|run, --target NAME (stack: CDC_STACK env)`,
            );
        }
        const value = inline ?? argv[++i];
        if (name === "--command") {
            if (value !== "build" && value !== "run")
                throw new Error(`--command must be build or run (got ${JSON.stringify(value)})`);
            flags.command = value;
        } else {
            if (!value) throw new Error("--target needs a value, e.g. --target dev");
            flags.target = value;
        }
    }
    return flags;
}

async function main(): Promise<void> {
    const flags = parse(process.argv.slice(2));
    const root = path.resolve(__dirname, "..");
    let outputs: Record<string, unknown>;
    try {
        const text = execFileSync(
            "bash",
            [path.join(root, "scripts", "pulumi.sh"), "stack", "output", "--json", "--show-secrets"],
            {
                cwd: root,
                encoding: "utf8",
                stdio: ["ignore", "pipe", "inherit"],
            },
        );
        outputs = JSON.parse(text) as Record<string, unknown>;
    } catch (e) {
        throw new Error(
            `could not read the stack's outputs (run \`npm run up\` first; CDC_STACK picks the stack): ${(e as Error).message}`,
        );
    }
    const need = ["clickhouseUrl", "clickhouseUser", "clickhousePassword", "clickhouseDatabase"];
    const missing = need.filter((k) => typeof outputs[k] !== "string");
    if (missing.length)
        throw new Error(`the stack has no output ${missing.join(", ")}: run \`npm run up\` with this version first`);
    const summary = await runDbt({
        projectDir: path.join(root, "ecom_analytics"),
        clickhouse: {
            url: outputs.clickhouseUrl as string,
            user: outputs.clickhouseUser as string,
            password: outputs.clickhousePassword as string,
            database: outputs.clickhouseDatabase as string,
            // The stack's CA (absent without TLS), so dbt verifies ClickHouse's certificate against it.
            ...(typeof outputs.caCertificate === "string" ? { caPem: outputs.caCertificate } : {}),
        },
        target: flags.target,
        command: flags.command,
        // The stack's names (bronze tables by role, refresh interval) over the defaults, which stand in
        // for a var a stack older than the `dbtVars` output (or than that var) does not give.
        vars: { ...analyticsVars(DEFAULT_ANALYTICS_NAMES), ...(isStringMap(outputs.dbtVars) ? outputs.dbtVars : {}) },
        log: (line) => process.stderr.write(`${line}\n`),
    });
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
}

function isStringMap(v: unknown): v is Record<string, string> {
    return typeof v === "object" && v !== null && Object.values(v).every((x) => typeof x === "string");
}

main().catch((e: Error) => {
    process.stderr.write(`dbt: ${e.message}\n`);
    process.exit(1);
});
