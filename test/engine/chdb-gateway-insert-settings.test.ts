/**
 * Engine tier: the settings the gateway gives every INSERT that carries its rows (as the stack's
 * sink sends them, BRONZE_INSERT_SETTINGS), seen where they matter: inside a materialized view run
 * by the INSERT. A view records `getSetting('short_circuit_function_evaluation')` per inserted row
 * (the probe has no SETTINGS clause: in a view's SELECT, getSetting reports the clause's value, but
 * the expressions run with the INSERT's, docs/analytics.md).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startChdbGateway, type ChdbGateway } from "../../tools/chdb-gateway";
import { BRONZE_INSERT_SETTINGS } from "../../connectors";
import { gatewayHttp, PASSWORD, USER } from "../support/gateway-http";

const SETTING = "short_circuit_function_evaluation";

/** Runs one statement; fails the test with the gateway's error body otherwise. */
async function run(
    gw: ChdbGateway,
    query: string,
    params: Record<string, string> = {},
    body?: string,
): Promise<string> {
    const r = await gatewayHttp(gw, { query, ...params }, { method: "POST", body: body ?? "" });
    assert.equal(r.status, 200, `${query}: ${r.text}`);
    return r.text;
}

/** A source table and a view that keeps, per inserted row, the setting the view ran with. */
async function createSeen(gw: ChdbGateway): Promise<void> {
    await run(gw, "CREATE TABLE src (id UInt32) ENGINE = Null");
    await run(
        gw,
        `CREATE MATERIALIZED VIEW seen ENGINE = MergeTree ORDER BY id AS
         SELECT id, getSetting('${SETTING}') AS value FROM src`,
    );
}

async function seen(gw: ChdbGateway, id: number): Promise<string> {
    return (await run(gw, `SELECT value FROM seen WHERE id = ${id}`)).trim();
}

describe("chdb gateway: the INSERT settings", { timeout: 120_000 }, () => {
    let gw: ChdbGateway;
    let plain: ChdbGateway;
    before(async () => {
        gw = await startChdbGateway({ user: USER, password: PASSWORD });
        plain = await startChdbGateway({ user: USER, password: PASSWORD, insertSettings: {} });
        for (const g of [gw, plain]) await createSeen(g);
    });
    after(async () => {
        await gw?.stop();
        await plain?.stop();
    });

    it("are the sink's by default: short-circuit evaluation off inside the views an INSERT runs", async () => {
        assert.equal(BRONZE_INSERT_SETTINGS[SETTING], "disable");
        await run(gw, "INSERT INTO src FORMAT JSONEachRow", {}, '{"id":1}\n');
        await run(gw, "INSERT INTO src VALUES", {}, "(2)");
        assert.equal(await seen(gw, 1), "disable");
        assert.equal(await seen(gw, 2), "disable");
    });

    it("yield to the request's own setting and to a session's SET", async () => {
        await run(gw, "INSERT INTO src FORMAT JSONEachRow", { [SETTING]: "force_enable" }, '{"id":3}\n');
        assert.equal(await seen(gw, 3), "force_enable");
        const session = { session_id: "insert-settings" };
        await run(gw, `SET ${SETTING} = 'enable'`, session);
        await run(gw, "INSERT INTO src FORMAT JSONEachRow", session, '{"id":4}\n');
        assert.equal(await seen(gw, 4), "enable");
        // and leave the session's setting as it was
        assert.equal((await run(gw, `SELECT getSetting('${SETTING}')`, session)).trim(), "enable");
    });

    it("leave INSERT … SELECT and other statements to the engine's defaults", async () => {
        await run(gw, "INSERT INTO src SELECT 5");
        assert.equal(await seen(gw, 5), "enable");
        assert.equal((await run(gw, `SELECT getSetting('${SETTING}')`)).trim(), "enable");
    });

    it("with insertSettings {}: the engine's default reaches the view", async () => {
        await run(plain, "INSERT INTO src FORMAT JSONEachRow", {}, '{"id":6}\n');
        assert.equal(await seen(plain, 6), "enable");
    });
});
