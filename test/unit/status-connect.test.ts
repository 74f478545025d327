/**
 * Unit: the Kafka Connect reads of `npm run status` against a stand-in worker on 127.0.0.1 (status, 404, errors, a hung
 * worker).
 */
import assert from "node:assert/strict";
import * as http from "node:http";
import { after, before, describe, it } from "node:test";
import { readConnector, readConnectorConfig } from "../../tools/status/connect";

const SECRET = "mongo-Pa55";
let server: http.Server;
let url = "";

before(async () => {
    server = http.createServer((req, res) => {
        const send = (status: number, body: unknown) => {
            res.writeHead(status, { "content-type": "application/json" });
            res.end(typeof body === "string" ? body : JSON.stringify(body));
        };
        switch (req.url) {
            case "/connectors/src/status":
                return send(200, {
                    name: "src",
                    connector: { state: "RUNNING", worker_id: "w1:8083" },
                    tasks: [
                        { id: 1, state: "RUNNING", worker_id: "w2:8083" },
                        {
                            id: 0,
                            state: "FAILED",
                            worker_id: "w1:8083",
                            trace: `org.apache.kafka.connect.errors.ConnectException: auth failed for mongodb://dbz:${SECRET}@m:27017\n\tat A\n\tat B\n\tat C`,
                        },
                    ],
                });
            case "/connectors/src/config":
                return send(200, { "connector.class": "x", topic: "lines" });
            case "/connectors/gone/status":
                return send(404, { error_code: 404, message: "No status found for connector gone" });
            case "/connectors/busy/status":
                return send(500, { error_code: 500, message: `Request timed out for mongodb://u:${SECRET}@h` });
            case "/connectors/hung/status":
            case "/connectors/hung/config":
                return; // never answers
            default:
                return send(404, {});
        }
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

after(() => {
    server.closeAllConnections();
    server.close();
});

const target = (timeoutMs = 2000) => ({ url, timeoutMs, secrets: [SECRET], traceLines: 2 });

describe("status: Kafka Connect reads", () => {
    it("connector and tasks with state, worker and the first lines of a trace, secrets masked, tasks in id order", async () => {
        const c = await readConnector(target(), "src");
        assert.deepEqual(c, {
            name: "src",
            state: "RUNNING",
            workerId: "w1:8083",
            trace: undefined,
            tasks: [
                {
                    id: 0,
                    state: "FAILED",
                    workerId: "w1:8083",
                    trace: "org.apache.kafka.connect.errors.ConnectException: auth failed for mongodb://dbz:***@m:27017\n\tat A",
                },
                { id: 1, state: "RUNNING", workerId: "w2:8083", trace: undefined },
            ],
        });
        assert.deepEqual(await readConnectorConfig(target(), "src"), { "connector.class": "x", topic: "lines" });
    });

    it("a missing connector, an error answer, a hung worker and a refused connection each become an error saying what to do", async () => {
        assert.match(
            (await readConnector(target(), "gone")).error!,
            /^not found on http:\/\/127\.0\.0\.1:\d+: `npm run up` creates it/,
        );
        const busy = (await readConnector(target(), "busy")).error!;
        assert.match(busy, /^Kafka Connect answered HTTP 500: /);
        assert.ok(!busy.includes(SECRET), busy);
        const t0 = Date.now();
        const hung = (await readConnector(target(300), "hung")).error!;
        assert.match(hung, /did not answer within 0\.3 s: is the worker up \(`npm run up`\)\? raise --timeout/);
        assert.ok(Date.now() - t0 < 2000, "bounded by the deadline");
        const refused = (await readConnector({ ...target(), url: "http://127.0.0.1:1" }, "src")).error!;
        assert.match(refused, /is unreachable .*is --connect-url right\?/);
        assert.equal(
            await readConnectorConfig(target(300), "hung"),
            undefined,
            "an unreadable config is no topics, not a crash",
        );
    });
});
