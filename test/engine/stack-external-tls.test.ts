/**
 * Engine tier, #21: the `external` platform's CDC layer over TLS with authentication, under the
 * real Pulumi engine (Automation API, index.ts's program; see test/support/stack-harness.ts)
 * against real local services started secure: Kafka with SASL_SSL + SCRAM, Kafka Connect's REST
 * over HTTPS with basic auth, the chdb gateway over HTTPS, one CA (`cdc:tls.caBundle`) for both.
 * The connectors are the harness's file stand-ins, as in stack-external.test.ts.
 *
 * One stack, few steps (kept short; the plaintext behaviours are stack-external.test.ts's): up,
 * a no-op second up, a refused Connect login named by the provider, destroy.
 */
import assert from "node:assert/strict";
import { after, describe, type TestContext } from "node:test";
import { createClient, type ClickHouseClient } from "@clickhouse/client";
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import {
    createExternalStack,
    externalStackConfig,
    externalStackProblems,
    startExternalServices,
    type ExternalServices,
    type ExternalStackSettings,
} from "../support/stack-harness";
import { FILE_SINK, FILE_SOURCE } from "../support/stand-in-connectors";
import {
    assertConnectHasNoSecrets,
    assertStateHasNoSecrets,
    changed,
    connectorOnConnect,
    restAccessOf,
    secretScanner,
    sequentialSteps,
    type SecretScan,
} from "../support/stack-checks";
import { requireTier } from "../support/tier";
import { CONNECT_SECRET_ENV, CONNECT_SECRET_REFS } from "../../connectors";

const PASSWORD = "Ext-tls-CH-pw-7391";
const DBZ_PASSWORD = "Ext-tls-dbz-pw-4418";
const CONNECTION_STRING = `mongodb://debezium:${DBZ_PASSWORD}@127.0.0.1:1/?replicaSet=rs0&authSource=admin&tls=true`;
const SECRETS = { clickhousePassword: PASSWORD, debeziumConnectionString: CONNECTION_STRING };
const WRONG_CONNECT_PASSWORD = "Ext-tls-wrong-connect-pw-2957";
const STACK = "ext-tls";
const SOURCE = `${STACK}-mongo-source`;
const SINK = `${STACK}-clickhouse-sink`;
const BRONZE = ["mongo_ecom_customers", "mongo_ecom_products", "mongo_ecom_orders"];
/** Every resource of the stack with dbt on: stack, 2 components, bronze, sink, source, dbt. */
const RESOURCES = 7;

const verbose = process.env.CDC_TEST_VERBOSE ? (l: string) => process.stderr.write(`${l}\n`) : undefined;

describe(
    "the external platform over TLS with authentication, through the Automation API",
    {
        timeout: 15 * 60_000,
    },
    () => {
        let services: ExternalServices | undefined;
        let stack: Stack | undefined;
        let ch: ClickHouseClient | undefined;
        let assertNoSecrets: SecretScan = () => {};
        let settings: ExternalStackSettings = {
            heartbeatIntervalMs: 10_000,
            dropOnDestroy: true,
            dbtEnabled: true,
            connectSecretRefs: { ...CONNECT_SECRET_REFS },
        };
        let startup: Promise<void> | undefined;
        let problems: ReturnType<typeof externalStackProblems> | undefined;

        async function ready(t: TestContext): Promise<boolean> {
            problems ??= externalStackProblems();
            for (const [tier, problem] of await problems) if (!requireTier(t, tier, problem)) return false;
            startup ??= (async () => {
                services = await startExternalServices(
                    PASSWORD,
                    verbose,
                    {
                        [CONNECT_SECRET_ENV.clickhousePassword]: PASSWORD,
                        [CONNECT_SECRET_ENV.debeziumConnectionString]: CONNECTION_STRING,
                    },
                    { tls: true },
                );
                assert.match(services.gateway.url, /^https:/);
                assert.match(services.connect.connectUrl, /^https:/);
                assertNoSecrets = secretScanner({
                    "the ClickHouse password": PASSWORD,
                    "the Debezium connection string": CONNECTION_STRING,
                    "the Debezium password": DBZ_PASSWORD,
                    "the Connect REST password": services.connect.security!.rest.password,
                    "the wrong Connect REST password": WRONG_CONNECT_PASSWORD,
                });
                ch = createClient({
                    url: services.gateway.url,
                    username: services.gateway.user,
                    password: PASSWORD,
                    tls: { ca_cert: Buffer.from(services.caPem!) },
                });
                stack = await createExternalStack(services, STACK, externalStackConfig(services, SECRETS, settings));
            })();
            await startup;
            return true;
        }

        async function configure(next: Partial<ExternalStackSettings>): Promise<void> {
            settings = { ...settings, ...next };
            await stack!.setAllConfig(externalStackConfig(services!, SECRETS, settings));
        }

        async function bronzeTables(): Promise<string[]> {
            const names = BRONZE.map((n) => `'${n}'`).join(",");
            const rs = await ch!.query({
                query: `SELECT name FROM system.tables WHERE database = 'default' AND name IN (${names}) ORDER BY name`,
                format: "JSONEachRow",
            });
            return (await rs.json<{ name: string }>()).map((r) => r.name);
        }

        const connector = (name: string) =>
            connectorOnConnect(services!.connect.connectUrl, name, restAccessOf(services!.connect));

        const step = sequentialSteps(ready);

        after(async () => {
            await ch?.close().catch(() => undefined);
            if (startup) await startup.catch(() => undefined);
            await services?.stop();
        });

        step("creates bronze, both connectors and a dbt run over TLS with authentication", async () => {
            const events: EngineEvent[] = [];
            const up = await stack!.up({ onEvent: (e) => events.push(e) });
            assert.equal(up.summary.result, "succeeded");
            assert.equal(up.summary.resourceChanges?.create, RESOURCES);

            assert.deepEqual(await bronzeTables(), [...BRONZE].sort(), "bronze tables exist behind HTTPS");
            for (const [name, cls] of [
                [SOURCE, FILE_SOURCE],
                [SINK, FILE_SINK],
            ] as const) {
                const c = await connector(name);
                assert.equal(c.status, 200, `${name} exists on Connect`);
                assert.equal(c.config!["connector.class"], cls);
                assert.equal(c.state, "RUNNING", `${name} is RUNNING`);
                assert.deepEqual(c.tasks, ["RUNNING"]);
            }
            // Without the login, Connect refuses: the connectors above were read (and made) authenticated.
            const anonymous = await connectorOnConnect(services!.connect.connectUrl, SOURCE, {
                ca: services!.caPem!,
            });
            assert.equal(anonymous.status, 401);

            const summary = up.outputs.dbtSummary.value as { modelsBuilt: number };
            assert.ok(summary.modelsBuilt > 0, `dbt built models over HTTPS: ${JSON.stringify(summary)}`);

            await assertStateHasNoSecrets(assertNoSecrets, stack!, services!.dir);
            await assertConnectHasNoSecrets(
                assertNoSecrets,
                services!.connect,
                [SOURCE, SINK],
                CONNECT_SECRET_REFS.clickhousePassword,
            );
            assertNoSecrets(up.stdout + up.stderr + JSON.stringify(events), "the up's output and events");
        });

        step("changes nothing on a second up", async () => {
            const events: EngineEvent[] = [];
            const up = await stack!.up({ onEvent: (e) => events.push(e) });
            assert.deepEqual(changed(events), []);
            assert.deepEqual(up.summary.resourceChanges, { same: RESOURCES });
        });

        step("fails the up with the provider's named 401 error when the Connect password is wrong", async () => {
            await configure({ connectPassword: WRONG_CONNECT_PASSWORD });
            let out = "";
            const failed = await stack!.up({ onOutput: (s) => (out += s) }).then(
                () => undefined,
                (e: unknown) => e as Error,
            );
            assert.ok(failed, "the up must fail");
            const text = `${out}\n${failed.message}`;
            verbose?.(text);
            assert.match(text, /401/, "the error names the status");
            assert.match(text, /cdc:connectPassword/, "the error names the key to fix");
            assert.match(text, /cdc:external\.connectUser/);
            assert.doesNotMatch(text, /\n\s+at .+:\d+:\d+\)?\n/, "no raw stack trace");
            assertNoSecrets(text, "the failed up's output");

            // Put the right password back: the connectors were never touched.
            await configure({ connectPassword: undefined });
            assert.equal((await connector(SOURCE)).state, "RUNNING");
        });

        step("destroys the connectors and the bronze tables over TLS", async () => {
            const down = await stack!.destroy();
            assert.equal(down.summary.resourceChanges?.delete, RESOURCES);
            assert.equal((await connector(SOURCE)).status, 404);
            assert.equal((await connector(SINK)).status, 404);
            assert.deepEqual(await bronzeTables(), [], "bronze tables are dropped (dropOnDestroy)");
            assertNoSecrets(down.stdout + down.stderr, "the destroy's output");
            await stack!.workspace.removeStack(STACK);
        });
    },
);
