/**
 * Flags of `npm run status` and where the endpoints come from: the stack's outputs (read through
 * scripts/pulumi.sh like `npm run dbt`), each overridable by a flag; with every endpoint given by
 * flags no stack is read (tests, a pipeline not deployed by this stack).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { maskSecrets, secretValuesOf } from "../../components/providers/shared/mask";
import { checkHttpUrl, checkKafkaBootstrap, endpointSecrets } from "./endpoints";
import { DEFAULT_THRESHOLDS } from "./verdict";
import { KAFKA_STATUS_ENV, kafkaSecurityFromEnv, type KafkaSecurity } from "./kafka";
import type { Thresholds } from "./types";

export interface Flags {
    stack?: string;
    json: boolean;
    timeoutSeconds: number;
    traceLines: number;
    thresholds: Thresholds;
    /** Threshold flags given explicitly (the others may follow the stack, e.g. the gold refresh interval). */
    explicit: Set<string>;
    connectUrl?: string;
    kafka?: string;
    clickhouseUrl?: string;
    clickhouseUser?: string;
    database?: string;
    source?: string;
    sink?: string;
    sourceTopics?: string[];
    bronzeTables?: string[];
    projectDir?: string;
    /** `--ca-file`: PEM of the CA to trust (else `CDC_TLS_CA_FILE`, else the stack output `caCertificate`). */
    caFile?: string;
    /** `--connect-user`: Kafka Connect REST user (else the stack output `connectUser`). */
    connectUser?: string;
    /** `--serve [HOST:]PORT`: run the Prometheus exporter (serve.ts) instead of printing once. */
    serve?: string;
    /** `--tls-cert`/`--tls-key`: the exporter's HTTPS certificate and key (PEM files). */
    tlsCert?: string;
    tlsKey?: string;
}

/** The environment variable naming the CA file (the same as the seed tools'). */
export const CA_FILE_ENV = "CDC_TLS_CA_FILE";
/** The environment variable holding Connect's REST password (never a flag: it would show in ps). */
export const CONNECT_PASSWORD_ENV = "CDC_CONNECT_PASSWORD";

/** What to do about a server certificate this tool does not trust (every service's reads use it). */
export const CA_FIX =
    `Pass the stack's CA: --ca-file FILE or ${CA_FILE_ENV}=FILE, the file from ` +
    "`bash scripts/pulumi.sh stack output caCertificate > cdc-ca.pem` (or the CA of your managed service)";
/** What to do about a refused Connect REST login. */
export const CONNECT_LOGIN_FIX =
    `Give the REST user with --connect-user (default: the stack output connectUser) and its password in ` +
    `${CONNECT_PASSWORD_ENV} (default: the stack's secret output connectPassword)`;

/** Everything a run needs, resolved. */
export interface Target {
    connectUrl: string;
    kafka: string;
    clickhouse: { url: string; user: string; password: string; database: string };
    /** PEM of the CA every https/TLS read trusts; undefined: the system's CAs. */
    caPem?: string;
    /** Kafka Connect REST basic auth, when the worker wants it. */
    connectAuth?: { user: string; password: string };
    source: string;
    sink: string;
    sourceTopics?: string[];
    bronzeTables: string[];
    projectDir: string;
    /** The gold refresh interval of the stack (`dbtVars.gold_refresh_seconds`), when known. */
    goldRefreshSeconds?: number;
    /** Values to mask wherever they might appear. */
    secrets: string[];
    /** TLS and SCRAM of Kafka, from the env (kafka.ts `kafkaSecurityFromEnv`); absent = PLAINTEXT. */
    kafkaSecurity?: KafkaSecurity;
}

export const USAGE = `usage: npm run status -- [--json] [--stack NAME] [--timeout S] [--trace-lines N]
  thresholds: --source-max-age S (${DEFAULT_THRESHOLDS.sourceMaxAgeSeconds}) --max-lag N (${DEFAULT_THRESHOLDS.maxLag}) --max-dead-letters N (${DEFAULT_THRESHOLDS.maxDeadLetters})
              --max-rejects N (${DEFAULT_THRESHOLDS.maxRejects}) --silver-max-delay S (${DEFAULT_THRESHOLDS.silverMaxDelaySeconds}) --gold-max-age S (${DEFAULT_THRESHOLDS.goldMaxAgeSeconds}, or 3 refresh intervals of the stack)
              --backup-max-age S (${DEFAULT_THRESHOLDS.backupMaxAgeSeconds}: a daily schedule + 2 h)
  endpoints (default: the stack's outputs): --connect-url URL --kafka HOST:PORT --clickhouse-url URL --clickhouse-user U
              --database DB --source NAME --sink NAME --bronze-tables A,B --source-topics A,B --project-dir DIR
  TLS and logins: --ca-file FILE (or ${CA_FILE_ENV}; default: the stack output caCertificate) --connect-user U
  the ClickHouse password comes from the stack, or from CDC_STATUS_CLICKHOUSE_PASSWORD; Connect's REST password
  from the stack, or from ${CONNECT_PASSWORD_ENV} (never flags: they would show in ps)
  Kafka over TLS: the CA as above; SCRAM-SHA-512: CDC_STATUS_KAFKA_PASSWORD (user CDC_STATUS_KAFKA_USER, default status)
  exporter: --serve [HOST:]PORT serves Prometheus metrics on /metrics (each scrape one status run; all interfaces
              when no HOST) --tls-cert FILE --tls-key FILE (HTTPS); basic auth: CDC_METRICS_PASSWORD (user
              CDC_METRICS_USER, default metrics); runs until SIGTERM/SIGINT
exit: 0 every stage ok or lagging, 2 a stage failed, 1 bad usage or the stack's outputs unreadable`;

const NUMBERS: Record<string, (f: Flags, v: number) => void> = {
    "--timeout": (f, v) => (f.timeoutSeconds = v),
    "--trace-lines": (f, v) => (f.traceLines = v),
    "--source-max-age": (f, v) => (f.thresholds.sourceMaxAgeSeconds = v),
    "--max-lag": (f, v) => (f.thresholds.maxLag = v),
    "--max-dead-letters": (f, v) => (f.thresholds.maxDeadLetters = v),
    "--max-rejects": (f, v) => (f.thresholds.maxRejects = v),
    "--silver-max-delay": (f, v) => (f.thresholds.silverMaxDelaySeconds = v),
    "--gold-max-age": (f, v) => (f.thresholds.goldMaxAgeSeconds = v),
    "--backup-max-age": (f, v) => (f.thresholds.backupMaxAgeSeconds = v),
};

const STRINGS: Record<string, (f: Flags, v: string) => void> = {
    "--stack": (f, v) => (f.stack = v),
    "--connect-url": (f, v) => (f.connectUrl = v),
    "--kafka": (f, v) => (f.kafka = v),
    "--clickhouse-url": (f, v) => (f.clickhouseUrl = v),
    "--clickhouse-user": (f, v) => (f.clickhouseUser = v),
    "--database": (f, v) => (f.database = v),
    "--source": (f, v) => (f.source = v),
    "--sink": (f, v) => (f.sink = v),
    "--source-topics": (f, v) => (f.sourceTopics = nameList("--source-topics", v)),
    "--bronze-tables": (f, v) => (f.bronzeTables = nameList("--bronze-tables", v)),
    "--project-dir": (f, v) => (f.projectDir = v),
    "--ca-file": (f, v) => (f.caFile = v),
    "--connect-user": (f, v) => (f.connectUser = v),
    "--serve": (f, v) => (f.serve = v),
    "--tls-cert": (f, v) => (f.tlsCert = v),
    "--tls-key": (f, v) => (f.tlsKey = v),
};

/**
 * The CA to trust: the file of `--ca-file` or `CDC_TLS_CA_FILE` (read and checked here, the
 * message naming where it came from), else `fallback` (the stack's output), else none.
 */
export function caPemOf(f: Pick<Flags, "caFile">, fallback?: string): string | undefined {
    const fromEnv = process.env[CA_FILE_ENV];
    const file = f.caFile ?? (fromEnv ? fromEnv : undefined);
    if (file === undefined) return fallback;
    const from = f.caFile !== undefined ? "--ca-file" : CA_FILE_ENV;
    let pem: string;
    try {
        pem = fs.readFileSync(file, "utf8");
    } catch (e) {
        const why = (e as { code?: string }).code ?? (e as Error).message;
        throw new Error(`${from} ${file} cannot be read (${why}): give the path of the CA's PEM file`);
    }
    if (!pem.includes("-----BEGIN CERTIFICATE-----"))
        throw new Error(
            `${from} ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----): ` +
                "`bash scripts/pulumi.sh stack output caCertificate > cdc-ca.pem` writes the stack's",
        );
    return pem;
}

/** A comma-separated list of names; an empty one would check nothing and report it healthy. */
function nameList(flag: string, v: string): string[] {
    const names = v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
    if (names.length === 0) {
        const fix = "give A,B,…, or leave the flag out to take them from the stack";
        throw new Error(`${flag} needs at least one name (got ${JSON.stringify(v)}): ${fix}`);
    }
    return names;
}

/**
 * The longest `--timeout` in seconds: Node's timers hold at most 2³¹−1 ms (about 24.8 days) and
 * fire after 1 ms beyond that.
 */
export const MAX_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** Parses argv; throws a message naming the flag and what it takes. */
export function parseFlags(argv: string[]): Flags {
    const f: Flags = {
        json: false,
        timeoutSeconds: 5,
        traceLines: 3,
        thresholds: { ...DEFAULT_THRESHOLDS },
        explicit: new Set(),
    };
    for (let i = 0; i < argv.length; i++) {
        const [name, inline] = argv[i].split(/=(.*)/s, 2);
        if (name === "--json") {
            f.json = true;
            continue;
        }
        if (name === "--help" || name === "-h") throw new Error(USAGE);
        const num = NUMBERS[name];
        const str = STRINGS[name];
        // The name only: a value given inline (`--clickhouse-password=…`) may be a secret.
        if (!num && !str) throw new Error(`unknown flag ${JSON.stringify(name)}\n${USAGE}`);
        const value = inline ?? argv[++i];
        if (value === undefined || value === "" || value.startsWith("--"))
            throw new Error(`${name} needs a value\n${USAGE}`);
        if (num) {
            const v = Number(value);
            if (!Number.isFinite(v) || v < 0)
                throw new Error(`${name} must be a number >= 0 (got ${JSON.stringify(value)})`);
            if (name === "--timeout" && v === 0) throw new Error("--timeout must be > 0 seconds");
            if (name === "--timeout" && v > MAX_TIMEOUT_SECONDS) {
                const why = `about 24 days, the longest timer Node keeps; got ${value}`;
                throw new Error(`--timeout must be at most ${MAX_TIMEOUT_SECONDS} seconds (${why})`);
            }
            num(f, v);
            f.explicit.add(name);
        } else str!(f, value);
    }
    return f;
}

type Outputs = Record<string, unknown>;

/** The stack's outputs with secrets, through scripts/pulumi.sh (same backend and passphrase as `npm run up`). */
export function readStackOutputs(root: string, stack: string | undefined, timeoutMs = 60_000): Outputs {
    try {
        const text = execFileSync(
            "bash",
            [
                path.join(root, "scripts", "pulumi.sh"),
                "stack",
                "output",
                "--json",
                "--show-secrets",
                ...(stack ? ["--stack", stack] : []),
            ],
            {
                cwd: root,
                encoding: "utf8",
                stdio: ["ignore", "pipe", "pipe"],
                timeout: timeoutMs,
            },
        );
        return JSON.parse(text) as Outputs;
    } catch (e) {
        const err = e as { stderr?: string; message: string; code?: string };
        // The whole message: pulumi.sh's refusals say what to export over several lines.
        const why =
            err.code === "ETIMEDOUT"
                ? `no answer within ${timeoutMs / 1000} s`
                : maskSecrets((err.stderr || err.message).trim(), []);
        throw new Error(
            `could not read the stack's outputs:\n${why}\n` +
                "Run `npm run up` first (CDC_STACK or --stack picks the stack), or give every endpoint by flags " +
                "(--connect-url, --kafka, --clickhouse-url, --database, --source, --sink, --bronze-tables)",
        );
    }
}

function refreshSeconds(vars: unknown): number | undefined {
    const v = Number((vars as Record<string, unknown> | undefined)?.gold_refresh_seconds);
    return Number.isFinite(v) && v > 0 ? v : undefined;
}

/**
 * The thresholds of a run: the flags', except that without `--gold-max-age` gold may be as old as
 * three refresh intervals of the stack when that is longer than the default.
 */
export function effectiveThresholds(f: Flags, t: Target): Thresholds {
    const th = { ...f.thresholds };
    if (!f.explicit.has("--gold-max-age") && t.goldRefreshSeconds !== undefined)
        th.goldMaxAgeSeconds = Math.max(th.goldMaxAgeSeconds, 3 * t.goldRefreshSeconds);
    return th;
}

const str = (o: Outputs, k: string): string | undefined => (typeof o[k] === "string" ? (o[k] as string) : undefined);

/** Flags over outputs; `outputs` is called only when a flag is missing. */
export function resolveTarget(f: Flags, root: string, outputs: () => Outputs): Target {
    const direct = [f.connectUrl, f.kafka, f.clickhouseUrl, f.database, f.source, f.sink, f.bronzeTables].every(
        (v) => v !== undefined,
    );
    const o = direct ? {} : outputs();
    const conn = (o.connectors ?? {}) as { source?: { name?: string }; sink?: { name?: string } };
    const password = process.env.CDC_STATUS_CLICKHOUSE_PASSWORD ?? str(o, "clickhousePassword") ?? "";
    const caPem = caPemOf(f, str(o, "caCertificate"));
    const connectUser = f.connectUser ?? str(o, "connectUser");
    const connectPassword = process.env[CONNECT_PASSWORD_ENV] ?? str(o, "connectPassword");
    if (connectUser !== undefined && connectPassword === undefined)
        throw new Error(
            `Kafka Connect's REST user "${connectUser}" has no password: set ${CONNECT_PASSWORD_ENV}, ` +
                "or read the stack (leave out some endpoint flags, or pass --stack)",
        );
    if (connectUser === undefined && process.env[CONNECT_PASSWORD_ENV] !== undefined)
        throw new Error(`${CONNECT_PASSWORD_ENV} is set but no REST user: pass --connect-user U`);
    if (connectUser !== undefined && /[:\s]/.test(connectUser))
        throw new Error(`--connect-user must have no ':' or spaces (got ${JSON.stringify(connectUser)})`);
    const t = {
        connectUrl: f.connectUrl ?? str(o, "connectUrl"),
        kafka: f.kafka ?? str(o, "kafkaBootstrap"),
        clickhouse: {
            url: f.clickhouseUrl ?? str(o, "clickhouseUrl"),
            user: f.clickhouseUser ?? str(o, "clickhouseUser") ?? "default",
            password,
            database: f.database ?? str(o, "clickhouseDatabase"),
        },
        source: f.source ?? conn.source?.name,
        sink: f.sink ?? conn.sink?.name,
        bronzeTables: f.bronzeTables ?? (Array.isArray(o.bronzeTables) ? (o.bronzeTables as string[]) : undefined),
    };
    const missing = Object.entries({
        connectUrl: t.connectUrl,
        kafkaBootstrap: t.kafka,
        clickhouseUrl: t.clickhouse.url,
        clickhouseDatabase: t.clickhouse.database,
        "connectors.source.name": t.source,
        "connectors.sink.name": t.sink,
        bronzeTables: t.bronzeTables,
    })
        .filter(([, v]) => v === undefined)
        .map(([k]) => k);
    if (missing.length)
        throw new Error(
            `the stack has no output ${missing.join(", ")}: run \`npm run up\` with this version, or pass the matching flags (npm run status -- --help)`,
        );
    const from = (flag: string, value: unknown, output: string): string =>
        value !== undefined ? flag : `the stack output ${output}`;
    checkHttpUrl(t.connectUrl!, from("--connect-url", f.connectUrl, "connectUrl"));
    checkHttpUrl(t.clickhouse.url!, from("--clickhouse-url", f.clickhouseUrl, "clickhouseUrl"));
    checkKafkaBootstrap(t.kafka!, from("--kafka", f.kafka, "kafkaBootstrap"));
    if (t.bronzeTables!.length === 0) {
        throw new Error("the stack output bronzeTables is empty: pass --bronze-tables A,B");
    }
    // The env wins; else the stack's own SASL_SSL Kafka: its CA and the status user's login from the outputs.
    const kafkaUser = str(o, "kafkaUser");
    const kafkaPassword = process.env[KAFKA_STATUS_ENV.password] ?? str(o, "kafkaPassword");
    const kafkaSecurity =
        kafkaSecurityFromEnv() ??
        (kafkaUser !== undefined && caPem !== undefined
            ? { caPem, ...(kafkaPassword ? { sasl: { user: kafkaUser, password: kafkaPassword } } : {}) }
            : undefined);
    return {
        ...(kafkaSecurity ? { kafkaSecurity } : {}),
        connectUrl: t.connectUrl!,
        kafka: t.kafka!,
        clickhouse: { ...t.clickhouse, url: t.clickhouse.url!, database: t.clickhouse.database! },
        ...(caPem !== undefined ? { caPem } : {}),
        ...(connectUser !== undefined && connectPassword !== undefined
            ? { connectAuth: { user: connectUser, password: connectPassword } }
            : {}),
        source: t.source!,
        sink: t.sink!,
        sourceTopics: f.sourceTopics,
        bronzeTables: t.bronzeTables!,
        projectDir: f.projectDir ?? path.join(root, "ecom_analytics"),
        goldRefreshSeconds: refreshSeconds(o.dbtVars),
        secrets: [
            ...new Set([
                ...secretValuesOf({ password, mongo: str(o, "mongoUri") ?? "", connect: connectPassword ?? "" }),
                ...(kafkaSecurity?.sasl ? [kafkaSecurity.sasl.password] : []),
                ...endpointSecrets([t.connectUrl, t.clickhouse.url]),
            ]),
        ].sort((a, b) => b.length - a.length),
    };
}
