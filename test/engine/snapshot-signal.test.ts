/**
 * The snapshot-signal provider with the real `mongodb` driver against a real MongoDB
 * wire-protocol server (FerretDB; no MongoDB server exists on this machine). What it proves: the
 * signal document lands in the signal collection exactly as Debezium's MongoDB source channel
 * reads it (three fields: id, type, data); a new id is inserted once; an id the server already
 * holds is not inserted again even when the provider's state is lost (duplicate `_id`); bad
 * credentials fail within the deadline with the password masked. FerretDB has no change streams,
 * so Debezium reading the signal is not exercised here.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { MongoClient } from "mongodb";
import {
    createSnapshotSignalProvider,
    type SnapshotSignalInputs,
    type SnapshotSignalOutputs,
} from "../../components/providers/snapshotSignal";
import { ferretdbBinary, startFerretDb, type FerretDb } from "../support/ferretdb";
import { requireTier } from "../support/tier";
import { makeTestCa, makeTestCert, writeKeyPair } from "../support/tls-pki";

const USER = "admin";
const PASSWORD = "pw-Sn4p/shot";

describe("snapshot signals into a real wire-protocol server (FerretDB)", { timeout: 20 * 60_000 }, () => {
    let server: FerretDb | undefined;
    let problem: string | undefined;
    before(async () => {
        const found = await ferretdbBinary();
        problem = found.problem;
        if (found.path) server = await startFerretDb(found.path, { auth: { user: USER, password: PASSWORD } });
    });
    after(async () => {
        await server?.stop();
    });

    const inputs = (
        requests: Record<string, string[]>,
        extra: Partial<SnapshotSignalInputs> = {},
    ): SnapshotSignalInputs => ({
        connectionString: server!.uri,
        database: "ecom",
        signalCollection: "cdc_signal_enginetest",
        connectorName: "enginetest-mongo-source",
        requests,
        timeoutSeconds: 5,
        ...extra,
    });

    async function signalDocs(): Promise<Record<string, unknown>[]> {
        const client = new MongoClient(server!.uri, { serverSelectionTimeoutMS: 5000 });
        try {
            await client.connect();
            return await client
                .db("ecom")
                .collection("cdc_signal_enginetest")
                .find({}, { sort: { _id: 1 } })
                .toArray();
        } finally {
            await client.close();
        }
    }

    let stored: SnapshotSignalOutputs | undefined;

    it("inserts one execute-snapshot document per new id, shaped as Debezium reads it", async (t) => {
        if (!requireTier(t, "engine", problem)) return;
        assert.match(server!.uri, new RegExp(`${USER}:`), "the server requires credentials");
        const p = createSnapshotSignalProvider({ log: () => undefined });
        stored = (
            await p.create!(inputs({ "orders-1": ["orders"], "all-2": ["customers", "products", "orders"] }) as never)
        ).outs as SnapshotSignalOutputs;
        const docs = await signalDocs();
        assert.deepEqual(
            docs.map((d) => Object.keys(d)),
            [
                ["_id", "type", "data"],
                ["_id", "type", "data"],
            ],
        );
        const byId = Object.fromEntries(docs.map((d) => [d._id as string, d]));
        assert.equal(byId["orders-1"]!.type, "execute-snapshot");
        assert.deepEqual(JSON.parse(byId["orders-1"]!.data as string), {
            "data-collections": ["ecom.orders"],
            type: "incremental",
        });
        assert.deepEqual(JSON.parse(byId["all-2"]!.data as string)["data-collections"], [
            "ecom.customers",
            "ecom.products",
            "ecom.orders",
        ]);
        assert.deepEqual(
            stored.executed.map((e) => [e.id, e.outcome]),
            [
                ["orders-1", "sent"],
                ["all-2", "sent"],
            ],
        );
    });

    it("an update sends only the new id", async (t) => {
        if (!requireTier(t, "engine", problem)) return;
        assert.ok(stored, "the first step failed");
        const p = createSnapshotSignalProvider({ log: () => undefined });
        stored = (
            await p.update!("x", stored, inputs({ "orders-1": ["orders"], "customers-3": ["customers"] }) as never)
        ).outs as SnapshotSignalOutputs;
        assert.deepEqual((await signalDocs()).map((d) => d._id).sort(), ["all-2", "customers-3", "orders-1"]);
        assert.deepEqual(
            stored.executed.map((e) => e.id),
            ["orders-1", "all-2", "customers-3"],
        );
    });

    it("with the state lost, an id the server holds is found, not inserted again", async (t) => {
        if (!requireTier(t, "engine", problem)) return;
        const lines: string[] = [];
        const p = createSnapshotSignalProvider({ log: (l) => lines.push(l) });
        const outs = (await p.create!(inputs({ "orders-1": ["orders"] }) as never)).outs as SnapshotSignalOutputs;
        assert.deepEqual(
            outs.executed.map((e) => [e.id, e.outcome]),
            [["orders-1", "found"]],
        );
        assert.equal((await signalDocs()).filter((d) => d._id === "orders-1").length, 1);
        assert.match(lines.join("\n"), /already in ecom\.cdc_signal_enginetest/);
    });

    it("wrong credentials fail within the deadline, naming the target, with the password masked", async (t) => {
        if (!requireTier(t, "engine", problem)) return;
        const p = createSnapshotSignalProvider({ log: () => undefined });
        const wrong = server!.uri.replace(encodeURIComponent(PASSWORD), "wrong-Pa55");
        assert.notEqual(wrong, server!.uri);
        const started = Date.now();
        await assert.rejects(
            p.create!(inputs({ x: ["orders"] }, { connectionString: wrong, timeoutSeconds: 2 }) as never),
            (e: Error) => {
                assert.match(
                    e.message,
                    /SnapshotSignal: sending snapshot request .*to ecom\.cdc_signal_enginetest .*failed/,
                );
                assert.match(e.message, /may insert into ecom\.cdc_signal_enginetest/);
                assert.doesNotMatch(e.message, /wrong-Pa55|Sn4p/);
                return true;
            },
        );
        assert.ok(Date.now() - started < 10_000, "bounded by the deadline");
        assert.equal((await signalDocs()).filter((d) => d._id === "x").length, 0);
    });
});

describe("snapshot signals over TLS (FerretDB serving TLS only)", { timeout: 20 * 60_000 }, () => {
    let server: FerretDb | undefined;
    let problem: string | undefined;
    let caPem = "";
    let otherCaPem = "";
    let dir = "";
    before(async () => {
        const found = await ferretdbBinary();
        problem = found.problem;
        if (!found.path) return;
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "cdc-signal-tls-"));
        const ca = makeTestCa();
        caPem = ca.certPem;
        otherCaPem = makeTestCa("another-ca").certPem;
        const files = writeKeyPair(dir, "server", makeTestCert(ca, { commonName: "mongo", hosts: ["127.0.0.1"] }));
        server = await startFerretDb(found.path, {
            auth: { user: USER, password: PASSWORD },
            tls: { certFile: files.cert, keyFile: files.key },
        });
    });
    after(async () => {
        await server?.stop();
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });
    const tlsInputs = (ca: string | undefined): SnapshotSignalInputs => ({
        connectionString: server!.uri,
        database: "ecom",
        signalCollection: "cdc_signal_tlstest",
        connectorName: "enginetest-mongo-source",
        requests: { "orders-1": ["orders"] },
        timeoutSeconds: 3,
        ...(ca ? { caPem: ca } : {}),
    });

    it("sends the signal trusting the stack's CA given as caPem", async (t) => {
        if (!requireTier(t, "engine", problem)) return;
        assert.match(server!.uri, /tls=true/);
        const p = createSnapshotSignalProvider({ log: () => undefined });
        const outs = (await p.create!(tlsInputs(caPem) as never)).outs as SnapshotSignalOutputs;
        assert.deepEqual(
            outs.executed.map((e) => [e.id, e.outcome]),
            [["orders-1", "sent"]],
        );
    });

    it("refuses the server when caPem is another CA, within the deadline, password masked", async (t) => {
        if (!requireTier(t, "engine", problem)) return;
        const p = createSnapshotSignalProvider({ log: () => undefined });
        const started = Date.now();
        await assert.rejects(p.create!(tlsInputs(otherCaPem) as never), (e: Error) => {
            assert.match(e.message, /SnapshotSignal: sending snapshot request/);
            assert.match(e.message, /MongoDB at mongodb:\/\/127\.0\.0\.1:\d+: its certificate is not signed by a CA/);
            assert.doesNotMatch(e.message, new RegExp(PASSWORD.replace(/[/]/g, "\\/")));
            return true;
        });
        assert.ok(Date.now() - started < 15_000, "bounded by the 3 s deadline");
    });
});
