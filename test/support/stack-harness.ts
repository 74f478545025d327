/**
 * The whole stack on the `external` platform, driven by the Automation API against real local
 * services: the chdb gateway as ClickHouse, the Maven-started Kafka Connect, real dbt and the real
 * Pulumi CLI with a `file://` backend and a passphrase secrets provider in a temporary directory.
 *
 * The inline program is `index.ts`'s own: `buildStack(loadConfig())` with every output,
 * configured through stack config exactly as a user would (secrets with `--secret`). Two things
 * differ, both through `buildStack`'s internal test seams, because the service cannot exist here:
 * - the connectors: no MongoDB server (Debezium cannot reach RUNNING) and no ClickHouse sink jar
 *   (not on Maven Central). Through `connectorConfigOverride`, the source becomes a
 *   FileStreamSource and the sink a FileStreamSink (both shipped with Kafka), keeping the
 *   product's names, secret config, dependencies, readiness waits and every other key (the sink
 *   loses only the ClickHouse plugin's own `keyToValue` transform). The source writes to the
 *   product's change topic and the sink reads the product's topic list, so lines flow source →
 *   Kafka → sink through the product's naming;
 * - the dbt project is a copy of `ecom_analytics/` in the temp dir, so a test may edit a model.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LocalWorkspace, PulumiCommand, type ConfigMap, type Stack } from "@pulumi/pulumi/automation";
import { startChdbGateway, type ChdbGateway } from "../../tools/chdb-gateway/index";
import { ENV_CONFIG_PROVIDER_CLASS } from "../../connectors";
import { loadConfig } from "../../components/config/load";
import { buildStack } from "../../components/stack";
import { dbtVenvProblem, ensureDbtVenv } from "../../components/providers/dbt/venv";
import { chdbProblem } from "./chdb";
import { makeTestCert, writeKeyPair } from "./tls-pki";
import { kafkaToolchainProblem, startKafkaConnect, type KafkaConnectCluster } from "./kafka";
import { standInConnectors } from "./stand-in-connectors";
import { ensurePulumiCli, isolatedPulumiEnv, pulumiCliProblem, pulumiCliRoot } from "./pulumi-cli";
import { stopStarted, throwIfAnyFailed } from "./stack-checks";

/** The real services one stack runs against. */
export interface ExternalServices {
    gateway: ChdbGateway;
    connect: KafkaConnectCluster;
    /** Path of the `pulumi` binary. */
    pulumiBin: string;
    /** Temporary directory holding the backend, PULUMI_HOME, the dbt project copy and connector files. */
    dir: string;
    /** The copy of `ecom_analytics/` the program builds. */
    dbtProjectDir: string;
    /** File the stand-in source connector tails. */
    sourceFile: string;
    /** File the stand-in sink connector appends to. */
    sinkFile: string;
    /** With `tls`: the CA (PEM) that signed Connect's and the gateway's certificates. */
    caPem?: string;
    /** Stops the gateway and Connect and removes the temp dir. Safe to call twice. */
    stop(): Promise<void>;
}

/** Each missing toolchain as `[tier, problem]` (empty when all can run here). */
export async function externalStackProblems(): Promise<Array<[string, string]>> {
    const probes: Array<[string, Promise<string | undefined>]> = [
        ["clickhouse", Promise.resolve(chdbProblem())],
        ["kafka", kafkaToolchainProblem()],
        ["dbt", dbtVenvProblem()],
        ["pulumi", pulumiCliProblem()],
    ];
    const out: Array<[string, string]> = [];
    for (const [tier, p] of probes) {
        const problem = await p;
        if (problem !== undefined) out.push([tier, problem]);
    }
    return out;
}

/** `ecom_analytics/` of this repository. */
const DBT_PROJECT = path.resolve(__dirname, "..", "..", "ecom_analytics");
/** dbt's own output directories, never copied. */
const DBT_OUTPUT = new Set(["target", "dbt_packages", "logs"]);

/**
 * Starts the gateway (user `cdc`, the given password) and Kafka Connect side by side, makes sure
 * the dbt venv and the Pulumi CLI exist, and copies the dbt project. On failure, whatever started
 * is stopped again.
 */
/**
 * Starts the services. `workerSecrets` (env var → value) is given to the Connect worker's
 * environment, with Kafka's EnvVarConfigProvider enabled, as an operator would for
 * `cdc:external.connectSecretRefs` (see docs/platforms.md). With `tls`, Kafka and Connect run
 * secure (SASL_SSL, REST over HTTPS with basic auth) and the gateway serves HTTPS with a
 * certificate for 127.0.0.1/localhost signed by Kafka's test CA, so one CA bundle covers both.
 */
export async function startExternalServices(
    password: string,
    log: (l: string) => void = () => {},
    workerSecrets: Record<string, string> = {},
    options: { tls?: boolean } = {},
): Promise<ExternalServices> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cdc-stack-external-"));
    const dbtProjectDir = path.join(dir, "ecom_analytics");
    fs.cpSync(DBT_PROJECT, dbtProjectDir, {
        recursive: true,
        filter: (src) => !(path.dirname(src) === DBT_PROJECT && DBT_OUTPUT.has(path.basename(src))),
    });
    for (const d of ["state", "home", "work"]) fs.mkdirSync(path.join(dir, d));
    const sourceFile = path.join(dir, "source-lines.txt");
    const sinkFile = path.join(dir, "sink-lines.txt");
    fs.writeFileSync(sourceFile, "");

    const connect = startKafkaConnect({
        log,
        workerProperties: { "config.providers": "env", "config.providers.env.class": ENV_CONFIG_PROVIDER_CLASS },
        workerEnv: workerSecrets,
        ...(options.tls ? { secure: true } : {}),
    });
    // With TLS the gateway's certificate needs Kafka's CA, so it starts once Connect is up.
    const gateway = options.tls
        ? connect.then((c) => {
              const pair = makeTestCert(c.security!.ca, {
                  commonName: "chdb-gateway",
                  hosts: ["127.0.0.1", "localhost"],
              });
              const files = writeKeyPair(dir, "chdb-gateway", pair);
              return startChdbGateway({
                  user: "cdc",
                  password,
                  log,
                  tls: { certFile: files.cert, keyFile: files.key },
              });
          })
        : startChdbGateway({ user: "cdc", password, log });
    const tools = Promise.all([ensureDbtVenv({ log }), ensurePulumiCli()]);
    const settled = await Promise.allSettled([gateway, connect, tools]);
    const stop = stopStarted(settled, () => fs.rmSync(dir, { recursive: true, force: true }));
    await throwIfAnyFailed(settled, stop);
    return {
        gateway: await gateway,
        connect: await connect,
        pulumiBin: (await tools)[1],
        dir,
        dbtProjectDir,
        sourceFile,
        sinkFile,
        ...(options.tls ? { caPem: (await connect).security!.ca.certPem } : {}),
        stop,
    };
}

/** What the test may vary between updates; everything else is fixed by {@link externalStackConfig}. */
export interface ExternalStackSettings {
    /** `cdc:connectors.heartbeatIntervalMs` (a key the stand-in source keeps). */
    heartbeatIntervalMs: number;
    /** `cdc:bronze.dropOnDestroy`. */
    dropOnDestroy: boolean;
    /** `cdc:dbt.enabled`. */
    dbtEnabled: boolean;
    /**
     * Non-default names (`cdc:kafka.topicPrefix`, `cdc:mongo.database` / `.collections`, `cdc:clickhouse.database`);
     * default: the defaults.
     */
    names?: {
        topicPrefix: string;
        mongoDatabase: string;
        collections: { customers: string; products: string; orders: string };
        clickhouseDatabase: string;
    };
    /** `cdc:analytics.refreshSeconds`; default: the product's default. */
    refreshSeconds?: number;
    /** `cdc:external.connectSecretRefs`, when the worker resolves the secrets itself. */
    connectSecretRefs?: { clickhousePassword: string; debeziumConnectionString: string };
    /**
     * With TLS services: the Connect REST password given as `cdc:connectPassword` (default: the
     * worker's own; a wrong one tests the refused login).
     */
    connectPassword?: string;
}

/** The stack config, as `pulumi config set` would hold it (objects as JSON, secrets marked). */
export function externalStackConfig(
    s: ExternalServices,
    secrets: { clickhousePassword: string; debeziumConnectionString: string },
    v: ExternalStackSettings,
): ConfigMap {
    const json = (o: unknown) => ({ value: JSON.stringify(o) });
    const rest = s.connect.security?.rest;
    return {
        "cdc:platform": { value: "external" },
        // One broker here, so the topics the connectors create get one replica.
        "cdc:external": json({
            connectUrl: s.connect.connectUrl,
            kafkaBootstrap: s.connect.bootstrap,
            kafkaReplicationFactor: 1,
            clickhouse: { url: s.gateway.url },
            ...(v.connectSecretRefs ? { connectSecretRefs: v.connectSecretRefs } : {}),
            ...(rest ? { connectUser: rest.user } : {}),
        }),
        ...(rest ? { "cdc:connectPassword": { value: v.connectPassword ?? rest.password, secret: true } } : {}),
        ...(s.caPem ? { "cdc:tls": json({ caBundle: s.caPem }) } : {}),
        "cdc:clickhouse": json({ user: s.gateway.user, database: v.names?.clickhouseDatabase ?? "default" }),
        ...(v.names
            ? {
                  "cdc:kafka": json({ topicPrefix: v.names.topicPrefix }),
                  "cdc:mongo": json({ database: v.names.mongoDatabase, collections: v.names.collections }),
              }
            : {}),
        ...(v.refreshSeconds !== undefined ? { "cdc:analytics": json({ refreshSeconds: v.refreshSeconds }) } : {}),
        // The stand-in source reads a file the test fills only after `up`, so it cannot prove data flows at create:
        // readiness "running" (flowing readiness is shown by test/engine/kafka-connector-lifecycle.test.ts).
        "cdc:connectors": json({
            readyTimeoutSeconds: 90,
            heartbeatIntervalMs: v.heartbeatIntervalMs,
            readiness: "running",
        }),
        "cdc:bronze": json({ dropOnDestroy: v.dropOnDestroy }),
        "cdc:dbt": json({ enabled: v.dbtEnabled, threads: 2 }),
        "cdc:clickhousePassword": { value: secrets.clickhousePassword, secret: true },
        "cdc:debeziumConnectionString": { value: secrets.debeziumConnectionString, secret: true },
    };
}

/** Creates (or selects) the stack with the inline program and sets its config. */
export async function createExternalStack(s: ExternalServices, stackName: string, config: ConfigMap): Promise<Stack> {
    const dbtProjectDir = s.dbtProjectDir;
    const connectorConfigOverride = standInConnectors(s);
    const stack = await LocalWorkspace.createOrSelectStack(
        {
            stackName,
            projectName: "cdc",
            // index.ts's own builder, with the two substitutions of the module comment.
            program: async () => buildStack(loadConfig(), { dbtProjectDir, connectorConfigOverride }),
        },
        {
            // Inside the temp dir (the Automation API's own temp work dir would outlive the test).
            workDir: path.join(s.dir, "work"),
            pulumiCommand: await PulumiCommand.get({ root: pulumiCliRoot(s.pulumiBin), skipVersionCheck: true }),
            envVars: isolatedPulumiEnv(s.dir),
        },
    );
    await stack.setAllConfig(config);
    return stack;
}
