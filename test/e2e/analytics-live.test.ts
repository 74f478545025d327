/**
 * End to end through `analytics:live`: the command is started as a user would (its own process,
 * a port, gold refreshed every second), and change events are inserted into bronze over HTTP as
 * the sink does — a new order (with its customer and product), an update that cancels it, then
 * its delete. Each change must show in fct_daily_sales, fact_orders, dim_customers and
 * dim_products within the refresh interval plus the refresh time, with no dbt invocation; then
 * SIGTERM stops the command cleanly.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import * as net from "node:net";
import * as path from "node:path";
import { after, describe, it, type TestContext } from "node:test";
import { pathToFileURL } from "node:url";
import { createClient, type ClickHouseClient } from "@clickhouse/client";
import { dbtVenvProblem } from "../../components/providers/dbt/venv";
import { REPLAY_OUTPUT_SETTINGS } from "../../tools/analytics/replay/models";
import { BronzeBuilder, customerDoc, oid, orderDoc, productDoc } from "../support/oracle/builder";
import { chdbProblem } from "../support/chdb";
import { requireTier } from "../support/tier";

const REPO = path.resolve(__dirname, "../..");
const INTERVAL_S = 1;

function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const srv = net.createServer().listen(0, "127.0.0.1", () => {
            const { port } = srv.address() as net.AddressInfo;
            srv.close(() => resolve(port));
        });
        srv.on("error", reject);
    });
}

describe("analytics:live", { timeout: 15 * 60_000 }, () => {
    let child: ChildProcess | undefined;
    let client: ClickHouseClient | undefined;
    let url = "";
    let stderr = "";
    after(async () => {
        await client?.close();
        if (child && child.exitCode === null) child.kill("SIGKILL");
    });

    async function start(t: TestContext): Promise<boolean> {
        if (!requireTier(t, "dbt", chdbProblem() ?? (await dbtVenvProblem()))) return false;
        if (client) return true;
        const port = await freePort();
        const tsx = pathToFileURL(require.resolve("tsx")).href;
        child = spawn(
            process.execPath,
            [
                "--import",
                tsx,
                path.join(REPO, "tools/analytics/live.ts"),
                "--port",
                String(port),
                "--refresh-seconds",
                String(INTERVAL_S),
                "--user",
                "live",
                "--password",
                "live-pw-314",
            ],
            {
                cwd: REPO,
                stdio: ["ignore", "pipe", "pipe"],
            },
        );
        child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
        url = await new Promise<string>((resolve, reject) => {
            let out = "";
            const timer = setTimeout(
                () => reject(new Error(`no "ready" line within 10 min; stderr:\n${stderr.slice(-3000)}`)),
                10 * 60_000,
            );
            child!.stdout!.on("data", (d: Buffer) => {
                out += d.toString();
                const m = /^ready (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
                if (m) {
                    clearTimeout(timer);
                    resolve(m[1]!);
                }
            });
            child!.once("exit", (code) =>
                reject(new Error(`analytics:live exited with ${code}; stderr:\n${stderr.slice(-3000)}`)),
            );
        });
        assert.equal(url, `http://127.0.0.1:${port}`);
        client = createClient({ url, username: "live", password: "live-pw-314", database: "default" });
        return true;
    }

    const b = new BronzeBuilder();
    const CUSTOMER = oid("c0ffee000000000000000001");
    const PRODUCT = oid("c0ffee000000000000000002");
    const ORDER = oid("c0ffee000000000000000003");
    const DAY = "2026-03-14";
    const order = (status: string) =>
        orderDoc(
            ORDER,
            CUSTOMER,
            status,
            [{ product: PRODUCT, quantity: 3, unitPrice: "12.50" }],
            `${DAY}T10:00:00.000Z`,
        );

    async function insert(
        collection: "customers" | "products" | "orders",
        rows: ReturnType<BronzeBuilder["tables"]>["orders"],
    ): Promise<void> {
        await client!.insert({ table: `mongo_ecom_${collection}`, values: rows, format: "JSONEachRow" });
    }

    async function probe(): Promise<string> {
        const rs = await client!.query({
            query: `SELECT
                (SELECT groupArray((total_orders_placed, total_revenue, cancelled_orders, items_sold)) FROM fct_daily_sales WHERE order_date = '${DAY}') AS daily,
                (SELECT groupArray((line_number, order_status, line_total, customer_segment)) FROM fact_orders WHERE order_id = '${ORDER}') AS lines,
                (SELECT groupArray((total_orders, customer_lifetime_value)) FROM dim_customers WHERE customer_id = '${CUSTOMER}') AS customer,
                (SELECT groupArray((units_sold, revenue)) FROM dim_products WHERE product_id = '${PRODUCT}') AS product`,
            format: "JSONEachRow",
            clickhouse_settings: REPLAY_OUTPUT_SETTINGS,
        });
        return JSON.stringify((await rs.json())[0]);
    }

    /** Waits until {@link probe} equals `expected`; returns the seconds it took. */
    async function observe(expected: unknown, since: number): Promise<number> {
        const want = JSON.stringify(expected);
        let last = "";
        while (Date.now() - since < 60_000) {
            last = await probe();
            if (last === want) return (Date.now() - since) / 1000;
            await new Promise((r) => setTimeout(r, 100));
        }
        assert.fail(`gold did not reach ${want} within 60 s; last seen ${last}`);
    }

    /**
     * Bound on bronze → gold: the INSERTs' own time (`insertS`: silver is written inside the INSERT, by its views),
     * the interval (a change can just miss a refresh) plus the chain's refresh time, with a margin.
     */
    async function bound(insertS: number): Promise<number> {
        const rs = await client!.query({
            query: "SELECT sum(last_success_duration_ms) AS ms FROM system.view_refreshes WHERE database = 'default'",
            format: "JSONEachRow",
        });
        const [{ ms }] = await rs.json<{ ms: number | string }>();
        return insertS + INTERVAL_S + Number(ms) / 1000 + 2;
    }

    it("starts, deploys the models and prints ready with its URL", async (t) => {
        if (!(await start(t))) return;
        const rs = await client!.query({
            query: "SELECT name FROM system.tables WHERE database = 'default' AND name IN ('fct_daily_sales', 'bronze_rejects', 'mongo_ecom_orders') ORDER BY name",
            format: "JSONEachRow",
        });
        assert.deepEqual(
            (await rs.json<{ name: string }>()).map((r) => r.name),
            ["bronze_rejects", "fct_daily_sales", "mongo_ecom_orders"],
        );
    });

    it("shows a new order in every gold table within the interval plus the refresh time", async (t) => {
        if (!(await start(t))) return;
        const since = Date.now();
        await insert("customers", [b.insert("customers", customerDoc(CUSTOMER), { tsMs: since })]);
        await insert("products", [b.insert("products", productDoc(PRODUCT, "12.50", 40), { tsMs: since })]);
        await insert("orders", [b.insert("orders", order("paid"), { tsMs: since })]);
        const insertS = (Date.now() - since) / 1000;
        const took = await observe(
            {
                daily: [[1, "37.50", 0, 3]],
                lines: [[1, "paid", "37.50", "low_value"]],
                customer: [[1, "37.50"]],
                product: [[3, "37.50"]],
            },
            since,
        );
        const limit = await bound(insertS);
        t.diagnostic(
            `new order: bronze → gold in ${took.toFixed(2)} s, the INSERTs ${insertS.toFixed(2)} s of it (bound ${limit.toFixed(2)} s)`,
        );
        assert.ok(took <= limit, `new order reached gold after ${took} s, over ${limit} s`);
    });

    it("shows an update (the order cancelled) within the same bound", async (t) => {
        if (!(await start(t))) return;
        const since = Date.now();
        await insert("orders", [b.update("orders", order("cancelled"), { tsMs: since })]);
        const insertS = (Date.now() - since) / 1000;
        const took = await observe(
            {
                daily: [[1, "0.00", 1, 0]],
                lines: [[1, "cancelled", "37.50", "prospect"]],
                customer: [[1, "0.00"]],
                product: [[0, "0.00"]],
            },
            since,
        );
        const limit = await bound(insertS);
        t.diagnostic(
            `update: bronze → gold in ${took.toFixed(2)} s, the INSERTs ${insertS.toFixed(2)} s of it (bound ${limit.toFixed(2)} s)`,
        );
        assert.ok(took <= limit, `update reached gold after ${took} s, over ${limit} s`);
    });

    it("shows a delete within the same bound", async (t) => {
        if (!(await start(t))) return;
        const since = Date.now();
        await insert("orders", [b.deleteWithBefore("orders", order("cancelled"), { tsMs: since })]);
        const insertS = (Date.now() - since) / 1000;
        const took = await observe({ daily: [], lines: [], customer: [[0, "0.00"]], product: [[0, "0.00"]] }, since);
        const limit = await bound(insertS);
        t.diagnostic(
            `delete: bronze → gold in ${took.toFixed(2)} s, the INSERTs ${insertS.toFixed(2)} s of it (bound ${limit.toFixed(2)} s)`,
        );
        assert.ok(took <= limit, `delete reached gold after ${took} s, over ${limit} s`);
    });

    it("stops cleanly on SIGTERM", async (t) => {
        if (!(await start(t))) return;
        const exited = new Promise<number | null>((resolve) => child!.once("exit", (code) => resolve(code)));
        child!.kill("SIGTERM");
        const code = await Promise.race([
            exited,
            new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 20_000)),
        ]);
        assert.equal(code, 0, `exit code after SIGTERM (stderr: ${stderr.slice(-500)})`);
        await assert.rejects(fetch(`${url}/ping`, { signal: AbortSignal.timeout(2000) }), "the port is closed");
    });
});
