/**
 * Engine tier: the `external` platform, whole, under the real Pulumi engine (Automation API,
 * inline program = index.ts's; file:// backend; passphrase secrets) against real local services:
 * the chdb gateway as ClickHouse, the Maven-started Kafka Connect, real dbt on a copy of
 * `ecom_analytics/`. The dynamic providers run in Pulumi's provider process, deserialised from
 * the checkpointed closures: that is part of what this proves.
 *
 * Substituted, because the service cannot exist here (see test/support/stack-harness.ts): the
 * Debezium source and the ClickHouse sink run as FileStreamSource / FileStreamSink with the
 * product's config otherwise intact (no MongoDB server; the sink jar is not on Maven Central).
 *
 * One stack, sequential steps: each step starts from the state the previous one left.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
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
    secretScanner,
    sequentialSteps,
} from "../support/stack-checks";
import { requireTier } from "../support/tier";
import { CONNECT_SECRET_ENV, CONNECT_SECRET_REFS } from "../../connectors";

const PASSWORD = "Ext-stack-CH-pw-5190";
const DBZ_PASSWORD = "Ext-stack-dbz-pw-8264";
const CONNECTION_STRING = `mongodb://debezium:${DBZ_PASSWORD}@127.0.0.1:1/?replicaSet=rs0&authSource=admin`;
const SECRETS = { clickhousePassword: PASSWORD, debeziumConnectionString: CONNECTION_STRING };
const STACK = "ext";
const SOURCE = `${STACK}-mongo-source`;
const SINK = `${STACK}-clickhouse-sink`;
const BRONZE = ["mongo_ecom_customers", "mongo_ecom_products", "mongo_ecom_orders"];
const GOLD = ["dim_customers", "dim_products", "fact_orders", "fct_daily_sales"];
/** Every resource of the stack with dbt on: stack, 2 components, bronze, sink, source, dbt. */
const RESOURCES = 7;

const verbose = process.env.CDC_TEST_VERBOSE ? (l: string) => process.stderr.write(`${l}\n`) : undefined;

/** Anything that must never appear in clear: both secrets and the password inside the connection string. */
const assertNoSecrets = secretScanner({
    "the ClickHouse password": PASSWORD,
    "the Debezium connection string": CONNECTION_STRING,
    "the Debezium password": DBZ_PASSWORD,
});

describe("the external platform through the Automation API on real services", { timeout: 30 * 60_000 }, () => {
    let services: ExternalServices | undefined;
    let stack: Stack | undefined;
    let ch: ClickHouseClient | undefined;
    // The operator's Connect resolves the secrets itself (EnvVarConfigProvider): the stack sends only references.
    let settings: ExternalStackSettings = {
        heartbeatIntervalMs: 10_000,
        dropOnDestroy: false,
        dbtEnabled: true,
        connectSecretRefs: { ...CONNECT_SECRET_REFS },
    };
    let startup: Promise<void> | undefined;
    let problems: ReturnType<typeof externalStackProblems> | undefined;

    /** Gates on every toolchain (skips out loud locally, fails under CI), then waits for the services. */
    async function ready(t: TestContext): Promise<boolean> {
        problems ??= externalStackProblems();
        for (const [tier, problem] of await problems) if (!requireTier(t, tier, problem)) return false;
        startup ??= (async () => {
            services = await startExternalServices(PASSWORD, verbose, {
                [CONNECT_SECRET_ENV.clickhousePassword]: PASSWORD,
                [CONNECT_SECRET_ENV.debeziumConnectionString]: CONNECTION_STRING,
            });
            ch = createClient({ url: services.gateway.url, username: services.gateway.user, password: PASSWORD });
            stack = await createExternalStack(services, STACK, externalStackConfig(services, SECRETS, settings));
        })();
        await startup;
        return true;
    }

    async function configure(next: Partial<ExternalStackSettings>): Promise<void> {
        settings = { ...settings, ...next };
        await stack!.setAllConfig(externalStackConfig(services!, SECRETS, settings));
    }

    async function query<T>(sql: string): Promise<T[]> {
        const rs = await ch!.query({ query: sql, format: "JSONEachRow" });
        return rs.json<T>();
    }

    async function tablesOf(names: string[]): Promise<string[]> {
        const rows = await query<{ name: string }>(
            `SELECT name FROM system.tables WHERE database = 'default' AND name IN (${names.map((n) => `'${n}'`).join(",")}) ORDER BY name`,
        );
        return rows.map((r) => r.name);
    }

    const connector = (name: string) => connectorOnConnect(services!.connect.connectUrl, name);
    const connectHasNoSecrets = () =>
        assertConnectHasNoSecrets(
            assertNoSecrets,
            services!.connect,
            [SOURCE, SINK],
            CONNECT_SECRET_REFS.clickhousePassword,
        );
    const stateHasNoSecrets = () => assertStateHasNoSecrets(assertNoSecrets, stack!, services!.dir);

    const step = sequentialSteps(ready);

    after(async () => {
        // Leave nothing behind, also after a failed step: connectors go with Connect, state with the dir.
        await ch?.close().catch(() => undefined);
        if (startup) await startup.catch(() => undefined);
        await services?.stop();
    });

    step("creates the bronze tables, running connectors and a dbt run on the first up", async () => {
        const events: EngineEvent[] = [];
        const up = await stack!.up({ onEvent: (e) => events.push(e) });
        assert.equal(up.summary.result, "succeeded");
        assert.equal(up.summary.resourceChanges?.create, RESOURCES);

        assert.deepEqual(await tablesOf(BRONZE), [...BRONZE].sort(), "bronze tables exist in ClickHouse");
        assert.deepEqual(up.outputs.bronzeTables.value, BRONZE);

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
        assert.deepEqual(up.outputs.connectors.value, {
            source: { name: SOURCE, state: "RUNNING" },
            sink: { name: SINK, state: "RUNNING" },
        });
        // Connect holds references its worker resolves, never the secrets: in its REST answers and its config topic.
        assert.equal(
            (await connector(SOURCE)).config!["mongodb.connection.string"],
            CONNECT_SECRET_REFS.debeziumConnectionString,
        );
        assert.equal((await connector(SINK)).config!.password, CONNECT_SECRET_REFS.clickhousePassword);
        await connectHasNoSecrets();

        // The product's topic naming joins source and sink: a line goes through Kafka and the sink's transforms.
        fs.appendFileSync(services!.sourceFile, "engine-test-line\n");
        const deadline = Date.now() + 60_000;
        let sunk = "";
        while (Date.now() < deadline && !sunk.includes("engine-test-line")) {
            sunk = fs.existsSync(services!.sinkFile) ? fs.readFileSync(services!.sinkFile, "utf8") : "";
            if (!sunk.includes("engine-test-line")) await new Promise((r) => setTimeout(r, 250));
        }
        assert.match(sunk, /raw_data=.*engine-test-line.*,_topic=mongo\.ecom\.orders,_partition=0,_offset=0/);

        const summary = up.outputs.dbtSummary.value as { modelsBuilt: number };
        assert.ok(summary.modelsBuilt > 0, `dbt built models: ${JSON.stringify(summary)}`);
        assert.deepEqual(await tablesOf(GOLD), [...GOLD].sort(), "the gold tables exist");
        await stateHasNoSecrets();
        assertNoSecrets(up.stdout + JSON.stringify(events), "the up's output and events");
    });

    step("changes nothing on a second up", async () => {
        const up = await stack!.up();
        assert.deepEqual(up.summary.resourceChanges, { same: RESOURCES });
    });

    step(
        "previews a connector property change as an in-place update naming it, with secrets masked, and applies it",
        async () => {
            await configure({ heartbeatIntervalMs: 5_000 });
            let out = "";
            const events: EngineEvent[] = [];
            const preview = await stack!.preview({
                diff: true,
                onOutput: (s) => (out += s),
                onEvent: (e) => events.push(e),
            });
            assert.deepEqual(preview.changeSummary, { same: RESOURCES - 1, update: 1 });
            const updates = changed(events);
            assert.equal(updates.length, 1, `only the source changes: ${JSON.stringify(updates)}`);
            assert.match(updates[0][0], /KafkaConnector::cdc-source$/);
            assert.equal(updates[0][1], "update");
            const step = events.find((e) => e.resourcePreEvent?.metadata.urn === updates[0][0])!.resourcePreEvent!
                .metadata;
            // Dynamic providers return no detailed diff to the engine; the step carries old and new inputs.
            const heartbeat = (m?: { inputs: Record<string, unknown> }) =>
                (m?.inputs.config as Record<string, string> | undefined)?.["heartbeat.interval.ms"];
            assert.deepEqual([heartbeat(step.old), heartbeat(step.new)], ["10000", "5000"]);
            verbose?.(`preview --diff:\n${out}`);
            assert.match(
                out,
                /~ heartbeat\.interval\.ms\s*: "10000" => "5000"/,
                "the preview names the property, old and new value",
            );
            assert.match(out, /secretConfig\s*: \[secret\]/, "the preview shows the secret config masked");
            assertNoSecrets(out + preview.stdout + preview.stderr + JSON.stringify(events), "the preview");

            const up = await stack!.up();
            assert.deepEqual(up.summary.resourceChanges, { same: RESOURCES - 1, update: 1 });
            const live = await connector(SOURCE);
            assert.equal(live.config!["heartbeat.interval.ms"], "5000", "Connect holds the new value");
            assert.equal(live.state, "RUNNING");
            await stateHasNoSecrets();
            await connectHasNoSecrets();
        },
    );

    step("finds a connector deleted behind its back on refresh and restores it on the next up", async () => {
        const del = await fetch(`${services!.connect.connectUrl}/connectors/${SOURCE}`, { method: "DELETE" });
        assert.ok(del.ok, `out-of-band DELETE failed: ${del.status}`);
        assert.equal((await connector(SOURCE)).status, 404);

        const refresh = await stack!.refresh();
        assert.equal(
            refresh.summary.resourceChanges?.delete,
            1,
            `refresh: ${JSON.stringify(refresh.summary.resourceChanges)}`,
        );
        const inState = ((await stack!.exportStack()).deployment.resources as Array<{ urn: string }>).map((r) => r.urn);
        assert.ok(
            !inState.some((u) => u.endsWith("::cdc-source")),
            "refresh dropped the vanished connector from the state",
        );

        const up = await stack!.up();
        assert.equal(up.summary.resourceChanges?.create, 1, `up: ${JSON.stringify(up.summary.resourceChanges)}`);
        const live = await connector(SOURCE);
        assert.equal(live.status, 200);
        assert.equal(live.state, "RUNNING");
        assert.equal(live.config!["heartbeat.interval.ms"], "5000");
    });

    step("re-runs only dbt when a model is edited", async () => {
        const model = path.join(services!.dbtProjectDir, "models", "marts", "dim_products.sql");
        // A Jinja comment: the file (and so the project hash) changes, the compiled SQL does not.
        fs.writeFileSync(model, `{# edited by the engine test #}\n${fs.readFileSync(model, "utf8")}`);
        const events: EngineEvent[] = [];
        const preview = await stack!.preview({ diff: true, onEvent: (e) => events.push(e) });
        const updates = changed(events);
        assert.equal(updates.length, 1, `only one resource changes: ${JSON.stringify(updates)}`);
        assert.match(updates[0][0], /DbtRun::cdc-dbt$/);
        assert.ok(updates[0][1] === "update" || updates[0][1] === "replace");
        assert.equal(preview.changeSummary.same, RESOURCES - 1);

        const up = await stack!.up();
        assert.deepEqual(up.summary.resourceChanges, { same: RESOURCES - 1, update: 1 });
        assert.ok((up.outputs.dbtSummary.value as { modelsBuilt: number }).modelsBuilt > 0);
    });

    step("removes the connectors on destroy and keeps the bronze data when dropOnDestroy is false", async () => {
        await ch!.insert({
            table: "mongo_ecom_orders",
            values: [
                { raw_data: "{}", _topic: "mongo.ecom.orders", _partition: 0, _offset: 41 },
                { raw_data: "{}", _topic: "mongo.ecom.orders", _partition: 0, _offset: 42 },
            ],
            format: "JSONEachRow",
        });
        const down = await stack!.destroy();
        assert.equal(down.summary.resourceChanges?.delete, RESOURCES);
        assert.equal((await connector(SOURCE)).status, 404);
        assert.equal((await connector(SINK)).status, 404);
        assert.deepEqual(await tablesOf(BRONZE), [...BRONZE].sort(), "bronze tables are kept");
        assert.deepEqual(
            await query<{ n: number }>("SELECT toUInt32(count()) AS n FROM default.mongo_ecom_orders"),
            [{ n: 2 }],
            "with their rows",
        );
    });

    step("drops the bronze tables on destroy when dropOnDestroy is true", async () => {
        await configure({ dropOnDestroy: true, dbtEnabled: false });
        const up = await stack!.up();
        assert.equal(up.summary.resourceChanges?.create, RESOURCES - 1, "everything but dbt, which is off");
        assert.deepEqual(
            await query<{ n: number }>("SELECT toUInt32(count()) AS n FROM default.mongo_ecom_orders"),
            [{ n: 2 }],
            "re-creating bronze keeps existing rows",
        );

        const down = await stack!.destroy();
        assert.equal(down.summary.resourceChanges?.delete, RESOURCES - 1);
        assert.equal((await connector(SOURCE)).status, 404);
        assert.equal((await connector(SINK)).status, 404);
        assert.deepEqual(await tablesOf(BRONZE), [], "bronze tables are dropped");
        // The gold tables of the earlier dbt runs outlive bronze: the destroy output says so, naming them.
        assert.deepEqual(await tablesOf(GOLD), [...GOLD].sort());
        // (dbt is off in this update, so the stack names no dbt relation to drop with bronze)
        assert.match(
            down.stdout,
            /BronzeTables: dropped mongo_ecom_customers, mongo_ecom_products, mongo_ecom_orders in default\. Kept \(not created by this stack\): [^\n]*dim_customers[^\n]*fct_daily_sales/,
        );
        await stack!.workspace.removeStack(STACK);
    });
});
