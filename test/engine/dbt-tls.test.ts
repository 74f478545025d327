/**
 * Engine tier (the pinned dbt venv): the way DbtRun hands dbt the stack's CA works with the
 * ClickHouse client dbt-clickhouse uses. clickhouse-connect, as dbt-clickhouse calls it
 * (`interface='https'`, `verify=True`, no CA argument: dbt-clickhouse has no profile key for
 * one), refuses a server whose CA it was not given and trusts it with `caEnv(file)`
 * (`SSL_CERT_FILE`). The server is the HTTPS stand-in of test/support/https-clickhouse.ts, so
 * only the TLS handshake and the login are real here.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { describe, it } from "node:test";
import { caEnv, DBT_CA_FILE } from "../../components/providers/dbt/profile";
import { dbtVenvDir, dbtVenvProblem } from "../../components/providers/dbt/venv";
import { startHttpsClickHouse } from "../support/https-clickhouse";
import { makeTestCa, makeTestCert } from "../support/tls-pki";
import { requireTier } from "../support/tier";

const run = promisify(execFile);

describe("dbt's ClickHouse client and the stack's CA", { timeout: 120_000 }, () => {
    it("refuses the server without the CA and trusts it through caEnv", async (t) => {
        if (!requireTier(t, "dbt", await dbtVenvProblem())) return;
        const ca = makeTestCa();
        const server = await startHttpsClickHouse({
            tls: makeTestCert(ca, { commonName: "clickhouse", hosts: ["localhost"] }),
            user: "cdc",
            password: "dbt-Pa55",
        });
        const work = fs.mkdtempSync(path.join(os.tmpdir(), "cdc-dbt-tls-"));
        try {
            const caFile = path.join(work, DBT_CA_FILE);
            fs.writeFileSync(caFile, ca.certPem);
            const port = new URL(server.url).port;
            const py = [
                "import clickhouse_connect",
                "try:",
                `    clickhouse_connect.get_client(host='localhost', port=${port}, username='cdc', password='dbt-Pa55', interface='https', verify=True, connect_timeout=5)`,
                "    print('connected')",
                "except Exception as e:",
                "    print(type(e).__name__, e)",
            ].join("\n");
            const python = path.join(dbtVenvDir(), "bin", "python");
            const env = { ...process.env };
            delete env.SSL_CERT_FILE;
            delete env.SSL_CERT_DIR;
            const without = (await run(python, ["-c", py], { env })).stdout;
            assert.match(without, /CERTIFICATE_VERIFY_FAILED/);
            assert.equal(server.queries.length, 0, "nothing reached the server without the CA");
            await run(python, ["-c", py], { env: { ...env, ...caEnv(caFile) } });
            // The handshake passed and the login was accepted: the server saw the client's first query
            // (the stand-in's answer is no server version, so the client itself gives up after it).
            assert.ok(server.queries.length > 0, "the client got through TLS and the login");
            assert.equal(server.refused, 0);
        } finally {
            fs.rmSync(work, { recursive: true, force: true });
            await server.close();
        }
    });
});
