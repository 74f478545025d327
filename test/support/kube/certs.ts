/**
 * The test cluster's credentials: a CA, the API server's serving certificate, an admin client
 * certificate in `system:masters` and the service-account key pair, made by openssl for one
 * cluster alone, and the kubeconfig that uses them (test/support/kube/cluster.ts).
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

async function openssl(dir: string, args: string[]): Promise<void> {
    try {
        await run("openssl", args, { cwd: dir, timeout: 60_000 });
    } catch (e) {
        const err = e as { stderr?: string; message: string };
        throw new Error(
            `openssl ${args[0]} failed (openssl is needed to make the test cluster's certificates): ${err.message}\n${err.stderr ?? ""}`,
        );
    }
}

/** CA, apiserver serving cert (127.0.0.1, localhost), an admin client cert and the service-account key. */
export async function makeCerts(dir: string): Promise<void> {
    await openssl(dir, [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt",
        "-days",
        "2",
        "-subj",
        "/CN=cdc-test-ca",
    ]);
    const sign = async (name: string, subj: string, ext: string) => {
        await openssl(dir, [
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            `${name}.key`,
            "-out",
            `${name}.csr`,
            "-subj",
            subj,
        ]);
        fs.writeFileSync(path.join(dir, `${name}.ext`), ext);
        await openssl(dir, [
            "x509",
            "-req",
            "-in",
            `${name}.csr`,
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            `${name}.crt`,
            "-days",
            "2",
            "-extfile",
            `${name}.ext`,
        ]);
    };
    await sign(
        "apiserver",
        "/CN=kube-apiserver",
        "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n",
    );
    await sign("admin", "/O=system:masters/CN=cdc-test-admin", "extendedKeyUsage=clientAuth\n");
    await openssl(dir, ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "sa.key"]);
    await openssl(dir, ["pkey", "-in", "sa.key", "-pubout", "-out", "sa.pub"]);
}

export function kubeconfigYaml(server: string, dir: string): string {
    return [
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- name: cdc-test",
        "  cluster:",
        `    server: ${server}`,
        `    certificate-authority: ${path.join(dir, "ca.crt")}`,
        "users:",
        "- name: cdc-test-admin",
        "  user:",
        `    client-certificate: ${path.join(dir, "admin.crt")}`,
        `    client-key: ${path.join(dir, "admin.key")}`,
        "contexts:",
        "- name: cdc-test",
        "  context: { cluster: cdc-test, user: cdc-test-admin }",
        "current-context: cdc-test",
        "",
    ].join("\n");
}
